"""Who may open which staff page: one decorator for views, one permission for the API."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .models import Role

ALL_STAFF = (Role.RECEPTION, Role.SPECIALIST, Role.HEAD, Role.LEADER, Role.ADMIN)
MANAGERS = (Role.HEAD, Role.LEADER)


def has_role(user, roles) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_officer", False) and user.role in roles)


def role_required(*roles):
    """Log in first; then refuse (403) anyone without one of `roles` in an agency."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied("Bạn không có quyền truy cập trang này.")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


class HasRole(BasePermission):
    """DRF permission: `HasRole.of(Role.RECEPTION, …)` builds a class for `permission_classes`."""

    roles: tuple = ALL_STAFF
    message = "Bạn không có quyền thực hiện thao tác này."

    def has_permission(self, request, view):
        return has_role(request.user, self.roles)

    @classmethod
    def of(cls, *roles):
        return type("HasRole", (cls,), {"roles": roles})
