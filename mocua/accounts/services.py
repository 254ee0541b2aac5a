"""Staff log-in throttling: failed attempts are counted per username and per client."""

import logging

from django.conf import settings

from mocua import ratelimit

security_log = logging.getLogger("mocua.security")


def _keys(username: str, client: str) -> list[str]:
    return [f"login:user:{username.lower()}", f"login:ip:{client}"]


def login_blocked(*, username: str, client: str) -> bool:
    limit, window = settings.LOGIN_MAX_FAILURES, settings.LOGIN_WINDOW
    return any(ratelimit.too_many(key, limit=limit, window=window) for key in _keys(username, client))


def login_failed(*, username: str, client: str) -> None:
    for key in _keys(username, client):
        ratelimit.hit(key, window=settings.LOGIN_WINDOW)
    security_log.warning("staff login failed username=%r client=%s", username, client)


def login_succeeded(*, username: str, client: str) -> None:
    ratelimit.reset(_keys(username, client)[0])
