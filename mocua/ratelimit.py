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

# Removes one attempt only while its window is still open: a DECR on an expired key would create
# a key without expiry, a counter that never resets.
_GIVE_BACK = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0"


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
    if hit(key, window=window) <= limit:
        return True
    give_back(key)
    return False


def take_all(limits: list[tuple[str, int, int]]) -> list[str] | None:
    """take() on each (key, limit, window): the keys taken, or None if any limit refused the
    attempt, which then counts nowhere (the keys taken before the refusal are given back)."""
    taken = []
    for key, limit, window in limits:
        if not take(key, limit=limit, window=window):
            give_back_all(taken)
            return None
        taken.append(key)
    return taken


def give_back_all(keys: list[str]) -> None:
    for key in keys:
        give_back(key)


def give_back(key: str) -> None:
    """Uncount one attempt taken with `take()` (it succeeded, or another limit refused it)."""
    full = f"rl:{key}"
    client, redis_key = _redis(full)
    if client is not None:
        client.eval(_GIVE_BACK, 1, redis_key)
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
