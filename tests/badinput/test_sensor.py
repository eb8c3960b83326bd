"""The hostile lists through the real target list sensor: runs for exactly the good rows, every
rejected row named in the tick's log with its line and reason; a 10 MB list of junk in a few
seconds, its thousands of rejections summed up rather than flooding the log."""

import dagster as dg
import pytest

from resources.target_list import TargetListResource
from sensors.target_list import MAX_LOGGED_REJECTIONS
from social_graph.definitions import defs
from tests.badinput.conftest import (bad_lines, junk, rejection_lines, tick,
                                     write_hostile)
from tests.badinput.hostile import GOOD_COLLECT, POST
from tests.dagster.conftest import run_keys

# The good rows' new partitions, registered side by side: one run per partition set.
EXPECTED_RUNS = {("accounts_job", frozenset({"tw_janedoe", "tw_dagster_io", "ig_natgeo",
                                             "ig_jane.doe"})),
                 ("posts_job", frozenset({f"tw_{POST}"}))}


def _runs(result) -> set:
    order = {r.partitions_def_name: list(r.partition_keys)
             for r in result.dynamic_partitions_requests}
    return {(job, frozenset(keys)) for job, keys in
            (run_keys(r, order[r.job_name.removesuffix("_job")]) for r in result.run_requests)}


def _added(requests) -> dict[str, set]:
    added = {}
    for request in requests:
        assert isinstance(request, dg.AddDynamicPartitionsRequest)
        added.setdefault(request.partitions_def_name, set()).update(request.partition_keys)
    return added


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if " - WARNING - " in line]


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_a_hostile_list_becomes_runs_for_exactly_its_good_rows(fmt, tmp_path, instance, capfd):
    path, at = write_hostile(tmp_path, fmt)
    capfd.readouterr()
    # As the daemon evaluates it: its run requests are validated against the partitions the
    # same tick adds.
    context = dg.build_sensor_context(
        instance=instance, instance_ref=instance.get_ref(), definitions=defs,
        resources={"target_list": TargetListResource(path=str(path))})
    data = defs.resolve_sensor_def("target_list_sensor").evaluate_tick(context)
    assert _runs(data) == EXPECTED_RUNS
    assert _added(data.dynamic_partitions_requests) == {
        "accounts": {k for k in GOOD_COLLECT if not k.endswith(POST)}, "posts": {f"tw_{POST}"}}

    # The tick's log names every rejected row, by line, with what is wrong with it.
    logged = rejection_lines("\n".join(_warnings(capfd.readouterr().err)), "target list: rejected ")
    bad = bad_lines(at)
    assert sorted(logged) == sorted(bad)
    for line, case in bad.items():
        assert case.keyword in logged[line], (case.name, logged[line])


def test_a_10_mb_list_of_junk_is_read_and_its_rejections_summed_up(
        tmp_path, instance, capfd):
    text, at = junk("yaml")
    path = tmp_path / "targets.yaml"
    path.write_bytes(text.encode())
    bad = bad_lines(at)
    assert len(bad) > 100_000
    capfd.readouterr()
    result = tick(instance, path)  # how fast: make bench-parse
    assert _runs(result) == EXPECTED_RUNS

    err = capfd.readouterr().err
    warnings = _warnings(err)
    assert len(warnings) == MAX_LOGGED_REJECTIONS + 1
    logged = rejection_lines("\n".join(warnings), "target list: rejected ")
    first = sorted(bad)[:MAX_LOGGED_REJECTIONS]
    assert sorted(logged) == first
    assert all(bad[line].keyword in logged[line] for line in first)
    more = len(bad) - MAX_LOGGED_REJECTIONS
    assert (f"target list: {more:,} more rows rejected, from line {sorted(bad)[MAX_LOGGED_REJECTIONS]:,} "
            f"to line {max(bad):,}, not logged one by one") in warnings[-1]
    assert (f"5 targets, 5 new partitions, 5 partitions to collect in 2 runs, {len(bad)} rows "
            "rejected") in err
