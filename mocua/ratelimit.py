"""A sliding-window limit in the shared cache (Redis in production), so every process of the web
tier sees the same count.

`take()` counts an attempt before it is made and says whether it may go ahead: the count is
atomic, so a flood of concurrent attempts cannot all read "9 of 10" and all pass, as they did when
the check came before the count. An attempt that turns out not to count (a right PIN) is handed
back with `give_back()`. Every limiter uses it: the lookup, online submission, ratings and the
staff log-in.

On Redis each key is a log of its attempts' times (a sorted set), so "10 a minute" holds over any
60 seconds; a fixed window lets up to twice the limit through across its boundary.
Without Redis (the zero-setup demo) the count is a fixed window in the local cache.
"""

import hashlib
import ipaddress
import re
import secrets

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

# The server's clock, in microseconds, for every process alike.
_NOW = """
local t = redis.call('time')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""
# Hands back one attempt per key: the newest entry of its log (a count, not a particular attempt).
# ZPOPMAX on an ended window's key does nothing, and creates nothing.
_GIVE_BACK = """
for _, key in ipairs(KEYS) do redis.call('zpopmax', key) end
return 0
"""
# take_all in one round trip (a lookup's counts would cost two round trips each otherwise).
# ARGV: this attempt's id, then limit, window (s) for each
# key. Each key's log drops the entries older than its window, then takes the attempt if the rest
# is under the limit; past a limit, the attempt is taken back from the keys before it and the
# 1-based index of the refusing key is returned (0: all taken). Atomic, as a script is.
_TAKE_ALL = _NOW + """
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 * i + 1]) * 1000000
  redis.call('zremrangebyscore', key, '-inf', now - window)
  if redis.call('zcard', key) >= tonumber(ARGV[2 * i]) then
    for j = 1, i - 1 do redis.call('zrem', KEYS[j], ARGV[1]) end
    return i
  end
  redis.call('zadd', key, now, ARGV[1])
  redis.call('pexpire', key, math.ceil(window / 1000))
end
return 0
"""
# One attempt counted without a limit (hit); returns the attempts in the window.
_HIT = _NOW + """
local window = tonumber(ARGV[2]) * 1000000
redis.call('zremrangebyscore', KEYS[1], '-inf', now - window)
redis.call('zadd', KEYS[1], now, ARGV[1])
redis.call('pexpire', KEYS[1], math.ceil(window / 1000))
return redis.call('zcard', KEYS[1])
"""
# The attempts in the window, read only.
_COUNT = _NOW + """
return redis.call('zcount', KEYS[1], '(' .. (now - tonumber(ARGV[1]) * 1000000), '+inf')
"""
# The keys' namespace. "rl:" held the fixed window's counters (strings): a sorted-set command on
# one would fail until it expired, so the logs live under a name of their own.
PREFIX = "rlog:"
_SCRIPTS = {}
_PLAIN_KEY = re.compile(r"[0-9A-Za-z_.:@\-]{1,200}")


def _full(key: str) -> str:
    """The cache key of a limiter's key. A key holds what a client sent (a username, a dossier code):
    anything but a short plain one is hashed, so no value can break or swell the cache's keys."""
    if _PLAIN_KEY.fullmatch(key):
        return PREFIX + key
    return f"{PREFIX}h:{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _script(client, source: str):
    """The script, sent once and then called by its SHA (EVALSHA; redis-py reloads it if needed)."""
    if source not in _SCRIPTS:
        _SCRIPTS[source] = client.register_script(source)
    return _SCRIPTS[source]


def _redis(full: str):
    """(raw Redis client, the cache's own key) when the cache is Redis, else (None, None)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None, None
    key = backend.make_and_validate_key(full)
    return backend._cache.get_client(key, write=True), key


def too_many(key: str, *, limit: int, window: int) -> bool:
    """True when `key` has already been hit `limit` times in the window: a read only, which a
    limiter must not use as its check (see take)."""
    full = _full(key)
    client, redis_key = _redis(full)
    if client is not None:
        return _script(client, _COUNT)(keys=[redis_key], args=[window], client=client) >= limit
    return (cache.get(full) or 0) >= limit


def count(key: str) -> int:
    """The attempts counted on `key` and not yet expired (for the operators and the tests)."""
    full = _full(key)
    client, redis_key = _redis(full)
    if client is not None:
        return client.zcard(redis_key)
    return cache.get(full) or 0


def hit(key: str, *, window: int) -> int:
    """Count one more attempt for `key` and return the attempts in the window."""
    full = _full(key)
    client, redis_key = _redis(full)
    if client is not None:
        return _script(client, _HIT)(keys=[redis_key], args=[secrets.token_hex(8), window], client=client)
    # Locally a fixed window from the first attempt: add() then incr(); one that expired in between
    # starts again.
    if cache.add(full, 1, timeout=window):
        return 1
    try:
        return cache.incr(full)
    except ValueError:  # expired between add() and incr()
        cache.add(full, 1, timeout=window)
        return 1


def take(key: str, *, limit: int, window: int) -> bool:
    """Count this attempt first; True if it is within `limit` for the window.

    A refused attempt is given back at once, so refusals do not inflate the count: the attempts
    that went ahead and were not given back never exceed `limit`, however many race.
    """
    return take_all([(key, limit, window)]) is not None


def take_all(limits: list[tuple[str, int, int]]) -> list[str] | None:
    """Count this attempt on each (key, limit, window) first, as take() does for one: the keys
    taken, or None if any limit refused the attempt, which then counts nowhere (the keys taken
    before the refusal, and the refusing one, are given back)."""
    if not limits:
        return []
    client, _ = _redis(_full(limits[0][0]))
    if client is not None:
        redis_keys = [_redis(_full(key))[1] for key, _, _ in limits]
        # The attempt's id: two attempts in the same microsecond are two entries of the log.
        args = [secrets.token_hex(8), *(value for _, limit, window in limits for value in (limit, window))]
        refused = _script(client, _TAKE_ALL)(keys=redis_keys, args=args, client=client)
        return None if refused else [key for key, _, _ in limits]
    taken = []
    for key, limit, window in limits:
        taken.append(key)
        if hit(key, window=window) > limit:
            give_back_all(taken)  # this key's attempt too, as the script does
            return None
    return taken


def give_back_all(keys: list[str]) -> None:
    """give_back() on each key; one round trip on Redis."""
    if not keys:
        return
    client, _ = _redis(_full(keys[0]))
    if client is not None:
        _script(client, _GIVE_BACK)(keys=[_redis(_full(key))[1] for key in keys], client=client)
        return
    for key in keys:
        give_back(key)


def give_back(key: str) -> None:
    """Uncount one attempt taken with `take()` (it succeeded, or another limit refused it)."""
    full = _full(key)
    client, redis_key = _redis(full)
    if client is not None:
        _script(client, _GIVE_BACK)(keys=[redis_key], client=client)
        return
    try:
        cache.decr(full)
    except ValueError:  # the window ended meanwhile: nothing left to give back
        pass


def reset(key: str) -> None:
    cache.delete(_full(key))


def client_address(request) -> str:
    """The client's address. Behind TRUSTED_PROXIES reverse proxies, each appends the address it was
    reached from to X-Forwarded-For, so the client is the entry that many places from the right:
    what a client writes itself sits to the left of it and is never read (it could otherwise reset
    its own limits by sending the header). Without proxies, or with a header that is not what the
    proxies write, the connection's own address."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies and _is_address(hops[-proxies]):
            return hops[-proxies]
    return remote


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
