"""The private calendar feed: a link with a secret (only its hash is kept) that a calendar app fetches without
signing in; it holds only the cafés its owner is going to, names nobody, and a new link ends the old one."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from cafes import services
from cafes.models import CalendarFeedToken
from tests.cafes.factories import make_cafe


def _make_link(client):
    html = client.post(reverse("cafes:calendar_new")).content.decode()
    match = re.search(r'value="(https?://[^"]+/cafes/feed/([^"/]+)\.ics)"', html)
    assert match, "the new link is shown"
    return match.group(1), match.group(2)


def _feed(token):
    return Client().get(reverse("cafes:feed", args=[token]))


def _events(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return {str(event["SUMMARY"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def test_making_a_link_shows_it_once_and_keeps_only_its_hash(alice_client, alice):
    url, token = _make_link(alice_client)
    assert url.startswith("http") and len(token) >= 40
    stored = CalendarFeedToken.objects.get(user=alice)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    page = alice_client.get(reverse("cafes:calendar")).content.decode()
    assert token not in page and "You have a calendar link" in page


def test_the_feed_holds_only_the_cafes_i_am_going_to_and_names_nobody(
    alice, alice_client, north, north_cafe, north_members, consultant
):
    maybe = make_cafe(community=north, title="Maybe café", days=9)
    cant = make_cafe(community=north, title="Can't café", days=10)
    full = make_cafe(community=north, title="Full café", days=11, capacity=1)
    others = make_cafe(community=north, title="Others' café", days=12)
    services.rsvp(user=alice, cafe=north_cafe, answer="going", show_me=True)
    services.rsvp(user=alice, cafe=maybe, answer="maybe")
    services.rsvp(user=alice, cafe=cant, answer="cant")
    services.rsvp(user=north_members[0], cafe=full, answer="going", show_me=True)
    services.rsvp(user=alice, cafe=full, answer="going")  # waits
    services.rsvp(user=north_members[1], cafe=others, answer="going", show_me=True)
    services.rsvp(user=north_members[0], cafe=north_cafe, answer="going", show_me=True)
    _url, token = _make_link(alice_client)
    response = _feed(token)
    events = _events(response)
    assert list(events) == ["Nordby café"]
    assert events["Nordby café"].decoded("DTSTART") == north_cafe.starts_at
    text = response.content.decode()
    for person in (alice, consultant, *north_members):
        assert person.pseudonym not in text and person.real_name not in text and person.email not in text


def test_a_cancelled_cafe_stays_in_the_feed_marked_cancelled(alice, alice_client, north_cafe, consultant):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.cancel_cafe(cafe=north_cafe, by=consultant)
    _url, token = _make_link(alice_client)
    event = _events(_feed(token))["Nordby café"]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_the_consultants_feed_holds_the_cafes_they_host(consultant_client, north_cafe, south_open_cafe):
    _url, token = _make_link(consultant_client)
    assert sorted(_events(_feed(token))) == ["Nordby café", "Sørvik open café"]


def test_a_new_link_ends_the_old_one_and_turning_it_off_ends_both(alice_client, alice):
    _url, old = _make_link(alice_client)
    _url, new = _make_link(alice_client)
    assert _feed(old).status_code == 404 and _feed(new).status_code == 200
    assert CalendarFeedToken.objects.filter(user=alice, revoked_at__isnull=True).count() == 1
    response = alice_client.post(reverse("cafes:calendar_off"), follow=True)
    assert "Your calendar link is turned off" in response.content.decode()
    assert _feed(new).status_code == 404


def test_tampered_and_made_up_links_are_404_like_a_revoked_one(alice_client):
    _url, token = _make_link(alice_client)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, token.upper(), token + "x", "x" * 43, "x" * 5000, "abc", token[:20]):
        assert _feed(bad).status_code == 404, bad
    assert Client().get(f"/cafes/feed/{token}/").status_code == 404
    assert Client().get(f"/cafes/feed/{token}").status_code == 404


def test_a_link_stops_working_when_its_owner_can_no_longer_see_cafes(alice_client, alice):
    _url, token = _make_link(alice_client)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    assert _feed(token).status_code == 404


def test_the_feed_needs_no_session_sets_no_cookie_and_is_not_cached(alice_client):
    _url, token = _make_link(alice_client)
    response = _feed(token)
    assert response.status_code == 200 and not response.cookies
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"].startswith("noindex")


def test_the_feed_uses_the_same_queries_for_1_and_8_cafes(alice, alice_client, north, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _url, token = _make_link(alice_client)
    services.rsvp(user=alice, cafe=make_cafe(community=north, days=3), answer="going")
    with CaptureQueriesContext(connection) as small:
        _feed(token)
    for day in range(4, 11):
        services.rsvp(user=alice, cafe=make_cafe(community=north, days=day), answer="going")
    with django_assert_num_queries(len(small.captured_queries)):
        response = _feed(token)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 8


def test_a_runaway_calendar_app_is_slowed_down_not_served_forever(alice_client):
    from cafes.views import FEED_REQUESTS_PER_MINUTE

    _url, token = _make_link(alice_client)
    # A minute may turn over once during the loop (the count starts again), so allow for two minutes' worth.
    answers = [_feed(token).status_code for _ in range(2 * FEED_REQUESTS_PER_MINUTE + 2)]
    assert 429 in answers and answers.index(429) >= FEED_REQUESTS_PER_MINUTE


@pytest.mark.parametrize("client_fixture", ["linked_provider_client", "unlinked_provider_client"])
def test_providers_have_no_calendar_link(client_fixture, request):
    client = request.getfixturevalue(client_fixture)
    assert client.get(reverse("cafes:calendar")).status_code == 404
    assert client.post(reverse("cafes:calendar_new")).status_code == 404
    assert not CalendarFeedToken.objects.exists()
