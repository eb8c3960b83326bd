"""The Dagster resource: base-URL precedence, settings, and credentials that never leak."""

import dagster as dg
import pytest

from resources.lookups import open_lookups
from resources.lookups.ledger.resource import LedgerResource
from resources.nyne import DEFAULT_BASE_URL, AuthenticationError, NyneClient
from resources.nyne_api import BUDGET_ENV, NyneApi
from resources.settings import CALLBACK_BASE_ENV, CALLBACK_TOKEN_ENV, LEDGER_URL_ENV

KEY, SECRET = "key-VISIBLE-NOWHERE-1", "secret-VISIBLE-NOWHERE-2"


def test_explicit_base_url_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("NYNE_BASE_URL", "http://from-env:9")
    api = NyneApi(api_key=KEY, api_secret=SECRET, base_url="http://explicit:8/")
    assert api.resolved_base_url() == "http://explicit:8"


def test_the_environment_is_read_at_run_time_then_the_default(monkeypatch):
    api = NyneApi(api_key=KEY, api_secret=SECRET)
    monkeypatch.delenv("NYNE_BASE_URL", raising=False)
    assert api.resolved_base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv("NYNE_BASE_URL", "http://sim:1234")
    assert api.resolved_base_url() == "http://sim:1234"
    assert api.client().base_url == "http://sim:1234"


def test_settings_carry_every_knob(monkeypatch, tmp_path):
    for name in (BUDGET_ENV, CALLBACK_BASE_ENV, CALLBACK_TOKEN_ENV, LEDGER_URL_ENV):
        monkeypatch.delenv(name, raising=False)
    api = NyneApi(api_key=KEY, api_secret=SECRET, poll_interval_s=0.1, poll_max_interval_s=0.5, lookup_timeout_s=9,
                  request_timeout_s=3, max_retries=2, rate_per_minute=10, rate_per_hour=100,
                  minute_window_s=1.0, hour_window_s=60.0, max_concurrent_lookups=3)  # fmt: skip
    s = api.settings()
    assert (s.poll_interval_s, s.poll_max_interval_s, s.lookup_timeout_s, s.request_timeout_s) == (0.1, 0.5, 9, 3)
    assert s.max_retries == 2
    assert s.rate_limits() == [(10, 1.0), (100, 60.0)]
    assert api.client().limiter.limits == [(10, 1.0), (100, 60.0)]
    service = open_lookups(api, LedgerResource(), tmp_path, run_id="run-1")  # the run's lookups
    assert service.max_in_flight == 3 and service.client.settings == s


def test_max_results_outside_the_provider_range_is_refused_by_config():
    with pytest.raises(Exception, match="max_results"):
        NyneApi(api_key=KEY, api_secret=SECRET, max_results=5000)


def test_repr_and_str_of_the_resource_and_its_client_never_show_the_credentials():
    api = NyneApi(api_key=KEY, api_secret=SECRET)
    client = api.client()
    for text in (repr(api), str(api), repr(client), str(client), repr(vars(client))):
        assert KEY not in text and SECRET not in text
    assert "***" in repr(api)


def test_credentials_from_env_vars_reach_the_client_inside_a_run_and_never_the_logs(monkeypatch, caplog):
    monkeypatch.setenv("NYNE_API_KEY", KEY)
    monkeypatch.setenv("NYNE_API_SECRET", SECRET)
    seen = {}

    @dg.asset
    def probe(context: dg.AssetExecutionContext, nyne: NyneApi) -> None:
        context.log.info(f"resource is {nyne!r}")
        client = nyne.client()
        seen["client"] = client
        context.log.info(f"client is {client}")

    api = NyneApi(api_key=dg.EnvVar("NYNE_API_KEY"), api_secret=dg.EnvVar("NYNE_API_SECRET"))
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([probe], resources={"nyne": api}, instance=instance)
    assert result.success
    assert seen["client"]._credentials.headers() == {"X-API-Key": KEY, "X-API-Secret": SECRET}
    messages = [rec.user_message for rec in instance.all_logs(result.run_id)]
    messages += [r.getMessage() for r in caplog.records]
    assert any("resource is" in m for m in messages)
    assert not any(KEY in m or SECRET in m for m in messages)


def test_a_client_without_credentials_is_refused_before_any_request():
    with pytest.raises(AuthenticationError):
        NyneClient("http://x", "", "s")
    with pytest.raises(AuthenticationError):
        NyneClient("http://x", "k", "")
