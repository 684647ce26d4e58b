"""Goals and activities plug into the same share model as the crisis plan: nothing shared by default, per
provider, the preview is the provider's view, every provider view is in "Who has seen my data"."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from reconnect.models import AuditAction, AuditEvent
from tests.conftest import signed_in_client
from tests.factories import CareLinkFactory, ProviderFactory
from toolbox import services
from toolbox.models import Module

SHARE_URL = reverse("toolbox:share", args=[Module.GOALS])


def _url(owner):
    return reverse("toolbox:shared_goals", args=[owner.pk])


@pytest.fixture
def alice_goals(alice):
    goal = services.save_goal(owner=alice, domain="work", title="Ask about a trial job", why="Days are long",
                              status="under_way")
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 0)))
    services.save_activity(owner=alice, title="Call the job centre", starts_at=today, goal_id=goal.pk)
    return goal


def test_goals_are_shared_with_one_provider_who_reads_them_and_each_view_is_in_the_owners_log(
    alice, alice_client, alice_goals, linked_provider, linked_provider_client
):
    other = ProviderFactory(real_name="Olav Other")
    CareLinkFactory(provider=other, service_user=alice)
    assert linked_provider_client.get(_url(alice)).status_code == 404, "nothing is shared by default"
    page = alice_client.get(reverse("toolbox:goals")).content.decode()
    assert "Share with Carol Dahl" in page and "Share with Olav Other" in page

    assert alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "1"})["Location"] == \
        reverse("toolbox:goals")
    html = linked_provider_client.get(_url(alice)).content.decode()
    assert "Goals and activities of Alice Aasen" in html and "Ask about a trial job" in html
    assert "Call the job centre" in html and "Days are long" in html
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0], "read-only"
    assert signed_in_client(other).get(_url(alice)).status_code == 404
    person = linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).content.decode()
    assert _url(alice) in person

    views = AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED, subject_user=alice)
    assert [(e.object_type, e.detail) for e in views] == [("toolbox.goalbook", "goals")]
    log = alice_client.get(reverse("access_log")).content.decode()
    assert "Carol Dahl (your provider) viewed your goals and activities" in log
    assert "You started sharing your goals and activities with Carol Dahl" in log


def test_the_preview_shows_exactly_what_the_provider_sees_and_writes_no_view_row(
    alice, alice_client, alice_goals, linked_provider, linked_provider_client
):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.GOALS, shared=True)

    def body(html):
        after = html.split('class="shared-note"')[1]
        return after[:after.index('class="shared-end')]

    preview = alice_client.get(reverse("toolbox:goals_preview")).content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).exists()
    seen = linked_provider_client.get(_url(alice)).content.decode()
    assert "Shared now with: Carol Dahl." in preview
    assert body(preview) == body(seen) and "Ask about a trial job" in body(seen)
    assert "Mark as done" not in body(preview)


def test_revoking_the_goals_share_takes_effect_on_the_next_request_and_keeps_the_crisis_plan_apart(
    alice, alice_client, alice_goals, linked_provider, linked_provider_client
):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.GOALS, shared=True)
    assert linked_provider_client.get(_url(alice)).status_code == 200
    assert linked_provider_client.get(reverse("toolbox:shared_crisis_plan", args=[alice.pk])).status_code == 404
    alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "0"})
    assert linked_provider_client.get(_url(alice)).status_code == 404


def test_only_the_linked_provider_with_the_share_reaches_the_shared_goals(
    alice, alice_goals, linked_provider, bob_client, unlinked_provider_client, consultant_client, admin_client,
    alice_client, linked_provider_client,
):
    assert linked_provider_client.get(_url(alice)).status_code == 404, "linked, but not shared"
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.GOALS, shared=True)
    for client in (bob_client, unlinked_provider_client, consultant_client, admin_client, alice_client):
        assert client.get(_url(alice)).status_code == 404
    for bad in (0, 999999999999, 2**70):
        assert linked_provider_client.get(f"/toolbox/people/{bad}/goals/").status_code == 404
    assert linked_provider_client.get(_url(alice)).status_code == 200
