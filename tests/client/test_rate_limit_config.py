"""Where a run's limiter takes its slots: ``nyne.rate_limit_url``, else ``$SOCIAL_RATE_LIMIT_URL``,
else the ledger's database; a URL that cannot work fails the run before any lookup."""

import pytest

from resources.lookups import open_lookups
from resources.lookups.ledger.resource import LedgerResource
from resources.nyne.ratelimit import LocalStore, RateStoreError
from resources.nyne.ratelimit.redis_store import RedisStore
from resources.nyne.ratelimit.sql_store import SqlStore
from resources.nyne_api import NyneApi
from resources.settings import LEDGER_URL_ENV, RATE_LIMIT_URL_ENV, Settings
from tests.redisdb import scratch_prefix

KEY, SECRET = "key-NOT-IN-ANY-MESSAGE-1", "secret-NOT-IN-ANY-MESSAGE-2"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv(RATE_LIMIT_URL_ENV, raising=False)
    monkeypatch.delenv(LEDGER_URL_ENV, raising=False)


def store_of(tmp_path, **config):
    service = open_lookups(NyneApi(api_key=KEY, api_secret=SECRET, **config), LedgerResource(),
                           tmp_path, run_id="run-1")
    return service.client.limiter.store, service.lookups.ledger.url


def test_by_default_every_run_shares_the_ledgers_database(tmp_path):
    store, ledger_url = store_of(tmp_path)
    assert isinstance(store, SqlStore) and store.url == ledger_url
    assert Settings.resolve(data_dir=tmp_path, environ={}).rate_limit_url == ledger_url


def test_the_environment_then_explicit_config_choose_the_store(tmp_path, monkeypatch):
    with scratch_prefix() as (url, _prefix, _client):
        monkeypatch.setenv(RATE_LIMIT_URL_ENV, url)
        assert isinstance(store_of(tmp_path)[0], RedisStore)
        assert isinstance(store_of(tmp_path, rate_limit_url="local")[0], LocalStore)


@pytest.mark.parametrize("explicit, setting", [(True, "nyne.rate_limit_url"),
                                               (False, "$SOCIAL_RATE_LIMIT_URL")])
def test_a_store_url_of_no_known_kind_fails_the_run_naming_its_setting(
        tmp_path, monkeypatch, explicit, setting):
    url = "memcached://:hunter2@cache:11211"
    config = {"rate_limit_url": url} if explicit else {}
    if not explicit:
        monkeypatch.setenv(RATE_LIMIT_URL_ENV, url)
    with pytest.raises(RateStoreError) as raised:
        store_of(tmp_path, **config)
    message = str(raised.value)
    assert message.startswith(f"{setting} is 'memcached://:***@cache:11211': expected redis://")
    assert "hunter2" not in message and KEY not in message


def test_an_unreachable_redis_fails_the_run_before_any_lookup(tmp_path, monkeypatch):
    monkeypatch.setenv(RATE_LIMIT_URL_ENV, "redis://:hunter2@127.0.0.1:1/0")
    expected = (r"^\$SOCIAL_RATE_LIMIT_URL is 'redis://:\*\*\*@127\.0\.0\.1:1/0': "
                r"Redis is not reachable")
    with pytest.raises(RateStoreError, match=expected) as raised:
        store_of(tmp_path)
    assert "hunter2" not in str(raised.value)


def test_the_store_url_is_never_shown_by_the_settings(tmp_path):
    settings = Settings.resolve(data_dir=tmp_path, rate_limit_url="redis://:hunter2@r:6379/0",
                                environ={})
    assert "hunter2" not in repr(settings)


def test_the_resource_never_shows_the_store_urls_password():
    api = NyneApi(api_key=KEY, api_secret=SECRET, rate_limit_url="redis://:hunter2@r:6379/0")
    assert "hunter2" not in repr(api) and "redis://:***@r:6379/0" in repr(api)
