from django.conf import settings


def portal(request):
    """What the base layout needs on every page: the crisis strip and the header counters."""
    user = getattr(request, "user", None)
    return {
        "crisis_helpline_name": settings.CRISIS_HELPLINE_NAME,
        "crisis_helpline_number": settings.CRISIS_HELPLINE_NUMBER,
        "unread_notifications": user.unread_notifications if user is not None and user.is_authenticated else 0,
    }
