"""After a café, members who answered leave one short anonymous note for the consultant; a café links a thread
in the forum's Café corner, shown only to those who can open it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cafes import services
from cafes.models import Cafe, CafeFeedback, FeedbackGiven
from tests.cafes.factories import make_cafe
from tests.forum.factories import BoardFactory, make_thread


@pytest.fixture
def past_cafe(north_cafe, alice):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    Cafe.objects.filter(pk=north_cafe.pk).update(starts_at=timezone.now() - timedelta(hours=3),
                                                 ends_at=timezone.now() - timedelta(hours=1))
    north_cafe.refresh_from_db()
    return north_cafe


def test_a_member_leaves_one_note_and_the_consultant_reads_it_without_an_author(past_cafe, alice_client,
                                                                                consultant_client, alice):
    url = reverse("cafes:feedback", args=[past_cafe.pk])
    assert "How was it?" in alice_client.get(past_cafe.get_absolute_url()).content.decode()
    response = alice_client.post(url, {"text": "Warm and calm. More coffee next time!"})
    assert response.status_code == 302
    columns = [field.column for field in CafeFeedback._meta.concrete_fields]
    assert columns == ["id", "cafe_id", "text", "day"], "no author, no time of day"
    assert not any("date" in f.column or "_at" in f.column for f in FeedbackGiven._meta.concrete_fields)
    html = consultant_client.get(past_cafe.get_absolute_url()).content.decode()
    assert "Warm and calm. More coffee next time!" in html
    # A second note is refused, and the page no longer offers one.
    alice_client.post(url, {"text": "Again"})
    assert CafeFeedback.objects.count() == 1
    assert "How was it?" not in alice_client.get(past_cafe.get_absolute_url()).content.decode()
    with pytest.raises(services.CafeError, match="already left a note"):
        services.leave_feedback(user=alice, cafe=past_cafe, text="Once more")


def test_notes_are_refused_before_the_cafe_from_people_who_did_not_answer_and_when_too_long(
        north_cafe, past_cafe, alice, north_members, bob_client):
    with pytest.raises(services.CafeError, match="only people who answered|Only people who answered"):
        services.leave_feedback(user=north_members[0], cafe=past_cafe, text="I was there")
    with pytest.raises(services.CafeError, match="1001 characters"):
        services.leave_feedback(user=alice, cafe=past_cafe, text="a" * 1001)
    upcoming = make_cafe(community=alice.community)
    services.rsvp(user=alice, cafe=upcoming, answer="going")
    with pytest.raises(services.CafeError, match="once the café has taken place"):
        services.leave_feedback(user=alice, cafe=upcoming, text="Looking forward")
    assert bob_client.post(reverse("cafes:feedback", args=[past_cafe.pk]), {"text": "hi"}).status_code == 404
    assert not CafeFeedback.objects.exists() and not FeedbackGiven.objects.exists()


def test_the_consultant_starts_a_cafe_corner_thread_members_of_the_community_see_the_link(
        north_cafe, consultant_client, alice_client, bob, north, consultant):
    BoardFactory(slug="kafe", name_en="Café corner")
    consultant_client.post(reverse("cafes:forum_thread", args=[north_cafe.pk]), {"create": "1"})
    north_cafe.refresh_from_db()
    thread = north_cafe.forum_thread
    consultant_client.post(reverse("cafes:forum_thread", args=[north_cafe.pk]), {"create": "1"})
    from forum.models import Thread

    assert Thread.objects.count() == 1, "a form sent twice makes one thread"
    assert thread is not None and thread.community_id == north.pk and thread.title.startswith("Nordby café")
    html = alice_client.get(north_cafe.get_absolute_url()).content.decode()
    assert "Talk about it in the forum" in html and reverse("forum:thread", args=[thread.pk]) in html
    # bob (another community) cannot open the local thread: on an open café he would see no link to it.
    Cafe.objects.filter(pk=north_cafe.pk).update(open_to_visitors=True)
    from tests.conftest import signed_in_client

    html = signed_in_client(bob).get(north_cafe.get_absolute_url()).content.decode()
    assert "Talk about it in the forum" not in html


def test_linking_a_thread_outside_the_list_is_refused_and_without_a_board_nothing_is_made(
        north_cafe, consultant_client, consultant, south, bob):
    board = BoardFactory(slug="hverdagen", name_en="Everyday life")
    other = make_thread(author=bob, board=board, title="Elsewhere")
    response = consultant_client.post(reverse("cafes:forum_thread", args=[north_cafe.pk]), {"thread": other.pk})
    assert response.status_code == 200 and "Something needs your attention" in response.content.decode()
    response = consultant_client.post(reverse("cafes:forum_thread", args=[north_cafe.pk]), {"create": "1"})
    assert "no “Café corner” board" in response.content.decode()
    assert Cafe.objects.get(pk=north_cafe.pk).forum_thread_id is None
