"""The café pages as members and the consultant use them: the list, a café, answering, and planning."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cafes import services
from cafes.models import Cafe, Rsvp
from reconnect.models import Notification
from tests.cafes.factories import make_cafe


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


# --- The list -----------------------------------------------------------------------------------------
def test_a_member_sees_the_upcoming_cafes_of_their_own_community(alice_client, north_cafe, south_open_cafe, north):
    make_cafe(community=north, days=-30, title="Old café")
    html = _html(alice_client.get(reverse("cafes:index")))
    assert "Nordby café" in html
    assert "Sørvik open café" not in html, "other communities only when asked"
    assert "Old café" not in html, "past cafés are on their own page"
    assert "it is fine to arrive late or leave early, and to just listen" in html.lower()


def test_asking_for_other_communities_adds_their_open_cafes_only(alice_client, north_cafe, south_open_cafe, south):
    make_cafe(community=south, title="Sørvik closed café")
    html = _html(alice_client.get(reverse("cafes:index") + "?others=1"))
    assert "Nordby café" in html and "Sørvik open café" in html
    assert "Sørvik closed café" not in html
    assert "Sørvik</span>" in html, "a visitor's café says which community it is in"


def test_past_cafes_have_their_own_page(alice_client, north):
    make_cafe(community=north, days=-30, title="Old café")
    html = _html(alice_client.get(reverse("cafes:past")))
    assert "Old café" in html


def test_the_list_shows_my_own_answer(alice_client, alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    assert "You're going" in _html(alice_client.get(reverse("cafes:index")))


def test_the_consultant_sees_every_communitys_cafes_and_may_plan_one(consultant_client, north_cafe, south, consultant):
    closed = make_cafe(community=south, title="Sørvik closed café")
    html = _html(consultant_client.get(reverse("cafes:index")))
    assert "Nordby café" in html and closed.title in html
    assert reverse("cafes:create") in html


@pytest.mark.parametrize("client_fixture", ["linked_provider_client", "unlinked_provider_client"])
def test_providers_see_nothing_of_the_cafes(client_fixture, request, north_cafe):
    client = request.getfixturevalue(client_fixture)
    assert client.get(reverse("cafes:index")).status_code == 404
    assert client.get(north_cafe.get_absolute_url()).status_code == 404
    assert client.get(reverse("cafes:ics", args=[north_cafe.pk])).status_code == 404
    assert reverse("cafes:index") not in client.get(reverse("home")).content.decode()


def test_the_menu_has_a_cafes_link_for_members_and_the_consultant(alice_client, consultant_client):
    for client in (alice_client, consultant_client):
        assert f'href="{reverse("cafes:index")}"' in client.get(reverse("home")).content.decode()


# --- A café -------------------------------------------------------------------------------------------
def test_the_cafe_page_says_when_where_how_to_get_there_and_who_hosts(alice_client, north_cafe, consultant):
    html = _html(alice_client.get(north_cafe.get_absolute_url()))
    for text in ("The library", "Storgata 1", "Bus 2 to the square.", "Step-free entrance.", consultant.pseudonym,
                 "What to expect", "to just listen", "0 people are going."):
        assert text in html, text
    assert consultant.real_name not in html


def test_a_closed_cafe_of_another_community_is_404_to_a_visitor(bob_client, north_cafe):
    assert bob_client.get(north_cafe.get_absolute_url()).status_code == 404
    assert bob_client.post(reverse("cafes:answer", args=[north_cafe.pk]), {"answer": "going"}).status_code == 404
    assert bob_client.get(reverse("cafes:ics", args=[north_cafe.pk])).status_code == 404
    assert not Rsvp.objects.exists()


def test_an_open_cafe_of_another_community_welcomes_a_visitor(alice_client, south_open_cafe):
    html = _html(alice_client.get(south_open_cafe.get_absolute_url()))
    assert "Visitors from other communities are welcome." in html


def test_peers_see_how_many_are_coming_and_only_those_who_chose_to_be_shown(
    alice_client, north_cafe, north_members
):
    shown, hidden, _third = north_members
    services.rsvp(user=shown, cafe=north_cafe, answer="going", show_me=True)
    services.rsvp(user=hidden, cafe=north_cafe, answer="going", show_me=False)
    html = _html(alice_client.get(north_cafe.get_absolute_url()))
    assert "2 people are going." in html
    assert shown.pseudonym in html
    assert hidden.pseudonym not in html


def test_the_consultant_sees_every_answer_by_pseudonym(consultant_client, north_cafe, north_members, alice):
    first, second, third = north_members
    services.rsvp(user=first, cafe=north_cafe, answer="going")
    services.rsvp(user=second, cafe=north_cafe, answer="going")
    services.rsvp(user=third, cafe=north_cafe, answer="going")
    services.rsvp(user=alice, cafe=north_cafe, answer="cant")
    html = _html(consultant_client.get(north_cafe.get_absolute_url()))
    assert "Going (2)" in html and "On the waitlist (1)" in html and "Can't come (1)" in html
    for person in (first, second, third, alice):
        assert person.pseudonym in html
        assert person.real_name not in html and person.email not in html


# --- Answering ----------------------------------------------------------------------------------------
def test_answering_going_with_show_me_says_you_are_going(alice_client, alice, north_cafe):
    response = alice_client.post(reverse("cafes:answer", args=[north_cafe.pk]),
                                 {"answer": "going", "show_me": "on"}, follow=True)
    html = _html(response)
    assert "You&#x27;re going." in html and "1 person is going." in html
    assert alice.pseudonym in html.split('class="cafe-attendees"')[1]
    assert Rsvp.objects.get(user=alice).show_me is True


def test_a_full_cafe_puts_me_on_the_waitlist_and_says_my_place_in_line(alice_client, alice, north_cafe, north_members):
    for person in north_members[:2]:
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    html = _html(alice_client.post(reverse("cafes:answer", args=[north_cafe.pk]), {"answer": "going"}, follow=True))
    assert "You are number 1 on the waitlist." in html


@pytest.mark.parametrize("data", [{}, {"answer": "yes"}, {"answer": "x" * 5000}, {"answer": ""}])
def test_a_bad_answer_gets_a_clear_message_and_stores_nothing(alice_client, north_cafe, data):
    html = _html(alice_client.post(reverse("cafes:answer", args=[north_cafe.pk]), data))
    assert "Please choose one of the answers" in html
    assert not Rsvp.objects.exists()


def test_a_double_submit_keeps_one_answer(alice_client, alice, north_cafe):
    url = reverse("cafes:answer", args=[north_cafe.pk])
    alice_client.post(url, {"answer": "going"})
    alice_client.post(url, {"answer": "going"})
    north_cafe.refresh_from_db()
    assert Rsvp.objects.filter(user=alice).count() == 1 and north_cafe.going_count == 1


def test_answering_a_cancelled_cafe_says_so_and_stores_nothing(alice_client, consultant, north_cafe):
    services.cancel_cafe(cafe=north_cafe, by=consultant)
    html = _html(alice_client.post(reverse("cafes:answer", args=[north_cafe.pk]), {"answer": "going"}))
    assert "has been cancelled" in html
    assert not Rsvp.objects.exists()


def test_answering_a_past_cafe_says_so_and_stores_nothing(alice_client, north):
    cafe = make_cafe(community=north, days=-3)
    html = _html(alice_client.post(reverse("cafes:answer", args=[cafe.pk]), {"answer": "maybe"}))
    assert "already started" in html
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize("path", ["/cafes/999999/", "/cafes/999999/answer/", "/cafes/99999999999999999999/",
                                  "/cafes/abc/", "/cafes/-1/", "/cafes/0/calendar.ics"])
def test_ids_that_do_not_exist_or_are_not_numbers_are_404(alice_client, path):
    response = alice_client.post(path, {"answer": "going"}) if path.endswith("answer/") else alice_client.get(path)
    assert response.status_code == 404


def test_the_page_number_may_be_anything(alice_client, north_cafe):
    for page in ("abc", "-5", "999999999999999999999", ""):
        assert alice_client.get(reverse("cafes:index") + f"?page={page}").status_code == 200


# --- The consultant's pages ---------------------------------------------------------------------------
def _form(**overrides):
    day = (timezone.localtime() + timedelta(days=20)).date()
    data = {"community": "", "title": "Summer café", "date": day.isoformat(), "start_time": "18:00",
            "end_time": "20:00", "venue_name": "Library", "address": "Storgata 1", "capacity": "10", "host": ""}
    data.update(overrides)
    return data


def test_the_consultant_plans_a_cafe_at_oslo_time(consultant_client, north):
    response = consultant_client.post(reverse("cafes:create"), _form(community=north.pk))
    cafe = Cafe.objects.get()
    assert response["Location"] == cafe.get_absolute_url()
    local = timezone.localtime(cafe.starts_at, timezone.get_default_timezone())
    assert (local.hour, local.minute, str(local.tzinfo)) == (18, 0, "Europe/Oslo")


@pytest.mark.parametrize("overrides,message", [
    ({"end_time": "17:00"}, "The café ends before it starts"),
    ({"date": "2001-01-01"}, "That time has already passed"),
    ({"capacity": "-3"}, "The number of places must be a whole number"),
    ({"capacity": "many"}, "The number of places must be a whole number"),
    ({"date": "2026-02-31"}, "Please write the date as year, month and day"),
    ({"start_time": "25:99"}, "Please write the time as hours and minutes"),
    ({"community": "999999"}, "Please choose a community from the list"),
    ({"host": "999999"}, "The host must be a service user consultant"),
    ({"title": "t" * 500}, "The title is 500 characters long"),
])
def test_a_bad_cafe_form_gets_a_clear_message_and_stores_nothing(consultant_client, north, overrides, message):
    data = _form(**{"community": north.pk, **overrides})
    html = _html(consultant_client.post(reverse("cafes:create"), data))
    assert message in html
    assert 'class="error-summary"' in html
    assert not Cafe.objects.exists()


def test_a_member_cannot_reach_the_consultants_pages(alice_client, north_cafe, north):
    assert alice_client.get(reverse("cafes:create")).status_code == 404
    assert alice_client.post(reverse("cafes:create"), _form(community=north.pk)).status_code == 404
    assert alice_client.post(reverse("cafes:edit", args=[north_cafe.pk]), _form(community=north.pk)).status_code == 404
    assert alice_client.post(reverse("cafes:cancel", args=[north_cafe.pk]), {"confirm": "on"}).status_code == 404
    assert Cafe.objects.get().title == "Nordby café" and not Cafe.objects.get().is_cancelled


def test_moving_a_cafe_in_the_form_tells_who_answered(consultant_client, alice, north_cafe, north):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    later = (timezone.localtime(north_cafe.starts_at) + timedelta(days=1)).date()
    response = consultant_client.post(reverse("cafes:edit", args=[north_cafe.pk]),
                                      _form(community=north.pk, date=later.isoformat(), capacity="2"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=alice, kind="cafe").count() == 1


def test_the_edit_form_shows_the_cafe_as_it_is(consultant_client, north_cafe):
    html = _html(consultant_client.get(reverse("cafes:edit", args=[north_cafe.pk])))
    assert 'value="Nordby café"' in html and 'value="Storgata 1"' in html


def test_cancelling_asks_for_confirmation_first(consultant_client, north_cafe):
    url = reverse("cafes:cancel", args=[north_cafe.pk])
    assert "Please tick the box" in _html(consultant_client.post(url, {}))
    assert not Cafe.objects.get().is_cancelled
    consultant_client.post(url, {"confirm": "on"})
    assert Cafe.objects.get().is_cancelled


def test_a_cancelled_cafe_says_so_to_members(alice_client, consultant, north_cafe):
    services.cancel_cafe(cafe=north_cafe, by=consultant)
    html = _html(alice_client.get(north_cafe.get_absolute_url()))
    assert "This café has been cancelled." in html
    assert reverse("cafes:answer", args=[north_cafe.pk]) not in html
