"""The only place the toolbox fetches protected objects for a person and decides what they may see.

- A service user's toolbox is theirs alone: the own-toolbox pages answer 404 to every other role.
- A provider sees a module of a service user only while BOTH hold: an active care link between them, and a
  share of that module to that provider. Both are checked in the query on every request, so revoking a share or
  ending the care link takes effect on the very next request.
- The consultant and admins never see toolbox content (DESIGN.md): 404.
Everything refused answers 404, exactly like what does not exist.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from reconnect.models import CareLink, Role, User
from toolbox.models import Activity, BUILT_MODULES, CrisisContact, CrisisPlan, Goal, Module, Share


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


# --- Goals and activities -----------------------------------------------------------------------------
def _id_or_404(value):
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < value < 2**63:
        raise Http404
    return value


def goals_with_progress(owner):
    """`owner`'s goals, each with `planned` (activities tied to it) and `done` (of those, marked done): one query."""
    return Goal.objects.filter(owner=owner).annotate(
        planned=Count("activities"), done=Count("activities", filter=Q(activities__done_at__isnull=False)),
    ).order_by("created_at", "pk")


def own_goals(user):
    check_has_own_toolbox(user)
    return goals_with_progress(user)


def own_goal(user, goal_id, *, for_update=False):
    """`user`'s own goal `goal_id`, else 404 (someone else's goal answers exactly like no goal)."""
    check_has_own_toolbox(user)
    goals = Goal.objects.filter(owner=user)
    if for_update:
        goals = goals.select_for_update()
    return get_object_or_404(goals, pk=_id_or_404(goal_id))


def own_activity(user, activity_id, *, for_update=False):
    check_has_own_toolbox(user)
    activities = Activity.objects.filter(owner=user).select_related("goal")
    if for_update:
        activities = Activity.objects.filter(owner=user).select_for_update()
    return get_object_or_404(activities, pk=_id_or_404(activity_id))


def activities_between(owner, start, end):
    """`owner`'s activities starting in [start, end), with their goals: one query."""
    return Activity.objects.filter(owner=owner, starts_at__gte=start, starts_at__lt=end).select_related("goal") \
        .order_by("starts_at", "pk")


def get_shared_goals_owner_for(provider, owner_id):
    """The service user `owner_id` if `provider` has an active care link to them and they share their goals and
    activities with `provider`; else 404. Checked in one query on every request."""
    check_is_provider(provider)
    shared = Share.objects.filter(owner=OuterRef("pk"), provider=provider, module=Module.GOALS)
    return get_object_or_404(
        User.objects.filter(role=Role.SERVICE_USER, is_active=True)
        .filter(Exists(shared), Exists(_active_link(provider, OuterRef("pk")))),
        pk=_id_or_404(owner_id),
    )


# --- Information pages and local links ----------------------------------------------------------------------
def check_signed_in(user) -> None:
    """Raise 404 unless `user` is signed in and active: information pages are for everyone using the portal."""
    if not (user.is_authenticated and user.is_active):
        raise Http404


def published_info_pages(user):
    """The published information pages, in their order (the same for every signed-in reader)."""
    from toolbox.models import InfoPage

    check_signed_in(user)
    return InfoPage.objects.filter(published=True).order_by("order", "pk")


def get_info_page(user, slug):
    """A published information page by its address, else 404 (unpublished pages are the admin's drafts)."""
    return get_object_or_404(published_info_pages(user), slug=slug)


def is_consultant(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.CONSULTANT)


def visible_local_links(user):
    """The local links `user` sees: a service user their own community's; the consultant every community's.
    Providers, admins (who use the Django admin) and everyone else: 404 (deny by default)."""
    from toolbox.models import LocalLink

    links = LocalLink.objects.select_related("community").order_by("community__name", "category", "title", "pk")
    if has_own_toolbox(user):
        return links.filter(community_id=user.community_id)
    if is_consultant(user):
        return links
    raise Http404


def check_keeps_local_links(user) -> None:
    """Raise 404 unless `user` is the consultant: only they keep the local links outside the Django admin."""
    if not is_consultant(user):
        raise Http404


