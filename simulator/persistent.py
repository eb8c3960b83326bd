"""Persistent churn: the follow edges into one account that keep their state between epochs.

The global `churn` redraws every edge independently at each epoch, so two snapshots differ by
the same amount whatever the time between them. An account named in `churn_rates` follows
this model instead, so changes accumulate with time and saturate:

- Candidate edges: the account's base followers (present at epoch 0) and a pool of as many
  other ordinary accounts (absent at epoch 0), chosen by a stable hash, so the expected list
  size stays about the base size.
- At each epoch t >= 1 each candidate flips (present <-> absent) with probability p, decided
  by `h64(seed, platform, follower, followee, "flip", t)`; otherwise it keeps its state. So
  P(an edge differs between epochs e and e + d) = (1 - (1 - 2p)^d) / 2.

The state is computed epoch after epoch from the previous one; the latest state and one in
every `CHECKPOINT` epochs are kept, so reading epoch e after e - 1 costs one hash per candidate,
any other epoch at most `CHECKPOINT` steps from the nearest checkpoint, and memory stays small
whatever the epoch. Only named accounts pay anything.
"""

from __future__ import annotations

from simulator.accounts import h64

# Ordering keys: base edges keep theirs (< 2**64, a stand-in follow date); an edge that became
# present at epoch t >= 1 sorts above every base edge, the most recent first.
_BAND = 2**64
CHECKPOINT = 16


class PersistentFollowers:
    """Candidate followers of account `idx` and, per epoch, which of them are present."""

    def __init__(self, seed: int, platform: str, idx: int, p: float,
                 base: list[tuple[int, int]], pool: list[int]) -> None:
        """`base`: (follower, ordering key) of the base edges; `pool`: absent candidates."""
        self.seed, self.platform, self.idx = seed, platform, idx
        self._threshold = int(p * 2**64)
        self._candidates = [a for a, _ in base] + list(pool)
        self._base_keys = [key for _, key in base] + [0] * len(pool)
        # Per candidate: the epoch since which it is present, or None if absent.
        initial = tuple([0] * len(base) + [None] * len(pool))
        self._checkpoints: dict[int, tuple[int | None, ...]] = {0: initial}
        self._last: tuple[int, tuple[int | None, ...]] = (0, initial)

    def at(self, epoch: int) -> list[tuple[int, int]]:
        """(ordering key, follower) of the edges into the account present at `epoch`."""
        out = []
        for i, since in enumerate(self._state(epoch)):
            if since is None:
                continue
            a = self._candidates[i]
            key = (self._base_keys[i] if since == 0
                   else since * _BAND + h64(self.seed, self.platform, a, self.idx, "on", since))
            out.append((key, a))
        return out

    def _state(self, epoch: int) -> tuple[int | None, ...]:
        t, state = self._last
        if t > epoch:
            t = max(e for e in self._checkpoints if e <= epoch)
            state = self._checkpoints[t]
        while t < epoch:
            t += 1
            state = self._step(t, state)
            if t % CHECKPOINT == 0:
                self._checkpoints[t] = state
        self._last = (t, state)
        return state

    def _step(self, t: int, previous: tuple[int | None, ...]) -> tuple[int | None, ...]:
        state = list(previous)
        for i, a in enumerate(self._candidates):
            if h64(self.seed, self.platform, a, self.idx, "flip", t) < self._threshold:
                state[i] = None if previous[i] is not None else t
        return tuple(state)


def candidate_pool(seed: int, platform: str, idx: int, ordinary: list[int],
                   base_followers: set[int]) -> list[int]:
    """As many ordinary non-followers of `idx` as it has base followers, by a stable hash."""
    others = [a for a in ordinary if a != idx and a not in base_followers]
    others.sort(key=lambda a: h64(seed, platform, "pool", idx, a))
    return others[:len(base_followers)]


class PersistentChurn:
    """The persistent followers of one platform's named accounts, built on first use, kept."""

    def __init__(self, seed: int, platform: str, base_edges: dict[tuple[int, int], int],
                 ordinary: list[int]) -> None:
        self.seed, self.platform = seed, platform
        self._base_edges, self._ordinary = base_edges, ordinary
        self._accounts: dict[tuple[int, float], PersistentFollowers] = {}

    def apply(self, keyed: list[tuple[int, int, int]], epoch: int,
              named: dict[int, float]) -> list[tuple[int, int, int]]:
        """`keyed` (ordering key, follower, followee) with the edges into each account of
        `named` (index -> p) replaced by its persistent ones at `epoch`."""
        kept = [edge for edge in keyed if edge[2] not in named]
        for b, p in named.items():
            kept.extend((key, a, b) for key, a in self._followers(b, p).at(epoch))
        return kept

    def _followers(self, idx: int, p: float) -> PersistentFollowers:
        if (idx, p) not in self._accounts:
            base = sorted(((a, key) for (a, b), key in self._base_edges.items() if b == idx),
                          key=lambda edge: -edge[1])
            pool = candidate_pool(self.seed, self.platform, idx, self._ordinary,
                                  {a for a, _ in base})
            self._accounts[(idx, p)] = PersistentFollowers(self.seed, self.platform, idx, p,
                                                           base, pool)
        return self._accounts[(idx, p)]
