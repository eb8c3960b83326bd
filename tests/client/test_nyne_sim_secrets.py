"""The API key and secret appear in no log record, no exception text, no repr, and nothing the
lookups write (ledger rows, journal, landing archive). Lookups run as production runs them
(``run_lookups``: ``resources.lookups``)."""

import gzip
import logging
import traceback

import pytest

from resources.nyne import LookupRequest, NyneError

WRONG_SECRET = "wrong-secret-9d2c71"


def test_no_log_record_exception_or_repr_shows_the_credentials(sim, make_client, run_lookups, caplog):
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, the simulator
    sim.update(fault_retry_after_s=5.0)
    texts = []

    def attempt(req, **kw):
        [out] = run_lookups([req], raise_errors=False, max_retries=3, **kw)
        if out.error is not None:
            assert isinstance(out.error, NyneError), out.message
            texts.extend([out.message, str(out.error), repr(out.error),
                          "".join(traceback.format_exception(out.error))])
        return out

    client = make_client(max_retries=3)
    texts.extend([repr(client), str(client), repr(vars(client))])
    sim.inject_faults(["500", "drop", "malformed", "429"])
    assert attempt(LookupRequest("twitter", "followers,following", username="janedoe")).result
    attempt(LookupRequest("twitter", "followers", username="not a handle!"))  # 400
    attempt(LookupRequest("twitter", "followers", username="no_such_user_42"))  # failed job
    sim.inject_faults(["503"] * 4)
    attempt(LookupRequest("twitter", "followers", username="janedoe"))  # ProviderError
    attempt(LookupRequest("twitter", "following", username="janedoe"), api_secret=WRONG_SECRET)  # 401
    assert len([t for t in texts if "Traceback" in t]) == 4  # the four failures above were seen
    rows = run_lookups.ledger.find()
    assert sorted(r.state for r in rows) == ["done", "failed", "failed", "failed", "failed"]
    written = [repr(r) for r in rows] + [run_lookups.journal.path.read_text()]
    written += [gzip.decompress(p.read_bytes()).decode() for p in run_lookups.landing.glob("*.json.gz")]
    assert len(written) == len(rows) + 2  # the journal and the one landed answer
    everything = "\n".join(texts + written + [caplog.text] + [r.getMessage() for r in caplog.records])
    assert "resources.nyne" in caplog.text and "retry" in caplog.text  # the logs were captured
    for secret in (sim.config.api_key, sim.config.api_secret, WRONG_SECRET):
        assert secret not in everything


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
def test_each_request_logs_one_line_with_method_path_status_and_request_id(sim, run_lookups, caplog, level):
    caplog.set_level(level, logger="resources.nyne")
    [out] = run_lookups([LookupRequest("twitter", "followers", username="janedoe")])
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("resources.nyne")]
    if level == logging.DEBUG:
        assert any(m.startswith("POST /person/interactions -> 202") for m in lines)
        assert any(m.startswith(f"GET /person/interactions request_id={out.request_id} -> 200") for m in lines)
    else:
        assert not any(m.startswith("GET /person/interactions") for m in lines)  # polls are DEBUG
    assert any(out.request_id in m and "submitted" in m for m in lines)
