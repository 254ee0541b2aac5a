"""The API's contract, in one place: every answer under /api/ is JSON with a `code`.

- `exception_handler` (DRF's EXCEPTION_HANDLER): domain errors (mocua.errors) and DRF's own become
  `{"code", "detail"}`, validation errors add `fields`, flat: a nested field is named by its path
  (`applicant.name`, `papers.3.name`), so one schema (ErrorOutput) describes every error body.
- `ApiMiddleware`: a body over API_MAX_BODY_BYTES is refused before it is read; a 404 for an unknown
  path, a 400 from Django and any 500 under /api/ are JSON too (Django would answer HTML).
- `mocua.parsers.JSONParser` (its own module: DRF imports parsers while loading its views): a body
  nested deeper than MAX_DEPTH is a 400 (Python's parser would raise RecursionError, a 500).
- `error_responses` (a drf-spectacular postprocessing hook): every operation documents the error
  statuses it can answer, with ErrorOutput.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from mocua.errors import DomainError, ForbiddenError
from mocua.inputs import ascii_int

API_PREFIX = "/api/"
log = logging.getLogger("django.request")


class ErrorOutput(serializers.Serializer):
    """The body of every error under /api/."""

    code = serializers.CharField(help_text="Mã lỗi: invalid, not_authenticated, forbidden, not_found, throttled, "
                                           "too_large, parse_error, conflict, stale_version, …")
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Lỗi theo từng trường (chỉ với lỗi dữ liệu đầu vào); trường lồng nhau "
                                             "được ghi theo đường dẫn, ví dụ applicant.name, papers.2.name.")


# --------------------------------------------------------------------------- DRF's exception handler


def flat_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"applicant.name": [...], "papers.2.name": [...]}."""
    if isinstance(errors, dict):
        found = {}
        for key, value in errors.items():
            # A nested serializer's own errors (a list too long) are its field's.
            own = prefix and key == api_settings.NON_FIELD_ERRORS_KEY
            path = prefix if own else ".".join(filter(None, (prefix, str(key))))
            found.update(flat_errors(value, path))
        return found
    if isinstance(errors, list) and errors and all(isinstance(e, (dict, list)) for e in errors):
        found = {}
        for index, value in enumerate(errors):
            found.update(flat_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return found
    messages = [str(e) for e in (errors if isinstance(errors, list) else [errors])]
    return {prefix or "non_field_errors": messages} if messages else {}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["fields"] = {exc.field: [exc.message]}
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Không tìm thấy.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "detail": "Dữ liệu không hợp lệ.", "fields": flat_errors(response.data)}
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # DRF answers 403 when the first authenticator (session) names no scheme; a token client
        # must be told to authenticate (401 + WWW-Authenticate), not that it lacks a right.
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = 'Token realm="api"'
        detail = ("Cần đăng nhập hoặc gửi token (Authorization: Token …)."
                  if isinstance(exc, exceptions.NotAuthenticated) else "Token hoặc phiên đăng nhập không hợp lệ.")
        response.data = {"code": "not_authenticated", "detail": detail}
    elif isinstance(exc, exceptions.PermissionDenied):
        # One code for a missing right, whether DRF's permission class or a service refused it.
        response.data = {"code": ForbiddenError.code, "detail": str(exc.detail)}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"code": codes if isinstance(codes, str) else "error", "detail": str(exc.detail)}
    return response


# --------------------------------------------------------------------------- JSON everywhere under /api/

# The answer Django would give in HTML, said in JSON: (code, Vietnamese detail) by status.
STATUS_ERRORS = {
    400: ("invalid", "Yêu cầu không hợp lệ."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    413: ("too_large", "Dữ liệu gửi lên quá lớn."),
    500: ("server_error", "Lỗi hệ thống. Vui lòng thử lại sau."),
}


def json_error(status_code: int, code: str | None = None, detail: str | None = None) -> JsonResponse:
    default_code, default_detail = STATUS_ERRORS.get(status_code, ("error", "Lỗi."))
    return JsonResponse({"code": code or default_code, "detail": detail or default_detail}, status=status_code)


class ApiMiddleware:
    """Under /api/: refuse an oversized body before reading it, and make every error answer JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        length = request.META.get("CONTENT_LENGTH") or "0"
        size = ascii_int(length)
        if size is None or size > settings.API_MAX_BODY_BYTES:
            return json_error(400, "too_large",
                              f"Dữ liệu gửi lên vượt quá {settings.API_MAX_BODY_BYTES // 1024} KB.")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            # Django's own answers: an unknown path (404), a request it refused (400), a crash (500).
            return json_error(response.status_code)
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX) or isinstance(exception, Http404):
            return None
        log.error("Internal Server Error: %s", request.path, exc_info=exception)
        return json_error(500)


# --------------------------------------------------------------------------- the schema

_ERROR_DESCRIPTIONS = {
    "400": "Dữ liệu, tham số hoặc kích thước yêu cầu không hợp lệ; `fields` nêu trường sai.",
    "401": "Chưa đăng nhập hoặc token không hợp lệ.",
    "403": "Không có quyền thực hiện thao tác.",
    "404": "Không tìm thấy (đường dẫn, mã hoặc trang không có).",
    "415": "Kiểu dữ liệu gửi lên không được hỗ trợ (dùng application/json).",
}


def error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: each operation documents the errors it can answer,
    with the one error body. 400 and 404 everywhere (a bad parameter or page, an unknown code),
    401 and 403 where a login is required, 415 where a body is read."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOutput", {
        "type": "object", "required": ["code", "detail"],
        "properties": {"code": {"type": "string"}, "detail": {"type": "string"},
                       "fields": {"type": "object",
                                  "additionalProperties": {"type": "array", "items": {"type": "string"}}}}})
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOutput"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for operation in operations.values():
            wanted = ["400", "404"]
            if any(requirement for requirement in operation.get("security", [{}])):
                wanted += ["401", "403"]
            if "requestBody" in operation:
                wanted.append("415")
            responses = operation.setdefault("responses", {})
            for code in wanted:
                responses.setdefault(code, {"description": _ERROR_DESCRIPTIONS[code], "content": error})
    return result


__all__ = ["ApiMiddleware", "ErrorOutput", "error_responses", "exception_handler", "json_error"]
