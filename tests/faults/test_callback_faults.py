"""Lookups completed by the API's callbacks: duplicates, out-of-order and lost deliveries.

A real ``CallbackReceiver`` stores deliveries in the ledger's database; the assets submit with
its URL and complete from what it stored, polling the API only as a slow backstop.
"""

import secrets
import threading
import time

import httpx
import pyarrow.parquet as pq
import pytest

from resources.callbacks import CallbackInbox, CallbackReceiver
from resources.callbacks.urls import callback_url
from resources.settings import Settings

KEYS = ["tw_janedoe", "tw_dagster_io"]
TOKEN = secrets.token_urlsafe(24)


def _mats(result):
    return {(m.asset_key.path[-1], m.partition): {k: v.value for k, v in m.metadata.items()}
            for m in (e.materialization for e in result.get_asset_materialization_events())}


def _polls(sim) -> int:
    return len([r for r in sim.request_log if r.method == "GET" and r.path.startswith("/person/")])


@pytest.mark.parametrize(
    "harness",
    [{"callback_duplicates": 2, "callback_early_progress": True},
     {"callback_duplicates": 1, "callback_early_progress": True, "callback_body": "data"}],
    indirect=True, ids=["envelope", "bare-data"])
def test_duplicate_and_out_of_order_callbacks_complete_each_lookup_once(harness):
    inbox = CallbackInbox(Settings.resolve(data_dir=harness.data).ledger_url)
    with CallbackReceiver(inbox, TOKEN) as receiver:
        result = harness.run(KEYS, callback_base_url=receiver.url, callback_token=TOKEN,
                             callback_backstop_poll_s=60.0)
    assert result.success, harness.failures(result)
    mats = _mats(result)
    assert {meta["nyne/via"] for meta in mats.values()} == {"callback"}
    # One poll per lookup, when its delivery came: the result is the API's answer, never a
    # delivery's body. The backstop never had to poll.
    assert _polls(harness.sim) == len(KEYS)
    assert harness.submits() == 2
    assert harness.parquet_targets("followers") == {"janedoe", "dagster_io"}
    for meta in mats.values():
        delivery = inbox.get(meta["nyne/request_id"])
        assert delivery.status == "completed" and delivery.deliveries >= 2
    harness.assert_paid_once_and_kept()


def test_callbacks_that_never_arrive_are_covered_by_the_backstop_poll(harness):
    inbox = CallbackInbox(Settings.resolve(data_dir=harness.data).ledger_url)
    receiver = CallbackReceiver(inbox, TOKEN).start()
    url = receiver.url
    receiver.stop()  # the public URL answers nothing: every delivery is lost
    result = harness.run(KEYS, callback_base_url=url, callback_token=TOKEN,
                         callback_backstop_poll_s=0.2)
    assert result.success, harness.failures(result)
    assert {meta["nyne/via"] for meta in _mats(result).values()} == {"poll"}
    assert harness.submits() == 2
    harness.assert_paid_once_and_kept()


def test_a_failed_job_delivered_by_callback_is_a_clear_failure(harness):
    inbox = CallbackInbox(Settings.resolve(data_dir=harness.data).ledger_url)
    with CallbackReceiver(inbox, TOKEN) as receiver:
        result = harness.run(["tw_no_such_user_cb"], collect=["followers"],
                             callback_base_url=receiver.url, callback_token=TOKEN,
                             callback_backstop_poll_s=60.0)
    reason = harness.failures(result)["tw_no_such_user_cb"]
    assert "Profile not found: @no_such_user_cb" in reason
    assert TOKEN not in reason
    assert _polls(harness.sim) == 1  # the delivery's "failed", confirmed with the API


def test_a_forged_completed_delivery_never_replaces_the_paid_result(harness):
    """Anyone holding the callback URL can post to it. A "completed" delivery with made-up
    rows, stored before the real one, must not become the snapshot: the API's answer is."""
    harness.sim.update(hold_jobs=True)  # the real job ends only once the forgery is stored
    inbox = CallbackInbox(Settings.resolve(data_dir=harness.data).ledger_url)
    forged_rows = [{"username": f"forged_{i}", "relationship_type": "follower"} for i in range(3)]
    forgery: list[str] = []

    def forge(receiver_url: str) -> None:
        deadline = time.monotonic() + 60
        while not harness.sim.jobs and time.monotonic() < deadline:  # the run's submit
            time.sleep(0.01)
        [request_id] = list(harness.sim.jobs)
        body = {"success": True, "data": {
            "request_id": request_id, "status": "completed", "completed": True,
            "result": {"interaction_type": "followers", "platform": "twitter",
                       "target": {"username": "janedoe"}, "interactions": forged_rows}}}
        answer = httpx.post(callback_url(receiver_url, TOKEN), json=body)
        forgery.append(f"{answer.status_code} {inbox.get(request_id).status}")
        harness.sim.update(hold_jobs=False)

    with CallbackReceiver(inbox, TOKEN) as receiver:
        forger = threading.Thread(target=forge, args=(receiver.url,))
        forger.start()
        result = harness.run(["tw_janedoe"], collect=["followers"], callback_base_url=receiver.url,
                             callback_token=TOKEN, callback_backstop_poll_s=60.0)
        forger.join(60)
    assert forgery == ["200 completed"]  # the receiver took it: only the run can tell
    assert result.success, harness.failures(result)
    [meta] = _mats(result).values()
    usernames = set(pq.ParquetFile(meta["path"]).read().column("username").to_pylist())
    assert usernames == {a.username for a in harness.sim.world.followers(
        "twitter", "janedoe", harness.sim.config.epoch)}
    harness.assert_paid_once_and_kept()
