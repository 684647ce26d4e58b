import re

from django.apps import apps
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from reconnect import access
from reconnect.models import AuditAction, Role, User

PAGE_SIZE = 25

# One plain sentence per action. %(who)s is a person or role, %(what)s names the data ("your crisis plan").
_SENTENCES = {
    AuditAction.SHARED_VIEWED: lambda: _("%(who)s viewed %(what)s"),
    AuditAction.SHARE_GRANTED: lambda: _("%(who)s started sharing %(what)s"),
    AuditAction.SHARE_REVOKED: lambda: _("%(who)s stopped sharing %(what)s"),
    AuditAction.CARE_LINK_CREATED: lambda: _("%(who)s started a care link"),
    AuditAction.CARE_LINK_ENDED: lambda: _("%(who)s ended a care link"),
    AuditAction.INVITATION_SENT: lambda: _("%(who)s sent an invitation"),
    AuditAction.INVITATION_ACCEPTED: lambda: _("%(who)s accepted the invitation to ReConnect"),
    AuditAction.CONSENT_ACCEPTED: lambda: _("%(who)s accepted the terms of use"),
    AuditAction.MFA_ENROLLED: lambda: _("%(who)s set up a second step for signing in"),
    AuditAction.MFA_RESET: lambda: _("%(who)s changed the second step for signing in"),
    AuditAction.RECOVERY_CODES_CREATED: lambda: _("%(who)s made new recovery codes"),
    AuditAction.MODERATION: lambda: _("%(who)s took a moderation step on %(what)s"),
    AuditAction.DATA_EXPORTED: lambda: _("%(who)s downloaded %(what)s"),
}


def describe_actor(event, *, viewer, named_provider_ids):
    """Who did it, as the subject may see it: their own provider by real name, everyone else by role only.

    Never another service user's name or e-mail; never a provider's name unless they are (or were) in the
    viewer's care team.
    """
    actor = event.actor
    if actor is None:
        return _("ReConnect") if event.actor_id is None else _("a former member")
    if actor.pk == viewer.pk:
        return _("you")
    if actor.role == Role.PROVIDER:
        if actor.pk in named_provider_ids:
            name = actor.real_name or actor.pseudonym
            return _("%(name)s (your provider)") % {"name": name}
        return _("a health provider")
    if actor.role == Role.CONSULTANT:
        return _("the service user consultant")
    if actor.role == Role.ADMIN:
        return _("an administrator")
    return _("another member")


def describe_object(event):
    """What the row is about, from the model's `audit_label` ("your crisis plan"); "your data" when unknown.

    A whole phrase per model, not "your" + a name: in Norwegian the possessive follows the noun's gender
    (din kriseplan, ditt innlegg, dine reservekoder), so feature models declare `audit_label` themselves.
    """
    if event.object_type:
        try:
            model = apps.get_model(event.object_type)
        except (LookupError, ValueError):
            model = None
        label = getattr(model, "audit_label", None)
        if label is not None:
            return label
    return _("your data")


# A share granted or revoked names the provider it was for, when the viewer may know them by name.
_SHARE_SENTENCES = {
    AuditAction.SHARE_GRANTED: lambda: _("%(who)s started sharing %(what)s with %(whom)s"),
    AuditAction.SHARE_REVOKED: lambda: _("%(who)s stopped sharing %(what)s with %(whom)s"),
}
_SHARE_PROVIDER = re.compile(r"\bprovider:(\d{1,18})\b")


def share_provider_id(event):
    """The provider a share row is about (feature apps write "provider:<id>" in its detail), or None."""
    if event.action not in _SHARE_SENTENCES:
        return None
    match = _SHARE_PROVIDER.search(event.detail or "")
    return int(match.group(1)) if match else None


def describe_event(event, *, viewer, named_provider_ids, provider_names=None):
    sentence = _SENTENCES.get(event.action)
    values = {
        "who": describe_actor(event, viewer=viewer, named_provider_ids=named_provider_ids),
        "what": describe_object(event),
    }
    whom = (provider_names or {}).get(share_provider_id(event))
    if whom:
        sentence, values["whom"] = _SHARE_SENTENCES[event.action], whom
    if sentence is None:
        text = _("%(who)s: %(action)s") % {**values, "action": event.get_action_display()}
    else:
        text = sentence() % values
    return capfirst(text)


def access_log(request):
    """Who has seen my data: the audit rows about the signed-in person, newest first, in plain words."""
    user = request.user
    page = Paginator(access.audit_events_about(user), PAGE_SIZE).get_page(request.GET.get("page"))
    named = access.provider_ids_named_to(user)
    events = list(page.object_list)
    # One query for the names of the providers that share rows on this page name (the viewer's own only).
    whom_ids = {share_provider_id(event) for event in events} & named
    provider_names = {
        person.pk: person.real_name or person.pseudonym for person in User.objects.filter(pk__in=whom_ids)
    } if whom_ids else {}
    rows = [
        {"event": event, "sentence": describe_event(
            event, viewer=user, named_provider_ids=named, provider_names=provider_names)}
        for event in events
    ]
    return render(request, "reconnect/access_log.html", {"page": page, "rows": rows})
