"""Shared parts for the client tests: the real simulator on loopback, clients tuned to it, and
``run_lookups``: lookups run the way production runs them (``resources.lookups``).

The simulator runs at ``time_scale=0.01``: a provider minute lasts 0.6 s, a job 10-20 ms.
Clients get short timeouts and polls, and rate windows scaled like the simulator's.
"""

import dataclasses
import uuid
from typing import Optional

import pytest

from resources.lookups import DurableLookups, LookupService, landing_dir
from resources.lookups.journal import JOURNAL_FILE, RequestJournal
from resources.lookups.ledger import RequestLedger
from resources.nyne import ClientSettings, InteractionResult, LookupRequest, NyneClient
from resources.settings import Settings
from simulator import SimulatorConfig, SimulatorServer

SCALE = 0.01
# Distinctive credentials, so a leak is easy to spot in logs and messages.
API_KEY = "sim-key-7f3a9c"
API_SECRET = "sim-secret-d41b8e"
FAST = ClientSettings(
    request_timeout_s=2.0,
    poll_interval_s=0.02,
    poll_max_interval_s=0.1,
    lookup_timeout_s=20.0,
    max_retries=3,
    retry_base_s=0.01,
    retry_max_s=0.05,
    minute_window_s=60 * SCALE,
    hour_window_s=3600 * SCALE,
)


@pytest.fixture
def sim():
    config = SimulatorConfig(time_scale=SCALE, latency_s=(1.0, 2.0), api_key=API_KEY, api_secret=API_SECRET)
    with SimulatorServer(config, port=0) as server:
        yield server


@pytest.fixture
def make_client(sim):
    """``make_client(**settings_overrides)``: a client of the simulator (use with ``async with``)."""

    def make(*, api_key=API_KEY, api_secret=API_SECRET, http=None, limiter=None, **overrides):
        settings = dataclasses.replace(FAST, **overrides)
        return NyneClient(sim.url, api_key, api_secret, settings=settings, http=http, limiter=limiter)

    return make


def api_requests(sim, method=None):
    """The /person/interactions requests the simulator saw, optionally of one method."""
    return [r for r in sim.request_log if r.path == "/person/interactions" and (method is None or r.method == method)]


@pytest.fixture
def api_log(sim):
    return lambda method=None: api_requests(sim, method)


@dataclasses.dataclass(frozen=True)
class Looked:
    """One lookup as production lands it: parsed from the archived body (``landed.job()``).
    A failed one (``run_lookups(..., raise_errors=False)``) has only ``error`` and ``message``."""

    request_id: Optional[str]
    result: Optional[InteractionResult]
    completed_on: Optional[str]
    credits: int
    via: Optional[str]
    resumed: bool
    error: Optional[BaseException] = None
    message: str = ""  # the service's redacted "Type: reason"


class LookupRunner:
    """``runner(requests, max_in_flight=8, raise_errors=True, client=None, **settings)``: the
    requests through a real ``LookupService`` (SQLite ledger, landing archive and journal under
    the test's ``tmp_path``, a fresh run id per call); a ``Looked`` per request, in their order.
    Raises the first failed request's error unless ``raise_errors=False``. ``client`` replaces
    ``make_client(**settings)``."""

    def __init__(self, make_client, root):
        self.make_client = make_client
        self.ledger = RequestLedger(Settings.resolve(data_dir=root, environ={}).ledger_url)
        self.landing = landing_dir(root)
        self.journal = RequestJournal(root / JOURNAL_FILE)
        self.run_ids: list[str] = []

    def __call__(self, requests: list[LookupRequest], *, max_in_flight: int = 8,
                 raise_errors: bool = True, client: Optional[NyneClient] = None,
                 **settings) -> list[Looked]:
        client = client if client is not None else self.make_client(**settings)
        run_id = f"test-run-{uuid.uuid4().hex[:12]}"
        self.run_ids.append(run_id)
        service = LookupService(
            client, DurableLookups(client, self.ledger, self.landing, run_id, journal=self.journal),
            max_in_flight=max_in_flight)
        keys = [_key(i, r, requests) for i, r in enumerate(requests)]
        results = {}
        for result in service.collect(dict(zip(keys, requests)), lambda f: f.landed.job()):
            results[result.key] = result
            service.done(result)  # as the asset does once it has used the result
        looked = [_looked(results[k]) for k in keys]
        failed = [x.error for x in looked if x.error is not None]
        if raise_errors and failed:
            raise failed[0]
        return looked


def _key(i: int, request: LookupRequest, requests: list[LookupRequest]) -> str:
    """The partition key production would use, made unique when a request repeats."""
    key = f"{request.platform}/{request.username or request.tweet_id}"
    return key if sum(_same_target(r, request) for r in requests) == 1 else f"{key}#{i}"


def _same_target(a: LookupRequest, b: LookupRequest) -> bool:
    return (a.platform, a.username, a.tweet_id) == (b.platform, b.username, b.tweet_id)


def _looked(result) -> Looked:
    if not result.ok:
        return Looked(None, None, None, 0, None, False, error=result.error, message=result.message)
    job = result.output  # the JobStatus parsed from the landed body
    return Looked(job.request_id, job.result, job.completed_on, job.result.credits,
                  result.landed.via, result.fetched.resumed)


@pytest.fixture
def run_lookups(make_client, tmp_path):
    return LookupRunner(make_client, tmp_path)
