"""``nyne.trust_callbacks``: a delivery's body is the answer, and a lookup costs its submit only.

The same receiver and simulator as ``test_callback_faults``; the difference is what the run does
once a delivery is stored: with the knob on it lands the delivered body (no confirming poll), so
at the rate limit a lookup costs one request instead of two.
"""

import secrets

import pyarrow.parquet as pq
import pytest

from resources.callbacks import CallbackInbox, CallbackReceiver
from resources.settings import Settings
from tests.faults.test_callback_faults import KEYS, _mats, _polls

TOKEN = secrets.token_urlsafe(24)


@pytest.mark.parametrize("harness", [{"callback_duplicates": 1, "callback_early_progress": True},
                                     {"callback_body": "data"}],
                         indirect=True, ids=["envelope", "bare-data"])
def test_trusted_deliveries_complete_each_lookup_with_its_submit_alone(harness):
    inbox = CallbackInbox(Settings.resolve(data_dir=harness.data).ledger_url)
    with CallbackReceiver(inbox, TOKEN) as receiver:
        result = harness.run(KEYS, callback_base_url=receiver.url, callback_token=TOKEN,
                             callback_backstop_poll_s=60.0, trust_callbacks=True)
    assert result.success, harness.failures(result)
    mats = _mats(result)
    assert {meta["nyne/via"] for meta in mats.values()} == {"callback"}
    assert _polls(harness.sim) == 0 and harness.submits() == len(KEYS)
    for (asset, key), meta in mats.items():  # the delivered rows are the world's
        username = key.split("_", 1)[1]
        rows = set(pq.ParquetFile(meta["path"]).read().column("username").to_pylist())
        world = getattr(harness.sim.world, asset)("twitter", username, harness.sim.config.epoch)
        assert rows == {a.username for a in world}
    harness.assert_paid_once_and_kept()


def test_a_trusted_failed_delivery_is_a_clear_failure_without_a_poll(harness):
    inbox = CallbackInbox(Settings.resolve(data_dir=harness.data).ledger_url)
    with CallbackReceiver(inbox, TOKEN) as receiver:
        result = harness.run(["tw_no_such_user_cb"], collect=["followers"],
                             callback_base_url=receiver.url, callback_token=TOKEN,
                             callback_backstop_poll_s=60.0, trust_callbacks=True)
    reason = harness.failures(result)["tw_no_such_user_cb"]
    assert "Profile not found: @no_such_user_cb" in reason and TOKEN not in reason
    assert _polls(harness.sim) == 0
