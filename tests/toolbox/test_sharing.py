"""Sharing with providers: nothing by default, per provider, revocable at once; every provider view is logged
and shown to the owner under "Who has seen my data"."""

from django.urls import reverse

from reconnect.models import AuditAction, AuditEvent, CareLink
from reconnect.services import create_care_link, end_care_link
from tests.conftest import signed_in_client
from tests.factories import CareLinkFactory, ProviderFactory
from tests.toolbox.conftest import TEXTS
from toolbox.models import Module, Share

SHARE_URL = reverse("toolbox:share", args=[Module.CRISIS_PLAN])


def _plan_url(owner):
    return reverse("toolbox:shared_crisis_plan", args=[owner.pk])


def test_nothing_is_shared_by_default_and_the_linked_provider_gets_404(alice, alice_plan, linked_provider_client):
    assert not Share.objects.exists()
    assert linked_provider_client.get(_plan_url(alice)).status_code == 404
    person = linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).content.decode()
    assert "Nothing is shared with you right now." in person
    assert _plan_url(alice) not in person


def test_the_owner_shares_with_one_provider_who_then_reads_the_plan_read_only(
    alice, alice_client, alice_plan, linked_provider, linked_provider_client
):
    other = ProviderFactory(real_name="Olav Other")
    CareLinkFactory(provider=other, service_user=alice)
    page = alice_client.get(reverse("toolbox:crisis_plan")).content.decode()
    assert "Share with Carol Dahl" in page and "Share with Olav Other" in page

    response = alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "1"})
    assert response["Location"] == reverse("toolbox:crisis_plan")
    html = linked_provider_client.get(_plan_url(alice)).content.decode()
    assert "Crisis plan of Alice Aasen" in html and TEXTS["warning_signs"] in html and "Anne" in html
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0], "the provider's view is read-only"
    # The other provider in the team was not given it.
    assert alice_client.get(reverse("toolbox:crisis_plan")).content.decode().count("Can see your plan") == 1
    assert signed_in_client(other).get(_plan_url(alice)).status_code == 404


def test_every_provider_view_writes_an_audit_row_the_owner_sees(
    alice, alice_client, shared_plan, linked_provider_client
):
    linked_provider_client.get(_plan_url(alice))
    linked_provider_client.get(_plan_url(alice))
    views = AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED, subject_user=alice)
    assert views.count() == 2
    assert {(e.object_type, e.detail) for e in views} == {("toolbox.crisisplan", "crisis_plan")}
    log = alice_client.get(reverse("access_log")).content.decode()
    assert log.count("Carol Dahl (your provider) viewed your crisis plan") == 2
    assert "You started sharing your crisis plan with Carol Dahl" in log


def test_the_owners_own_pages_and_the_preview_write_no_view_row(alice, alice_client, shared_plan):
    for name in ("toolbox:crisis_plan", "toolbox:crisis_plan_preview", "toolbox:crisis_plan_print"):
        alice_client.get(reverse(name))
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).exists()


def test_the_preview_shows_exactly_what_the_provider_sees(alice, alice_client, shared_plan, linked_provider_client):
    def main(html):
        # From the provider's note to the end of the plan (the preview wraps it in a frame of its own).
        after = html.split('class="shared-note"')[1]
        return after[:after.index("</p>", after.index('class="crisis-plan-emergency"'))]

    preview = alice_client.get(reverse("toolbox:crisis_plan_preview")).content.decode()
    seen = linked_provider_client.get(_plan_url(alice)).content.decode()
    assert "This is what your provider sees." in preview and "Shared now with: Carol Dahl." in preview
    assert main(preview) == main(seen)


def test_revoking_takes_effect_on_the_very_next_request(alice, alice_client, shared_plan, linked_provider,
                                                          linked_provider_client):
    assert linked_provider_client.get(_plan_url(alice)).status_code == 200
    alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "0"})
    assert linked_provider_client.get(_plan_url(alice)).status_code == 404
    assert not Share.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SHARE_REVOKED, subject_user=alice).count() == 1
    assert "You stopped sharing your crisis plan with Carol Dahl" in alice_client.get(reverse("access_log")).content.decode()


def test_ending_the_care_link_ends_access_at_once_and_a_new_link_starts_with_nothing_shared(
    alice, shared_plan, linked_provider, linked_provider_client, django_capture_on_commit_callbacks
):
    link = CareLink.objects.active().get(provider=linked_provider, service_user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        end_care_link(link=link, by=alice)
    assert linked_provider_client.get(_plan_url(alice)).status_code == 404
    assert linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).status_code == 404
    assert not Share.objects.exists()
    create_care_link(provider=linked_provider, service_user=alice, by=alice)
    assert linked_provider_client.get(_plan_url(alice)).status_code == 404


def test_a_share_for_a_provider_who_is_not_linked_is_refused_and_nothing_is_stored(
    alice, alice_client, alice_plan, unlinked_provider, bob
):
    for provider in (unlinked_provider.pk, bob.pk, alice.pk, "999999999999999999999", "abc", ""):
        response = alice_client.post(SHARE_URL, {"provider": provider, "shared": "1"}, follow=True)
        assert response.status_code == 200
        assert "You can share only with a provider in your care team." in response.content.decode()
    assert not Share.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SHARE_GRANTED).exists()


def test_sharing_twice_stores_one_share_and_one_audit_row(alice_client, alice_plan, linked_provider):
    alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "1"})
    response = alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "1"}, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert Share.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SHARE_GRANTED).count() == 1


def test_an_unknown_or_unbuilt_module_answers_404(alice_client, linked_provider):
    for module in ("nothing", "crisis-plan", "CRISIS_PLAN"):
        response = alice_client.post(reverse("toolbox:share", args=[module]),
                                     {"provider": linked_provider.pk, "shared": "1"})
        assert response.status_code == 404
    assert not Share.objects.exists()


def test_only_the_linked_provider_with_the_share_reaches_the_shared_plan(
    alice, shared_plan, bob_client, unlinked_provider_client, consultant_client, admin_client, alice_client,
    linked_provider_client,
):
    for client in (bob_client, unlinked_provider_client, consultant_client, admin_client, alice_client):
        assert client.get(_plan_url(alice)).status_code == 404
        assert client.get(reverse("toolbox:person", args=[alice.pk])).status_code == 404
    for bad in (0, 999999999999, 2**70):
        assert linked_provider_client.get(f"/toolbox/people/{bad}/crisis-plan/").status_code == 404
    assert linked_provider_client.get(_plan_url(alice)).status_code == 200


def test_the_provider_finds_what_a_person_shares_from_the_care_team_page(alice, shared_plan, linked_provider_client):
    team = linked_provider_client.get(reverse("care_team")).content.decode()
    assert reverse("toolbox:person", args=[alice.pk]) in team
    person = linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).content.decode()
    assert "Shared with you by Alice Aasen" in person and _plan_url(alice) in person
