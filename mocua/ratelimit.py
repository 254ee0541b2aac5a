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
