"""Cafés for tests. Cafés in the past cannot be planned through cafes.services (it refuses them), so the
helper writes the row directly; answers always go through the service, so counters are as in real use."""

from datetime import timedelta

from django.utils import timezone

from cafes.models import Cafe


def make_cafe(*, community, days=7, hours=2, capacity=None, open_to_visitors=False, host=None, **fields):
    """A planned café `days` from now (negative: in the past), lasting `hours`."""
    starts = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    defaults = {
        "title": f"Café in {community.name}", "venue_name": "The library", "address": "Storgata 1",
        "getting_there": "Bus 2 to the square.", "accessibility": "Step-free entrance.",
    }
    defaults.update(fields)
    return Cafe.objects.create(
        community=community, starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity,
        open_to_visitors=open_to_visitors, host=host, **defaults,
    )
