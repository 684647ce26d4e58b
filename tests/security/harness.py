"""Helpers the security tests share: the URL walker, a world of people and objects, and safe requests."""

import copy
import re
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.authz_matrix import (
    ADMIN_LOGIN, FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, PREFIX_RULES, REVERIFY, ROLES, ROWS_BY_NAME,
)


# --- Walking the URL patterns -------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, e.g. "notifications/<int:notification_id>/"
    name: str  # the namespaced name ("admin:index"), or "" for an unnamed pattern
    kwargs: tuple  # the names of its captured arguments

    @property
    def key(self):
        """How matrix rows refer to the pattern: its name, or its route when it has none."""
        return self.name or self.route


def _captured(pattern):
    if hasattr(pattern, "converters") and getattr(pattern, "_route", None) is not None:
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def walk_patterns(patterns=None, prefix="", namespace="", captured=()):
    """Every URL pattern of the project, through all includes, with its full route and namespaced name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        args = captured + _captured(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            found += walk_patterns(entry.url_patterns, route, inner, args)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            found.append(Pattern(route=route, name=name, kwargs=args))
    return found


def rule_for(pattern):
    """The prefix rule covering the pattern (for library URLs), or None."""
    plain = pattern.route.replace("^", "")
    return next((rule for rule in PREFIX_RULES if plain.startswith(rule.prefix)), None)


def uncovered_patterns():
    return [p for p in walk_patterns() if p.key not in ROWS_BY_NAME and rule_for(p) is None]


def sample_url(pattern, world):
    """A concrete URL for a library pattern, filling its arguments with values that point at alice."""
    samples = {
        "object_id": str(world.alice.pk),
        "content_type_id": str(ContentType.objects.get_for_model(type(world.alice)).pk),
        "app_label": "reconnect",
        "key": "not-a-real-key",
        "uidb36": "zz",
        "url": "nothing-here/",
    }
    if not pattern.name:
        # Unnamed patterns (the admin's catch-all and its "object id without /change/" redirect): fill the
        # route by hand.
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m.group(1), "1"), pattern.route)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: samples.get(m.group(1), "1"), route)
        return "/" + route.replace("^", "").replace("$", "")
    kwargs = {name: samples.get(name, "1") for name in pattern.kwargs}
    return reverse(pattern.name, kwargs=kwargs or None)


# --- The world: people, their clients and their objects -----------------------------------------------
def make_world(people):
    """Objects belonging to alice (and her linked provider) that the matrix points everyone else at."""
    from reconnect.models import CareLink, Invitation, Notification, Role
    from reconnect.services import notify
    from tests.conftest import signed_in_client
    from tests.factories import InvitationFactory

    from allauth.account.models import EmailAddress

    # Real accounts (invitation, demo data) always have their verified address in allauth's table; without
    # it allauth's e-mail page would create the row on its first GET.
    for person in people.values():
        EmailAddress.objects.get_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    world = SimpleNamespace(**people)
    world.people = people
    world.alice_notification = notify(
        recipient=people["alice"], kind="system", text="Something new for you", link="/"
    )
    world.care_link = CareLink.objects.active().get(provider=people["linked_provider"], service_user=people["alice"])
    world.provider_invitation = InvitationFactory(
        email="newcomer@example.test", role=Role.SERVICE_USER, community=people["alice"].community,
        invited_by=people["linked_provider"], care_provider=people["linked_provider"],
    )
    world.invitation_token = Invitation.new_token()
    world.provider_invitation.set_token(world.invitation_token)
    world.provider_invitation.save()

    from allauth.usersessions.models import UserSession

    # Alice is also signed in on another device (her phone).
    world.alice_other_session = UserSession.objects.create(
        user=people["alice"], session_key="alice-phone-session", ip="10.0.0.2", user_agent="Phone"
    )
    world.alice_other_session_exists = lambda: UserSession.objects.filter(pk=world.alice_other_session.pk).exists()
    world.notification_read_at = lambda: Notification.objects.get(pk=world.alice_notification.pk).read_at
    world.invitation_state = lambda: Invitation.objects.filter(pk=world.provider_invitation.pk).values_list(
        "revoked_at", "accepted_at").first()
    world.invitation_accepted = lambda: Invitation.objects.filter(pk=world.provider_invitation.pk).values_list(
        "accepted_at", "accepted_by").first()
    world.care_link_state = lambda: CareLink.objects.filter(pk=world.care_link.pk).values_list(
        "ended_at", flat=True).first()

    # Forum: a thread local to alice's community (bob lives in another), with alice's first post in it.
    from forum import services as forum_services
    from forum.models import Board, Post, PostReport, Subscription, Thread

    world.board = Board.objects.create(slug="matrix-board", name_nb="Tavle", name_en="Board")
    world.local_thread = forum_services.start_thread(
        board=world.board, author=people["alice"], title="Alice's local thread", body="Only for Nordby",
        community=people["alice"].community,
    )
    world.alice_post = world.local_thread.posts.get()
    world.forum_post_state = lambda: Post.objects.filter(pk=world.alice_post.pk).values_list(
        "body", "edited_at", "deleted_by_author_at").first()
    world.forum_report_count = lambda: PostReport.objects.count()
    world.forum_thread_state = lambda: (
        list(Post.objects.filter(thread=world.local_thread).values_list("pk", flat=True)),
        sorted(Subscription.objects.filter(thread=world.local_thread).values_list("user_id", flat=True)),
    )
    # Support reactions: the consultant thanked alice for her post (so the thread page lists who reacted).
    from forum.models import Reaction

    forum_services.toggle_reaction(post=world.alice_post, user=people["consultant"], kind="thanks", on=True)
    world.forum_reaction_state = lambda: (
        sorted(Reaction.objects.filter(post=world.alice_post).values_list("user_id", "kind")),
        Post.objects.filter(pk=world.alice_post.pk).values_list("thanks_count", "hug_count", "me_too_count").first(),
    )
    # The consultant's moderation: alice's thread and post as they are, and how many moderation rows exist.
    from reconnect.models import AuditAction, AuditEvent

    world.forum_moderation_state = lambda: (
        Thread.objects.filter(pk=world.local_thread.pk).values_list("is_pinned", "is_locked", "board_id").first(),
        Post.objects.filter(pk=world.alice_post.pk).values_list("hidden_at", "hidden_reason").first(),
        AuditEvent.objects.filter(action=AuditAction.MODERATION).count(),
    )

    # Forum profiles: alice has written a few words about herself; nobody else may change them.
    from forum.models import MemberProfile

    MemberProfile.objects.create(user=people["alice"], about_me="Alice's own words", show_community=False)
    world.alice_profile_state = lambda: MemberProfile.objects.filter(user=people["alice"]).values_list(
        "about_me", "show_community").first()

    # Circles: bob's circle with bob's thread in it. Alice is not a member: she has an invitation waiting, so
    # she may answer it but not see the circle; the consultant is in every circle by role.
    from forum.models import CircleInvitation, CircleMembership

    world.circle = forum_services.create_circle(creator=people["bob"], name="Bob's circle", description="Closed")
    world.circle_thread = forum_services.start_thread(
        circle=world.circle, author=people["bob"], title="Bob's circle thread", body="Only for the circle",
    )
    world.circle_post = world.circle_thread.posts.get()
    world.circle_invitation = forum_services.invite_to_circle(
        circle=world.circle, inviter=people["bob"], pseudonym=people["alice"].pseudonym,
    )
    world.circle_state = lambda: (
        sorted(CircleMembership.objects.filter(circle=world.circle).values_list("user_id", flat=True)),
        sorted(CircleInvitation.objects.filter(circle=world.circle).values_list("invitee_id", "status")),
        sorted(Post.objects.filter(thread__circle=world.circle).values_list("pk", "body", "deleted_by_author_at")),
        sorted(Subscription.objects.filter(thread__circle=world.circle).values_list("user_id", flat=True)),
    )

    # Messaging: alice writes to her linked provider, then sends a file (a real PNG) in a second message.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from messaging import services as messaging_services
    from messaging.models import Message as ChatMessage
    from tests.messaging.files import PNG

    world.conversation = messaging_services.start_conversation(
        author=people["alice"], to=people["linked_provider"], subject="Alice's question", body="About my medicine",
    )
    world.chat_message = messaging_services.send_message(
        conversation=world.conversation, sender=people["alice"], body="The letter",
        attachment=SimpleUploadedFile("letter.png", PNG, content_type="image/png"),
    )
    world.chat_attachment = world.chat_message.attachment
    messaging_services.set_reply_time(user=people["linked_provider"], text="within 2 working days")
    world.conversation_state = lambda: list(
        ChatMessage.objects.filter(conversation=world.conversation).order_by("number")
        .values_list("number", "body", "edited_at", "withdrawn_at")
    )
    world.reply_time_state = lambda: type(people["linked_provider"]).objects.filter(
        pk=people["linked_provider"].pk).values_list("message_reply_time", flat=True).first()

    # Cafés: next week's café in alice's community (not open to visitors, so bob gets 404), with alice's answer.
    from cafes import services as cafe_services
    from cafes.models import Cafe, Rsvp

    from datetime import timedelta as _timedelta
    from django.utils import timezone as _timezone

    _starts = (_timezone.now() + _timedelta(days=7)).replace(second=0, microsecond=0)
    world.cafe = cafe_services.create_cafe(
        by=people["consultant"], community=people["alice"].community, title="Alice's café", starts_at=_starts,
        ends_at=_starts + _timedelta(hours=2), venue_name="Library", address="Storgata 1", capacity=10,
        host=people["consultant"],
    )
    cafe_services.rsvp(user=people["alice"], cafe=world.cafe, answer="going", show_me=True)
    world.cafe_state = lambda: (
        Cafe.objects.filter(pk=world.cafe.pk).values_list(
            "title", "starts_at", "capacity", "status", "going_count", "maybe_count").first(),
        sorted(Rsvp.objects.filter(cafe=world.cafe).values_list("user_id", "answer", "show_me", "waitlisted_at")),
        Cafe.objects.count(),
    )
    # A recurring café in alice's community (it plans its coming cafés), alice's reminder choices and her
    # private calendar feed link (the token is the credential; only its hash is stored).
    import datetime as _datetime

    from cafes.models import CafeSeries, CalendarFeedToken, ReminderSettings

    world.series = cafe_services.create_series(
        by=people["consultant"], community=people["alice"].community, title="Alice's monthly café", weekday=1,
        week=1, start_time=_datetime.time(18), end_time=_datetime.time(20), venue_name="Library",
        address="Storgata 1", host=people["consultant"],
    )
    world.series_state = lambda: (
        sorted(CafeSeries.objects.values_list("pk", "title", "weekday", "week", "active")),
        Cafe.objects.count(), Cafe.objects.filter(status="cancelled").count(),
    )
    cafe_services.set_reminder_settings(user=people["alice"], early_hours=24, late_hours=2, remind_maybe=False,
                                        by_email=True)
    world.reminder_state = lambda: (
        list(ReminderSettings.objects.filter(user=people["alice"]).values_list("early_hours", "late_hours",
                                                                                "remind_maybe")),
        type(people["alice"]).objects.get(pk=people["alice"].pk).email_notification_kinds,
    )
    world.feed_token = cafe_services.make_feed_link(user=people["alice"])
    world.feed_state = lambda: sorted(
        CalendarFeedToken.objects.filter(user=people["alice"]).values_list("token_hash", "revoked_at"))
    # Getting there together: alice asks for company to her café; a neighbour in her community offers it and
    # proposes; alice has not answered yet.
    from cafes.models import CafeFeedback, CompanionMatch, CompanionRequest
    from tests.factories import UserFactory as _UserFactory

    _neighbour = _UserFactory(community=people["alice"].community, pseudonym="WalkingNeighbour")
    cafe_services.rsvp(user=_neighbour, cafe=world.cafe, answer="going")
    world.companion_request = cafe_services.ask_or_offer(user=people["alice"], cafe=world.cafe,
                                                         kind="companion_wanted", note="Alice's note")
    _offer = cafe_services.ask_or_offer(user=_neighbour, cafe=world.cafe, kind="companion_offered")
    world.companion_match = cafe_services.propose_match(user=_neighbour, own_request=_offer,
                                                        other_request=world.companion_request)
    world.companion_state = lambda: (
        sorted(CompanionRequest.objects.values_list("pk", "kind", "note", "closed_at")),
        sorted(CompanionMatch.objects.values_list("pk", "status", "wanted_phone", "offered_phone")),
        CompanionMatch.objects.get(pk=world.companion_match.pk).messages.count(),
        CafeFeedback.objects.count(), Cafe.objects.get(pk=world.cafe.pk).forum_thread_id,
    )

    # Toolbox: alice's crisis plan, shared with her linked provider (bob has no plan; the unlinked provider, the
    # consultant and the admin never see toolbox content).
    from toolbox import services as toolbox_services
    from toolbox.models import CrisisPlan, Share

    world.crisis_plan = toolbox_services.save_crisis_plan(
        owner=people["alice"], texts={"warning_signs": "Alice's warning signs"}, people=[("Anne", "912 34 567")],
        professionals=[],
    )
    toolbox_services.set_share(
        owner=people["alice"], provider_id=people["linked_provider"].pk, module="crisis_plan", shared=True,
    )
    world.toolbox_state = lambda: (
        list(CrisisPlan.objects.filter(owner=people["alice"]).values_list("warning_signs", "updated_at")),
        sorted(Share.objects.values_list("owner_id", "provider_id", "module")),
    )
    # Toolbox goals and activities: alice's goal and activity, shared with her linked provider.
    from datetime import timedelta as _td

    from django.utils import timezone as _tz

    from toolbox.models import Activity, Goal

    world.goal = toolbox_services.save_goal(owner=people["alice"], domain="work", title="Alice's goal")
    world.activity = toolbox_services.save_activity(
        owner=people["alice"], title="Alice's activity", starts_at=_tz.now() + _td(days=1), goal_id=world.goal.pk,
    )
    toolbox_services.set_share(owner=people["alice"], provider_id=people["linked_provider"].pk, module="goals",
                               shared=True)
    world.goals_state = lambda: (
        sorted(Goal.objects.values_list("pk", "owner_id", "title", "status", "updated_at")),
        sorted(Activity.objects.values_list("pk", "owner_id", "title", "starts_at", "done_at", "note")),
        sorted(Share.objects.values_list("owner_id", "provider_id", "module")),
    )
    # Toolbox information pages (one published, one unpublished draft) and a local link in alice's community.
    from toolbox.models import InfoPage, LocalLink

    world.info_page = InfoPage.objects.create(slug="harness-page", published=True, title_en="Harness page",
                                              body_en="Kind words")
    InfoPage.objects.create(slug="harness-draft", published=False, title_en="Draft")
    world.local_link = LocalLink.objects.create(community=people["alice"].community, category="activity",
                                                title="Alice's walking group", url="https://example.no/walk")
    world.links_state = lambda: sorted(LocalLink.objects.values_list("pk", "community_id", "title", "url"))
    # Toolbox network map and medication overview: alice's person and medicine, both shared with her linked provider.
    from toolbox.models import Medication, NetworkPerson

    world.network_person = toolbox_services.save_network_person(
        owner=people["alice"], name="Alice's friend", relation="friend", circle=3, notes="Alice's note")
    world.medication = toolbox_services.save_medication(owner=people["alice"], trade_name="Alice's medicine")
    for module in ("network", "medication"):
        toolbox_services.set_share(owner=people["alice"], provider_id=people["linked_provider"].pk, module=module,
                                   shared=True)
    world.network_state = lambda: (
        sorted(NetworkPerson.objects.values_list("pk", "owner_id", "name", "relation", "circle", "notes")),
        sorted(Share.objects.values_list("owner_id", "provider_id", "module")),
    )
    world.medication_state = lambda: (
        sorted(Medication.objects.values_list("pk", "owner_id", "trade_name", "ended_on", "updated_at")),
        sorted(Share.objects.values_list("owner_id", "provider_id", "module")),
    )

    # Toolbox exercises: a published exercise with a question and a draft (the consultant's own), the exercise
    # featured in alice's community, alice's reflection on it shared with her linked provider.
    from toolbox.models import Exercise, ExerciseQuestion, FeaturedExercise, Reflection, ReflectionAnswer
    from toolbox.models import SharingPreferences

    world.exercise = toolbox_services.save_exercise(
        by=people["consultant"], category="coping", title_en="Harness exercise", body_en="Breathe",
        questions=[("", "Harness question")])
    toolbox_services.set_exercise_published(by=people["consultant"], exercise_id=world.exercise.pk, published=True)
    world.exercise_draft = toolbox_services.save_exercise(
        by=people["consultant"], category="sleep", title_en="Harness draft", body_en="Soon")
    world.featuring = toolbox_services.feature_exercise(
        by=people["consultant"], exercise_id=world.exercise.pk, community_id=people["alice"].community_id,
        featured_from=_tz.localdate(), featured_until=_tz.localdate() + _td(days=7))
    world.reflection = toolbox_services.save_reflection(
        owner=people["alice"], exercise_id=world.exercise.pk, text="Alice's reflection",
        answers={world.exercise.questions.get().pk: "Alice's answer"})
    toolbox_services.set_share(owner=people["alice"], provider_id=people["linked_provider"].pk,
                               module="reflections", shared=True)
    world.exercises_state = lambda: (
        sorted(Exercise.objects.values_list("pk", "published", "title_en", "body_en", "updated_at")),
        sorted(ExerciseQuestion.objects.values_list("pk", "exercise_id", "text_en")),
        sorted(FeaturedExercise.objects.values_list("pk", "exercise_id", "community_id", "featured_from",
                                                    "featured_until")),
    )
    world.reflections_state = lambda: (
        sorted(Reflection.objects.values_list("pk", "owner_id", "exercise_id", "text", "updated_at")),
        sorted(ReflectionAnswer.objects.values_list("pk", "reflection_id", "answer")),
        sorted(Share.objects.values_list("owner_id", "provider_id", "module")),
        sorted(SharingPreferences.objects.filter(owner=people["alice"]).values_list("owner_id",
                                                                                  "notify_on_provider_view")),
    )

    # Moderation: alice's post was flagged for identifying details (a queue item); the consultant keeps a reply
    # template. Nobody but the consultant (and admins, where they may) changes any of it.
    from moderation.models import MemberNote, ModerationLog, OnDutyHours, QueueItem, ReplyTemplate

    forum_services.flag_post(post=world.alice_post, kind="privacy")
    world.queue_item = QueueItem.objects.get(post=world.alice_post)
    world.reply_template = ReplyTemplate.objects.create(owner=people["consultant"], title="Thanks",
                                                        body="Thank you for writing.")
    world.moderation_state = lambda: (
        sorted(QueueItem.objects.values_list("pk", "state", "done_by_id", "handling_by_id")),
        Post.objects.filter(pk=world.alice_post.pk).values_list("hidden_at", "body").first(),
        Thread.objects.filter(pk=world.local_thread.pk).values_list(
            "is_locked", "slow_mode_seconds", "board_id", "post_count").first(),
        ModerationLog.objects.count(), MemberNote.objects.count(),
        sorted(ReplyTemplate.objects.values_list("pk", "title", "body")),
        sorted(OnDutyHours.objects.values_list("weekday", "starts", "ends")),
        Thread.objects.count(),
    )

    world.clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        world.clients[role] = signed_in_client(people[role])
    return world


# --- Requests that leave no trace, and what their answers amount to -----------------------------------
def request_and_roll_back(client, method, url, *, inspect=None):
    """Make one request inside a savepoint that is rolled back, and restore the client's cookies after.

    Each role's request then meets the same world: alice ending her care link does not change what the
    next role sees, and a POST to sign out does not sign the client out for the rest of the test.
    `inspect(response)` runs before the rollback, to look at what the request changed.
    Returns (response, inspected value) or (exception, None) when the view raised.
    """
    cookies = copy.deepcopy(client.cookies)
    result = None
    try:
        with transaction.atomic():
            response = getattr(client, method)(url)
            if inspect is not None:
                result = inspect(response)
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - a view that raises is a 500; report it, do not stop the loop
        response = exc
    finally:
        client.cookies = cookies
    return response, result


def _path(url):
    return urlsplit(url).path


def classify(response, url):
    """What an answer amounts to for the matrix: OK, LOGIN, ADMIN_LOGIN, "403", "404", "405" or an error."""
    if isinstance(response, Exception):
        return f"error: {type(response).__name__}: {response}"
    status = response.status_code
    admin_login = reverse("admin:login")
    if status >= 500:
        return f"error: {status}"
    if status in (301, 302, 303, 307, 308):
        target = _path(response["Location"])
        if target.startswith(reverse("account_login")):
            return LOGIN
        if target.startswith(admin_login):
            return ADMIN_LOGIN
        if _path(url) == reverse("admin:logout") and target == reverse("admin:index"):
            # The admin sends a non-staff "sign out of the admin" to the admin index, which asks them to sign in.
            return ADMIN_LOGIN
        if target.startswith(reverse("mfa_verify")) and not _path(url).startswith(reverse("mfa_verify")):
            # Asked for a fresh code before a sensitive change (or, unexpectedly, the session lost its
            # verification: the matrix says where re-verification is expected).
            return REVERIFY
        for name in ("mfa_setup", "consent"):
            if target.startswith(reverse(name)) and not _path(url).startswith(reverse(name)):
                # The role fixtures are verified and consented: being sent here means the session was lost.
                return f"sent to {name}"
        return OK
    if status == 200 and _path(url) == admin_login and b'id="login-form"' in response.content:
        return ADMIN_LOGIN
    if 200 <= status < 300:
        return OK
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(status, str(status))


def private_strings(people, *, viewer_role):
    """Real names and e-mail addresses that the viewer may not see on any page.

    A person sees their own; a service user sees their own providers' names; a provider the names of the
    people in their care.
    """
    allowed = {viewer_role}
    if viewer_role == "alice":
        allowed.add("linked_provider")
    if viewer_role == "linked_provider":
        allowed.add("alice")
    secrets = []
    for role, person in people.items():
        if role not in allowed:
            secrets += [person.real_name, person.email]
    return [s for s in secrets if s]


def response_text(response):
    if isinstance(response, Exception) or response.streaming:
        return ""
    return response.content.decode(errors="replace")


# --- Markup the Content-Security-Policy would block ---------------------------------------------------
INLINE_PROBLEMS = [
    (re.compile(r"""\sstyle\s*=\s*["']""", re.I), "a style attribute"),
    (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I), "an on* event attribute"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script> without src"),
    (re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I), "a javascript: URL"),
]


