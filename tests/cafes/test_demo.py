from io import StringIO

import datetime

from django.core.management import call_command
from django.utils import timezone

from cafes.demo import first_tuesday_of_next_month
from cafes.models import Cafe, Rsvp


def test_demo_data_plans_next_months_cafe_in_each_community_once(db):
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())

    cafes = {cafe.community.slug: cafe for cafe in Cafe.objects.select_related("community", "host")}
    assert sorted(cafes) == ["elvebyen", "nordvik"]
    for cafe in cafes.values():
        local = timezone.localtime(cafe.starts_at)
        assert (local.weekday(), local.hour) == (1, 18), "the first Tuesday, 18:00 Oslo time"
        assert local.date() > timezone.localdate()
        assert cafe.host.pseudonym == "Maren-consultant"
    assert (cafes["nordvik"].going_count, cafes["nordvik"].maybe_count) == (2, 1)
    assert (cafes["elvebyen"].going_count, cafes["elvebyen"].maybe_count) == (2, 1)
    assert Rsvp.objects.count() == 6


def test_the_first_tuesday_of_next_month_is_found_from_any_day():
    assert first_tuesday_of_next_month(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 3)
    assert first_tuesday_of_next_month(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 5)
    assert first_tuesday_of_next_month(datetime.date(2026, 8, 15)) == datetime.date(2026, 9, 1)
