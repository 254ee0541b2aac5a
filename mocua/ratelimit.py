"""A fixed-window counter in the shared cache (Redis in production), so every process
of the web tier sees the same count."""

from django.core.cache import cache


def too_many(key: str, *, limit: int, window: int) -> bool:
    """True when `key` has already been hit `limit` times in the current window."""
    return (cache.get(f"rl:{key}") or 0) >= limit


def hit(key: str, *, window: int) -> int:
    """Count one more attempt for `key`; the window starts at its first attempt."""
    full = f"rl:{key}"
    if cache.add(full, 1, timeout=window):
        return 1
    try:
        return cache.incr(full)
    except ValueError:  # expired between add() and incr()
        cache.add(full, 1, timeout=window)
        return 1


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
