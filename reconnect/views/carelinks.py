"""The care team page: who is linked to whom, and ending a link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reconnect import access, services


def care_team(request):
    """A service user sees their providers; a provider the people in their care (real names, never pseudonyms)."""
    links = (
        access.active_care_links_for(request.user)
        .select_related("provider", "service_user")
        .order_by("started_at", "pk")
    )
    return render(request, "reconnect/carelinks/care_team.html", {"links": links})


def end_link(request, link_id):
    """GET asks to confirm; POST ends the link. A link you are not part of answers 404."""
    link = access.get_care_link_for(request.user, link_id)
    if request.method == "POST":
        services.end_care_link(link=link, by=request.user)
        messages.success(request, _("The care link has ended. The other person has been told, without any details."))
        return redirect("care_team")
    return render(request, "reconnect/carelinks/end_confirm.html", {"link": link})
