"""A fixed-window counter in the shared cache (Redis in production), so every process
of the web tier sees the same count.

`take()` counts an attempt before it is made and says whether it may go
ahead: the increment is atomic, so a flood of concurrent attempts cannot all read "9 of 10" and
all pass (issue 7: 11 wrong lookups got through in a minute with a limit of 10 when the check
came before the count). An attempt that turns out not to count (a right PIN) is handed back with
`give_back()`. Every limiter uses it: the lookup, online submission, ratings and the staff log-in.
"""

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

# Removes one attempt per key only while its window is still open: a DECR on an expired key would
# create a key without expiry, a counter that never resets.
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if redis.call('exists', key) == 1 then redis.call('decr', key) end
end
return 0
"""
# take_all in one round trip (a lookup's two counts cost four round trips otherwise, ~17 % of a
# lookup's time in the issue 7 profile). ARGV holds limit, window for each key. Each key is created
# with its expiry and incremented; past a limit, that key and those taken before it are given back
# and the 1-based index of the refusing key is returned (0: all taken). Atomic, as a script is.
_TAKE_ALL = """
for i, key in ipairs(KEYS) do
  redis.call('set', key, 0, 'EX', ARGV[2 * i], 'NX')
  if redis.call('incr', key) > tonumber(ARGV[2 * i - 1]) then
    for j = 1, i do
      if redis.call('exists', KEYS[j]) == 1 then redis.call('decr', KEYS[j]) end
    end
    return i
  end
end
return 0
"""
_SCRIPTS = {}


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
    """True when `key` has already been hit `limit` times in the current window: a read only, which
    a limiter must not use as its check (see take)."""
    return (cache.get(f"rl:{key}") or 0) >= limit


def hit(key: str, *, window: int) -> int:
    """Count one more attempt for `key` and return the count; the window starts at its first attempt."""
    full = f"rl:{key}"
    client, redis_key = _redis(full)
    if client is not None:
        # One MULTI: the key is created with its expiry (SET NX EX) and incremented (INCR keeps the
        # expiry). Django's add() then incr() could let the key expire in between, and the INCR
        # would then create it with no expiry at all.
        pipe = client.pipeline(transaction=True)
        pipe.set(redis_key, 0, ex=window, nx=True)
        pipe.incr(redis_key)
        return pipe.execute()[1]
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
    client, _ = _redis(f"rl:{limits[0][0]}")
    if client is not None:
        redis_keys = [_redis(f"rl:{key}")[1] for key, _, _ in limits]
        args = [value for _, limit, window in limits for value in (limit, window)]
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
    client, _ = _redis(f"rl:{keys[0]}")
    if client is not None:
        _script(client, _GIVE_BACK)(keys=[_redis(f"rl:{key}")[1] for key in keys], client=client)
        return
    for key in keys:
        give_back(key)


def give_back(key: str) -> None:
    """Uncount one attempt taken with `take()` (it succeeded, or another limit refused it)."""
    full = f"rl:{key}"
    client, redis_key = _redis(full)
    if client is not None:
        _script(client, _GIVE_BACK)(keys=[redis_key], client=client)
        return
    try:
        cache.decr(full)
    except ValueError:  # the window ended meanwhile: nothing left to give back
        pass


def reset(key: str) -> None:
    cache.delete(f"rl:{key}")


def client_address(request) -> str:
    """The client's address. X-Forwarded-For is trusted only when settings say a proxy sets it,
    or anyone could reset their own limits by sending the header."""
    from django.conf import settings

    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
