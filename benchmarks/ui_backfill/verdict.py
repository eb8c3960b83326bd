"""The targets of the report, PASS or MISS: per partition, fitted, and no fixed cost that
grows with N."""

from __future__ import annotations

import statistics

from benchmarks.ui_backfill.figures import fit
from benchmarks.ui_backfill.pair import Pair
from benchmarks.ui_backfill.settings import (FIXED_GROWTH_TOLERANCE_S,
                                             FIXED_GROWTH_TOLERANCE_SHARE,
                                             TARGET_PER_PARTITION_S, TICK_MEAN_S)


def verdict(pairs: list[Pair]) -> list[str]:
    lines = []
    good = [p for p in pairs if p.overhead is not None]
    target = TARGET_PER_PARTITION_S
    mark = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    for pair in good:
        per = pair.overhead / pair.n  # type: ignore[operator]
        lines.append(f"{mark(per <= target)} per partition at N={pair.n}: overhead "
                     f"{pair.overhead:.1f} s / {pair.n} = {per:.3f} s per partition (target <= "
                     f"{target})")
    for pair in good:
        if pair.overhead_no_ticks is not None:
            per = pair.overhead_no_ticks / pair.n
            lines.append(f"({mark(per <= target)} without the backfill daemon's two tick waits, "
                         f"which are 0-30 s each whatever N: {pair.overhead_no_ticks:.1f} s / "
                         f"{pair.n} = {per:.3f} s per partition)")
    for pair in good:
        if pair.overhead_no_ticks is not None:
            expected = pair.overhead_no_ticks + 2 * TICK_MEAN_S
            per = expected / pair.n
            lines.append(f"({mark(per <= target)} with the average tick waits instead, 2 x "
                         f"{TICK_MEAN_S:.0f} s, what a UI user can expect: {expected:.1f} s / "
                         f"{pair.n} = {per:.3f} s per partition)")
    total_fit = fit([(p.n, p.overhead) for p in good])  # type: ignore[misc]
    if total_fit:
        a, b = total_fit
        sizes = sorted({p.n for p in good})
        note = ""
        if len(good) == 2:
            note = (f"; two points: an exact fit, and the tick waits alone (0-30 s each) can move "
                    f"its slope by up to {2 * 2 * TICK_MEAN_S / (sizes[-1] - sizes[0]):.3f} s per "
                    f"partition")
        lines.append(f"{mark(b <= target)} fitted per-partition cost: overhead(N) = {a:.1f} s + "
                     f"{b:.4f} s x N (least squares over {len(good)} point(s){note}; target <= "
                     f"{target} s per partition)")
    no_ticks = [(p.n, p.overhead_no_ticks) for p in good if p.overhead_no_ticks is not None]
    tick_fit = fit(no_ticks)  # type: ignore[arg-type]
    if tick_fit:
        a, b = tick_fit
        lines.append(f"({mark(b <= target)} the same fit without the daemon's tick waits: "
                     f"overhead(N) = {a:.1f} s + {b:.4f} s x N)")
    fixed = [(p.n, p.project.fixed_s(False)) for p in good if p.project.fixed_s(False) is not None]
    fixed_fit = fit(fixed)  # type: ignore[arg-type]
    if fixed_fit:
        a, b = fixed_fit
        lo, hi = min(n for n, _ in fixed), max(n for n, _ in fixed)
        growth = b * (hi - lo)
        mean = statistics.fmean(v for _, v in fixed)
        tolerance = max(FIXED_GROWTH_TOLERANCE_S, FIXED_GROWTH_TOLERANCE_SHARE * mean)
        lines.append(f"{mark(growth <= tolerance)} no fixed cost that grows with N: the fixed part "
                     f"(launch -> first API request and last materialization -> COMPLETED, the "
                     f"daemon's tick waits excluded) fits "
                     f"{a:.1f} s + {b:.4f} s x N: {growth:+.1f} s from N={lo} to N={hi} "
                     f"(tolerance {tolerance:.1f} s = max({FIXED_GROWTH_TOLERANCE_S:.0f} s, "
                     f"{100 * FIXED_GROWTH_TOLERANCE_SHARE:.0f} % of its mean))")
        planned = [(p.n, p.project.phases()["planned"]) for p in good
                   if p.project.phases()["planned"] is not None]
        pf = fit(planned)  # type: ignore[arg-type]
        if pf:
            lines.append(f"(of which run created -> enqueued, the daemon writing the planned "
                         f"events, fits {pf[0]:.1f} s + {pf[1]:.4f} s x N)")
    elif len({p.n for p in good}) < 2:
        lines.append("(no fit: fewer than two sizes measured)")
    return lines
