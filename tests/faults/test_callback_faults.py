"""Lookups completed by the API's callbacks: duplicates, out-of-order and lost deliveries.

A real ``CallbackReceiver`` stores deliveries in the ledger's database; the assets submit with
its URL and complete from what it stored, polling the API only as a slow backstop.
"""

import secrets

import pytest

from resources.callbacks import CallbackInbox, CallbackReceiver
from resources.ledger import default_url

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
    inbox = CallbackInbox(default_url(harness.data))
    with CallbackReceiver(inbox, TOKEN) as receiver:
        result = harness.run(KEYS, callback_base_url=receiver.url, callback_token=TOKEN,
                             callback_backstop_poll_s=60.0)
    assert result.success, harness.failures(result)
    mats = _mats(result)
    assert {meta["nyne/via"] for meta in mats.values()} == {"callback"}
    assert _polls(harness.sim) == 0  # the backstop never had to poll
    assert harness.submits() == 2
    assert harness.parquet_targets("followers") == {"janedoe", "dagster_io"}
    for meta in mats.values():
        delivery = inbox.get(meta["nyne/request_id"])
        assert delivery.status == "completed" and delivery.deliveries >= 2
    harness.assert_paid_once_and_kept()


def test_callbacks_that_never_arrive_are_covered_by_the_backstop_poll(harness):
    inbox = CallbackInbox(default_url(harness.data))
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
    inbox = CallbackInbox(default_url(harness.data))
    with CallbackReceiver(inbox, TOKEN) as receiver:
        result = harness.run(["tw_no_such_user_cb"], collect=["followers"],
                             callback_base_url=receiver.url, callback_token=TOKEN,
                             callback_backstop_poll_s=60.0)
    reason = harness.failures(result)["tw_no_such_user_cb"]
    assert "Profile not found: @no_such_user_cb" in reason
    assert TOKEN not in reason
    assert _polls(harness.sim) == 0
