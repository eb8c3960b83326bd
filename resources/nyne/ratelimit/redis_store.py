"""The rate-limit store in Redis (``redis://host:port/db``): one Lua script per operation.

Per account three keys, sharing a hash tag so a Redis Cluster keeps them on one node:
``<prefix>{<account>}:slots`` (a sorted set: stamped slots, scored by their stamp),
``...:held`` (slots in flight, scored by the end of their lease) and ``...:pause`` (the
provider's pause, until when). Every script reads the server's ``TIME``, so processes on
machines with different clocks agree; a script runs atomically, so two processes can never
take the last slot of a window together. Keys expire once idle for longer than the longest
window plus a lease. The URL may carry ``?prefix=...`` (default ``social_graph:rate:``) to
keep separate budgets apart on one database (tests).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .store import Grant, RateStoreError, Windows, describe, horizon

DEFAULT_PREFIX = "social_graph:rate:"

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function num(x) return string.format('%.6f', x) end
"""

# KEYS: slots, held, pause. ARGV: hold (0/1), lease s, slot id, horizon s, then
# (count, window s, margin s) per window. Answers {1, now} or {0, wait}.
_ACQUIRE = _NOW + """
local slots, held, pause = KEYS[1], KEYS[2], KEYS[3]
local hold, lease, slot, span_max = ARGV[1] == '1', tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local expired = redis.call('ZRANGEBYSCORE', held, '-inf', num(now), 'WITHSCORES')
for i = 1, #expired, 2 do  -- a holder that outlived its lease: stamped at the lease's end
  redis.call('ZADD', slots, expired[i + 1], expired[i])
  redis.call('ZREM', held, expired[i])
end
redis.call('ZREMRANGEBYSCORE', slots, '-inf', num(now - span_max))
local wait = (tonumber(redis.call('GET', pause)) or 0) - now
local in_flight = redis.call('ZCARD', held)
for i = 5, #ARGV, 3 do
  local count = tonumber(ARGV[i])
  local span = tonumber(ARGV[i + 1]) + tonumber(ARGV[i + 2])
  local since = '(' .. num(now - span)
  local stamped = redis.call('ZCOUNT', slots, since, '+inf')
  local n = stamped + in_flight
  if n >= count then
    local index, oldest = n - count, now  -- slots in flight count as now, the newest
    if index < stamped then
      oldest = tonumber(redis.call('ZRANGEBYSCORE', slots, since, '+inf', 'WITHSCORES',
                                   'LIMIT', index, 1)[2])
    end
    wait = math.max(wait, oldest + span - now)
  end
end
if wait > 0 then return {0, num(wait)} end
if hold then redis.call('ZADD', held, num(now + lease), slot)
else redis.call('ZADD', slots, num(now), slot) end
local ttl = math.ceil((span_max + lease) * 1000)
redis.call('PEXPIRE', slots, ttl)
redis.call('PEXPIRE', held, ttl)
return {1, num(now)}
"""

# KEYS: slots, held. ARGV: slot id, ttl ms. Stamps the slot now (later than any earlier stamp).
_RELEASE = _NOW + """
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[1], num(now), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

# KEYS: pause. ARGV: seconds. Never shortens a pause already set.
_PAUSE = _NOW + """
local seconds = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1])) or 0
if now + seconds > current then
  local ttl = string.format('%d', math.ceil(seconds * 1000) + 1000)
  redis.call('SET', KEYS[1], num(now + seconds), 'PX', ttl)
end
return 1
"""


class RedisStore:
    """Slots in Redis; see the module docstring. Thread-safe (redis-py's connection pool)."""

    shared = True

    def __init__(self, url: str, setting: str) -> None:
        import redis

        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.prefix = query.pop("prefix", DEFAULT_PREFIX)
        self._url_shown, self._setting = describe(url), setting
        plain = urlunsplit(parts._replace(query=urlencode(query)))
        try:
            self._redis = redis.Redis.from_url(plain, socket_timeout=10, socket_connect_timeout=5)
        except ValueError as exc:  # redis-py's complaint names the part, not the password
            raise RateStoreError(
                f"{setting} is {self._url_shown!r}: not a Redis URL ({exc})") from None
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._release = self._redis.register_script(_RELEASE)
        self._pause = self._redis.register_script(_PAUSE)
        self._ttl_ms = 3_600_000  # refreshed from the windows at each acquire

    def keys(self, account: str) -> list[str]:
        base = f"{self.prefix}{{{account}}}"
        return [f"{base}:slots", f"{base}:held", f"{base}:pause"]

    def check(self) -> None:
        """Connect once: a clear error now rather than a failed request later."""
        import redis

        try:
            self._redis.ping()
        except redis.RedisError as exc:
            raise RateStoreError(
                f"{self._setting} is {self._url_shown!r}: Redis is not reachable "
                f"({type(exc).__name__}: {exc})") from None

    def _run(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        import redis

        try:
            return script(keys=keys, args=args)
        except redis.RedisError as exc:
            raise RateStoreError(
                f"the rate-limit store {self._url_shown!r} ({self._setting}) failed: "
                f"{type(exc).__name__}: {exc}") from None

    def acquire(self, account: str, windows: Windows, *, hold: bool, lease_s: float) -> Grant:
        import uuid

        span = horizon(windows)
        self._ttl_ms = int((span + lease_s) * 1000) + 1
        args: list[Any] = ["1" if hold else "0", repr(float(lease_s)), uuid.uuid4().hex, repr(span)]
        for count, window, margin in windows:
            args += [str(int(count)), repr(float(window)), repr(float(margin))]
        granted, value = self._run(self._acquire, self.keys(account), args)
        if int(granted):
            return Grant(args[2], at=float(value))
        return Grant(None, float(value))

    def release(self, account: str, slot: str) -> None:
        self._run(self._release, self.keys(account)[:2], [slot, str(self._ttl_ms)])

    def pause(self, account: str, seconds: float) -> None:
        self._run(self._pause, self.keys(account)[2:], [repr(float(seconds))])
