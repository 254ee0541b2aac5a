"""The API's one exception handler: domain errors (mocua.errors) become structured JSON.

Every error body has `code` (machine-readable) and `detail` (Vietnamese, for people);
validation errors add `fields` with the messages per field.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mocua.errors import DomainError, ForbiddenError


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
        response.data = {"code": "invalid", "detail": "Dữ liệu không hợp lệ.", "fields": response.data}
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
        response.data = {"code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
                         "detail": str(exc.detail)}
    return response
