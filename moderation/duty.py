"""The consultant's on-duty hours: read often (the forum's "replies may take longer" line, the waiting sweep),
changed rarely, so they are kept in the cache and read from the database only after a change."""

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from moderation.models import OnDutyHours

logger = logging.getLogger(__name__)


def _key():
    # The database name keeps parallel test runs and several sites sharing one Redis apart.
    return f"moderation:duty:{connection.settings_dict['NAME']}"


def duty_hours() -> dict:
    """{weekday: (starts, ends)} of the days with hours; {} when none are set (on duty always)."""
    try:
        cached = cache.get(_key())
    except Exception:  # noqa: BLE001 - a cache that is down means: read the database
        logger.warning("On-duty hours read without the cache.", exc_info=True)
        cached = None
    if cached is not None:
        return cached
    hours = {row.weekday: (row.starts, row.ends) for row in OnDutyHours.objects.all()}
    try:
        cache.set(_key(), hours, timeout=24 * 60 * 60)
    except Exception:  # noqa: BLE001
        pass
    return hours


def forget_cached_hours() -> None:
    try:
        cache.delete(_key())
    except Exception:  # noqa: BLE001
        logger.warning("On-duty hours could not be cleared from the cache.", exc_info=True)


def is_on_duty(moment=None, *, hours=None) -> bool:
    """True when `moment` (now by default) falls in the on-duty hours, or when no hours are set."""
    hours = duty_hours() if hours is None else hours
    if not hours:
        return True
    local = timezone.localtime(moment or timezone.now())
    span = hours.get(local.weekday())
    return span is not None and span[0] <= local.time() < span[1]


def on_duty_seconds(start, end, *, hours=None) -> float:
    """How many seconds between `start` and `end` fall in the on-duty hours (all of them when none are set).

    Walks day by day in the portal's time zone: a few steps for the ages the waiting sweep looks at.
    """
    hours = duty_hours() if hours is None else hours
    if end <= start:
        return 0.0
    if not hours:
        return (end - start).total_seconds()
    tz = timezone.get_current_timezone()
    day = timezone.localtime(start).date()
    last_day = timezone.localtime(end).date()
    total = 0.0
    while day <= last_day:
        span = hours.get(day.weekday())
        if span is not None:
            on = timezone.make_aware(datetime.combine(day, span[0]), tz)
            off = timezone.make_aware(datetime.combine(day, span[1]), tz)
            overlap = (min(off, end) - max(on, start)).total_seconds()
            if overlap > 0:
                total += overlap
        day += timedelta(days=1)
    return total


def hours_as_rows(hours=None) -> list:
    """(weekday, starts, ends) for Monday to Sunday; None, None for a day off."""
    hours = duty_hours() if hours is None else hours
    return [(day, *(hours.get(day) or (None, None))) for day in range(7)]



