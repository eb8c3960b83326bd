"""Two collections of the same list on one instance, the second started while the first waits
for its results: every lookup is paid once (issue 9, promise 1).

The ``nyne_api`` pool takes three steps at once (their shared rate budget keeps them inside the
provider's limits), so the second collection's runs may start while the first's lookups are in
flight: the ledger makes them wait for a lookup another live run has claimed, and a result that
landed after the second collection started satisfies it: nothing is bought twice. Which of the
two buys a lookup neither had claimed yet (the post's, whose run may start in either) is a
race; the test asserts only what holds either way. The simulator's ``hold_jobs`` is the
barrier: no job ends until both collections have created their first run.
"""

import re
import socket
import time
from pathlib import Path

import dagster as dg

from resources.lookups.ledger import RequestLedger
from resources.settings import Settings
from simulator import SimulatorConfig, SimulatorServer
from social_graph.cli.reaper import PROCESS_TAG
from social_assets.plan import REFRESH_TAG
from tests.dagster.conftest import submits
from tests.faults.test_sigkill import FIRST_RUN, LOOKUPS, TARGETS, _collect, _submitted

def _runs_of(home: Path, pid: int) -> int:
    """Runs that the collect process ``pid`` has created on the instance at ``home``."""
    if not (home / "dagster.yaml").exists():
        return 0
    with dg.DagsterInstance.from_config(str(home)) as instance:
        tag = {PROCESS_TAG: f"{socket.gethostname()}:{pid}"}
        return len(instance.get_run_records(dg.RunsFilter(tags=tag)))


def _credits(output: str) -> tuple[int, int, int]:
    """(credits, lookups bought, results taken from another run) of a ``collect`` summary."""
    found = re.search(r"credits: (\d+) \((\d+) lookups(?:; (\d+) more results paid for by an "
                      r"earlier or another run)?\)", output)
    assert found, output[-3000:]
    return int(found[1]), int(found[2]), int(found[3] or 0)


def _wait(what: str, done, processes, deadline_s: float = 120.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not done():
        for p in processes:
            assert p.poll() is None, p.communicate()[0]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_collection_started_while_another_buys_the_same_lookups_pays_nothing(tmp_path):
    (tmp_path / "targets.yaml").write_text(TARGETS)
    ledger_url = Settings.resolve(data_dir=tmp_path / "data").ledger_url
    with SimulatorServer(SimulatorConfig(time_scale=0.01, latency_s=(1.0, 2.0)), port=0) as sim:
        sim.update(hold_jobs=True)
        first = _collect(tmp_path, sim)
        _wait("the first collection's submits", lambda: _submitted(ledger_url) >= FIRST_RUN,
              [first])
        second = _collect(tmp_path, sim)
        _wait("the second collection's first run", lambda: _runs_of(tmp_path / "home",
                                                                    second.pid) >= 1,
              [first, second])
        assert not any(job.status_final for job in sim.jobs.values())  # nothing landed yet
        sim.update(hold_jobs=False)
        outputs = [p.communicate(timeout=240)[0] for p in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0], outputs

        posts = [r for r in sim.request_log if r.method == "POST" and r.status == 202]
        assert len(posts) == LOOKUPS  # nothing submitted twice
        assert sim.credits_used == 3 * (LOOKUPS - 1)  # one result is empty: 0 credits
    summaries = [_credits(out) for out in outputs]
    assert sum(credits for credits, _, _ in summaries) == sim.credits_used
    assert sum(bought for _, bought, _ in summaries) == LOOKUPS  # each lookup bought once ...
    assert [bought + taken for _, bought, taken in summaries] == [LOOKUPS] * 2  # ... both got all
    assert summaries[0][1] >= FIRST_RUN  # what the first had submitted before the second began
    states = [e.state for e in RequestLedger(ledger_url).find()]
    assert states == ["done"] * LOOKUPS


def test_a_reuse_window_takes_a_recent_result_and_a_refresh_never_does(harness):
    assert harness.run(["tw_janedoe"]).success
    assert len(submits(harness.sim)) == 1
    # Created after the first result landed: a new lookup, unless the window reaches back to it.
    assert harness.run(["tw_janedoe"], reuse_window_s=3600).success
    assert len(submits(harness.sim)) == 1
    # A refresh asks for a result newer than itself, whatever the window.
    assert harness.run(["tw_janedoe"], reuse_window_s=3600, tags={REFRESH_TAG: "test"}).success
    assert len(submits(harness.sim)) == 2
    assert harness.run(["tw_janedoe"]).success  # no window: a run after the result buys anew
    assert len(submits(harness.sim)) == 3
    assert harness.sim.credits_used == 9
    assert {c.request_id for c in harness.sim.charges} == harness.landed_ids()
