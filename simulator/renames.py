"""Handle changes (the `renames` knob): an account answers under a new handle from an epoch on.

Contract:
- An entry {"platform", "from", "to", "epoch"} renames the account holding `from` at `epoch`:
  from that epoch on it is `to` in every list, entry and lookup; its `id` and everything else
  stay the same (ids never derive from the current handle). The old handle is unknown from
  then on: a lookup of it fails as for any unknown account.
- Entries apply in epoch order (in list order within an epoch), so an account can be renamed
  twice. A `to` must be a valid handle on its platform and never held by any account of the
  world (not before, not after): handles are not reused.
- `check_entries` validates the shape (SimulatorConfig); `Handles` validates against a world's
  accounts (unknown `from`, taken `to`) and answers "who is @x at epoch e". Every refusal is a
  ValueError naming the entry.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Callable, Sequence

from simulator.names import USERNAME_RULES

KEYS = ("platform", "from", "to", "epoch")


def _handle(text: Any) -> Any:
    return text.strip().lstrip("@").lower() if isinstance(text, str) else text


def check_entries(entries: Any, platforms: Sequence[str]) -> tuple[dict[str, Any], ...]:
    """`renames` checked for shape and normalised (handles lower-case, no `@`)."""
    if not isinstance(entries, (list, tuple)):
        raise ValueError("renames must be a list of {platform, from, to, epoch} objects")
    out = []
    for n, entry in enumerate(entries):
        label = f"renames[{n}] {entry!r}"
        if not isinstance(entry, dict) or set(entry) != set(KEYS):
            raise ValueError(f"{label}: must have exactly the keys {', '.join(KEYS)}")
        platform, old, new, epoch = (entry[k] for k in KEYS)
        old, new = _handle(old), _handle(new)
        if platform not in platforms:
            raise ValueError(f"{label}: unknown platform {platform!r} "
                             f"(one of {', '.join(platforms)})")
        if not isinstance(old, str) or not old:
            raise ValueError(f"{label}: 'from' must be a handle")
        if not isinstance(new, str) or not USERNAME_RULES[platform].match(new):
            raise ValueError(f"{label}: 'to' must be a valid {platform} handle; got {new!r}")
        if new == old:
            raise ValueError(f"{label}: 'to' is the same handle as 'from'")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ValueError(f"{label}: epoch must be a non-negative integer")
        out.append({"platform": platform, "from": old, "to": new, "epoch": epoch})
    return tuple(out)


class Handles:
    """Each account's handle over the epochs, for the platforms the renames name."""

    def __init__(self, entries: Sequence[dict[str, Any]],
                 originals: Callable[[str], list[str]]) -> None:
        """`originals(platform)`: every account's handle at epoch 0, by account index."""
        # idx -> ([epochs], [handles]) per platform; handle -> idx of every renamed-to handle.
        self._timeline: dict[str, dict[int, tuple[list[int], list[str]]]] = {}
        self._renamed_to: dict[str, dict[str, int]] = {}
        self._originals: dict[str, list[str]] = {}
        holders: dict[str, dict[str, int]] = {}
        ever: dict[str, set[str]] = {}
        order = sorted(range(len(entries)), key=lambda n: (entries[n]["epoch"], n))
        for n in order:
            entry = entries[n]
            platform, old, new, epoch = (entry[k] for k in KEYS)
            if platform not in holders:
                names = self._originals[platform] = list(originals(platform))
                holders[platform] = {name: idx for idx, name in enumerate(names)}
                ever[platform] = set(names)
            idx = holders[platform].pop(old, None)
            if idx is None:
                raise ValueError(f"renames[{n}] {dict(entry)!r}: no account is @{old} on "
                                 f"{platform} at epoch {epoch}")
            if new in ever[platform]:
                raise ValueError(f"renames[{n}] {dict(entry)!r}: the handle @{new} is taken "
                                 f"on {platform} (handles are never reused)")
            holders[platform][new] = idx
            ever[platform].add(new)
            epochs, handles = self._timeline.setdefault(platform, {}).setdefault(idx, ([], []))
            epochs.append(epoch)
            handles.append(new)
            self._renamed_to.setdefault(platform, {})[new] = idx

    def __bool__(self) -> bool:
        return bool(self._timeline)

    def handle(self, platform: str, idx: int, original: str, epoch: int) -> str:
        """The handle of account `idx` (first called `original`) at `epoch`."""
        changes = self._timeline.get(platform, {}).get(idx)
        if not changes:
            return original
        at = bisect_right(changes[0], epoch)
        return changes[1][at - 1] if at else original

    def index(self, platform: str, username: str, epoch: int,
              original_index: int | None) -> int | None:
        """The account answering to `username` at `epoch`, None when nobody does.
        `original_index`: the account whose epoch-0 handle is `username`, if any."""
        originals = self._originals.get(platform)
        if originals is None:  # no rename on this platform
            return original_index
        for idx in (self._renamed_to[platform].get(username), original_index):
            if idx is not None and self.handle(platform, idx, originals[idx], epoch) == username:
                return idx
        return None
