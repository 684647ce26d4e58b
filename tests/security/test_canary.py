"""Real names and e-mail addresses never reach a peer or the consultant (SECURITY.md, canary leak).

Canary people carry unique strings as their real name and e-mail and take part in things that show up on
other people's pages. Every page a peer (bob) or the consultant can see is rendered and searched for the
canaries. Later issues add their pages to PAGES (forum threads, café lists, messages, moderation queues).
"""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from reconnect.models import AuditAction, CareLink, Role
from reconnect.services import notify, record_audit_event, send_notification_email
from tests.conftest import signed_in_client
from tests.factories import InvitationFactory, ProviderFactory, UserFactory


def _canary_info_page():
    """A published information page (the starter pages of toolbox's migration may be flushed by browser tests)."""
    from toolbox.models import InfoPage

    return InfoPage.objects.get_or_create(slug="canary-page", defaults={
        "published": True, "title_en": "Privacy", "body_en": "Use a pseudonym."})[0]


def _counted(url):
    """The statistics' URL, once this month's figures have been counted (beat does it in real use)."""
    from moderation.statistics import refresh_current_month

    refresh_current_month()
    return url


def _canary_exercise(w):
    """A published exercise featured in bob's community this week, on which bob has written a reflection."""
    from django.utils import timezone

    from toolbox.models import Exercise, ExerciseQuestion, FeaturedExercise, Reflection

    exercise, _created = Exercise.objects.get_or_create(title_en="Canary breathing", defaults={
        "published": True, "category": "coping", "body_en": "Breathe out slowly."})
    ExerciseQuestion.objects.get_or_create(exercise=exercise, text_en="How was it?")
    today = timezone.localdate()
    FeaturedExercise.objects.get_or_create(exercise=exercise, community=w["cafe"].community, defaults={
        "featured_from": today, "featured_until": today})
    bob = w["cafe"].rsvps.get(user__pseudonym="Driftwood").user
    Reflection.objects.get_or_create(owner=bob, exercise=exercise, defaults={"text": "Bob's own thoughts"})
    return exercise


def _with_canary_exercise(w, url):
    _canary_exercise(w)
    return url


