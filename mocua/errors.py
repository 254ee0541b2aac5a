"""The domain's errors, as plain Python: services raise them, pages show `message`, and the API's
one exception handler (mocua.api) turns them into JSON with `code` and the HTTP status named here.

Plain on purpose: the lifecycle (dossiers.workflow) and the services import these without
importing Django REST framework.
"""

from http import HTTPStatus


class DomainError(Exception):
    """Base of every rule broken in a service. `code` names the rule for API clients."""

    code = "invalid"
    http_status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ConflictError(DomainError):
    """The move is not legal from the current state, or another move won the race."""

    code = "conflict"
    http_status = HTTPStatus.CONFLICT


class ForbiddenError(DomainError):
    code = "forbidden"
    http_status = HTTPStatus.FORBIDDEN


class NotFoundError(DomainError):
    code = "not_found"
    http_status = HTTPStatus.NOT_FOUND


class ThrottledError(DomainError):
    code = "throttled"
    http_status = HTTPStatus.TOO_MANY_REQUESTS
