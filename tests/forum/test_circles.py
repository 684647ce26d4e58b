"""Circles: closed groups a member makes and invites others to by pseudonym.

Bob makes the circle "Tuesday walkers" and invites alice, who accepts. Carl is another service user who is not
in it. The consultant is in every circle by role; admins and providers never see circles.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import services
from forum.access import threads_visible_to
from forum.models import Circle, CircleInvitation, CircleMembership, Post, Subscription, Thread
from reconnect.models import Notification
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_thread


@pytest.fixture
def carl(south):
    return UserFactory(pseudonym="Quietharbour", real_name="Carl Carlsen", community=south)


@pytest.fixture
def carl_client(carl):
    return signed_in_client(carl)


@pytest.fixture
def circle(bob, alice):
    circle = services.create_circle(creator=bob, name="Tuesday walkers", description="We met at the café in May")
    invitation = services.invite_to_circle(circle=circle, inviter=bob, pseudonym=alice.pseudonym)
    services.accept_invitation(invitation=invitation, invitee=alice)
    return circle


@pytest.fixture
def circle_thread(circle, bob, alice):
    thread = services.start_thread(circle=circle, author=bob, title="Our walk on Tuesday", body="Same path as last time?")
    make_reply(thread=thread, author=alice, body="Yes, by the river")
    return thread


def _urls_of(thread):
    first = thread.posts.get(number=1)
    return {
        "thread": reverse("forum:thread", args=[thread.pk]),
        "unread": reverse("forum:thread_unread", args=[thread.pk]),
        "reply": reverse("forum:reply", args=[thread.pk]),
        "post": reverse("forum:post", args=[first.pk]),
        "edit": reverse("forum:post_edit", args=[first.pk]),
        "delete": reverse("forum:post_delete", args=[first.pk]),
        "report": reverse("forum:post_report", args=[first.pk]),
        "circle": reverse("forum:circle", args=[thread.circle_id]),
        "circle_new": reverse("forum:circle_thread_create", args=[thread.circle_id]),
        "leave": reverse("forum:circle_leave", args=[thread.circle_id]),
    }


def _assert_all_404(client, thread):
    for name, url in _urls_of(thread).items():
        assert client.get(url).status_code == 404, f"GET {name}"
    for url in (reverse("forum:reply", args=[thread.pk]), reverse("forum:circle_invite", args=[thread.circle_id]),
                reverse("forum:circle_thread_create", args=[thread.circle_id])):
        assert client.post(url, {"body": "hello", "title": "Hi", "pseudonym": "Quietharbour"}).status_code == 404, url
    assert client.post(reverse("forum:follow", args=[thread.pk]), {"follow": "1"}).status_code == 404


# --- Who sees a circle -----------------------------------------------------------------------------------
def test_members_read_the_circle_page_with_its_members_threads_and_the_consultant_noted(
    alice_client, circle_thread, alice, bob
):
    page = alice_client.get(reverse("forum:circle", args=[circle_thread.circle_id])).content.decode()
    assert "Tuesday walkers" in page and "We met at the café in May" in page
    assert "Our walk on Tuesday" in page
    assert alice.pseudonym in page and bob.pseudonym in page
    assert "the service user consultant, who is part of every circle" in page
    assert "Start a thread in this circle" in page and "Leave this circle" in page
    # Members by pseudonym only: no link to anything about them, never a real name or e-mail.
    members = page.split('id="members-heading"')[1].split("</section>")[0]
    assert alice.pseudonym in members and bob.pseudonym in members and "<a " not in members
    assert bob.real_name not in page and bob.email not in page


def test_another_service_user_gets_404_for_every_page_of_the_circle(carl_client, circle_thread):
    _assert_all_404(carl_client, circle_thread)
    assert circle_thread.posts.count() == 2


@pytest.mark.parametrize("who", ["admin_client", "linked_provider_client", "unlinked_provider_client"])
def test_admins_and_providers_get_404_for_every_page_of_the_circle(who, request, circle_thread):
    client = request.getfixturevalue(who)
    _assert_all_404(client, circle_thread)
    assert client.get(reverse("forum:circles")).status_code == 404
    assert client.get(reverse("forum:circle_create")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_see_nothing(client, circle_thread):
    for url in _urls_of(circle_thread).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.post(reverse("forum:reply", args=[circle_thread.pk]), {"body": "x"}).status_code == 302
    assert circle_thread.posts.count() == 2


def test_the_consultant_sees_every_circle_and_can_reply(consultant_client, consultant, circle_thread):
    listing = consultant_client.get(reverse("forum:circles")).content.decode()
    assert "All circles" in listing and "Tuesday walkers" in listing
    page = consultant_client.get(circle_thread.get_absolute_url()).content.decode()
    assert "Yes, by the river" in page
    response = consultant_client.post(reverse("forum:reply", args=[circle_thread.pk]), {"body": "Enjoy the walk!"})
    assert response.status_code == 302
    assert circle_thread.posts.filter(author=consultant, body="Enjoy the walk!").exists()
    # The consultant is in every circle by role: never a membership row, and no "leave" page.
    assert not CircleMembership.objects.filter(user=consultant).exists()
    assert consultant_client.get(reverse("forum:circle_leave", args=[circle_thread.circle_id])).status_code == 404


def test_board_lists_never_show_circle_threads(alice_client, alice, board, circle_thread):
    make_thread(author=alice, board=board, title="On the board")
    page = alice_client.get(reverse("forum:board", args=[board.slug])).content.decode()
    assert "On the board" in page and "Our walk on Tuesday" not in page
    board.refresh_from_db()
    assert board.thread_count == 1 and board.post_count == 1, "circle posts are not counted on any board"


def test_the_circle_thread_shows_where_it_lives_in_the_breadcrumbs(alice_client, circle_thread):
    page = alice_client.get(circle_thread.get_absolute_url()).content.decode()
    crumbs = page.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert "Forum" in crumbs and "Circles" in crumbs and "Tuesday walkers" in crumbs
    assert reverse("forum:circle", args=[circle_thread.circle_id]) in crumbs
    assert "only its members and the service user consultant see this thread" in page
    reply_page = alice_client.get(reverse("forum:reply", args=[circle_thread.pk])).content.decode()
    assert "Tuesday walkers" in reply_page.split('class="breadcrumbs"')[1].split("</nav>")[0]


# --- Working in a circle end to end ------------------------------------------------------------------------
def test_a_member_starts_a_thread_in_the_circle_without_the_local_checkbox(alice_client, circle):
    url = reverse("forum:circle_thread_create", args=[circle.pk])
    form_page = alice_client.get(url).content.decode()
    assert "Only for members of my community" not in form_page
    assert "only its members and the service user consultant will see this thread" in form_page
    response = alice_client.post(url, {"title": "Coffee after?", "body": "Shall we have coffee after the walk?"})
    thread = Thread.objects.get(title="Coffee after?")
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.circle == circle and thread.board is None and thread.community is None
    assert "Coffee after?" in alice_client.get(circle.get_absolute_url()).content.decode()


def test_starting_a_circle_thread_runs_the_writing_checks(alice_client, circle):
    url = reverse("forum:circle_thread_create", args=[circle.pk])
    response = alice_client.post(url, {"title": "Call me", "body": "My number is 912 34 567, call me"})
    assert response.status_code == 200
    assert "Check before you post" in response.content.decode()
    assert not Thread.objects.filter(title="Call me").exists()


def test_a_member_edits_deletes_follows_and_reads_unread_in_a_circle_thread(alice_client, alice, circle_thread):
    mine = circle_thread.posts.get(author=alice)
    response = alice_client.post(reverse("forum:post_edit", args=[mine.pk]), {"body": "Yes, by the old river"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Yes, by the old river"
    edit_page = alice_client.get(reverse("forum:post_edit", args=[mine.pk])).content.decode()
    assert "Tuesday walkers" in edit_page
    assert alice_client.post(reverse("forum:follow", args=[circle_thread.pk]), {"follow": "0"}).status_code == 302
    assert not Subscription.objects.filter(user=alice, thread=circle_thread).exists()
    assert alice_client.get(reverse("forum:thread_unread", args=[circle_thread.pk])).status_code == 302
    assert alice_client.post(reverse("forum:post_delete", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.is_deleted


def test_a_member_reports_a_post_in_a_circle(alice_client, circle_thread):
    first = circle_thread.posts.get(number=1)
    response = alice_client.post(reverse("forum:post_report", args=[first.pk]), {"reason": "hurtful"})
    assert response.status_code == 302
    assert first.reports.count() == 1


def test_replies_in_a_circle_notify_members_and_the_consultant_but_not_those_who_left(
    alice, bob, consultant, circle_thread
):
    make_reply(thread=circle_thread, author=consultant, body="Have a good walk")  # the consultant follows now
    services.leave_circle(circle=circle_thread.circle, user=alice)
    assert Subscription.objects.filter(user=alice, thread=circle_thread).exists(), "the follow is kept, unused"
    Notification.objects.all().delete()

    make_reply(thread=circle_thread, author=bob, body="See you there")

    recipients = set(Notification.objects.values_list("recipient__pseudonym", flat=True))
    assert recipients == {consultant.pseudonym}


# --- Invitations ---------------------------------------------------------------------------------------
def test_an_invitation_must_be_accepted_and_a_pending_invitee_cannot_see_the_circle(
    bob, carl, carl_client, circle_thread
):
    circle = circle_thread.circle
    invitation = services.invite_to_circle(circle=circle, inviter=bob, pseudonym="quietHARBOUR")  # any case
    assert invitation.invitee == carl and invitation.status == CircleInvitation.Status.PENDING
    _assert_all_404(carl_client, circle_thread)

    listing = carl_client.get(reverse("forum:circles")).content.decode()
    assert "Tuesday walkers" in listing and "Join the circle" in listing
    assert "1 invitation waiting" in carl_client.get(reverse("forum:index")).content.decode()

    response = carl_client.post(reverse("forum:circle_invitation_accept", args=[invitation.pk]))
    assert response.status_code == 302 and response["Location"] == circle.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.status == CircleInvitation.Status.ACCEPTED and invitation.answered_at
    assert "Yes, by the river" in carl_client.get(circle_thread.get_absolute_url()).content.decode()


def test_the_invitation_notification_names_neither_the_circle_nor_the_inviter(bob, carl, circle):
    services.invite_to_circle(circle=circle, inviter=bob, pseudonym=carl.pseudonym)
    notification = Notification.objects.get(recipient=carl, kind="forum_circle")
    assert notification.text == "You have been invited to a circle in the forum"
    assert notification.link == reverse("forum:circles") + "#invitations"
    for secret in ("Tuesday", "walkers", bob.pseudonym, bob.real_name):
        assert secret not in notification.text


def test_accepting_twice_is_harmless(bob, carl, carl_client, circle):
    invitation = services.invite_to_circle(circle=circle, inviter=bob, pseudonym=carl.pseudonym)
    url = reverse("forum:circle_invitation_accept", args=[invitation.pk])
    carl_client.post(url)
    response = carl_client.post(url)
    assert response.status_code == 302
    assert CircleMembership.objects.filter(circle=circle, user=carl).count() == 1


def test_declining_keeps_the_circle_closed_and_a_declined_invitation_cannot_be_accepted(
    bob, carl, carl_client, circle
):
    invitation = services.invite_to_circle(circle=circle, inviter=bob, pseudonym=carl.pseudonym)
    carl_client.post(reverse("forum:circle_invitation_decline", args=[invitation.pk]))
    carl_client.post(reverse("forum:circle_invitation_decline", args=[invitation.pk]))  # twice: harmless
    response = carl_client.post(reverse("forum:circle_invitation_accept", args=[invitation.pk]), follow=True)
    assert "You have declined this invitation" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == CircleInvitation.Status.DECLINED
    assert not CircleMembership.objects.filter(circle=circle, user=carl).exists()
    assert carl_client.get(circle.get_absolute_url()).status_code == 404
    assert "Join the circle" not in carl_client.get(reverse("forum:circles")).content.decode()


def test_only_the_invitee_may_answer_and_only_the_inviter_may_withdraw(
    alice_client, bob_client, carl_client, bob, carl, circle
):
    invitation = services.invite_to_circle(circle=circle, inviter=bob, pseudonym=carl.pseudonym)
    for client in (alice_client, bob_client):
        assert client.post(reverse("forum:circle_invitation_accept", args=[invitation.pk])).status_code == 404
        assert client.post(reverse("forum:circle_invitation_decline", args=[invitation.pk])).status_code == 404
    for client in (alice_client, carl_client):
        assert client.post(reverse("forum:circle_invitation_withdraw", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == CircleInvitation.Status.PENDING

    page = bob_client.get(circle.get_absolute_url()).content.decode()
    assert "Waiting for an answer" in page and carl.pseudonym in page
    assert carl.pseudonym not in alice_client.get(circle.get_absolute_url()).content.decode(), (
        "whom bob invited is not shown to the other members"
    )
    bob_client.post(reverse("forum:circle_invitation_withdraw", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == CircleInvitation.Status.WITHDRAWN
    response = carl_client.post(reverse("forum:circle_invitation_accept", args=[invitation.pk]), follow=True)
    assert "withdrawn" in response.content.decode()
    assert not CircleMembership.objects.filter(circle=circle, user=carl).exists()


def test_inviting_through_the_form_tells_the_member_and_stores_the_invitation(bob_client, carl, circle):
    response = bob_client.post(reverse("forum:circle_invite", args=[circle.pk]), {"pseudonym": " quietharbour "},
                               follow=True)
    assert "Quietharbour is invited" in response.content.decode()
    assert CircleInvitation.objects.filter(circle=circle, invitee=carl, status="pending").count() == 1


@pytest.mark.parametrize("pseudonym,message", [
    ("", "Please write the pseudonym of the person you want to invite."),
    ("Nobody-by-this-name", "No member has the pseudonym"),
    ("Lighthouse", "Lighthouse is already in this circle."),  # alice
    ("Driftwood", "You are already in this circle."),  # bob himself
    ("Erin-consultant", "The service user consultant is already part of every circle"),
    ("carol-p", "No member has the pseudonym"),  # a provider: not a forum member
    ("frank-admin", "No member has the pseudonym"),  # an admin
    ("x" * 200, "at most 30 characters"),
])
def test_bad_invitations_give_a_message_and_store_nothing(
    pseudonym, message, bob_client, circle, consultant, linked_provider, admin_user
):
    before = CircleInvitation.objects.count(), Notification.objects.count()
    response = bob_client.post(reverse("forum:circle_invite", args=[circle.pk]), {"pseudonym": pseudonym})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Something needs your attention" in page
    assert (CircleInvitation.objects.count(), Notification.objects.count()) == before


def test_inviting_someone_already_invited_is_refused(bob, bob_client, carl, circle):
    services.invite_to_circle(circle=circle, inviter=bob, pseudonym=carl.pseudonym)
    response = bob_client.post(reverse("forum:circle_invite", args=[circle.pk]), {"pseudonym": carl.pseudonym})
    assert "Quietharbour is already invited and has not answered yet." in response.content.decode()
    assert CircleInvitation.objects.filter(invitee=carl).count() == 1
    assert Notification.objects.filter(recipient=carl, kind="forum_circle").count() == 1


def test_an_inactive_member_cannot_be_invited(bob, carl, circle):
    carl.is_active = False
    carl.save()
    with pytest.raises(services.ForumError, match="No member has the pseudonym"):
        services.invite_to_circle(circle=circle, inviter=bob, pseudonym=carl.pseudonym)


# --- Making and leaving circles --------------------------------------------------------------------------
def test_making_a_circle_explains_it_and_makes_the_maker_its_first_member(alice_client, alice):
    form = alice_client.get(reverse("forum:circle_create")).content.decode()
    assert "A circle is a closed group. Only the members you invite, and the service user consultant" in form
    response = alice_client.post(reverse("forum:circle_create"), {"name": "  Night owls ", "description": "Late"})
    circle = Circle.objects.get()
    assert response.status_code == 302 and response["Location"] == circle.get_absolute_url()
    assert circle.name == "Night owls" and circle.created_by == alice
    assert list(circle.memberships.values_list("user__pseudonym", flat=True)) == [alice.pseudonym]
    listing = alice_client.get(reverse("forum:circles")).content.decode()
    assert "Night owls" in listing and "1 member" in listing


@pytest.mark.parametrize("data,message", [
    ({"name": "   "}, "Please give your circle a name."),
    ({"name": "x" * 61}, "The name is 61 characters long"),
    ({"name": "Fine", "description": "y" * 301}, "The description is 301 characters long"),
])
def test_bad_circle_names_give_a_message_and_store_nothing(alice_client, data, message):
    response = alice_client.post(reverse("forum:circle_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Circle.objects.exists()


def test_a_circle_form_sent_twice_makes_one_circle(alice_client):
    alice_client.post(reverse("forum:circle_create"), {"name": "Night owls"})
    response = alice_client.post(reverse("forum:circle_create"), {"name": "night owls"})
    assert "You already have a circle called" in response.content.decode()
    assert Circle.objects.count() == 1


def test_the_consultant_may_make_a_circle_without_becoming_a_listed_member(consultant):
    circle = services.create_circle(creator=consultant, name="Café hosts")
    assert not circle.memberships.exists()


def test_after_leaving_a_member_loses_access_at_once_and_their_posts_stay(alice_client, alice, circle_thread):
    leave_url = reverse("forum:circle_leave", args=[circle_thread.circle_id])
    confirm = alice_client.get(leave_url).content.decode()
    assert "What you wrote in the circle stays" in confirm
    assert CircleMembership.objects.filter(user=alice).exists(), "GET only asks"
    response = alice_client.post(leave_url)
    assert response.status_code == 302 and response["Location"] == reverse("forum:circles")
    _assert_all_404(alice_client, circle_thread)
    assert Post.objects.filter(thread=circle_thread, author=alice, body="Yes, by the river").exists()
    assert not threads_visible_to(alice).filter(pk=circle_thread.pk).exists()


def test_a_circle_whose_last_member_leaves_stays_for_the_consultant(alice, bob, consultant_client, circle_thread):
    services.leave_circle(circle=circle_thread.circle, user=alice)
    services.leave_circle(circle=circle_thread.circle, user=bob)
    page = consultant_client.get(circle_thread.circle.get_absolute_url()).content.decode()
    assert "Nobody is in this circle any more." in page and "Our walk on Tuesday" in page


def test_the_consultant_cannot_leave_a_circle(consultant, circle):
    with pytest.raises(services.ForumError):
        services.leave_circle(circle=circle, user=consultant)


def test_a_stranger_cannot_start_a_thread_in_a_circle_through_the_service(carl, circle):
    with pytest.raises(services.ForumError):
        services.start_thread(circle=circle, author=carl, title="Hi", body="Let me in")
    assert not circle.threads.exists()


def test_the_circles_list_shows_member_counts_last_activity_and_new_posts(alice_client, bob, circle_thread):
    make_reply(thread=circle_thread, author=bob, body="Bring tea")
    listing = alice_client.get(reverse("forum:circles")).content.decode()
    assert "Tuesday walkers" in listing and "2 members" in listing
    assert "last post" in listing and "New posts" in listing
    alice_client.get(circle_thread.get_absolute_url())
    assert "New posts" not in alice_client.get(reverse("forum:circles")).content.decode()


def test_the_forum_index_links_to_my_circles(alice_client, admin_client):
    assert reverse("forum:circles") in alice_client.get(reverse("forum:index")).content.decode()
    assert reverse("forum:circles") not in admin_client.get(reverse("forum:index")).content.decode()


# --- Query budgets ---------------------------------------------------------------------------------------
def _count(client, url):
    client.get(url)  # warm: the first visit may save session details
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_circle_page_uses_the_same_queries_for_few_and_many_threads_and_members(
    bob, bob_client, circle, south, django_assert_num_queries
):
    def add(threads, members, offset):
        for n in range(members):
            person = UserFactory(community=south)
            invitation = services.invite_to_circle(circle=circle, inviter=bob, pseudonym=person.pseudonym)
            services.accept_invitation(invitation=invitation, invitee=person)
        authors = list(circle.memberships.select_related("user"))
        for n in range(threads):
            author = authors[(n + offset) % len(authors)].user
            thread = services.start_thread(circle=circle, author=author, title=f"Thread {n + offset}", body="Hello")
            make_reply(thread=thread, author=authors[(n + offset + 1) % len(authors)].user)
        UserFactory(community=south)  # someone outside

    add(2, 1, 0)
    services.invite_to_circle(circle=circle, inviter=bob, pseudonym=UserFactory(community=south).pseudonym)
    url = circle.get_absolute_url()
    small = _count(bob_client, url)
    add(28, 8, 2)
    for n in range(3):
        services.invite_to_circle(circle=circle, inviter=bob, pseudonym=UserFactory(community=south).pseudonym)
    with django_assert_num_queries(small):
        response = bob_client.get(url)
    page = response.content.decode()
    assert page.count('<li class="forum-thread') == 25, "25 threads a page"
    assert page.count("forum-author") >= 10


def test_the_circles_list_uses_the_same_queries_for_2_and_8_circles(
    alice, alice_client, south, django_assert_num_queries
):
    def add(count, offset):
        for n in range(count):
            maker = UserFactory(community=south)
            circle = services.create_circle(creator=maker, name=f"Circle {n + offset}")
            invitation = services.invite_to_circle(circle=circle, inviter=maker, pseudonym=alice.pseudonym)
            if n % 2 == 0:
                services.accept_invitation(invitation=invitation, invitee=alice)
                services.start_thread(circle=circle, author=maker, title="Welcome", body="Hi")

    add(4, 0)
    url = reverse("forum:circles")
    small = _count(alice_client, url)
    add(12, 4)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    page = response.content.decode()
    assert page.count('<li class="forum-circle') == 8
    assert page.count("Join the circle") == 8
