from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reconnect import access, services
from reconnect.forms import NotificationPreferencesForm

PAGE_SIZE = 25


@require_GET
def notification_list(request):
    """The signed-in person's notifications, newest first; unread ones stand out.

    An HTMX request for the bell (`?bell=1`) gets only the bell, so a page can refresh the count.
    """
    if request.htmx and request.GET.get("bell"):
        return render(request, "reconnect/notifications/_bell.html")
    page = Paginator(access.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reconnect/notifications/list.html", {"page": page})


@require_GET
def open_notification(request, notification_id):
    """Mark one of your notifications read and go where it points, if that is a page on this site.

    A GET that writes: it is how every notification link works (from the list, the home page and the
    e-mail), it only ever touches the person's own row, and doing it twice changes nothing.
    """
    notification = access.get_notification_for(request.user, notification_id)
    services.mark_notification_read(notification=notification)
    return redirect(notification.safe_link or reverse("notifications"))


@require_POST
def mark_all_read(request):
    """Mark every notification of the signed-in person read."""
    count = services.mark_all_notifications_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications")


@require_http_methods(["GET", "POST"])
def preferences(request):
    """Which kinds of notification also come by e-mail. The e-mail never holds the content itself."""
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"email_kinds": request.user.email_notification_kinds},
    )
    if request.method == "POST" and form.is_valid():
        services.set_notification_email_kinds(user=request.user, kinds=form.cleaned_data["email_kinds"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification_preferences")
    return render(request, "reconnect/notifications/preferences.html", {"form": form})
