"""Invitation-only sign-up: sending invitations, and accepting one to create an account."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reconnect import access, services
from reconnect.forms import AcceptInvitationForm, InvitationForm


def inviters_only(view):
    """Admins, consultants and providers may invite; for others the page exists but is not theirs (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_invite(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@inviters_only
def invitation_list(request):
    page = Paginator(access.invitations_sent_by(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "reconnect/invitations/list.html", {"page": page})


@inviters_only
def invitation_create(request):
    form = InvitationForm(request.POST if request.method == "POST" else None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invite_person(
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                community=form.cleaned_data["community"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The invitation is on its way to %(email)s. The link works for %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("invitations")
    return render(request, "reconnect/invitations/create.html", {"form": form})


@inviters_only
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = access.get_invitation_sent_by(request.user, invitation_id)
    if services.revoke_invitation(invitation=invitation, by=request.user):
        messages.success(request, _("The invitation is withdrawn. Its link no longer works."))
    else:
        messages.info(request, _("This invitation was already used or withdrawn, so nothing changed."))
    return redirect("invitations")


def _unusable(request):
    # One page for unknown, tampered, expired, used and withdrawn links: the reason is nobody's business
    # but the inviter's, and telling them apart would help someone guessing links.
    return render(request, "reconnect/invitations/unusable.html", status=404)


@login_not_required
def accept(request, token):
    """Open to signed-out people only: the invitation link itself is the permission."""
    if request.user.is_authenticated:
        return render(request, "reconnect/invitations/signed_in.html", status=403)
    try:
        invitation = access.get_usable_invitation(token)
    except Http404:
        return _unusable(request)
    if services.email_has_account(invitation.email):
        return render(request, "reconnect/invitations/account_exists.html", status=409)

    form = AcceptInvitationForm(request.POST if request.method == "POST" else None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.accept_invitation(
                token=token,
                pseudonym=data["pseudonym"],
                real_name=data["real_name"],
                password=data["password1"],
                preferred_language=data["preferred_language"],
            )
        except services.InvitationEmailTaken:
            return render(request, "reconnect/invitations/account_exists.html", status=409)
        except services.InvitationUnusable:
            return _unusable(request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Welcome to ReConnect! Your account is ready. Sign in with your e-mail address and password; "
                  "next you will set up your second factor, which keeps your account safe."),
            )
            return redirect("account_login")
    return render(request, "reconnect/invitations/accept.html", {"form": form, "invitation": invitation})