def inline_markup_problems(html):
    """What in the page the Content-Security-Policy would block (and so must not be written at all)."""
    return [f"{what}: {m.group(0)!r}" for pattern, what in INLINE_PROBLEMS for m in pattern.finditer(html)]


def html_page_text(response):
    """The text of a successful HTML answer (the pages a browser renders under the policy), else None."""
    if isinstance(response, Exception) or response.streaming or response.status_code >= 300:
        return None
    if "text/html" not in response.headers.get("Content-Type", ""):
        return None
    return response.content.decode()


# --- Database writes ----------------------------------------------------------------------------------
# Tables a GET may write to: the session row (saved on every request to slide the idle timeout) and
# allauth's user-session tracking (last seen, IP, user agent). Nothing else may change on a GET.
GET_WRITABLE_TABLES = {"django_session", "usersessions_usersession"}


def table_write_counters():
    """Rows inserted, updated and deleted per table so far in this transaction (PostgreSQL's own counters).

    Stricter than comparing row counts: an UPDATE changes no count but shows here.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return dict(cursor.fetchall())


def row_counts():
    """The number of rows in every table of every installed model."""
    from django.apps import apps

    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
        return dict(zip(tables, cursor.fetchone()))


def written_tables(before, after, *, allowed=()):
    ignore = GET_WRITABLE_TABLES | set(allowed)
    return sorted(t for t, n in after.items() if n != before.get(t, 0) and t not in ignore)


__all__ = [
    "ADMIN_LOGIN", "FORBIDDEN", "GET_WRITABLE_TABLES", "LOGIN", "NOT_ALLOWED", "NOT_FOUND", "OK", "Pattern",
    "classify", "html_page_text", "inline_markup_problems", "make_world", "private_strings",
    "request_and_roll_back", "response_text", "row_counts", "rule_for", "sample_url", "table_write_counters",
    "uncovered_patterns", "walk_patterns", "written_tables",
]
