from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from reconnect import access
from reconnect.models import User


@login_not_required
@require_POST
def set_language(request):
    """Switch language; a signed-in person's choice is remembered on their account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(User._meta.get_field("preferred_language").choices):
        User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


def account_settings(request):
    return render(request, "reconnect/account_settings.html")


@require_POST
def end_session(request, session_id):
    """End one of your own sessions, on another device. Ending this one is signing out."""
    session = access.get_user_session_for(request.user, session_id)
    if session.session_key == request.session.session_key:
        return redirect("account_logout")
    session.end()
    messages.success(request, _("That session has ended. The device there is signed out."))
    return redirect("usersessions_list")
