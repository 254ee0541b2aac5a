"""Staff log-in throttling: attempts are counted per username and per client, before the password
is checked (mocua.ratelimit.take), so concurrent guesses cannot all pass a check made before the count."""

import logging

from django.conf import settings

from mocua import ratelimit

security_log = logging.getLogger("mocua.security")


def _limits(username: str, client: str) -> list[tuple[str, int, int]]:
    """(key, limit, window) of each count a log-in attempt is held to: this client on this account
    (tight: five wrong passwords lock it out for LOGIN_WINDOW), this client on any account, and
    this account from everywhere (loose and brief, so a stranger cannot keep an officer out)."""
    user = username.lower()
    return [(f"login:ip-user:{client}:{user}", settings.LOGIN_MAX_FAILURES, settings.LOGIN_WINDOW),
            (f"login:ip:{client}", settings.LOGIN_CLIENT_FAILURES, settings.LOGIN_WINDOW),
            (f"login:user:{user}", settings.LOGIN_USER_FAILURES, settings.LOGIN_USER_WINDOW)]


def login_attempt(*, username: str, client: str) -> list[str] | None:
    """Count this attempt as a failure in advance; None (refused, counted nowhere) past any limit,
    else the keys taken, which a successful log-in hands back."""
    taken = ratelimit.take_all(_limits(username, client))
    if taken is None:
        security_log.warning("staff login throttled username=%r client=%s", username[:150], client)
    return taken


def login_failed(*, username: str, client: str) -> None:
    """The attempt was counted by login_attempt; only the security log is left to write."""
    security_log.warning("staff login failed username=%r client=%s", username[:150], client)


def login_succeeded(*, username: str, client: str, taken: list[str]) -> None:
    """A right password is not a failure: the client's attempt is handed back and the user's
    failures are forgotten."""
    ratelimit.give_back_all(taken)
    ratelimit.reset(_limits(username, client)[0][0])
