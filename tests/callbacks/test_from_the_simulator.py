"""The simulated API delivering to a real receiver: both body shapes, lost acknowledgements
(duplicates), out-of-order stale payloads, and a receiver that was down for the first attempt."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from resources.callbacks import CallbackInbox, CallbackReceiver, callback_url
from tests.callbacks.conftest import TOKEN, settled, submit, wait_until


@pytest.mark.parametrize("shape", ["envelope", "data"])
def test_a_finished_lookup_is_stored_once_in_either_body_shape(make_sim, inbox, hook, shape):
    sim = make_sim(callback_body=shape)
    request_id = submit(sim, hook)
    [attempt] = settled(sim, 1)
    assert attempt.status == 200
    stored = inbox.get(request_id)
    assert stored.status == "completed" and stored.deliveries == 1
    body = json.loads(stored.body)
    data = body["data"] if shape == "envelope" else body
    assert ("success" in body) == (shape == "envelope")
    assert data["request_id"] == request_id and data["result"]["interactions"]


def test_a_failed_lookup_is_stored_as_failed(make_sim, inbox, hook):
    sim = make_sim()
    request_id = submit(sim, hook, username="no_such_user_2")
    settled(sim, 1)
    stored = inbox.get(request_id)
    assert stored.status == "failed" and stored.is_terminal


def test_duplicate_deliveries_after_lost_acknowledgements_are_stored_once(make_sim, inbox,
                                                                          hook):
    sim = make_sim(callback_duplicates=3)
    request_id = submit(sim, hook)
    attempts = settled(sim, 4)
    assert [a.kind for a in attempts] == ["final", "duplicate", "duplicate", "duplicate"]
    assert all(a.status == 200 for a in attempts)
    stored = inbox.get(request_id)
    assert (stored.status, stored.deliveries) == ("completed", 4)


def test_a_stale_processing_payload_arriving_after_the_final_one_does_not_regress_it(
        make_sim, inbox, hook, caplog):
    caplog.set_level(logging.INFO, logger="social_graph.receiver")
    sim = make_sim(callback_early_progress=True)
    request_id = submit(sim, hook)
    attempts = settled(sim, 3)
    assert [(a.kind, a.status) for a in attempts] == [
        ("progress", 200), ("final", 200), ("stale", 200)]  # acknowledged: no retries
    stored = inbox.get(request_id)
    assert stored.status == "completed" and stored.deliveries == 3
    assert json.loads(stored.body)["data"]["result"]["interactions"]
    assert [r.getMessage() for r in caplog.records if r.name == "social_graph.receiver"] == [
        f"callback {request_id} status=processing new -> 200",
        f"callback {request_id} status=completed duplicate -> 200",
        f"callback {request_id} status=processing duplicate, ignored "
        "(an earlier terminal payload stays) -> 200"]


def test_a_receiver_down_for_the_first_attempt_gets_the_retry_and_stores_it_once(
        make_sim, inbox):
    with socket.socket() as probe:  # a free port, with nobody listening yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim = make_sim()
    request_id = submit(sim, callback_url(f"http://127.0.0.1:{port}", TOKEN))
    wait_until(lambda: sim.callback_deliveries, what="the first attempt")
    with CallbackReceiver(inbox, TOKEN, port=port):
        attempts = wait_until(lambda: [a for a in sim.callback_deliveries if a.status == 200]
                              and sim.callback_deliveries, what="an acknowledged retry")
        settled(sim, len(attempts))
    first, *_, last = sim.callback_deliveries
    assert first.status is None and first.error  # refused: the receiver was not up
    assert last.status == 200 and last.attempt > 1
    assert inbox.get(request_id).deliveries == 1


def test_the_database_failing_makes_the_api_retry_until_it_is_stored(make_sim, ledger_url,
                                                                     tmp_path):
    class Flaky(CallbackInbox):
        """The real inbox, whose first write fails as a locked or full database would."""

        failures = 1

        def store(self, body: bytes):
            if self.failures:
                self.failures -= 1
                raise OSError("disk I/O error")
            return super().store(body)

    inbox = Flaky(ledger_url)
    with CallbackReceiver(inbox, TOKEN) as receiver:
        sim = make_sim()
        request_id = submit(sim, callback_url(receiver.url, TOKEN))
        attempts = settled(sim, 2)
    assert [a.status for a in attempts] == [503, 200]
    assert inbox.get(request_id).deliveries == 1


def test_many_lookups_with_every_fault_at_once_leave_one_terminal_row_each(make_sim, inbox,
                                                                           hook):
    sim = make_sim(callback_duplicates=2, callback_early_progress=True)
    request_ids = [submit(sim, hook, username=f"user{i}") for i in range(6)]
    settled(sim, 6 * 5)  # per lookup: progress, final, 2 duplicates, stale
    for request_id in request_ids:
        stored = inbox.get(request_id)
        assert stored.is_terminal and stored.deliveries == 5
