"""Staff log-in throttling: attempts are counted per username and per client, before the password
is checked (mocua.ratelimit.take), so concurrent guesses cannot all pass a check made before the count."""

import logging

from django.conf import settings

from mocua import ratelimit

security_log = logging.getLogger("mocua.security")


def _keys(username: str, client: str) -> list[str]:
    return [f"login:user:{username.lower()}", f"login:ip:{client}"]


def login_attempt(*, username: str, client: str) -> list[str] | None:
    """Count this attempt as a failure in advance; None (refused, counted nowhere) past either limit,
    else the keys taken, which a successful log-in hands back."""
    limit, window = settings.LOGIN_MAX_FAILURES, settings.LOGIN_WINDOW
    taken = ratelimit.take_all([(key, limit, window) for key in _keys(username, client)])
    if taken is None:
        security_log.warning("staff login throttled username=%r client=%s", username, client)
    return taken


def login_failed(*, username: str, client: str) -> None:
    """The attempt was counted by login_attempt; only the security log is left to write."""
    security_log.warning("staff login failed username=%r client=%s", username, client)


def login_succeeded(*, username: str, client: str, taken: list[str]) -> None:
    """A right password is not a failure: the client's attempt is handed back and the user's
    failures are forgotten."""
    ratelimit.give_back_all(taken)
    ratelimit.reset(_keys(username, client)[0])
