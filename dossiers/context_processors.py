from .models import Message


def alerts(request):
    """The bell: unread in-app messages of the logged-in officer (one indexed count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_officer", False):
        return {}
    return {"unread_alerts": Message.objects.filter(recipient=user, channel=Message.Channel.INAPP,
                                                    read_at__isnull=True).count()}
