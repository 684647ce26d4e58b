"""The goals page, the week view and the provider's view of shared goals use a fixed number of queries, whatever
the number of goals and activities."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from tests.toolbox.test_query_budget import _count
from toolbox import services
from toolbox.models import Module


def _fill(owner, n, start=0):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for i in range(start, start + n):
        goal = services.save_goal(owner=owner, domain="work", title=f"Goal {i}", steps="One\nTwo")
        at = timezone.make_aware(datetime.combine(monday + timedelta(days=i % 7), time(9 + i % 10)))
        activity = services.save_activity(owner=owner, title=f"Activity {i}", starts_at=at, goal_id=goal.pk)
        services.mark_activity_done(owner=owner, activity_id=activity.pk, note=f"Note {i}")


def _budget(client, url, owner, django_assert_num_queries):
    _fill(owner, 1)
    small, _html = _count(client, url)
    _fill(owner, 6, start=1)
    with django_assert_num_queries(small):
        html = client.get(url).content.decode()
    return html


def test_the_goals_page_uses_the_same_queries_for_1_and_7_goals(alice, alice_client, linked_provider,
                                                                django_assert_num_queries):
    html = _budget(alice_client, reverse("toolbox:goals"), alice, django_assert_num_queries)
    assert "Goal 6" in html and html.count("<progress") == 7


def test_the_week_view_uses_the_same_queries_for_1_and_7_activities(alice, alice_client, django_assert_num_queries):
    html = _budget(alice_client, reverse("toolbox:week"), alice, django_assert_num_queries)
    assert "Activity 6" in html and "Note 6" in html and "for “Goal 6”" in html


def test_the_providers_view_uses_the_same_queries_for_1_and_7_goals(alice, linked_provider, linked_provider_client,
                                                                    django_assert_num_queries):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.GOALS, shared=True)
    html = _budget(linked_provider_client, reverse("toolbox:shared_goals", args=[alice.pk]), alice,
                   django_assert_num_queries)
    assert "Goal 6" in html and "Activity 6" in html
