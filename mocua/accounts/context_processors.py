from .models import Role


def staff_navigation(request):
    """Which staff menu entries to show; the pages themselves check roles again."""
    user = getattr(request, "user", None)
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    return {
        "nav_is_staff": bool(role) and getattr(user, "agency_id", None) is not None,
        "nav_is_reception": role in (Role.RECEPTION, Role.HEAD, Role.LEADER),
        "nav_is_manager": role in (Role.HEAD, Role.LEADER),
        "nav_is_admin": bool(user and user.is_authenticated and user.is_staff),
    }