def get_local_link_to_keep(user, link_id):
    from toolbox.models import LocalLink

    check_keeps_local_links(user)
    return get_object_or_404(LocalLink, pk=link_id)


# --- Exercises and reflections --------------------------------------------------------------------------------
# The library is read by everyone signed in, like the information pages: an exercise holds nothing about anyone,
# and a provider who knows the exercises can talk about them with the people in their care (who choose whether
# to share their reflections). Drafts are the consultant's own until published. Reflections are the owner's alone;
# a provider sees them only while both a care link and a share of "exercise reflections" hold.
def keeps_exercises(user) -> bool:
    """True for the service user consultant: they write, publish and feature exercises in the portal (admins use
    the Django admin)."""
    return is_consultant(user)


def check_keeps_exercises(user) -> None:
    """Raise 404 unless `user` keeps the exercise library (the consultant)."""
    if not keeps_exercises(user):
        raise Http404


def _questions():
    from toolbox.models import ExerciseQuestion

    return Prefetch("questions", queryset=ExerciseQuestion.objects.order_by("position", "pk"))


def published_exercises(user):
    """The published exercises, in the library's order, for anyone signed in; 404 for anyone else."""
    from toolbox.models import Exercise

    check_signed_in(user)
    return Exercise.objects.filter(published=True).order_by("category", "title_en", "title_nb", "pk")


def get_exercise_for(user, exercise_id):
    """A published exercise with its questions; the consultant also opens drafts. Else 404."""
    from toolbox.models import Exercise

    check_signed_in(user)
    exercises = Exercise.objects.all() if keeps_exercises(user) else Exercise.objects.filter(published=True)
    return get_object_or_404(exercises.prefetch_related(_questions()), pk=_id_or_404(exercise_id))


def exercises_to_keep(user):
    """Every exercise, drafts too, for the consultant's list; 404 for anyone else."""
    from toolbox.models import Exercise

    check_keeps_exercises(user)
    return Exercise.objects.annotate(question_count=Count("questions")).order_by("-published", "category",
                                                                                 "title_en", "pk")


def get_exercise_to_keep(user, exercise_id, *, for_update=False):
    from toolbox.models import Exercise

    check_keeps_exercises(user)
    exercises = Exercise.objects.select_for_update() if for_update else Exercise.objects.prefetch_related(_questions())
    return get_object_or_404(exercises, pk=_id_or_404(exercise_id))


def featured_exercise_for(community_id, *, day):
    """The published exercise featured in community `community_id` on `day`, or None. Anyone who may see the
    community's pages may see it (the exercise itself is public to everyone signed in)."""
    from toolbox.models import FeaturedExercise

    if community_id is None:
        return None
    featured = (
        FeaturedExercise.objects.filter(community_id=community_id, featured_from__lte=day, featured_until__gte=day,
                                        exercise__published=True)
        .select_related("exercise").order_by("-featured_from", "-pk").first()
    )
    return featured


def featurings_to_keep(user, *, today):
    """The featurings that are on now or still to come, every community's, for the consultant."""
    from toolbox.models import FeaturedExercise

    check_keeps_exercises(user)
    return FeaturedExercise.objects.filter(featured_until__gte=today).select_related("exercise", "community") \
        .order_by("community__name", "featured_from", "pk")


def get_featuring_to_keep(user, featuring_id):
    from toolbox.models import FeaturedExercise

    check_keeps_exercises(user)
    return get_object_or_404(FeaturedExercise.objects.select_related("exercise", "community"),
                             pk=_id_or_404(featuring_id))


def _answers():
    from toolbox.models import ReflectionAnswer

    return Prefetch("answers", queryset=ReflectionAnswer.objects.order_by("position", "pk"))


def reflections_of(owner, *, exercise=None):
    """`owner`'s reflections, newest first, with their exercises and answers: two queries (the caller checks who
    may see them)."""
    from toolbox.models import Reflection

    reflections = Reflection.objects.filter(owner=owner)
    if exercise is not None:
        reflections = reflections.filter(exercise=exercise)
    return reflections.select_related("exercise").prefetch_related(_answers()).order_by("-created_at", "-pk")


