"""Café reminders: two days and three hours before by default, one gentle one for "maybe", each sent exactly
once however often beat's sweep runs, none for cancelled cafés or people who can't come, and each person's own
choice of when (or none). The sweep takes `now`, so these tests move the clock instead of waiting."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from cafes import services
from cafes.models import Cafe, ReminderSent, ReminderSettings, Rsvp
from reconnect.models import Notification
from tests.cafes.factories import make_cafe
from tests.messaging.test_alerts import wait_for


def _reminders(user):
    return list(Notification.objects.filter(recipient=user, kind="cafe_reminder").order_by("pk")
                .values_list("text", flat=True))


def _sweep(cafe, *, hours_before):
    return services.send_due_reminders(now=cafe.starts_at - timedelta(hours=hours_before))


# --- When reminders come ------------------------------------------------------------------------------
def test_two_days_before_those_going_get_one_reminder_that_names_nobody(alice, north_cafe, north_members, consultant):
    services.rsvp(user=alice, cafe=north_cafe, answer="going", show_me=True)
    services.rsvp(user=north_members[0], cafe=north_cafe, answer="going", show_me=True)
    assert _sweep(north_cafe, hours_before=49) == 0, "not yet"
    assert _sweep(north_cafe, hours_before=47) == 2
    [text] = _reminders(alice)
    assert "A reminder: you're going to the café on" in text and "fine to arrive late" in text
    for person in (north_members[0], consultant):
        assert person.pseudonym not in text and person.real_name not in text
    note = Notification.objects.get(recipient=alice)
    assert note.link == north_cafe.get_absolute_url()


def test_each_reminder_is_sent_once_however_often_the_sweep_runs(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    assert _sweep(north_cafe, hours_before=47) == 1
    assert _sweep(north_cafe, hours_before=47) == 0
    assert _sweep(north_cafe, hours_before=40) == 0
    assert _sweep(north_cafe, hours_before=2) == 1, "then the one on the day"
    assert _sweep(north_cafe, hours_before=1) == 0
    assert len(_reminders(alice)) == 2
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == ["early", "late"]


def test_a_sweep_that_comes_late_sends_the_reminder_on_the_day_instead_of_both(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    assert _sweep(north_cafe, hours_before=2) == 1
    [text] = _reminders(alice)
    assert text.startswith("The café starts soon")
    assert _sweep(north_cafe, hours_before=1) == 0


def test_maybe_gets_one_gentle_reminder_and_no_more(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="maybe")
    for hours in (47, 20, 2, 1):
        _sweep(north_cafe, hours_before=hours)
    [text] = _reminders(alice)
    assert "You answered maybe: come if it feels right on the day." in text


def test_no_reminders_for_a_cancelled_cafe_the_waitlist_or_those_who_cannot_come(
    alice, bob, north_cafe, north_members, consultant, north
):
    first, second, third = north_members
    services.rsvp(user=first, cafe=north_cafe, answer="going")
    services.rsvp(user=second, cafe=north_cafe, answer="going")
    services.rsvp(user=alice, cafe=north_cafe, answer="going")  # full: alice waits
    services.rsvp(user=third, cafe=north_cafe, answer="going")
    services.rsvp(user=third, cafe=north_cafe, answer="cant")  # changed their mind
    cancelled = make_cafe(community=north, title="Cancelled café")
    Cafe.objects.filter(pk=cancelled.pk).update(starts_at=north_cafe.starts_at, ends_at=north_cafe.ends_at)
    services.rsvp(user=third, cafe=cancelled, answer="going")
    services.cancel_cafe(cafe=cancelled, by=consultant)
    for hours in (47, 2):
        _sweep(north_cafe, hours_before=hours)
    assert len(_reminders(first)) == 2 and len(_reminders(second)) == 2
    assert _reminders(alice) == [] and _reminders(third) == []


def test_an_answer_given_after_the_reminder_time_brings_no_reminder_for_it(alice, north):
    cafe = make_cafe(community=north, days=1)  # 24 hours away: the two-day moment has passed
    services.rsvp(user=alice, cafe=cafe, answer="going")
    assert services.send_due_reminders(now=Rsvp.objects.get().updated_at + timedelta(minutes=1)) == 0
    assert _sweep(cafe, hours_before=2) == 1
    assert _reminders(alice)[0].startswith("The café starts soon")


def test_my_own_settings_change_when_reminders_come_or_turn_them_off(alice, north_cafe, north_members):
    quiet, maybe = north_members[:2]
    services.set_reminder_settings(user=alice, early_hours=0, late_hours=6, remind_maybe=True, by_email=False)
    services.set_reminder_settings(user=quiet, early_hours=0, late_hours=0, remind_maybe=False, by_email=False)
    services.set_reminder_settings(user=maybe, early_hours=24, late_hours=3, remind_maybe=False, by_email=False)
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.rsvp(user=quiet, cafe=north_cafe, answer="going")
    services.rsvp(user=maybe, cafe=north_cafe, answer="maybe")
    assert _sweep(north_cafe, hours_before=47) == 0
    assert _sweep(north_cafe, hours_before=5) == 1
    assert len(_reminders(alice)) == 1
    assert _sweep(north_cafe, hours_before=1) == 0
    assert _reminders(quiet) == [] and _reminders(maybe) == []


def test_the_reminder_e_mail_goes_to_those_who_want_it_and_says_nothing_about_the_cafe(
    alice, north_cafe, django_capture_on_commit_callbacks
):
    from reconnect.services import send_notification_email

    services.set_reminder_settings(user=alice, early_hours=48, late_hours=3, remind_maybe=True, by_email=True)
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    with django_capture_on_commit_callbacks() as callbacks:
        _sweep(north_cafe, hours_before=47)
    from reconnect.live import is_live_update

    assert len([callback for callback in callbacks if not is_live_update(callback)]) == 1, "the e-mail task"
    note = Notification.objects.get(recipient=alice)
    assert send_notification_email(notification_id=note.pk) is True
    [message] = mail.outbox
    everything = message.subject + message.body
    for secret in (north_cafe.title, north_cafe.venue_name, north_cafe.address, "café", "reminder"):
        assert secret.lower() not in everything.lower()


def test_the_sweep_finds_due_reminders_with_one_query_per_kind(alice, north_cafe, django_assert_num_queries):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    now = north_cafe.starts_at - timedelta(hours=30)
    with django_assert_num_queries(1):
        due = list(services._due(ReminderSent.Kind.EARLY, now).select_related("user", "cafe"))
    assert [r.user_id for r in due] == [alice.pk]


# --- The settings page --------------------------------------------------------------------------------
def test_the_reminder_page_shows_the_defaults_and_saves_my_choice(alice_client, alice):
    url = reverse("cafes:reminders")
    html = alice_client.get(url).content.decode()
    checked = re.findall(r'name="(\w+)" value="(\w+)"[^>]* checked', html)
    assert checked == [("early_hours", "48"), ("late_hours", "3")]
    assert re.search(r'name="remind_maybe"[^>]* checked', html)
    assert "2 days before" in html and "3 hours before" in html
    response = alice_client.post(url, {"early_hours": "24", "late_hours": "0", "by_email": "on"})
    assert response.status_code == 302
    chosen = ReminderSettings.objects.get(user=alice)
    assert (chosen.early_hours, chosen.late_hours, chosen.remind_maybe) == (24, 0, False)
    alice.refresh_from_db()
    assert alice.email_notification_kinds == ["message", "cafe_reminder"], "the other e-mail choices stay"
    alice_client.post(url, {"early_hours": "24", "late_hours": "0"})
    alice.refresh_from_db()
    assert alice.email_notification_kinds == ["message"]


@pytest.mark.parametrize("data,message", [
    ({"early_hours": "5", "late_hours": "3"}, "Please choose when the early reminder comes"),
    ({"early_hours": "abc", "late_hours": "3"}, "Please choose when the early reminder comes"),
    ({"early_hours": "48", "late_hours": "-1"}, "Please choose when the reminder on the day comes"),
    ({"early_hours": "99999999999999999999", "late_hours": "3"}, "Please choose when the early reminder comes"),
    ({}, "Please choose when the early reminder comes"),
])
def test_a_bad_reminder_choice_gets_a_clear_message_and_stores_nothing(alice_client, data, message):
    html = alice_client.post(reverse("cafes:reminders"), data).content.decode()
    assert message in html and 'class="error-summary"' in html
    assert not ReminderSettings.objects.exists()


@pytest.mark.parametrize("client_fixture", ["consultant_client", "linked_provider_client"])
def test_the_reminder_page_is_for_members_who_answer(client_fixture, request):
    assert request.getfixturevalue(client_fixture).get(reverse("cafes:reminders")).status_code == 404


def test_a_reminder_another_sweep_claimed_in_between_is_not_sent_again(alice, north_cafe):
    """Two sweeps at once: both may find the same answer due; the sent-once row decides who sends."""
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    now = north_cafe.starts_at - timedelta(hours=47)
    [rsvp] = services._due(ReminderSent.Kind.EARLY, now)
    assert services._claim([rsvp.pk], ReminderSent.Kind.EARLY, now) == {rsvp.pk}, "the first sweep claims it"
    assert services._claim([rsvp.pk], ReminderSent.Kind.EARLY, now) == set(), "the second finds it taken"
    assert services.send_due_reminders(now=now) == 0
    assert _reminders(alice) == []


# --- A real Celery worker on the embedded Redis -------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_running_the_sweep_twice_sends_one_reminder_and_one_content_free_e_mail(
    celery_worker_queue, north, consultant
):
    from reconnect.tasks import send_notification_email
    from cafes.tasks import send_due_reminders
    from tests.factories import UserFactory

    member = UserFactory(community=north, pseudonym="Heron")
    cafe = make_cafe(community=north, host=consultant, title="Harbour café", days=0, hours=5)
    Cafe.objects.filter(pk=cafe.pk).update(starts_at=cafe.starts_at + timedelta(hours=2))  # 2 hours from now
    services.set_reminder_settings(user=member, early_hours=48, late_hours=3, remind_maybe=True, by_email=True)
    services.rsvp(user=member, cafe=cafe, answer="going")
    Rsvp.objects.update(updated_at=cafe.starts_at - timedelta(days=3))  # answered days ago
    send_due_reminders.apply_async(queue=celery_worker_queue)
    send_due_reminders.apply_async(queue=celery_worker_queue)
    assert wait_for(lambda: Notification.objects.filter(kind="cafe_reminder").exists())
    note = Notification.objects.get(kind="cafe_reminder")
    # The worker takes one task at a time, in order: when this e-mail is out, the second sweep has run too.
    send_notification_email.apply_async(args=[note.pk], queue=celery_worker_queue)
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert Notification.objects.filter(kind="cafe_reminder").count() == 1
    assert ReminderSent.objects.count() == 1
    [message] = mail.outbox
    assert message.to == [member.email]
    assert "Harbour café" not in message.subject + message.body and "The library" not in message.body
