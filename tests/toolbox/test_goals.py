"""Goals in the Recovery Star's areas of life, activities planned in a week, marked done with a note, and a
progress picture per goal. Bad input: a clear message and nothing stored."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from toolbox import services
from toolbox.models import Activity, Goal


def _at(days, hour=10, minute=0):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def walk_goal(alice):
    return services.save_goal(owner=alice, domain="physical_health", title="Walk to the shop on my own",
                              why="I want to buy my own bread", steps="Walk to the corner\nWalk halfway",
                              status="under_way")


def _activity_data(days=2, **changes):
    data = {"title": "Walk to the corner", "day": (timezone.localdate() + timedelta(days=days)).isoformat(),
            "start": "10:00", "end": "", "goal": "", "remind": ""}
    data.update(changes)
    return data


def test_a_goal_is_written_in_an_area_of_life_and_shows_with_its_steps_and_status(alice_client):
    response = alice_client.post(reverse("toolbox:goal_new"), {
        "domain": "social_networks", "title": "Go to the café once a month", "why": "I miss people",
        "steps": "Read the café page\n\nAsk Ola to come along\n", "status": "not_started", "target_date": "2027-03-01",
    })
    assert response["Location"] == reverse("toolbox:goals")
    goal = Goal.objects.get()
    assert goal.steps == "Read the café page\nAsk Ola to come along" and goal.domain == "social_networks"
    page = alice_client.get(reverse("toolbox:goals")).content.decode()
    assert "Go to the café once a month" in page and "Social networks" in page and "Not started" in page
    assert "<li>Ask Ola to come along</li>" in page and "I miss people" in page
    assert "No activities planned for this goal yet." in page


def test_the_goals_words_are_encrypted_in_the_database(alice, walk_goal):
    services.save_activity(owner=alice, title="Corner walk", starts_at=_at(1))
    Activity.objects.update(note="Felt shaky at first")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, why, steps FROM toolbox_goal")
        raw = " ".join(cursor.fetchone())
        cursor.execute("SELECT title, note FROM toolbox_activity")
        raw += " ".join(cursor.fetchone())
    for secret in ("shop", "bread", "corner", "Corner", "shaky"):
        assert secret not in raw


@pytest.mark.parametrize("changes, message", [
    ({"title": "x" * 121}, "Please shorten it to 120 characters or fewer."),
    ({"why": "y" * 1001}, "Please shorten it to 1000 characters or fewer."),
    ({"steps": "\n".join(f"step {n}" for n in range(9))}, "Please keep to 8 small steps or fewer"),
    ({"domain": "happiness"}, "Please choose one of the areas in the list."),
    ({"status": "done"}, "Please choose one of the statuses in the list."),
    ({"title": "   "}, "Please write your goal in a few words."),
])
def test_bad_goal_input_gets_a_clear_message_and_nothing_is_stored(alice_client, changes, message):
    data = {"domain": "work", "title": "Ask about a trial job", "status": "not_started"}
    data.update(changes)
    response = alice_client.post(reverse("toolbox:goal_new"), data)
    assert response.status_code == 200
    assert message in response.content.decode() and "Something needs your attention" in response.content.decode()
    assert not Goal.objects.exists()


def test_another_persons_goal_cannot_be_changed_or_even_seen(alice, bob_client, walk_goal):
    for url in (reverse("toolbox:goal_edit", args=[walk_goal.pk]), "/toolbox/goals/99999999999999999999/edit/"):
        assert bob_client.get(url).status_code == 404
        assert bob_client.post(url, {"domain": "work", "title": "Mine now", "status": "reached"}).status_code == 404
    assert Goal.objects.get().title == "Walk to the shop on my own"


def test_an_activity_is_planned_tied_to_a_goal_and_shows_in_its_week(alice_client, walk_goal):
    response = alice_client.post(reverse("toolbox:activity_new"),
                                 _activity_data(days=7, goal=walk_goal.pk, end="11:30", remind="60"))
    activity = Activity.objects.get()
    assert activity.goal == walk_goal and activity.remind_at == activity.starts_at - timedelta(hours=1)
    assert activity.ends_at - activity.starts_at == timedelta(minutes=90)
    week = alice_client.get(response["Location"]).content.decode()
    assert "Walk to the corner" in week and "10:00–11:30" in week and "for “Walk to the shop on my own”" in week
    this_week = alice_client.get(reverse("toolbox:week")).content.decode()
    assert "Walk to the corner" not in this_week, "it is next week, one link away"
    assert f'?week={(timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=7)).isoformat()}' in this_week


@pytest.mark.parametrize("changes, message", [
    ({"end": "09:00"}, "The end comes before the start."),
    ({"days": -1, "remind": "15"}, "That reminder time has already passed."),
    ({"title": "z" * 121}, "Please shorten it to 120 characters or fewer."),
    ({"title": ""}, "Please write what you will do, in a few words."),
    ({"day": "2026-02-31"}, "Please write the day as year-month-day"),
    ({"start": "25:00"}, "Please write the time as hours:minutes"),
    ({"remind": "7"}, "Please choose one of the reminder times."),
    ({"goal": "abc"}, "Please choose one of your own goals, or none."),
])
def test_bad_activity_input_gets_a_clear_message_and_nothing_is_stored(alice_client, changes, message):
    days = changes.pop("days", 2)
    response = alice_client.post(reverse("toolbox:activity_new"), _activity_data(days=days, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_an_activity_cannot_be_tied_to_another_persons_goal(alice, bob, bob_client):
    bobs_goal = services.save_goal(owner=bob, domain="work", title="Bob's goal")
    alices_goal = services.save_goal(owner=alice, domain="work", title="Alice's goal")
    response = bob_client.post(reverse("toolbox:activity_new"), _activity_data(goal=alices_goal.pk))
    assert "Please choose one of your own goals, or none." in response.content.decode()
    with pytest.raises(services.ToolboxError, match="one of your own goals"):
        services.save_activity(owner=bob, title="Sneaky", starts_at=_at(2), goal_id=alices_goal.pk)
    assert not Activity.objects.exists()
    services.save_activity(owner=bob, title="Fine", starts_at=_at(2), goal_id=bobs_goal.pk)
    assert Activity.objects.get().goal == bobs_goal


def test_marking_done_with_a_note_fills_the_goals_progress_picture(alice, alice_client, bob_client, walk_goal):
    first = services.save_activity(owner=alice, title="Corner walk", starts_at=_at(0, 8), goal_id=walk_goal.pk)
    services.save_activity(owner=alice, title="Halfway walk", starts_at=_at(0, 9), goal_id=walk_goal.pk)
    url = reverse("toolbox:activity_done", args=[first.pk])
    assert bob_client.post(url, {"note": "Not mine"}).status_code == 404
    long = alice_client.post(url, {"note": "n" * 1001})
    assert "Please shorten it to 1000 characters or fewer." in long.content.decode()
    assert Activity.objects.get(pk=first.pk).done_at is None
    alice_client.post(url, {"note": "Windy, but I did it", "done": "1"})
    week = alice_client.get(reverse("toolbox:week")).content.decode()
    assert "Windy, but I did it" in week and "✓ Done" in week
    goals = alice_client.get(reverse("toolbox:goals")).content.decode()
    assert '<progress max="2" value="1"' in goals and "1 of 2 planned activities done" in goals


def test_a_week_parameter_that_is_not_a_date_shows_this_week(alice, alice_client):
    services.save_activity(owner=alice, title="Evening walk", starts_at=_at(0, 23, 30))
    for week in ("nonsense", "2026-13-45", "9" * 40):
        response = alice_client.get(reverse("toolbox:week") + f"?week={week}")
        assert response.status_code == 200 and "Evening walk" in response.content.decode()


def test_the_toolbox_front_page_lists_goals_and_the_crisis_plan(alice, alice_client, walk_goal):
    services.save_activity(owner=alice, title="Corner walk", starts_at=_at(0, 23))
    page = alice_client.get(reverse("toolbox:index")).content.decode()
    assert "My goals and activities" in page and "1 goal" in page and "1 activity this week" in page
    assert "My crisis plan" in page and reverse("toolbox:week") in page
