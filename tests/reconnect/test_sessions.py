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
