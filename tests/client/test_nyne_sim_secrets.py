"""The API key and secret appear in no log record, no exception text and no repr."""

import asyncio
import logging
import traceback

import pytest

from resources.nyne import LookupRequest, NyneError

WRONG_SECRET = "wrong-secret-9d2c71"


def test_no_log_record_exception_or_repr_shows_the_credentials(sim, make_client, caplog):
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, the simulator
    sim.update(fault_retry_after_s=5.0)
    texts = []

    async def attempt(client, req):
        try:
            return await client.lookup(req)
        except NyneError as exc:
            texts.extend([str(exc), repr(exc), "".join(traceback.format_exception(exc))])
            return None

    async def go():
        async with make_client(max_retries=3) as client:
            texts.extend([repr(client), str(client), repr(vars(client))])
            sim.inject_faults(["500", "drop", "malformed", "429"])
            assert await attempt(client, LookupRequest("twitter", "followers,following", username="janedoe"))
            await attempt(client, LookupRequest("twitter", "followers", username="not a handle!"))  # 400
            await attempt(client, LookupRequest("twitter", "followers", username="no_such_user_42"))  # failed
            sim.inject_faults(["503"] * 4)
            await attempt(client, LookupRequest("twitter", "followers", username="janedoe"))  # ProviderError
            await client.usage()
        async with make_client(api_secret=WRONG_SECRET) as client:
            await attempt(client, LookupRequest("twitter", "followers", username="janedoe"))  # 401

    asyncio.run(go())
    assert len([t for t in texts if "Traceback" in t]) == 4  # the four failures above were seen
    everything = "\n".join(texts + [caplog.text] + [r.getMessage() for r in caplog.records])
    assert "resources.nyne" in caplog.text and "retry" in caplog.text  # the logs were captured
    for secret in (sim.config.api_key, sim.config.api_secret, WRONG_SECRET):
        assert secret not in everything


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
def test_each_request_logs_one_line_with_method_path_status_and_request_id(sim, make_client, caplog, level):
    caplog.set_level(level, logger="resources.nyne")

    async def go():
        async with make_client() as client:
            return await client.lookup(LookupRequest("twitter", "followers", username="janedoe"))

    out = asyncio.run(go())
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("resources.nyne")]
    if level == logging.DEBUG:
        assert any(m.startswith("POST /person/interactions -> 202") for m in lines)
        assert any(m.startswith(f"GET /person/interactions request_id={out.request_id} -> 200") for m in lines)
    assert any(out.request_id in m and "submitted" in m for m in lines)
    assert any(out.request_id in m and "3 credits" in m for m in lines)
