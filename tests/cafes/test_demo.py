from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from cafes.models import Cafe, CafeSeries, CompanionRequest, Rsvp


def test_demo_data_starts_a_monthly_series_in_each_community_once_and_answers_its_first_cafe(db):
    call_command("demo_data", stdout=StringIO())
    planned = Cafe.objects.count()
    call_command("demo_data", stdout=StringIO())
    assert Cafe.objects.count() == planned

    series = {s.community.slug: s for s in CafeSeries.objects.select_related("community", "host")}
    assert sorted(series) == ["elvebyen", "nordvik"]
    for one in series.values():
        assert (one.weekday, one.week) == (1, CafeSeries.Week.FIRST)
        assert one.host.pseudonym == "Maren-consultant"
        cafes = list(one.cafes.order_by("starts_at"))
        assert cafes, "the coming cafés are planned"
        for cafe in cafes:
            local = timezone.localtime(cafe.starts_at)
            assert (local.weekday(), local.hour, local.day <= 7) == (1, 18, True), "the first Tuesday, 18:00 Oslo time"
            assert local.date() >= timezone.localdate()
        first = cafes[0]
        assert (first.going_count, first.maybe_count) == (2, 1)
    assert Rsvp.objects.count() == 6
    request = CompanionRequest.objects.select_related("user", "cafe__community").get()
    assert (request.user.pseudonym, request.kind, request.cafe.community.slug) == (
        "Snowfinch", "companion_wanted", "nordvik")
    assert request.closed_at is None, "an open request the consultant sees on the open-requests page"
