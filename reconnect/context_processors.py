from django.conf import settings

from reconnect.middleware import mfa_required_for


def portal(request):
    """What the base layout needs on every page: the crisis strip and the header counters."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        # Before the second factor, the portal's menus would only lead back to the code page.
        # (is_verified is missing when the user was signed in during this very request.)
        "show_portal_nav": signed_in and (not mfa_required_for(user) or getattr(user, "is_verified", bool)()),
        "crisis_helpline_name": settings.CRISIS_HELPLINE_NAME,
        "crisis_helpline_number": settings.CRISIS_HELPLINE_NUMBER,
        "unread_notifications": user.unread_notifications if user is not None and user.is_authenticated else 0,
        "unread_messages": user.unread_messages if signed_in else 0,
        "live_updates": settings.LIVE_UPDATES,
    }
