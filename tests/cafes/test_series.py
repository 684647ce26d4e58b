"""Recurring cafés: a rule ("the first Tuesday of every month, 18:00-20:00") that plans ordinary cafés about two
months ahead, each day once however often beat runs; cafés changed or cancelled one by one; stopping."""

import datetime
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cafes import services
from cafes.models import SERIES_WEEKS_AHEAD, Cafe, CafeSeries
from reconnect.models import Notification

OSLO = timezone.get_default_timezone()
TUESDAY, FRIDAY, SUNDAY = 1, 4, 6


def _start(consultant, community, **fields):
    values = {"title": "Monthly café", "weekday": TUESDAY, "week": 1, "start_time": datetime.time(18, 0),
              "end_time": datetime.time(20, 0), "venue_name": "Library", "address": "Storgata 1", "capacity": 8,
              "host": consultant}
    values.update(fields)
    return services.create_series(by=consultant, community=community, **values)


def _local_days(series):
    return [timezone.localtime(cafe.starts_at, OSLO).date() for cafe in series.cafes.order_by("starts_at")]


# --- The rule -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("weekday,week,first,last,expected", [
    (TUESDAY, 1, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31),
     [datetime.date(2026, 1, 6), datetime.date(2026, 2, 3), datetime.date(2026, 3, 3)]),
    (FRIDAY, -1, datetime.date(2026, 1, 1), datetime.date(2026, 2, 28),
     [datetime.date(2026, 1, 30), datetime.date(2026, 2, 27)]),
    (SUNDAY, 4, datetime.date(2026, 11, 20), datetime.date(2027, 1, 31),
     [datetime.date(2026, 11, 22), datetime.date(2026, 12, 27), datetime.date(2027, 1, 24)]),
    (TUESDAY, 1, datetime.date(2026, 1, 7), datetime.date(2026, 2, 2), []),
])
def test_the_rule_gives_the_right_days_across_months_and_years(weekday, week, first, last, expected):
    assert CafeSeries(weekday=weekday, week=week).days_between(first, last) == expected


def test_the_rule_reads_as_a_sentence():
    from django.utils import translation

    with translation.override("en"):
        assert CafeSeries(weekday=TUESDAY, week=1).rule_text() == "The first Tuesday of every month"
        assert CafeSeries(weekday=FRIDAY, week=-1).rule_text() == "The last Friday of every month"


# --- Planning -----------------------------------------------------------------------------------------
def test_starting_a_series_plans_its_cafes_for_the_coming_weeks_at_oslo_time(consultant, north):
    series = _start(consultant, north)
    today = timezone.localdate()
    expected = [day for day in series.days_between(today, today + timedelta(weeks=SERIES_WEEKS_AHEAD))
                if timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)), OSLO) > timezone.now()]
    assert _local_days(series) == expected and expected, "at least one café in nine weeks"
    for cafe in series.cafes.all():
        local = timezone.localtime(cafe.starts_at, OSLO)
        assert (local.weekday(), local.hour, timezone.localtime(cafe.ends_at, OSLO).hour) == (TUESDAY, 18, 20)
        assert (cafe.title, cafe.capacity, cafe.host, cafe.community) == ("Monthly café", 8, consultant, north)
        assert cafe.series_date == local.date()


def test_planning_again_or_twice_at_once_plans_each_day_once(consultant, north):
    series = _start(consultant, north)
    count = series.cafes.count()
    assert services.plan_series_cafes(series=series) == []
    assert services.plan_all_series_cafes() == 0
    assert series.cafes.count() == count
    first = series.cafes.order_by("starts_at").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cafe.objects.create(community=north, title="x", venue_name="x", address="x", starts_at=first.starts_at,
                            ends_at=first.ends_at, series=series, series_date=first.series_date)


def test_a_cafe_moved_or_cancelled_on_its_own_is_not_planned_again_and_the_series_stays(consultant, north):
    series = _start(consultant, north)
    first, second = series.cafes.order_by("starts_at")[:2]
    services.update_cafe(cafe=first, by=consultant, title="Summer special", starts_at=first.starts_at + timedelta(days=1),
                         ends_at=first.ends_at + timedelta(days=1))
    services.cancel_cafe(cafe=second, by=consultant)
    assert services.plan_all_series_cafes() == 0
    series.refresh_from_db()
    assert series.title == "Monthly café" and series.weekday == TUESDAY
    assert Cafe.objects.filter(series=series, series_date=first.series_date).get().title == "Summer special"


def test_changing_the_series_changes_the_cafes_planned_later_not_those_already_planned(consultant, north):
    series = _start(consultant, north)
    planned = set(series.cafes.values_list("pk", flat=True))
    services.update_series(series=series, by=consultant, title="New name", venue_name="Town hall")
    later = timezone.now() + timedelta(weeks=6)
    made = services.plan_series_cafes(series=CafeSeries.objects.get(pk=series.pk), now=later)
    assert made and all((c.title, c.venue_name) == ("New name", "Town hall") for c in made)
    assert set(Cafe.objects.filter(pk__in=planned).values_list("title", flat=True)) == {"Monthly café"}


def test_stopping_plans_no_more_and_may_cancel_the_planned_cafes_telling_who_answered(consultant, north, alice):
    series = _start(consultant, north)
    first = series.cafes.order_by("starts_at").first()
    services.rsvp(user=alice, cafe=first, answer="going")
    assert services.stop_series(series=series, by=consultant, cancel_planned=True) == series.cafes.count()
    series.refresh_from_db()
    assert not series.active and series.stopped_at is not None
    assert not series.cafes.filter(status="planned").exists()
    assert services.plan_series_cafes(series=series, now=timezone.now() + timedelta(weeks=8)) == []
    assert Notification.objects.filter(recipient=alice, kind="cafe", text__contains="cancelled").count() == 1
    with pytest.raises(services.CafeError, match="has been stopped"):
        services.update_series(series=series, by=consultant, title="Again")


