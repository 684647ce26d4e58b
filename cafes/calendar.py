"""Cafés as iCalendar (RFC 5545) data, with the icalendar library.

A calendar file holds the café's title, time, place, how to get there and its link in the portal. It names no
person: not who else is coming, not the host (a calendar file is easily forwarded or synced to a work phone).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//ReConnect//Cafés//EN"


def _event(cafe, *, stamp):
    event = Event()
    # The same UID every time, so an updated download (or the feed, later) replaces the event in the calendar.
    event.add("uid", f"cafe-{cafe.pk}@{settings.SITE_URL.split('://', 1)[-1].split('/', 1)[0]}")
    event.add("dtstamp", stamp)
    # In UTC ("Z"): every calendar app shows it in its own zone; no VTIMEZONE block is needed.
    event.add("dtstart", cafe.starts_at.astimezone(datetime.timezone.utc))
    event.add("dtend", cafe.ends_at.astimezone(datetime.timezone.utc))
    event.add("sequence", cafe.sequence)
    event.add("summary", cafe.title)
    event.add("location", f"{cafe.venue_name}, {cafe.address}")
    url = settings.SITE_URL + cafe.get_absolute_url()
    event.add("url", url)
    description = [part for part in (cafe.topic, cafe.getting_there) if part]
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if cafe.is_cancelled else "CONFIRMED")
    return event


def cafe_ics(cafe) -> bytes:
    """One café as a calendar file."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_event(cafe, stamp=timezone.now()))
    return calendar.to_ical()


def feed_ics(cafes) -> bytes:
    """A person's private feed: the cafés they are going to (and host), each with the same UID as its download,
    so a calendar holding both keeps one event. No names of people, as in every calendar file."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "ReConnect")
    # Calendar apps that honour it check back about twice a day.
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    stamp = timezone.now()
    for cafe in cafes:
        calendar.add_component(_event(cafe, stamp=stamp))
    return calendar.to_ical()
