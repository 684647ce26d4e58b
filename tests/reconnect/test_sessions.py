from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.conftest import signed_in_client


def test_member_sees_their_other_device_and_can_end_that_one_session(alice):
    laptop = signed_in_client(alice)
    phone = signed_in_client(alice)
    laptop.get(reverse("home"))
    phone.get(reverse("home"))
    phone_key = phone.session.session_key
    phone_row = UserSession.objects.get(user=alice, session_key=phone_key)

    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert page.count("End this session") == UserSession.objects.filter(user=alice).count()

    response = laptop.post(reverse("usersession_end", args=[phone_row.pk]), follow=True)
    assert "That session has ended" in response.content.decode()
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    # The phone is signed out; the laptop is not.
    assert phone.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert laptop.get(reverse("home")).status_code == 200


def test_ending_someone_elses_session_answers_404_and_ends_nothing(alice, bob):
    alice_client = signed_in_client(alice)
    alice_client.get(reverse("home"))
    alice_row = UserSession.objects.filter(user=alice).first()
    bob_client = signed_in_client(bob)
    response = bob_client.post(reverse("usersession_end", args=[alice_row.pk]))
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=alice_row.pk).exists()
    assert alice_client.get(reverse("home")).status_code == 200


def test_ending_your_current_session_signs_you_out_through_the_logout_page(alice):
    client = signed_in_client(alice)
    client.get(reverse("home"))
    row = UserSession.objects.get(user=alice, session_key=client.session.session_key)
    response = client.post(reverse("usersession_end", args=[row.pk]))
    assert response["Location"] == reverse("account_logout")


def test_a_session_ends_after_the_idle_timeout_and_each_request_extends_it(alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    client = signed_in_client(alice)
    client.get(reverse("home"))
    session = Session.objects.get(session_key=client.session.session_key)
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == timedelta(minutes=30)
    assert abs(session.expire_date - (timezone.now() + idle)) < timedelta(minutes=1)

    # Thirty quiet minutes later the session is gone and the person is asked to sign in again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_signing_in_starts_a_new_session_key(alice, client):
    # An anonymous visitor already has a session (for example one planted by someone else: fixation).
    anonymous = client.session
    anonymous["visited"] = True
    anonymous.save()
    before = client.cookies["sessionid"].value
    client.post(reverse("account_login"), {"login": alice.email, "password": "correct horse battery staple"})
    after = client.cookies["sessionid"].value
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_row_is_written_at_most_once_a_minute_when_nothing_in_it_changes(alice, settings):
    client = signed_in_client(alice)
    client.get(reverse("home"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date

    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first  # a second later: no write

    # A minute on (SESSION_REFRESH_SECONDS; an hour in tests), the next request slides the idle timeout again.
    assert settings.SESSION_REFRESH_SECONDS >= 60
    session = client.session
    session["_refreshed"] -= settings.SESSION_REFRESH_SECONDS + 1
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > saved


def test_where_you_are_signed_in_is_written_once_and_again_at_once_from_another_browser(alice):
    client = signed_in_client(alice)
    client.get(reverse("home"))
    row = UserSession.objects.get(user=alice, session_key=client.session.session_key)
    client.get(reverse("home"))
    assert UserSession.objects.get(pk=row.pk).last_seen_at == row.last_seen_at  # seen lately: not written again

    client.get(reverse("home"), HTTP_USER_AGENT="Another browser/1.0")
    assert UserSession.objects.get(pk=row.pk).user_agent == "Another browser/1.0"
