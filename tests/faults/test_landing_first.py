"""What is in ``landing/`` is never bought again (issue 9, promise 3).

A run can stop after archiving an answer and before the ledger records it: the row stays
``submitted``. The next run must take the answer from the archive, not poll the API for it,
which may have forgotten the job by then (404), and not buy it again.
"""

from resources.lookups.ledger import engine_for
from resources.lookups.ledger.ledger import DONE, SUBMITTED, lookups
from simulator import SimulatorConfig, SimulatorServer
from tests.faults.conftest import SIM, Harness


def test_a_submitted_row_whose_answer_is_archived_is_read_from_landing_not_the_api(harness):
    first = harness.run(["tw_janedoe"])
    assert first.success, harness.failures(first)
    [entry] = harness.ledger().find(target="tw_janedoe")
    assert entry.request_id in harness.landed_ids()
    # The state a run leaves when it stops between archiving the answer and the ledger write.
    with engine_for(harness.ledger().url).begin() as conn:
        conn.execute(lookups.update().where(lookups.c.id == entry.id)
                     .values(state=SUBMITTED, credits=None, reserved=3, completed_at=None))

    # An API that has never heard of the request (another provider process, or one that
    # forgot it): a poll would be 404, and a resubmit would be paid.
    with SimulatorServer(SimulatorConfig(**SIM), port=0) as forgetful:
        second = Harness(forgetful, harness.instance, harness.data).run(["tw_janedoe"])
        assert second.success, harness.failures(second)
        assert forgetful.request_log == []  # not a submit, not a poll
        assert forgetful.credits_used == 0
    [after] = harness.ledger().find(target="tw_janedoe")
    assert (after.id, after.state, after.credits) == (entry.id, DONE, 3)
    resumed = [e.materialization.metadata["nyne/resumed"].value
               for e in second.get_asset_materialization_events()]
    assert resumed == [True, True]  # followers and following, from the archive
    assert harness.sim.credits_used == 3
