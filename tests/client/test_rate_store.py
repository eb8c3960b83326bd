"""The shared rate-limit stores (Redis, PostgreSQL, SQLite) against real servers: one budget
per account, granted atomically, held slots leased, the provider's pause shared."""

import asyncio
import subprocess
import sys
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from resources.nyne import RateLimiter
from resources.nyne.ratelimit import RateStoreError, account_key, open_store
from resources.nyne.ratelimit.redis_store import RedisStore
from resources.nyne.ratelimit.sql_store import SqlStore
from tests.postgres import scratch_database
from tests.redisdb import scratch_prefix

ROOT = __file__.rsplit("/tests/", 1)[0]
KEY = "key-NEVER-STORED-5e1f"


@pytest.fixture(params=["redis", "sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "redis":
        with scratch_prefix() as (url, _prefix, _client):
            yield url
    elif request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rate.sqlite'}"
    else:
        with scratch_database() as db:
            url = f"postgresql://{db.user}@{db.host}:{db.port}/{db.dbname}"
            yield url
            from resources.lookups.ledger.db import engine_for

            engine_for(url).dispose()  # the database is dropped next


def fresh(url):
    """A store of its own (as another process would have), not the process's cached one."""
    return RedisStore(url, "test") if url.startswith("redis") else SqlStore(url, "test")


def account():
    return account_key(f"http://sim-{uuid.uuid4().hex[:8]}", KEY)


def take(store, acct, windows, *, hold=False, lease_s=30.0, deadline_s=60.0):
    """Acquire the way the limiter does: sleep the store's answer, then ask again."""
    end = time.monotonic() + deadline_s
    while True:
        grant = store.acquire(acct, windows, hold=hold, lease_s=lease_s)
        if grant.slot is not None:
            return grant
        assert time.monotonic() < end, "no slot within the deadline"
        time.sleep(grant.wait)


def max_in_window(stamps, window):
    stamps = sorted(stamps)
    return max(sum(1 for t in stamps if s <= t < s + window) for s in stamps)


def test_many_concurrent_acquirers_never_exceed_the_window(store_url):
    windows = ((5, 0.5, 0.0),)
    acct, threads, each = account(), 8, 5
    stores = [fresh(store_url) for _ in range(threads)]
    for store in stores:
        store.check()
    start, stamps, errors = threading.Barrier(threads), [], []

    def worker(store):
        try:
            start.wait()
            for _ in range(each):
                stamps.append(take(store, acct, windows).at)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(s,)) for s in stores]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    assert errors == [] and len(stamps) == threads * each
    assert max_in_window(stamps, 0.5) == 5  # full windows, never one more


def test_a_held_slot_counts_as_now_until_released_then_from_its_release(store_url):
    store, acct, windows = fresh(store_url), account(), ((1, 0.3, 0.0),)
    held = store.acquire(acct, windows, hold=True, lease_s=30.0)
    assert held.slot is not None
    time.sleep(0.4)  # longer than the window: a stamped slot would have aged out by now
    refused = store.acquire(acct, windows, hold=False, lease_s=30.0)
    assert refused.slot is None and refused.wait == pytest.approx(0.3, abs=0.05)
    released_at = time.monotonic()  # the stamp is taken after this
    store.release(acct, held.slot)
    take(store, acct, windows)
    assert time.monotonic() - released_at >= 0.3 - 0.005


def test_a_process_that_dies_holding_a_slot_frees_it_when_its_lease_ends(store_url):
    acct, windows, lease = account(), ((1, 0.3, 0.0),), 1.0
    dies = (
        "import os, sys\n"
        "from resources.nyne.ratelimit import open_store\n"
        f"store = open_store({store_url!r})\n"
        f"grant = store.acquire({acct!r}, {windows!r}, hold=True, lease_s={lease})\n"
        "print(grant.at, flush=True)\n"
        "os._exit(0)  # dies mid-request: no release\n")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", dies], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    held_at = float(out.stdout.split()[0])
    granted = take(fresh(store_url), acct, windows)
    # Stamped at the lease's end, then the window had to pass: never sooner, yet not forever.
    assert granted.at >= held_at + lease + 0.3 - 0.01


def test_the_providers_pause_holds_every_process_of_the_account(store_url):
    one, other, acct = fresh(store_url), fresh(store_url), account()
    windows = ((100, 10.0, 0.0),)
    paused_at = time.monotonic()
    one.pause(acct, 0.6)
    one.pause(acct, 0.1)  # a shorter pause never shortens it
    refused = other.acquire(acct, windows, hold=False, lease_s=30.0)
    asked = time.monotonic() - paused_at
    assert refused.slot is None and 0.6 - asked - 0.005 <= refused.wait <= 0.6
    elsewhere = other.acquire(account(), windows, hold=False, lease_s=30.0)
    assert elsewhere.slot is not None  # another account is not paused
    take(other, acct, windows)
    assert time.monotonic() - paused_at >= 0.6 - 0.005


def test_limiters_in_two_event_loops_share_the_429_pause(store_url):
    """Two limiters on one account (as two processes have): ``observe`` on one pauses both."""
    acct, done = account(), []

    def limiter():
        return RateLimiter([(100, 10.0)], safety_margin_s=0.0, store=fresh(store_url), account=acct)

    told, hearing = limiter(), limiter()

    async def main():
        permit = await told.acquire(hold=True)
        start = time.monotonic()  # the pause is counted from a moment after this
        told.observe({"RateLimit-Remaining": "0", "RateLimit-Reset": "0.5"})
        permit.done()
        await told.flush()  # written from a store thread: now it is in the store
        await hearing.acquire()
        done.append(time.monotonic() - start)

    asyncio.run(main())
    assert done[0] >= 0.5 - 0.005


def test_the_store_holds_a_hash_of_the_account_never_the_api_key(store_url):
    async def main(limiter):
        for _ in range(3):
            (await limiter.acquire(hold=True)).done()

    acct = account_key("http://sim:1", KEY)
    assert KEY not in acct and len(acct) == 32
    asyncio.run(main(RateLimiter([(10, 1.0)], store=open_store(store_url), account=acct)))
    if store_url.startswith("redis"):
        import redis

        client = redis.Redis.from_url(store_url.split("?")[0])
        prefix = store_url.split("prefix=")[1]
        keys = [k.decode() for k in client.scan_iter(match=f"{prefix}*")]
        members = [m for k in keys if k.endswith(":slots") for m in client.zrange(k, 0, -1)]
        client.close()
        assert len(keys) >= 1 and len(members) == 3
        stored = " ".join(keys) + " ".join(m.decode() for m in members)
    else:
        engine = sa.create_engine(store_url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("select * from rate_limit_slots")).all()
            rows += conn.execute(sa.text("select * from rate_limit_pauses")).all()
        engine.dispose()
        assert len(rows) == 3
        stored = repr(rows)
    assert acct in stored and KEY not in stored


@pytest.mark.parametrize("url, what", [
    ("ftp://host/x", "expected redis://host:port/db"),
    ("redis://:hunter2@127.0.0.1:1/0", "Redis is not reachable"),
    ("postgresql://me:hunter2@127.0.0.1:1/db", "the database cannot be used"),
])  # fmt: skip
def test_a_store_url_that_cannot_work_is_a_clear_error_without_its_password(url, what):
    with pytest.raises(RateStoreError) as raised:
        open_store(url, "$SOCIAL_RATE_LIMIT_URL").check()
    message = str(raised.value)
    assert message.startswith("$SOCIAL_RATE_LIMIT_URL is ") and what in message
    assert "hunter2" not in message

