"""Invitation-only sign-up: who may invite whom, the e-mail, and accepting a link safely."""

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from reconnect import services
from reconnect.models import AuditAction, AuditEvent, CareLink, Invitation, Role, User, hash_token
from tests.factories import InvitationFactory

PASSWORD = "a calm walk by the fjord"


@pytest.fixture
def client():
    """A visitor whose browser asks for English. The portal's default language is Norwegian, and these tests
    read the English wording; test_translations.py checks the Norwegian."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def accept_data(**overrides):
    data = {
        "pseudonym": "Quiet Harbour",
        "real_name": "Nina Nilsen",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "preferred_language": "en",
    }
    data.update(overrides)
    return data


@pytest.fixture
def invited(admin_user, north):
    """A pending service-user invitation to the north community from the admin, and its token."""
    return services.invite_person(invited_by=admin_user, email="nina@example.test", role=Role.SERVICE_USER,
                                  community=north)


# --- Sending ------------------------------------------------------------------------------------------
def test_invitation_stores_only_the_hash_of_its_token(invited):
    invitation, token = invited
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at > timezone.now() + timedelta(days=13)


def test_sending_an_invitation_writes_an_audit_row_and_enqueues_the_email_after_commit(
    admin_user, north, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, _token = services.invite_person(
            invited_by=admin_user, email="Nina@Example.test", role=Role.SERVICE_USER, community=north
        )
    assert len(callbacks) == 1
    assert invitation.email == "nina@example.test"
    assert AuditEvent.objects.filter(actor=admin_user, action=AuditAction.INVITATION_SENT,
                                     object_id=str(invitation.pk)).count() == 1


def test_invitation_email_has_the_link_kind_words_and_never_the_inviters_name(linked_provider, north):
    invitation, token = services.invite_person(
        invited_by=linked_provider, email="nina@example.test", role=Role.SERVICE_USER, community=north
    )
    assert services.send_invitation_email(invitation_id=invitation.pk, token=token) is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.test"]
    assert reverse("invitation_accept", args=[token]) in message.body
    assert "Nordby" in message.body and "Someone in your care team has invited you" in message.body
    for secret in ("Carol", "Dahl", "carol-p", "carol@example.test"):
        assert secret not in message.body and secret not in message.subject


def test_invitation_email_is_sent_once_even_if_the_task_runs_twice(invited):
    invitation, token = invited
    assert services.send_invitation_email(invitation_id=invitation.pk, token=token) is True
    assert services.send_invitation_email(invitation_id=invitation.pk, token=token) is False
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None


def test_no_email_goes_out_for_a_withdrawn_invitation(invited, admin_user):
    invitation, token = invited
    services.revoke_invitation(invitation=invitation, by=admin_user)
    assert services.send_invitation_email(invitation_id=invitation.pk, token=token) is False
    assert mail.outbox == []


@pytest.mark.parametrize("role", [Role.SERVICE_USER, Role.PROVIDER, Role.CONSULTANT, Role.ADMIN])
def test_admin_can_invite_every_role(admin_client, north, role):
    response = admin_client.post(reverse("invitation_create"),
                                 {"email": "new@example.test", "role": role, "community": north.pk})
    assert response.status_code == 302
    assert Invitation.objects.get(email="new@example.test").role == role


def test_consultant_invites_a_service_user_to_any_community(consultant_client, south):
    response = consultant_client.post(reverse("invitation_create"),
                                      {"email": "new@example.test", "role": Role.SERVICE_USER, "community": south.pk})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@example.test")
    assert invitation.community == south and invitation.care_provider is None


def test_provider_invitation_names_the_provider_for_a_care_link(linked_provider, linked_provider_client, north):
    linked_provider_client.post(reverse("invitation_create"),
                                {"email": "new@example.test", "role": Role.SERVICE_USER, "community": north.pk})
    assert Invitation.objects.get(email="new@example.test").care_provider == linked_provider


@pytest.mark.parametrize(
    "client_fixture, role",
    [
        ("linked_provider_client", Role.PROVIDER),
        ("linked_provider_client", Role.ADMIN),
        ("consultant_client", Role.ADMIN),
        ("consultant_client", Role.PROVIDER),
        ("consultant_client", Role.CONSULTANT),
    ],
)
def test_inviting_a_role_you_may_not_invite_is_refused_with_a_clear_message(request, client_fixture, role, north):
    client = request.getfixturevalue(client_fixture)
    response = client.post(reverse("invitation_create"),
                           {"email": "new@example.test", "role": role, "community": north.pk})
    assert response.status_code == 200
    assert "You can invite service users only" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_service_refuses_a_wrong_role_too(consultant, north):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.invite_person(invited_by=consultant, email="x@example.test", role=Role.ADMIN)
    assert not Invitation.objects.exists()


def test_service_user_invitation_needs_a_community(consultant_client):
    response = consultant_client.post(reverse("invitation_create"),
                                      {"email": "new@example.test", "role": Role.SERVICE_USER, "community": ""})
    assert "Choose the community this person belongs to." in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_bad_email_address_gets_a_clear_message(consultant_client, north):
    response = consultant_client.post(reverse("invitation_create"),
                                      {"email": "not an address", "role": Role.SERVICE_USER, "community": north.pk})
    html = response.content.decode()
    assert "does not look like an e-mail address" in html and 'class="error-summary"' in html
    assert not Invitation.objects.exists()


def test_service_users_cannot_invite(alice_client, north):
    assert alice_client.get(reverse("invitations")).status_code == 403
    response = alice_client.post(reverse("invitation_create"),
                                 {"email": "new@example.test", "role": Role.SERVICE_USER, "community": north.pk})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_admin_is_told_when_the_address_already_has_an_account(admin_client, alice, north):
    response = admin_client.post(reverse("invitation_create"),
                                 {"email": "ALICE@example.test", "role": Role.SERVICE_USER, "community": north.pk})
    assert "already exists" in response.content.decode()
    assert not Invitation.objects.exists()


def test_provider_is_not_told_whether_an_address_has_an_account(linked_provider_client, alice, north):
    # Telling a provider would reveal that a person uses a mental health portal.
    response = linked_provider_client.post(reverse("invitation_create"),
                                           {"email": "alice@example.test", "role": Role.SERVICE_USER,
                                            "community": north.pk})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="alice@example.test").exists()


# --- The list and withdrawing -------------------------------------------------------------------------
def test_invitations_page_lists_only_your_own_with_their_status(consultant, consultant_client, admin_user, north):
    InvitationFactory(invited_by=consultant, email="waiting@example.test", community=north)
    InvitationFactory(invited_by=consultant, email="gone@example.test", community=north, revoked_at=timezone.now())
    InvitationFactory(invited_by=consultant, email="old@example.test", community=north,
                      created_at=timezone.now() - timedelta(days=30), expires_at=timezone.now() - timedelta(days=1))
    InvitationFactory(invited_by=admin_user, email="someone-elses@example.test", community=north)
    html = consultant_client.get(reverse("invitations")).content.decode()
    assert "waiting@example.test" in html and "Waiting, until" in html
    assert "Withdrawn" in html and "Expired" in html
    assert "someone-elses@example.test" not in html


def test_accepted_invitation_shows_accepted_but_never_the_pseudonym(linked_provider, linked_provider_client, north):
    invitation, token = services.invite_person(invited_by=linked_provider, email="nina@example.test",
                                               role=Role.SERVICE_USER, community=north)
    services.accept_invitation(token=token, pseudonym="Quiet Harbour", real_name="Nina Nilsen",
                               password=PASSWORD, preferred_language="en")
    html = linked_provider_client.get(reverse("invitations")).content.decode()
    assert "Accepted" in html
    assert "Quiet Harbour" not in html


def test_withdrawing_an_invitation_stops_its_link(invited, admin_client, client):
    invitation, token = invited
    response = admin_client.post(reverse("invitation_revoke", args=[invitation.pk]), follow=True)
    assert "Its link no longer works" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "cannot be used" in client.get(reverse("invitation_accept", args=[token])).content.decode()


def test_withdrawing_someone_elses_invitation_answers_404(invited, consultant_client):
    invitation, _token = invited
    assert consultant_client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_withdrawing_needs_a_post(invited, admin_client):
    invitation, _token = invited
    assert admin_client.get(reverse("invitation_revoke", args=[invitation.pk])).status_code == 405


def test_invitations_page_uses_a_fixed_number_of_queries(consultant, consultant_client, north, south,
                                                         django_assert_max_num_queries):
    InvitationFactory.create_batch(2, invited_by=consultant, community=north)
    consultant_client.get(reverse("home"))  # the first request of a session records it once
    with django_assert_max_num_queries(20) as small:
        consultant_client.get(reverse("invitations"))
    InvitationFactory.create_batch(20, invited_by=consultant, community=south)
    with django_assert_max_num_queries(20) as large:
        response = consultant_client.get(reverse("invitations"))
    assert response.content.decode().count("<tr>") == 23
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Accepting ----------------------------------------------------------------------------------------
def test_invitation_page_says_who_it_is_for_and_why_a_pseudonym(invited, client):
    _invitation, token = invited
    html = client.get(reverse("invitation_accept", args=[token])).content.decode()
    assert "nina@example.test" in html and "Service user" in html and "Nordby" in html
    assert "Why a pseudonym?" in html and "meet at the café" in html
    # The explanation is the field's described-by text, so a screen reader reads it with the field.
    why = html.index('id="id_pseudonym_helptext"')
    assert "Why a pseudonym?" in html[why:html.index("</div>", why)]
    assert 'aria-describedby="id_pseudonym_helptext"' in html


def test_accepting_creates_a_verified_account_and_sends_the_person_to_sign_in(invited, client, north, admin_user):
    invitation, token = invited
    response = client.post(reverse("invitation_accept", args=[token]), accept_data(), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "set up your second factor" in response.content.decode()
    user = User.objects.get(email="nina@example.test")
    assert (user.pseudonym, user.real_name, user.role, user.community) == (
        "Quiet Harbour", "Nina Nilsen", Role.SERVICE_USER, north)
    assert user.check_password(PASSWORD) and user.preferred_language == "en"
    assert EmailAddress.objects.filter(user=user, email="nina@example.test", verified=True, primary=True).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert AuditEvent.objects.filter(subject_user=user, action=AuditAction.INVITATION_ACCEPTED).count() == 1
    assert not CareLink.objects.exists()
    # The person who invited hears about it, without a name.
    assert admin_user.notifications.get().text == "Someone you invited has joined ReConnect."


def test_new_account_can_sign_in_right_away(invited, client):
    _invitation, token = invited
    client.post(reverse("invitation_accept", args=[token]), accept_data())
    response = client.post(reverse("account_login"), {"login": "nina@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


def test_provider_invitation_creates_the_care_link_on_acceptance(linked_provider, north, client):
    _invitation, token = services.invite_person(invited_by=linked_provider, email="nina@example.test",
                                                role=Role.SERVICE_USER, community=north)
    client.post(reverse("invitation_accept", args=[token]), accept_data())
    user = User.objects.get(email="nina@example.test")
    link = CareLink.objects.active().get(service_user=user)
    assert link.provider == linked_provider
    assert AuditEvent.objects.filter(subject_user=user, action=AuditAction.CARE_LINK_CREATED,
                                     object_id=str(link.pk)).exists()
    note = linked_provider.notifications.get()
    assert note.kind == "care_link" and "Quiet Harbour" not in note.text and "Nina" not in note.text


def test_provider_invitee_must_give_a_real_name(linked_provider, north, client):
    _invitation, token = services.invite_person(invited_by=linked_provider, email="nina@example.test",
                                                role=Role.SERVICE_USER, community=north)
    response = client.post(reverse("invitation_accept", args=[token]), accept_data(real_name=""))
    assert "Please write your real name." in response.content.decode()
    assert not User.objects.filter(email="nina@example.test").exists()


def test_providers_must_give_a_real_name(admin_user, client):
    _invitation, token = services.invite_person(invited_by=admin_user, email="pia@example.test", role=Role.PROVIDER)
    response = client.post(reverse("invitation_accept", args=[token]), accept_data(real_name=" "))
    assert "Please write your real name." in response.content.decode()
    assert not User.objects.filter(email="pia@example.test").exists()


def test_service_user_invited_by_the_consultant_may_stay_anonymous(consultant, north, client):
    _invitation, token = services.invite_person(invited_by=consultant, email="nina@example.test",
                                                role=Role.SERVICE_USER, community=north)
    assert "(optional)" in client.get(reverse("invitation_accept", args=[token])).content.decode()
    client.post(reverse("invitation_accept", args=[token]), accept_data(real_name=""))
    assert User.objects.get(email="nina@example.test").real_name == ""


def test_an_invited_admin_can_reach_the_admin_site(admin_user, client):
    _invitation, token = services.invite_person(invited_by=admin_user, email="ola@example.test", role=Role.ADMIN)
    client.post(reverse("invitation_accept", args=[token]), accept_data(pseudonym="Night Owl", real_name="Ola Li"))
    user = User.objects.get(email="ola@example.test")
    assert user.is_staff and user.is_superuser and user.community is None


def test_mismatched_passwords_get_a_clear_message_and_create_nothing(invited, client):
    _invitation, token = invited
    response = client.post(reverse("invitation_accept", args=[token]), accept_data(password2="something else entirely"))
    html = response.content.decode()
    assert "The two passwords are not the same" in html and 'class="error-summary"' in html
    assert not User.objects.filter(email="nina@example.test").exists()


def test_a_weak_password_is_refused(invited, client):
    _invitation, token = invited
    response = client.post(reverse("invitation_accept", args=[token]), accept_data(password1="12345", password2="12345"))
    assert response.status_code == 200
    assert not User.objects.filter(email="nina@example.test").exists()


def _expired(admin_user, north):
    token = Invitation.new_token()
    InvitationFactory(invited_by=admin_user, community=north, token_hash=hash_token(token),
                      created_at=timezone.now() - timedelta(days=20), expires_at=timezone.now() - timedelta(days=6))
    return token


def _revoked(admin_user, north):
    token = Invitation.new_token()
    InvitationFactory(invited_by=admin_user, community=north, token_hash=hash_token(token), revoked_at=timezone.now())
    return token


def _used(admin_user, north):
    _invitation, token = services.invite_person(invited_by=admin_user, email="first@example.test",
                                                role=Role.SERVICE_USER, community=north)
    services.accept_invitation(token=token, pseudonym="First One", real_name="", password=PASSWORD,
                               preferred_language="en")
    return token


def _tampered(admin_user, north):
    _invitation, token = services.invite_person(invited_by=admin_user, email="nina@example.test",
                                                role=Role.SERVICE_USER, community=north)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def _unknown(admin_user, north):
    return Invitation.new_token()


def _absurd(admin_user, north):
    return "x" * 5000


@pytest.mark.parametrize("make_token", [_expired, _revoked, _used, _tampered, _unknown, _absurd],
                         ids=["expired", "revoked", "reused", "tampered", "unknown", "oversized"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unusable_invitation_links_give_a_kind_message_and_create_nothing(
    make_token, method, admin_user, linked_provider, north, client
):
    token = make_token(admin_user, north)
    users_before, links_before = User.objects.count(), CareLink.objects.count()
    response = getattr(client, method)(reverse("invitation_accept", args=[token]),
                                       *([accept_data(pseudonym="Second Try")] if method == "post" else []))
    html = response.content.decode()
    assert response.status_code == 404
    assert "This invitation link cannot be used" in html
    assert "ask the person who invited you for a new one" in html
    assert User.objects.count() == users_before
    assert CareLink.objects.count() == links_before
    assert not User.objects.filter(pseudonym="Second Try").exists()


def test_a_double_submit_creates_one_account(invited, client):
    _invitation, token = invited
    first = client.post(reverse("invitation_accept", args=[token]), accept_data())
    second = client.post(reverse("invitation_accept", args=[token]), accept_data(pseudonym="Other Name"))
    assert first.status_code == 302
    assert "cannot be used" in second.content.decode()
    assert User.objects.filter(email="nina@example.test").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_create_one_account(admin_user, north):
    _invitation, token = services.invite_person(invited_by=admin_user, email="nina@example.test",
                                                role=Role.SERVICE_USER, community=north)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(pseudonym):
        try:
            barrier.wait(timeout=5)
            services.accept_invitation(token=token, pseudonym=pseudonym, real_name="", password=PASSWORD,
                                       preferred_language="en")
            outcomes.append("created")
        except services.InvitationUnusable:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("Tide One", "Tide Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["created", "refused"]
    assert User.objects.filter(email="nina@example.test").count() == 1


def test_a_pseudonym_taken_in_a_race_gives_the_friendly_message_and_creates_nothing(invited, alice):
    from django.core.exceptions import ValidationError

    invitation, token = invited
    # Straight to the service, as if another person took the name between the form check and the insert.
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(token=token, pseudonym="lightHOUSE", real_name="", password=PASSWORD,
                                   preferred_language="en")
    with translation.override("en"):
        assert "Someone already uses this pseudonym" in str(caught.value.message_dict["pseudonym"])
    assert not User.objects.filter(email="nina@example.test").exists()
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_someone_signed_in_who_opens_an_invitation_is_told_clearly(invited, alice_client):
    _invitation, token = invited
    response = alice_client.get(reverse("invitation_accept", args=[token]))
    assert "You are already signed in" in response.content.decode()
    response = alice_client.post(reverse("invitation_accept", args=[token]), accept_data())
    assert response.status_code == 403
    assert not User.objects.filter(email="nina@example.test").exists()


def test_an_invitation_to_an_address_with_an_account_says_sign_in_instead(linked_provider, alice, north, client):
    _invitation, token = services.invite_person(invited_by=linked_provider, email="alice@example.test",
                                                role=Role.SERVICE_USER, community=north)
    html = client.get(reverse("invitation_accept", args=[token])).content.decode()
    assert "You already have an account" in html
    client.post(reverse("invitation_accept", args=[token]), accept_data())
    assert User.objects.filter(email="alice@example.test").count() == 1
