"""The only place the toolbox fetches protected objects for a person and decides what they may see.

- A service user's toolbox is theirs alone: the own-toolbox pages answer 404 to every other role.
- A provider sees a module of a service user only while BOTH hold: an active care link between them, and a
  share of that module to that provider. Both are checked in the query on every request, so revoking a share or
  ending the care link takes effect on the very next request.
- The consultant and admins never see toolbox content (DESIGN.md): 404.
Everything refused answers 404, exactly like what does not exist.
"""

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from reconnect.models import CareLink, Role, User
from toolbox.models import BUILT_MODULES, CrisisContact, CrisisPlan, Module, Share


def has_own_toolbox(user) -> bool:
    """True for signed-in, active service users: the toolbox belongs to them."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.SERVICE_USER)


def check_has_own_toolbox(user) -> None:
    """Raise 404 unless `user` has a toolbox of their own."""
    if not has_own_toolbox(user):
        raise Http404


def check_is_provider(user) -> None:
    """Raise 404 unless `user` is a signed-in, active provider."""
    if not (user.is_authenticated and user.is_active and user.role == Role.PROVIDER):
        raise Http404


def _contacts():
    return Prefetch("contacts", queryset=CrisisContact.objects.order_by("step", "position", "pk"))


def own_crisis_plan(user):
    """`user`'s own crisis plan with its contacts, or None when they have not written one yet."""
    check_has_own_toolbox(user)
    return CrisisPlan.objects.filter(owner=user).prefetch_related(_contacts()).first()


def linked_providers_of(owner):
    """The active providers with an active care link to `owner`, by real name (as the owner knows them)."""
    return User.objects.filter(
        role=Role.PROVIDER, is_active=True,
        pk__in=CareLink.objects.active().filter(service_user=owner).values("provider_id"),
    ).order_by("real_name", "pk")


def shared_provider_ids(owner, module) -> set:
    """Ids of the providers `owner` has shared `module` with (whether or not their care link is still active)."""
    return set(Share.objects.filter(owner=owner, module=module).values_list("provider_id", flat=True))


def _active_link(provider_ref, owner_ref):
    return CareLink.objects.active().filter(provider=provider_ref, service_user=owner_ref)


def get_person_in_care_for(provider, user_id):
    """The service user `user_id` if `provider` has an active care link to them, else 404."""
    check_is_provider(provider)
    return get_object_or_404(
        User.objects.filter(role=Role.SERVICE_USER, is_active=True).filter(Exists(_active_link(provider, OuterRef("pk")))),
        pk=user_id,
    )


def modules_shared_with(provider, owner) -> list:
    """The built modules `owner` shares with `provider`, in the toolbox's order (the care link is the caller's
    to check: see get_person_in_care_for)."""
    shared = set(Share.objects.filter(owner=owner, provider=provider).values_list("module", flat=True))
    return [module for module in BUILT_MODULES if module in shared]


def get_shared_crisis_plan_for(provider, owner_id):
    """The crisis plan of service user `owner_id`, with its owner and contacts, if `provider` has an active care
    link to them and the plan is shared with `provider`; else 404. One query decides, then one for contacts."""
    check_is_provider(provider)
    shared = Share.objects.filter(owner=OuterRef("owner"), provider=provider, module=Module.CRISIS_PLAN)
    plans = (
        CrisisPlan.objects.filter(owner__role=Role.SERVICE_USER, owner__is_active=True)
        .filter(Exists(shared), Exists(_active_link(provider, OuterRef("owner"))))
        .select_related("owner")
        .prefetch_related(_contacts())
    )
    return get_object_or_404(plans, owner_id=owner_id)
