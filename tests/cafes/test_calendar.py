"""The calendar file of a café: time, place, link; no names of other people."""

from icalendar import Calendar
from django.conf import settings
from django.urls import reverse

from cafes import services


def test_the_ics_file_holds_the_cafe_and_no_names(alice_client, alice, north_cafe, north_members, consultant):
    services.rsvp(user=north_members[0], cafe=north_cafe, answer="going", show_me=True)
    services.rsvp(user=alice, cafe=north_cafe, answer="going", show_me=True)
    response = alice_client.get(reverse("cafes:ics", args=[north_cafe.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Nordby café"
    assert event.decoded("DTSTART") == north_cafe.starts_at
    assert event.decoded("DTEND") == north_cafe.ends_at
    assert str(event["LOCATION"]) == "The library, Storgata 1"
    assert str(event["URL"]) == settings.SITE_URL + north_cafe.get_absolute_url()
    assert str(event["STATUS"]) == "CONFIRMED"
    for person in (north_members[0], consultant):
        assert person.pseudonym not in text and person.real_name not in text and person.email not in text


def test_a_cancelled_or_moved_cafe_gets_a_new_sequence_and_status(alice_client, consultant, north_cafe):
    services.cancel_cafe(cafe=north_cafe, by=consultant)
    event = Calendar.from_ical(alice_client.get(reverse("cafes:ics", args=[north_cafe.pk])).content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]).startswith(f"cafe-{north_cafe.pk}@")
