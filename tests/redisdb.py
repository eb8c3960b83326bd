"""The Redis these machines run at 127.0.0.1:6379, for tests that need it for real.

Without it a test skips with the reason, except under ``CI=true``, where it fails (as
``tests.postgres`` does). Each test gets its own key prefix, so parallel workers sharing the
database never share a budget; its keys are deleted afterwards.
"""

import contextlib
import os
import uuid

import pytest

REDIS_HOST = os.environ.get("SOCIAL_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("SOCIAL_TEST_REDIS_PORT", "6379"))
REDIS_DB = int(os.environ.get("SOCIAL_TEST_REDIS_DB", "0"))


@contextlib.contextmanager
def scratch_prefix():
    """A ``redis://...?prefix=...`` URL with a prefix of its own; its keys go afterwards."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"Redis at {REDIS_HOST}:{REDIS_PORT} is not reachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs Redis: {reason}")
        pytest.skip(reason)
    prefix = f"social_graph_test:{uuid.uuid4().hex[:12]}:"
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}?prefix={prefix}", prefix, client
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()
