from django.shortcuts import render

from reconnect import access


def home(request):
    """What is new for you, and where to go next, by role."""
    user = request.user
    context = {
        "latest_notifications": access.notifications_for(user).filter(read_at__isnull=True)[:5],
        "care_links": access.active_care_links_for(user).select_related("provider", "service_user")[:20],
    }
    return render(request, "reconnect/home.html", context)