@pytest.mark.parametrize("change,message", [
    ({"weekday": 7}, "Please choose the day of the week"),
    ({"weekday": -1}, "Please choose the day of the week"),
    ({"weekday": "1"}, "Please choose the day of the week"),
    ({"week": 0}, "Please choose which week of the month"),
    ({"week": 5}, "Please choose which week of the month"),
    ({"week": True}, "Please choose which week of the month"),
    ({"end_time": datetime.time(17, 0)}, "The café ends before it starts"),
    ({"end_time": datetime.time(18, 0)}, "The café ends before it starts"),
    ({"start_time": None}, "Please give the start and end times"),
    ({"capacity": -1}, "The number of places must be a whole number"),
    ({"title": ""}, "Please give the café a title"),
])
def test_a_bad_series_is_refused_with_a_clear_message_and_nothing_is_stored(consultant, north, change, message):
    with pytest.raises(services.CafeError) as error:
        _start(consultant, north, **change)
    assert message in error.value.message
    assert not CafeSeries.objects.exists() and not Cafe.objects.exists()


def test_the_database_refuses_a_series_rule_out_of_range(consultant, north):
    series = _start(consultant, north)
    for change in ({"weekday": 9}, {"week": 6}, {"end_time": datetime.time(9, 0)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CafeSeries.objects.filter(pk=series.pk).update(**change)


@pytest.mark.parametrize("role_fixture", ["alice", "linked_provider"])
def test_only_the_consultant_and_admins_start_a_series(role_fixture, request, north):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _start(request.getfixturevalue(role_fixture), north)
    assert not CafeSeries.objects.exists()


# --- The pages ----------------------------------------------------------------------------------------
def _form(place, **overrides):
    data = {"community": place.pk, "title": "Tuesday café", "week": "1", "weekday": "1", "start_time": "18:00",
            "end_time": "20:00", "venue_name": "Library", "address": "Storgata 1", "capacity": "10", "host": ""}
    data.update(overrides)
    return data


def test_the_consultant_starts_a_series_and_sees_its_planned_cafes(consultant_client, north):
    response = consultant_client.post(reverse("cafes:series_create"), _form(north))
    series = CafeSeries.objects.get()
    assert response["Location"] == reverse("cafes:series_edit", args=[series.pk])
    html = consultant_client.get(response["Location"]).content.decode()
    assert "The first Tuesday of every month, 18:00–20:00" in html
    for cafe in series.cafes.all():
        assert cafe.get_absolute_url() in html
    listing = consultant_client.get(reverse("cafes:series_list")).content.decode()
    assert "Tuesday café" in listing and "Next café:" in listing


def test_a_cafe_of_a_series_says_how_often_it_is_held(consultant, alice_client, north):
    cafe = _start(consultant, north).cafes.first()
    assert "The first Tuesday of every month" in alice_client.get(cafe.get_absolute_url()).content.decode()


@pytest.mark.parametrize("overrides,message", [
    ({"week": "9"}, "Please choose which week of the month"),
    ({"week": "abc"}, "Please choose which week of the month"),
    ({"weekday": "7"}, "Please choose the day of the week"),
    ({"weekday": "99999999999999999999"}, "Please choose the day of the week"),
    ({"end_time": "17:00"}, "The café ends before it starts"),
    ({"start_time": "25:00"}, "Please write the time as hours and minutes"),
    ({"capacity": "-2"}, "The number of places must be a whole number"),
    ({"community": "abc"}, "Please choose a community from the list"),
    ({"title": "t" * 300}, "The title is 300 characters long"),
])
def test_a_bad_series_form_gets_a_clear_message_and_stores_nothing(consultant_client, north, overrides, message):
    html = consultant_client.post(reverse("cafes:series_create"), _form(north, **overrides)).content.decode()
    assert message in html and 'class="error-summary"' in html
    assert not CafeSeries.objects.exists() and not Cafe.objects.exists()


def test_stopping_in_the_page_asks_for_confirmation_first(consultant_client, consultant, north):
    series = _start(consultant, north)
    url = reverse("cafes:series_stop", args=[series.pk])
    assert "Please tick the box" in consultant_client.post(url, {}).content.decode()
    assert CafeSeries.objects.get().active
    consultant_client.post(url, {"confirm": "on"})
    assert not CafeSeries.objects.get().active
    assert series.cafes.filter(status="planned").exists(), "planned cafés stay unless asked"
    html = consultant_client.get(reverse("cafes:series_edit", args=[series.pk])).content.decode()
    assert "This series is stopped" in html and "Save the series" not in html


def test_members_and_providers_cannot_reach_the_series_pages(alice_client, linked_provider_client, consultant, north):
    series = _start(consultant, north)
    for client in (alice_client, linked_provider_client):
        assert client.get(reverse("cafes:series_list")).status_code == 404
        assert client.post(reverse("cafes:series_create"), _form(north)).status_code == 404
        assert client.post(reverse("cafes:series_edit", args=[series.pk]), _form(north, title="x")).status_code == 404
        assert client.post(reverse("cafes:series_stop", args=[series.pk]), {"confirm": "on"}).status_code == 404
    series.refresh_from_db()
    assert series.active and series.title == "Monthly café" and CafeSeries.objects.count() == 1


@pytest.mark.parametrize("path", ["/cafes/series/999999/", "/cafes/series/abc/", "/cafes/series/-1/stop/",
                                  "/cafes/series/99999999999999999999/"])
def test_series_ids_that_do_not_exist_or_are_not_numbers_are_404(consultant_client, path):
    assert consultant_client.get(path).status_code == 404