def own_reflections(user, *, exercise=None):
    check_has_own_toolbox(user)
    return reflections_of(user, exercise=exercise)


def own_reflection(user, reflection_id, *, for_update=False):
    """`user`'s own reflection `reflection_id` with its exercise and answers, else 404."""
    from toolbox.models import Reflection

    check_has_own_toolbox(user)
    if for_update:
        reflections = Reflection.objects.filter(owner=user).select_for_update()
    else:
        reflections = Reflection.objects.filter(owner=user).select_related("exercise").prefetch_related(_answers())
    return get_object_or_404(reflections, pk=_id_or_404(reflection_id))


def get_shared_reflections_owner_for(provider, owner_id):
    """The service user `owner_id` if `provider` has an active care link to them and they share their exercise
    reflections with `provider`; else 404. Checked in one query on every request."""
    check_is_provider(provider)
    shared = Share.objects.filter(owner=OuterRef("pk"), provider=provider, module=Module.REFLECTIONS)
    return get_object_or_404(
        User.objects.filter(role=Role.SERVICE_USER, is_active=True)
        .filter(Exists(shared), Exists(_active_link(provider, OuterRef("pk")))),
        pk=_id_or_404(owner_id),
    )


def notifies_on_provider_view(owner) -> bool:
    """True when `owner` asked to be told each time a provider opens something they share (off by default)."""
    from toolbox.models import SharingPreferences

    return SharingPreferences.objects.filter(owner=owner, notify_on_provider_view=True).exists()


# --- Network map and medication overview (engineer "toolbox-network") -------------------------------------------
def own_network_people(user):
    """`user`'s own network, by circle and then in the order they were added: one query."""
    from toolbox.models import NetworkPerson

    check_has_own_toolbox(user)
    return NetworkPerson.objects.filter(owner=user).order_by("circle", "created_at", "pk")


def own_network_person(user, person_id, *, for_update=False):
    """`user`'s own person `person_id` in their network map, else 404 (someone else's answers like none)."""
    from toolbox.models import NetworkPerson

    check_has_own_toolbox(user)
    people = NetworkPerson.objects.filter(owner=user)
    if for_update:
        people = people.select_for_update()
    return get_object_or_404(people, pk=_id_or_404(person_id))


def _shared_module_owner_for(provider, owner_id, module):
    check_is_provider(provider)
    shared = Share.objects.filter(owner=OuterRef("pk"), provider=provider, module=module)
    return get_object_or_404(
        User.objects.filter(role=Role.SERVICE_USER, is_active=True)
        .filter(Exists(shared), Exists(_active_link(provider, OuterRef("pk")))),
        pk=_id_or_404(owner_id),
    )


def get_shared_network_owner_for(provider, owner_id):
    """The service user `owner_id` if `provider` has an active care link to them and they share their network map
    with `provider`; else 404. Checked in one query on every request."""
    return _shared_module_owner_for(provider, owner_id, Module.NETWORK)


def own_medications(user):
    """`user`'s own medications, in the order they were added: one query (current and earlier are the caller's
    to split, by date)."""
    from toolbox.models import Medication

    check_has_own_toolbox(user)
    return Medication.objects.filter(owner=user).order_by("created_at", "pk")


def own_medication(user, medication_id, *, for_update=False):
    """`user`'s own medication `medication_id`, else 404."""
    from toolbox.models import Medication

    check_has_own_toolbox(user)
    medications = Medication.objects.filter(owner=user)
    if for_update:
        medications = medications.select_for_update()
    return get_object_or_404(medications, pk=_id_or_404(medication_id))


def get_shared_medication_owner_for(provider, owner_id):
    """The service user `owner_id` if `provider` has an active care link to them and they share their medication
    overview with `provider`; else 404. Checked in one query on every request."""
    return _shared_module_owner_for(provider, owner_id, Module.MEDICATION)