# (who looks, how to build the URL from the canary world). Add the pages of new features here.
PAGES = [
    ("bob", lambda w: reverse("home")),
    ("bob", lambda w: reverse("notifications")),
    ("bob", lambda w: reverse("notification_preferences")),
    ("bob", lambda w: reverse("account_settings")),
    ("bob", lambda w: reverse("access_log")),
    ("bob", lambda w: reverse("care_team")),
    ("bob", lambda w: reverse("consent")),
    ("bob", lambda w: reverse("mfa_manage")),
    ("bob", lambda w: reverse("usersessions_list")),
    ("consultant", lambda w: reverse("home")),
    ("consultant", lambda w: reverse("notifications")),
    ("consultant", lambda w: reverse("account_settings")),
    ("consultant", lambda w: reverse("access_log")),
    ("consultant", lambda w: reverse("invitations")),
    ("consultant", lambda w: reverse("invitation_create")),
    ("consultant", lambda w: reverse("consent")),
    ("consultant", lambda w: reverse("care_team")),
    # Forum: the canary peer writes, bob replies; bob and the consultant read.
    ("bob", lambda w: reverse("forum:index")),
    ("bob", lambda w: reverse("forum:board", args=[w["forum_board"].slug])),
    ("bob", lambda w: reverse("forum:thread", args=[w["forum_thread"].pk])),
    ("bob", lambda w: reverse("forum:thread", args=[w["forum_local_thread"].pk])),
    ("bob", lambda w: reverse("forum:reply", args=[w["forum_thread"].pk])),
    # Quoting the canary peer's post into a reply: the quote names the writer by pseudonym only.
    ("bob", lambda w: reverse("forum:reply", args=[w["forum_thread"].pk])
     + f"?quote={w['forum_thread'].posts.get(number=1).pk}"),
    ("bob", lambda w: reverse("forum:thread_create", args=[w["forum_board"].slug])),
    ("bob", lambda w: reverse("forum:post_edit", args=[w["forum_bob_post"].pk])),
    ("bob", lambda w: reverse("forum:post_report", args=[w["forum_thread"].posts.get(number=1).pk])),
    ("consultant", lambda w: reverse("forum:index")),
    ("consultant", lambda w: reverse("forum:board", args=[w["forum_board"].slug])),
    ("consultant", lambda w: reverse("forum:thread", args=[w["forum_thread"].pk])),
    ("consultant", lambda w: reverse("forum:thread", args=[w["forum_local_thread"].pk])),
    # Search results whose words match the canary peer's thread title, its first post and bob's replies.
    ("bob", lambda w: reverse("forum:search") + "?q=week"),
    ("bob", lambda w: reverse("forum:search") + "?q=Seabird"),
    ("bob", lambda w: reverse("forum:search") + "?q=caf%C3%A9+or+meet"),
    ("bob", lambda w: reverse("forum:search") + "?q=circle+or+glad"),
    ("consultant", lambda w: reverse("forum:search") + "?q=week+or+sharing"),
    ("consultant", lambda w: reverse("forum:search") + "?q=caf%C3%A9"),
    # The consultant's moderation: the hide form and the earlier versions of the canary peer's edited post.
    ("consultant", lambda w: reverse("forum:post_hide", args=[w["forum_thread"].posts.get(number=1).pk])),
    ("consultant", lambda w: reverse("forum:post_revisions", args=[w["forum_thread"].posts.get(number=1).pk])),
    # Member profiles: the canary peer's profile (with their community shown) seen by bob and the consultant,
    # bob's own profile (his posts sit in the peer's threads) seen by the consultant and by bob, and bob's
    # edit page.
    ("bob", lambda w: reverse("forum:member", args=[w["peer"].pseudonym])),
    ("consultant", lambda w: reverse("forum:member", args=[w["peer"].pseudonym])),
    ("consultant", lambda w: reverse("forum:member", args=["Driftwood"])),
    ("bob", lambda w: reverse("forum:member", args=["Driftwood"])),
    ("bob", lambda w: reverse("forum:profile_edit")),
    # Circles: the canary peer's circle with bob in it, and another circle the peer invited bob to.
    ("bob", lambda w: reverse("forum:circles")),
    ("bob", lambda w: reverse("forum:circle", args=[w["forum_circle"].pk])),
    ("bob", lambda w: reverse("forum:thread", args=[w["forum_circle_thread"].pk])),
    ("bob", lambda w: reverse("forum:circle_thread_create", args=[w["forum_circle"].pk])),
    ("bob", lambda w: reverse("forum:circle_leave", args=[w["forum_circle"].pk])),
    ("consultant", lambda w: reverse("forum:circles")),
    ("consultant", lambda w: reverse("forum:circle", args=[w["forum_circle"].pk])),
    ("consultant", lambda w: reverse("forum:thread", args=[w["forum_circle_thread"].pk])),
    # Messaging: the canary peer writes to the consultant, who replies; bob writes to the consultant too. Bob
    # sees only his own; the consultant sees service users by pseudonym, never by real name.
    ("bob", lambda w: reverse("messaging:inbox")),
    ("bob", lambda w: reverse("messaging:conversation_create")),
    ("bob", lambda w: reverse("messaging:conversation", args=[w["bob_conversation"].pk])),
    ("consultant", lambda w: reverse("messaging:inbox")),
    ("consultant", lambda w: reverse("messaging:conversation", args=[w["peer_conversation"].pk])),
    ("consultant", lambda w: reverse("messaging:conversation", args=[w["bob_conversation"].pk])),
    ("consultant", lambda w: reverse("messaging:settings")),
    # Cafés: a café in bob's community where the canary peer and bob are going (both shown to others) and the
    # newcomer Pebble waits; bob reads the list and the café, the consultant also sees every answer and the forms.
    ("bob", lambda w: reverse("cafes:index")),
    ("bob", lambda w: reverse("cafes:index") + "?others=1"),
    ("bob", lambda w: reverse("cafes:past")),
    ("bob", lambda w: reverse("cafes:detail", args=[w["cafe"].pk])),
    ("bob", lambda w: reverse("cafes:ics", args=[w["cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:index")),
    ("consultant", lambda w: reverse("cafes:past")),
    ("consultant", lambda w: reverse("cafes:detail", args=[w["cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:edit", args=[w["cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:cancel", args=[w["cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:create")),
    # A recurring café in bob's community whose first café the canary peer is going to; bob's reminder choices,
    # his calendar link page and his private feed (with the Harbour café, where the peer is going too).
    ("consultant", lambda w: reverse("cafes:series_list")),
    ("consultant", lambda w: reverse("cafes:series_edit", args=[w["cafe_series"].pk])),
    ("consultant", lambda w: reverse("cafes:series_stop", args=[w["cafe_series"].pk])),
    ("consultant", lambda w: reverse("cafes:series_create")),
    ("bob", lambda w: reverse("cafes:detail", args=[w["cafe_series"].cafes.order_by("starts_at")[0].pk])),
    ("bob", lambda w: reverse("cafes:reminders")),
    ("bob", lambda w: reverse("cafes:calendar")),
    ("bob", lambda w: reverse("cafes:feed", args=[w["cafe_feed_token"]])),
    ("bob", lambda w: reverse("cafes:together", args=[w["cafe"].pk])),
    ("bob", lambda w: reverse("cafes:match", args=[w["cafe_match"].pk])),
    ("consultant", lambda w: reverse("cafes:together_open")),
    ("bob", lambda w: reverse("cafes:detail", args=[w["past_cafe"].pk])),
    ("bob", lambda w: reverse("cafes:feedback", args=[w["past_cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:detail", args=[w["past_cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:attendance", args=[w["past_cafe"].pk])),
    ("consultant", lambda w: reverse("cafes:forum_thread", args=[w["cafe"].pk])),
    # Toolbox: bob's own crisis plan pages (his plan is empty; the suggestions name only his own providers).
    ("bob", lambda w: reverse("toolbox:index")),
    ("bob", lambda w: reverse("toolbox:crisis_plan")),
    ("bob", lambda w: reverse("toolbox:crisis_plan_edit")),
    ("bob", lambda w: reverse("toolbox:crisis_plan_print")),
    ("bob", lambda w: reverse("toolbox:crisis_plan_preview")),
    # Toolbox: bob's own goals and week (empty; the sharing list names only his own providers).
    ("bob", lambda w: reverse("toolbox:goals")),
    ("bob", lambda w: reverse("toolbox:goal_new")),
    ("bob", lambda w: reverse("toolbox:goals_preview")),
    ("bob", lambda w: reverse("toolbox:week")),
    ("bob", lambda w: reverse("toolbox:activity_new")),
    # Toolbox: bob's own network map and medication overview (empty; the sharing lists name only his providers).
    ("bob", lambda w: reverse("toolbox:network")),
    ("bob", lambda w: reverse("toolbox:network_person_new")),
    ("bob", lambda w: reverse("toolbox:network_preview")),
    ("bob", lambda w: reverse("toolbox:medication")),
    ("bob", lambda w: reverse("toolbox:medication_new")),
    ("bob", lambda w: reverse("toolbox:medication_print")),
    ("bob", lambda w: reverse("toolbox:medication_preview")),
    # Toolbox: information pages and local links (the consultant sees every community's and keeps them).
    ("bob", lambda w: reverse("toolbox:info_pages")),
    ("bob", lambda w: reverse("toolbox:info_page", args=[_canary_info_page().slug])),
    ("bob", lambda w: reverse("toolbox:local_links")),
    ("consultant", lambda w: reverse("toolbox:local_links")),
    ("consultant", lambda w: reverse("toolbox:local_link_new")),
    # Toolbox exercises: the library with an exercise featured in bob's community, bob's reflections (his own; the
    # sharing list names only his providers), and the consultant's pages that keep and feature exercises.
    ("bob", lambda w: _with_canary_exercise(w, reverse("toolbox:exercises"))),
    ("bob", lambda w: reverse("toolbox:exercise", args=[_canary_exercise(w).pk])),
    ("bob", lambda w: _with_canary_exercise(w, reverse("toolbox:index"))),
    ("bob", lambda w: reverse("toolbox:reflections")),
    ("bob", lambda w: reverse("toolbox:reflections_preview")),
    ("consultant", lambda w: reverse("toolbox:exercises")),
    ("consultant", lambda w: _with_canary_exercise(w, reverse("toolbox:exercises_keep"))),
    ("consultant", lambda w: reverse("toolbox:exercise", args=[_canary_exercise(w).pk])),
    ("consultant", lambda w: reverse("toolbox:exercise_edit", args=[_canary_exercise(w).pk])),
    ("consultant", lambda w: reverse("toolbox:exercise_feature", args=[_canary_exercise(w).pk])),
    ("consultant", lambda w: reverse("toolbox:exercise_new")),
    # Statistics: counted from everything the canaries did above; the page and the CSV hold figures only.
    ("consultant", lambda w: _counted(reverse("moderation:statistics"))),
    ("consultant", lambda w: _counted(reverse("moderation:statistics_csv"))),
    ("admin_user", lambda w: _counted(reverse("moderation:statistics"))),
    # The moderation queue, an item (with its reporter), the log and member care: pseudonyms only, even for the
    # consultant; bob's own moderation history.
    ("consultant", lambda w: reverse("moderation:queue")),
    ("consultant", lambda w: reverse("moderation:queue") + "?kind=cafe"),
    ("consultant", lambda w: reverse("moderation:item", args=[w["queue_item"].pk])),
    ("consultant", lambda w: reverse("moderation:item_write", args=[w["queue_item"].pk])),
    ("consultant", lambda w: reverse("moderation:log")),
    ("consultant", lambda w: reverse("moderation:member", args=["Seabird"])),
    ("consultant", lambda w: reverse("moderation:member", args=["Pebble"])),
    ("admin_user", lambda w: reverse("moderation:queue")),
    ("admin_user", lambda w: reverse("moderation:log")),
    ("admin_user", lambda w: reverse("moderation:member", args=["Seabird"])),
    ("bob", lambda w: reverse("moderation:my_history")),
]


class Canary:
    def __init__(self, label):
        token = uuid.uuid4().hex
        self.real_name = f"CANARY-REALNAME-{label}-{token}"
        self.email = f"canary-{label}-{token}@example.test"

    @property
    def strings(self):
        # The e-mail's local part too: a page showing "canary-peer-…" without the domain still leaks it.
        return [self.real_name, self.email, self.email.split("@")[0]]


@pytest.fixture(scope="module")
def _module_canary_world(_module_world, django_db_blocker):
    """Built once per module, inside the module's world (see conftest.py): the tests only look at it."""
    world = _module_world
    with django_db_blocker.unblock():
        return _build_canary_world(world.bob, world.consultant, world.admin_user, world.bob.community)


@pytest.fixture
def canary_world(_module_canary_world, world):
    return _module_canary_world


def _build_canary_world(bob, consultant, admin_user, south):
    """A peer in bob's community, a provider and a newcomer, all canaries, doing things bob and the consultant see."""
    peer, provider, newcomer = Canary("peer"), Canary("provider"), Canary("newcomer")
    peer_user = UserFactory(
        email=peer.email, real_name=peer.real_name, pseudonym="Seabird", community=south, role=Role.SERVICE_USER
    )
    provider_user = ProviderFactory(email=provider.email, real_name=provider.real_name, pseudonym="kestrel-p")
    # A provider who was never bob's: bob's access log must call them by role, not by name.
    record_audit_event(actor=provider_user, subject_user=bob, action=AuditAction.SHARED_VIEWED, obj=bob)
    record_audit_event(actor=peer_user, subject_user=bob, action=AuditAction.MODERATION, detail="Seabird")
    record_audit_event(actor=provider_user, subject_user=consultant, action=AuditAction.SHARED_VIEWED)
    # A share row naming a provider who was never bob's (the toolbox writes "provider:<id>"): no name on his log.
    record_audit_event(actor=None, subject_user=bob, action=AuditAction.SHARE_REVOKED,
                       detail=f"crisis_plan provider:{provider_user.pk}")
    # The provider's link to the peer (not to bob), which the consultant must not learn names from.
    CareLink.objects.create(provider=provider_user, service_user=peer_user)
    # An invitation to the newcomer that the ADMIN sent: the consultant did not type this address.
    InvitationFactory(email=newcomer.email, role=Role.SERVICE_USER, community=south, invited_by=admin_user)
    # Things that happen to bob because of the canaries: notifications never name people, but check anyway.
    notify(recipient=bob, kind="forum_reply", text="Someone replied to your post", link=reverse("home"))
    notify(recipient=bob, kind="care_link", text="Your care team changed", link=reverse("care_team"))
    notify(recipient=consultant, kind="system", text="A new member joined", link=reverse("home"))
    # The forum: the peer starts a thread and a local one (bob's community); bob replies, which notifies the peer.
    from forum import services as forum_services
    from forum.models import Board

    board = Board.objects.create(slug="canary-board", name_nb="Hverdagen", name_en="Everyday life")
    thread = forum_services.start_thread(board=board, author=peer_user, title="My week", body="Hello from Seabird")
    local = forum_services.start_thread(
        board=board, author=peer_user, title="Before the café", body="Meet at 5?", community=south
    )
    bob_post = forum_services.post_reply(thread=thread, author=bob, body="Welcome!")
    forum_services.post_reply(thread=thread, author=consultant, body="Thank you for sharing.")
    forum_services.post_reply(thread=local, author=bob, body="Yes")
    # Support reactions: the canary peer thanks bob, bob hugs the peer, the consultant says "me too" to both, so
    # the thread pages list who reacted (by pseudonym) to bob and to the consultant.
    forum_services.toggle_reaction(post=bob_post, user=peer_user, kind="thanks", on=True)
    forum_services.toggle_reaction(post=bob_post, user=consultant, kind="me_too", on=True)
    forum_services.toggle_reaction(post=thread.posts.get(number=1), user=bob, kind="hug", on=True)
    forum_services.toggle_reaction(post=local.posts.get(number=1), user=consultant, kind="me_too", on=True)
    forum_services.edit_post(post=thread.posts.get(number=1), editor=peer_user, body="Hello from Seabird, again")
    forum_services.update_member_profile(user=peer_user, about_me="I like the sea.", show_community=True)
    # Circles: the peer makes a circle and invites bob, who joins and replies; the peer's second circle waits
    # for bob's answer; the peer has invited someone else too (the consultant sees that invitation waiting).
    circle = forum_services.create_circle(creator=peer_user, name="Harbour friends", description="From the café")
    forum_services.accept_invitation(
        invitation=forum_services.invite_to_circle(circle=circle, inviter=peer_user, pseudonym=bob.pseudonym),
        invitee=bob,
    )
    circle_thread = forum_services.start_thread(circle=circle, author=peer_user, title="Hello circle", body="Hi all")
    forum_services.post_reply(thread=circle_thread, author=bob, body="Glad to be here")
    other = forum_services.create_circle(creator=peer_user, name="Second circle")
    forum_services.invite_to_circle(circle=other, inviter=peer_user, pseudonym=bob.pseudonym)
    newcomer_user = UserFactory(pseudonym="Pebble", community=south)
    forum_services.invite_to_circle(circle=circle, inviter=peer_user, pseudonym=newcomer_user.pseudonym)
    # Messaging: the peer and bob each write to the consultant, who replies to the peer; the canary provider
    # writes to the peer (a conversation neither bob nor the consultant can see).
    from messaging import services as messaging_services

    peer_conversation = messaging_services.start_conversation(
        author=peer_user, to=consultant, subject="Before the café", body="I am nervous about Thursday.",
    )
    messaging_services.send_message(conversation=peer_conversation, sender=consultant, body="We can meet outside.")
    bob_conversation = messaging_services.start_conversation(
        author=bob, to=consultant, subject="A question", body="Is the café open in July?",
    )
    messaging_services.start_conversation(author=provider_user, to=peer_user, subject="Next week", body="Hello")
    # Cafés: the canary peer and bob are going to a café in their community, both shown to other attendees; it
    # is full, so Pebble (the newcomer) waits on the list.
    from datetime import timedelta

    from django.utils import timezone

    from cafes import services as cafe_services

    starts = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    cafe = cafe_services.create_cafe(
        by=consultant, community=south, title="Harbour café", starts_at=starts, ends_at=starts + timedelta(hours=2),
        venue_name="Harbour house", address="Kaia 2", capacity=2, host=consultant,
    )
    cafe_services.rsvp(user=peer_user, cafe=cafe, answer="going", show_me=True)
    cafe_services.rsvp(user=bob, cafe=cafe, answer="going", show_me=True)
    cafe_services.rsvp(user=newcomer_user, cafe=cafe, answer="going", show_me=True)
    import datetime

    cafe_series = cafe_services.create_series(
        by=consultant, community=south, title="Harbour monthly", weekday=2, week=-1, start_time=datetime.time(17),
        end_time=datetime.time(19), venue_name="Harbour house", address="Kaia 2", host=consultant,
    )
    cafe_services.rsvp(user=peer_user, cafe=cafe_series.cafes.order_by("starts_at")[0], answer="going", show_me=True)
    # Getting there together: the peer asks for company to the Harbour café, bob offers and proposes, the peer
    # agrees and writes to bob; the newcomer's request for a ride is still open (the consultant's list).
    want = cafe_services.ask_or_offer(user=peer_user, cafe=cafe, kind="companion_wanted", note="A bit nervous")
    offer = cafe_services.ask_or_offer(user=bob, cafe=cafe, kind="companion_offered")
    cafe_match = cafe_services.propose_match(user=bob, own_request=offer, other_request=want)
    cafe_services.answer_match(user=peer_user, match=cafe_match, accept=True)
    cafe_services.send_match_message(user=peer_user, match=cafe_match, text="See you at the bus stop")
    cafe_services.ask_or_offer(user=newcomer_user, cafe=cafe, kind="ride_wanted")
    # A café that has taken place: the peer and bob went, the peer left a "how was it" note, and the consultant
    # marked who came.
    from cafes.models import Cafe

    past_cafe = cafe_services.create_cafe(
        by=consultant, community=south, title="Last month's café", starts_at=starts + timedelta(days=1),
        ends_at=starts + timedelta(days=1, hours=2), venue_name="Harbour house", address="Kaia 2", host=consultant,
    )
    cafe_services.rsvp(user=peer_user, cafe=past_cafe, answer="going", show_me=True)
    cafe_services.rsvp(user=bob, cafe=past_cafe, answer="maybe")
    Cafe.objects.filter(pk=past_cafe.pk).update(starts_at=timezone.now() - timedelta(days=3),
                                                ends_at=timezone.now() - timedelta(days=3, hours=-2))
    past_cafe.refresh_from_db()
    cafe_services.leave_feedback(user=peer_user, cafe=past_cafe, text="It was good to be there")
    cafe_services.mark_attendance(cafe=past_cafe, by=consultant, user_ids=[peer_user.pk, bob.pk])
    # Moderation: bob reports the peer's first post and it was flagged for crisis language (one merged item, the
    # reporter shown to the consultant); the consultant hides bob's local reply, writes a note about the peer
    # and pauses the canary newcomer's posting. The café request and the "how was it" note are items too.
    from moderation import services as moderation_services
    from moderation.models import QueueItem

    forum_services.report_post(post=thread.posts.get(number=1), reporter=bob, reason="worried", note="Is Seabird ok?")
    forum_services.flag_post(post=thread.posts.get(number=1), kind="crisis")
    forum_services.hide_post(post=local.posts.get(number=2), moderator=consultant, reason="A shop name")
    moderation_services.add_member_note(member=peer_user, by=consultant, text="Nervous before cafés")
    moderation_services.pause_member(member=newcomer_user, by=consultant, until=timezone.now() + timedelta(days=1),
                                     reason="A short break")
    queue_item = QueueItem.objects.get(post=thread.posts.get(number=1))
    return {
        "queue_item": queue_item,
        "cafe_match": cafe_match, "past_cafe": past_cafe,
        "cafe": cafe, "cafe_series": cafe_series, "cafe_feed_token": cafe_services.make_feed_link(user=bob),
        "peer_conversation": peer_conversation, "bob_conversation": bob_conversation,
        "forum_circle": circle, "forum_circle_thread": circle_thread,
        "canaries": [peer, provider, newcomer], "peer": peer_user, "provider": provider_user,
        "forum_board": board, "forum_thread": thread, "forum_local_thread": local, "forum_bob_post": bob_post,
    }


def _leaks(text, canaries):
    return [s for canary in canaries for s in canary.strings if s in text]


@pytest.mark.parametrize("role,url", PAGES, ids=[f"{role}-{i}" for i, (role, _) in enumerate(PAGES)])
def test_no_page_a_peer_or_the_consultant_sees_shows_a_real_name_or_email(
    role, url, canary_world, request
):
    client = signed_in_client(request.getfixturevalue(role))
    target = url(canary_world)
    response = client.get(target, follow=True)
    assert response.status_code == 200, f"{target} as {role} answered {response.status_code}"
    leaks = _leaks(response.content.decode(), canary_world["canaries"])
    assert not leaks, f"{target} as {role} shows {leaks}"


def test_the_canary_check_itself_notices_a_real_name_on_a_page(canary_world):
    # Guard against a harness that can never fail: the strings are found when present.
    peer = canary_world["canaries"][0]
    assert _leaks(f"<p>{peer.real_name}</p>", canary_world["canaries"]) == [peer.real_name]


def test_notification_email_names_nobody_and_says_only_that_something_is_new(bob, canary_world):
    bob.email_notification_kinds = ["forum_reply"]
    bob.save(update_fields=["email_notification_kinds"])
    notification = notify(
        recipient=bob, kind="forum_reply", text="Seabird replied in 'My week'", link=reverse("home")
    )
    mail.outbox.clear()
    assert send_notification_email(notification_id=notification.pk) is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bob.email]
    everything = "\n".join([message.subject, message.body, *message.to, *message.cc, *message.bcc])
    everything += "".join(str(alt[0]) for alt in getattr(message, "alternatives", []))
    assert not _leaks(everything, canary_world["canaries"])
    # The e-mail carries no notification text at all, so neither pseudonyms nor post titles travel by mail.
    assert "Seabird" not in everything and "My week" not in everything
    assert "/notifications/" in message.body
