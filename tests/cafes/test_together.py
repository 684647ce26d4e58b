"""Getting there together: a member going to a café asks for company or a ride, another offers, they agree, and
they exchange short messages through the portal, never their contact details. And attendance."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cafes import services
from cafes.models import Attendance, Cafe, CompanionMatch, CompanionRequest, MatchMessage
from reconnect.models import Notification
from tests.cafes.factories import make_cafe
from tests.conftest import signed_in_client
from tests.factories import UserFactory

WANT, OFFER = "companion_wanted", "companion_offered"


@pytest.fixture
def nina(north):
    return UserFactory(community=north, pseudonym="NinaWalks")


@pytest.fixture
def asked(alice, nina, north_cafe):
    """alice asks for company, nina offers it; both are going."""
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.rsvp(user=nina, cafe=north_cafe, answer="maybe")
    want = services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT, note="I'm a bit nervous")
    offer = services.ask_or_offer(user=nina, cafe=north_cafe, kind=OFFER, note="I come by bus")
    return want, offer


def _agreed(asked, alice, nina):
    want, offer = asked
    match = services.propose_match(user=alice, own_request=want, other_request=offer)
    return services.answer_match(user=nina, match=match, accept=True)


# --- Asking and offering ------------------------------------------------------------------------------
def test_an_asker_hears_when_someone_offers_what_she_asked_for(asked, alice):
    notice = Notification.objects.get(recipient=alice, kind="cafe")
    assert notice.text == "Someone going to the same café could get there together with you. Have a look."
    assert notice.link == reverse("cafes:together", args=[asked[0].cafe_id])


def test_a_member_who_has_not_answered_cannot_ask_for_company(alice, north_cafe):
    with pytest.raises(services.CafeError, match="answer going or maybe first"):
        services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT)
    assert not CompanionRequest.objects.exists()


def test_a_note_with_a_phone_number_or_email_is_refused(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    for note in ("call me on 412 34 567", "write to nina@example.org"):
        with pytest.raises(services.CafeError, match="can identify you"):
            services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT, note=note)
    assert not CompanionRequest.objects.exists()


def test_asking_twice_keeps_one_open_request(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    first = services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT)
    again = services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT, note="By the bus stop?")
    assert first.pk == again.pk and CompanionRequest.objects.get().note == "By the bus stop?"


def test_an_asker_sees_offers_by_pseudonym_and_can_propose_on_the_page(alice_client, asked, north_cafe, nina, bob):
    html = alice_client.get(reverse("cafes:together", args=[north_cafe.pk])).content.decode()
    assert "NinaWalks" in html and "I come by bus" in html
    assert nina.email not in html and nina.real_name not in html
    response = alice_client.post(reverse("cafes:together_propose", args=[asked[0].pk]), {"other": asked[1].pk})
    match = CompanionMatch.objects.get()
    assert response.url == match.get_absolute_url() and match.status == "proposed"
    notice = Notification.objects.get(recipient=nina, kind="cafe")
    assert "alice" not in notice.text.lower() and "nervous" not in notice.text, "content-free"


def test_visitors_from_another_community_are_neither_asked_nor_shown_the_requests(alice, north_cafe, south, nina):
    north_cafe.open_to_visitors = True
    north_cafe.save()
    visitor = UserFactory(community=south, pseudonym="VisitorVic")
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.rsvp(user=visitor, cafe=north_cafe, answer="going")
    want = services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT, note="Nervous")
    with pytest.raises(services.CafeError, match="own community"):
        services.ask_or_offer(user=visitor, cafe=north_cafe, kind=OFFER)
    visitor_client = signed_in_client(visitor)
    assert visitor_client.get(reverse("cafes:together", args=[north_cafe.pk])).status_code == 404
    assert "Getting there together" not in visitor_client.get(north_cafe.get_absolute_url()).content.decode()
    # Nor can a visitor's request be made by hand and proposed.
    sneaky = CompanionRequest.objects.create(cafe=north_cafe, user=visitor, kind=OFFER)
    with pytest.raises(Exception):
        services.propose_match(user=visitor, own_request=sneaky, other_request=want)
    with pytest.raises(services.CafeError, match="do not go together"):
        services.propose_match(user=alice, own_request=want, other_request=sneaky)
    assert not CompanionMatch.objects.exists()


def test_a_note_over_the_limit_is_refused_with_its_length(alice, north_cafe, alice_client):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    response = alice_client.post(reverse("cafes:together", args=[north_cafe.pk]), {"kind": WANT, "note": "a" * 201})
    assert "The note is 201 characters long" in response.content.decode()
    response = alice_client.post(reverse("cafes:together", args=[north_cafe.pk]), {"kind": "teleport"})
    assert "Please choose what you would like" in response.content.decode()
    assert not CompanionRequest.objects.exists()


def test_the_together_and_match_pages_use_the_same_queries_for_few_and_many(
        alice_client, alice, nina, north, north_cafe, django_assert_num_queries):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    want = services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT)
    services.ask_or_offer(user=alice, cafe=north_cafe, kind="ride_offered")

    def add(count):
        for n in range(count):
            member = UserFactory(community=north)
            services.rsvp(user=member, cafe=north_cafe, answer="maybe")
            services.ask_or_offer(user=member, cafe=north_cafe, kind=(OFFER, "ride_wanted")[n % 2], note=f"n{n}")

    services.rsvp(user=nina, cafe=north_cafe, answer="going")
    offer = services.ask_or_offer(user=nina, cafe=north_cafe, kind=OFFER)
    match = services.answer_match(user=nina, match=services.propose_match(
        user=alice, own_request=want, other_request=offer), accept=True)
    add(2)
    services.send_match_message(user=nina, match=match, text="Hello")
    urls = [reverse("cafes:together", args=[north_cafe.pk]), match.get_absolute_url()]
    counts = []
    for url in urls:
        alice_client.get(url)
        with CaptureQueriesContext(connection) as small:
            alice_client.get(url)
        counts.append(len(small.captured_queries))
    add(10)
    for n in range(8):
        services.send_match_message(user=(alice, nina)[n % 2], match=match, text=f"message {n}")
    for url, count in zip(urls, counts):
        with django_assert_num_queries(count):
            html = alice_client.get(url).content.decode()
    assert html.count("message ") == 8
    assert alice_client.get(urls[0]).content.decode().count("to go together</button>") == 12


def test_both_agree_then_exchange_a_message_and_no_contact_details(asked, alice, nina, alice_client):
    match = _agreed(asked, alice, nina)
    assert Notification.objects.filter(recipient=alice, kind="cafe").count() == 2, "nina's offer, then her yes"
    nina_client = signed_in_client(nina)
    for _twice in range(2):
        response = nina_client.post(reverse("cafes:match", args=[match.pk]), {"text": "Meet at the <b>bus stop</b>?"})
        assert response.status_code == 302
    html = alice_client.get(reverse("cafes:match", args=[match.pk])).content.decode()
    assert "Meet at the &lt;b&gt;bus stop&lt;/b&gt;?" in html, "plain text, escaped"
    assert nina.email not in html and nina.real_name not in html
    response = nina_client.post(reverse("cafes:match", args=[match.pk]), {"text": "my number is 412 34 567"})
    assert "can identify you" in response.content.decode()
    assert MatchMessage.objects.count() == 1


def test_phone_numbers_are_shown_only_once_both_choose_to_share_and_stored_encrypted(asked, alice, nina,
                                                                                    alice_client):
    match = _agreed(asked, alice, nina)
    url, phone_url = match.get_absolute_url(), reverse("cafes:match_phone", args=[match.pk])
    nina_client = signed_in_client(nina)
    nina_client.post(phone_url, {"share": "on", "phone": "412 34 567"})
    assert "412 34 567" not in alice_client.get(url).content.decode(), "only nina has shared"
    assert "412 34 567" in nina_client.get(url).content.decode(), "nina sees her own number"
    with connection.cursor() as cursor:
        cursor.execute("SELECT offered_phone FROM cafes_companionmatch WHERE id = %s", [match.pk])
        assert "412" not in cursor.fetchone()[0], "encrypted at rest"
    response = alice_client.post(phone_url, {"share": "on", "phone": "call me"})
    assert "8 to 15 digits" in response.content.decode()
    alice_client.post(phone_url, {"share": "on", "phone": "+47 987 65 432"})
    assert "412 34 567" in alice_client.get(url).content.decode()
    assert "+47 987 65 432" in nina_client.get(url).content.decode()
    nina_client.post(phone_url, {})
    assert "412 34 567" not in alice_client.get(url).content.decode(), "unticking stops sharing"
    assert CompanionMatch.objects.get().offered_phone == ""


def test_messages_over_the_limit_and_before_agreeing_are_refused(asked, alice, nina):
    want, offer = asked
    match = services.propose_match(user=alice, own_request=want, other_request=offer)
    with pytest.raises(services.CafeError, match="once you have both agreed"):
        services.send_match_message(user=alice, match=match, text="Hello")
    services.answer_match(user=nina, match=match, accept=True)
    with pytest.raises(services.CafeError, match="501 characters"):
        services.send_match_message(user=alice, match=match, text="a" * 501)
    assert not MatchMessage.objects.exists()


def test_the_proposer_cannot_accept_their_own_proposal_and_nobody_else_can(asked, alice, bob):
    want, offer = asked
    match = services.propose_match(user=alice, own_request=want, other_request=offer)
    with pytest.raises(services.CafeError, match="other person answers"):
        services.answer_match(user=alice, match=match, accept=True)
    with pytest.raises(Exception):
        services.answer_match(user=bob, match=match, accept=True)
    assert CompanionMatch.objects.get().status == "proposed"


def test_a_match_with_oneself_is_refused(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    want = services.ask_or_offer(user=alice, cafe=north_cafe, kind=WANT)
    offer = services.ask_or_offer(user=alice, cafe=north_cafe, kind=OFFER)
    with pytest.raises(services.CafeError, match="yourself"):
        services.propose_match(user=alice, own_request=want, other_request=offer)
    assert not CompanionMatch.objects.exists()


def test_tampered_ids_answer_404_and_store_nothing(asked, alice_client, bob_client, north_cafe, alice, nina):
    want, offer = asked
    # alice proposes from nina's request, or with a request id that does not exist or is not a number
    assert alice_client.post(reverse("cafes:together_propose", args=[offer.pk]), {"other": want.pk}).status_code == 404
    assert alice_client.post(reverse("cafes:together_propose", args=[want.pk]), {"other": "x"}).status_code == 404
    assert alice_client.post(reverse("cafes:together_propose", args=[want.pk]), {"other": 99999}).status_code == 404
    assert alice_client.post(reverse("cafes:together_withdraw", args=[offer.pk])).status_code == 404
    match = _agreed(asked, alice, nina)
    assert bob_client.get(reverse("cafes:match", args=[match.pk])).status_code == 404
    assert bob_client.get(reverse("cafes:together", args=[north_cafe.pk])).status_code == 404
    assert CompanionMatch.objects.count() == 1 and not MatchMessage.objects.exists()


def test_cant_come_and_cancelling_close_the_requests(asked, alice, nina, north_cafe, consultant):
    want, offer = asked
    services.propose_match(user=alice, own_request=want, other_request=offer)
    services.rsvp(user=alice, cafe=north_cafe, answer="cant")
    assert CompanionRequest.objects.get(pk=want.pk).closed_at is not None
    assert CompanionMatch.objects.get().status == "declined"
    assert CompanionRequest.objects.get(pk=offer.pk).closed_at is None
    services.cancel_cafe(cafe=north_cafe, by=consultant)
    assert not CompanionRequest.objects.filter(closed_at__isnull=True).exists()


def test_the_consultant_sees_open_requests_until_someone_agrees(asked, alice, nina, consultant_client):
    url = reverse("cafes:together_open")
    html = consultant_client.get(url).content.decode()
    assert html.count("<tr>") == 3 and "NinaWalks" in html and "nervous" in html  # header + 2 requests
    _agreed(asked, alice, nina)
    html = consultant_client.get(url).content.decode()
    assert "No open requests" in html


def test_the_open_requests_page_uses_the_same_queries_for_2_and_12_requests(consultant_client, north,
                                                                             django_assert_num_queries):
    def add(count, days):
        cafe = make_cafe(community=north, days=days)
        for n in range(count):
            member = UserFactory(community=north)
            services.rsvp(user=member, cafe=cafe, answer="going")
            services.ask_or_offer(user=member, cafe=cafe, kind=(WANT, "ride_offered")[n % 2], note=f"note {n}")

    add(2, 3)
    url = reverse("cafes:together_open")
    consultant_client.get(url)
    with CaptureQueriesContext(connection) as small:
        consultant_client.get(url)
    add(10, 5)
    with django_assert_num_queries(len(small.captured_queries)):
        html = consultant_client.get(url).content.decode()
    assert html.count("note ") == 12


# --- Attendance ---------------------------------------------------------------------------------------
@pytest.fixture
def started_cafe(north_cafe, alice, nina):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.rsvp(user=nina, cafe=north_cafe, answer="maybe")
    Cafe.objects.filter(pk=north_cafe.pk).update(starts_at=timezone.now() - timedelta(hours=1),
                                                 ends_at=timezone.now() + timedelta(hours=1))
    north_cafe.refresh_from_db()
    return north_cafe


def test_the_consultant_ticks_who_came_and_adds_a_walk_in_by_pseudonym(started_cafe, consultant_client, alice,
                                                                        north):
    UserFactory(community=north, pseudonym="WalkInWilma")
    url = reverse("cafes:attendance", args=[started_cafe.pk])
    html = consultant_client.get(url).content.decode()
    assert alice.pseudonym in html and "NinaWalks" in html
    consultant_client.post(url, {"came": [str(alice.pk)], "add": "walkinwilma"})
    started_cafe.refresh_from_db()
    assert started_cafe.attended_count == 2
    assert sorted(Attendance.objects.values_list("user__pseudonym", flat=True)) == sorted(
        [alice.pseudonym, "WalkInWilma"])
    html = consultant_client.get(started_cafe.get_absolute_url()).content.decode()
    assert "2 people came." in html


def test_attendance_refuses_people_who_did_not_answer_unknown_names_and_non_consultants(
        started_cafe, consultant_client, alice_client, bob, north_cafe):
    url = reverse("cafes:attendance", args=[started_cafe.pk])
    response = consultant_client.post(url, {"came": [str(bob.pk)]})
    assert response.status_code == 200 and "Something needs your attention" in response.content.decode()
    response = consultant_client.post(url, {"add": "NoSuchPerson"})
    assert "no member with the pseudonym" in response.content.decode()
    assert alice_client.post(url, {"came": []}).status_code == 404
    assert not Attendance.objects.exists() and Cafe.objects.get(pk=started_cafe.pk).attended_count is None


def test_attendance_waits_until_the_cafe_has_started(north_cafe, consultant):
    with pytest.raises(services.CafeError, match="once the café has started"):
        services.mark_attendance(cafe=north_cafe, by=consultant, user_ids=[])
