"""The Django admin for the core: what an admin can see and do, and what stays out of reach."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect import services
from reconnect.models import AuditAction, AuditEvent, CareLink, Invitation, Role
from tests.conftest import signed_in_client
from tests.factories import ConsentVersionFactory, InvitationFactory

CHANGELISTS = [
    "reconnect_community", "reconnect_user", "reconnect_invitation", "reconnect_carelink",
    "reconnect_consentversion", "reconnect_auditevent", "otp_totp_totpdevice", "otp_static_staticdevice",
    "account_emailaddress",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_changelists_render(admin_client, alice, linked_provider, name):
    services.invite_person(invited_by=linked_provider, email="x@example.test", role=Role.SERVICE_USER,
                           community=alice.community)
    services.record_audit_event(actor=alice, subject_user=alice, action=AuditAction.DATA_EXPORTED)
    response = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    assert "ReConnect admin" in response.content.decode()


def test_user_list_shows_pseudonym_email_role_and_community(admin_client, alice):
    html = admin_client.get(reverse("admin:reconnect_user_changelist")).content.decode()
    for text in ("Lighthouse", "alice@example.test", "Service user", "Nordby"):
        assert text in html


def test_user_page_lets_the_admin_edit_names_and_role_but_never_shows_the_password_hash(admin_client, alice):
    url = reverse("admin:reconnect_user_change", args=[alice.pk])
    html = admin_client.get(url).content.decode()
    assert alice.password not in html and "argon2" not in html and "md5$" not in html
    response = admin_client.post(url, {
        "pseudonym": "Lighthouse", "real_name": "Alice A. Aasen", "role": Role.SERVICE_USER,
        "community": alice.community_id, "preferred_language": "nb", "is_active": "",
    })
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.real_name == "Alice A. Aasen" and not alice.is_active


def test_making_someone_an_admin_gives_them_the_admin_site(admin_client, consultant):
    admin_client.post(reverse("admin:reconnect_user_change", args=[consultant.pk]), {
        "pseudonym": consultant.pseudonym, "real_name": consultant.real_name, "role": Role.ADMIN,
        "community": "", "preferred_language": "en", "is_active": "on",
    })
    consultant.refresh_from_db()
    assert consultant.is_staff and consultant.is_superuser


def test_the_admin_cannot_add_or_delete_accounts(admin_client, alice):
    assert admin_client.get(reverse("admin:reconnect_user_add")).status_code == 403
    assert admin_client.post(reverse("admin:reconnect_user_delete", args=[alice.pk]), {"post": "yes"}).status_code == 403


def test_invitation_page_hides_the_token_hash(admin_client, admin_user, north):
    invitation = InvitationFactory(invited_by=admin_user, community=north, token_hash="f" * 64)
    html = admin_client.get(reverse("admin:reconnect_invitation_change", args=[invitation.pk])).content.decode()
    assert invitation.email in html
    assert "f" * 64 not in html


def test_admin_action_withdraws_invitations(admin_client, admin_user, north):
    invitation = InvitationFactory(invited_by=admin_user, community=north)
    admin_client.post(reverse("admin:reconnect_invitation_changelist"),
                      {"action": "revoke_selected", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_admin_action_ends_care_links_and_tells_both_sides(admin_client, admin_user, alice, linked_provider):
    link = CareLink.objects.get(service_user=alice)
    admin_client.post(reverse("admin:reconnect_carelink_changelist"),
                      {"action": "end_selected", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.ended_by == admin_user
    assert alice.notifications.count() == 1 and linked_provider.notifications.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CARE_LINK_ENDED, actor=admin_user).exists()


def test_admin_adds_a_care_link_through_the_service(admin_client, bob, unlinked_provider):
    response = admin_client.post(reverse("admin:reconnect_carelink_add"),
                                 {"provider": unlinked_provider.pk, "service_user": bob.pk})
    assert response.status_code == 302
    link = CareLink.objects.active().get(service_user=bob)
    assert link.provider == unlinked_provider
    assert AuditEvent.objects.filter(action=AuditAction.CARE_LINK_CREATED, object_id=str(link.pk)).exists()


def test_audit_trail_is_read_only_in_the_admin(admin_client, alice):
    event = services.record_audit_event(actor=alice, subject_user=alice, action=AuditAction.DATA_EXPORTED)
    assert admin_client.get(reverse("admin:reconnect_auditevent_change", args=[event.pk])).status_code == 200
    assert admin_client.get(reverse("admin:reconnect_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:reconnect_auditevent_change", args=[event.pk]),
                             {"detail": "changed"}).status_code == 403
    assert admin_client.post(reverse("admin:reconnect_auditevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.detail == ""


def test_accepted_terms_are_frozen_in_the_admin(admin_client, admin_user):
    from reconnect.services import accept_consent

    version = ConsentVersionFactory(version=900)
    accept_consent(user=admin_user, version=version)
    url = reverse("admin:reconnect_consentversion_change", args=[version.pk])
    admin_client.post(url, {"version": 900, "summary_nb": "x", "summary_en": "x", "text_nb": "x", "text_en": "x",
                            "published_at_0": "2020-01-01", "published_at_1": "00:00"})
    version.refresh_from_db()
    assert version.text_en == "Terms text"


def test_admin_deletes_a_lost_authenticator_so_the_person_enrols_again(admin_client, admin_user, alice):
    signed_in_client(alice)  # gives alice a confirmed authenticator
    device = TOTPDevice.objects.get(user=alice)
    html = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in html
    admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(actor=admin_user, subject_user=alice, action=AuditAction.MFA_RESET).exists()


def test_recovery_codes_are_never_shown(admin_client, alice):
    device = StaticDevice.objects.create(user=alice, name="recovery codes")
    device.token_set.create(token="secretcode1")
    html = admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[device.pk])).content.decode()
    assert "secretcode1" not in html


def test_admin_site_is_closed_to_an_admin_without_a_second_factor(admin_user):
    client = signed_in_client(admin_user, verified=False)
    response = client.get(reverse("admin:reconnect_user_changelist"))
    assert response.status_code == 302
    assert "Lighthouse" not in response.content.decode()


def test_admin_site_is_closed_to_other_roles(alice_client, linked_provider_client):
    for client in (alice_client, linked_provider_client):
        response = client.get(reverse("admin:reconnect_user_changelist"))
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_invitations_are_not_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:reconnect_invitation_add")).status_code == 403
    assert not Invitation.objects.exists()
