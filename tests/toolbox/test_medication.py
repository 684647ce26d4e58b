"""The medication overview: current and earlier medicines, kept encrypted, stopped with one press, printable,
shared on purpose; bad input refused kindly; other people get 404."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reconnect.fields import decrypt_text
from reconnect.models import AuditAction, AuditEvent
from toolbox import services
from toolbox.models import MEDICATION_NAME_MAX, MEDICATION_TEXT_MAX, MEDICATIONS_MAX, Medication, Module

FORM = {
    "trade_name": "Sertralin Accord", "active_ingredient": "sertraline", "strength": "50 mg", "form": "tablet",
    "schedule": "1-0-0-0", "purpose": "Low mood", "prescriber": "Dr. Nordby", "started_on": "2025-01-10",
    "ended_on": "", "side_effects": "Dry mouth the first weeks", "notes": "Take with breakfast",
}


def _add(owner, **changes):
    fields = {"trade_name": "Sertralin Accord", "active_ingredient": "sertraline", "strength": "50 mg",
              "schedule": "1-0-0-0", **changes}
    return services.save_medication(owner=owner, **fields)


def test_the_owner_adds_a_medicine_and_reads_it_under_current_with_the_kind_note(alice, alice_client):
    response = alice_client.post(reverse("toolbox:medication_new"), FORM)
    assert response["Location"] == reverse("toolbox:medication")
    html = alice_client.get(reverse("toolbox:medication")).content.decode()
    current = html.split('id="current-heading"')[1].split('id="earlier-heading"')[0]
    for value in ("Sertralin Accord (sertraline)", "50 mg", "tablet", "Low mood", "Dr. Nordby",
                  "Dry mouth the first weeks", "Take with breakfast"):
        assert value in current
    assert "1-0-0-0" in current and "(morning 1, midday 0, evening 0, night 0)" in current
    assert "Talk to your prescriber before changing how you take a medicine." in html
    assert "Your medication overview is saved." in html


def test_stopped_taking_it_moves_the_medicine_to_earlier_and_a_double_press_changes_nothing(alice, alice_client):
    item = _add(alice, started_on=date(2025, 1, 10))
    url = reverse("toolbox:medication_stop", args=[item.pk])
    response = alice_client.post(url, follow=True)
    html = response.content.decode()
    assert "is now under “Earlier medicines”, stopped today" in html
    earlier = html.split('id="earlier-heading"')[1]
    assert "Sertralin Accord" in earlier and "stopped" in earlier and "I have stopped taking it" not in earlier
    item.refresh_from_db()
    assert item.ended_on == timezone.localdate()
    first_update = item.updated_at
    alice_client.post(url)
    item.refresh_from_db()
    assert item.updated_at == first_update


def test_a_medicine_that_ends_after_today_is_still_current_and_one_that_ended_is_earlier(alice, alice_client):
    today = timezone.localdate()
    _add(alice, trade_name="Course", active_ingredient="", ended_on=today + timedelta(days=3))
    _add(alice, trade_name="Old one", active_ingredient="", started_on=date(2020, 1, 1), ended_on=date(2021, 1, 1))
    html = alice_client.get(reverse("toolbox:medication")).content.decode()
    current, earlier = html.split('id="current-heading"')[1].split('id="earlier-heading"')
    assert "Course" in current and "until" in current and "Old one" not in current
    assert "Old one" in earlier


@pytest.mark.parametrize("changes,message", [
    ({"trade_name": "", "active_ingredient": ""}, "Please write the name of the medicine"),
    ({"trade_name": "N" * (MEDICATION_NAME_MAX + 1)}, f"Please shorten it to {MEDICATION_NAME_MAX} characters"),
    ({"side_effects": "x" * (MEDICATION_TEXT_MAX + 1)}, f"is {MEDICATION_TEXT_MAX + 1} characters long"),
    ({"notes": "x" * (MEDICATION_TEXT_MAX + 2)}, f"is {MEDICATION_TEXT_MAX + 2} characters long"),
    ({"strength": "5" * 61}, "Please shorten it to 60 characters"),
    ({"started_on": "2025-03-01", "ended_on": "2025-02-01"}, "The date you stopped is before the date you started."),
    ({"started_on": "yesterday"}, "Please write the date as year-month-day"),
    ({"ended_on": "2025-02-30"}, "Please write the date as year-month-day"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(alice_client, changes, message):
    response = alice_client.post(reverse("toolbox:medication_new"), {**FORM, **changes})
    html = response.content.decode()
    assert response.status_code == 200 and "Something needs your attention" in html and message in html
    assert not Medication.objects.exists()


def test_the_service_refuses_end_before_start_too_and_the_database_would_refuse_it(alice):
    with pytest.raises(services.ToolboxError, match="before the date you started"):
        _add(alice, started_on=date(2025, 3, 1), ended_on=date(2025, 2, 1))
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Medication.objects.create(owner=alice, trade_name="X", started_on=date(2025, 3, 1), ended_on=date(2025, 2, 1))


def test_a_double_submit_adds_the_medicine_once(alice, alice_client):
    alice_client.post(reverse("toolbox:medication_new"), FORM)
    response = alice_client.post(reverse("toolbox:medication_new"), FORM)
    assert "Sertralin Accord (sertraline) is already in your list of current medicines." in response.content.decode()
    assert Medication.objects.count() == 1


def test_the_overview_holds_a_sane_number_of_medicines(alice):
    Medication.objects.bulk_create([Medication(owner=alice, trade_name=f"M{n}") for n in range(MEDICATIONS_MAX)])
    with pytest.raises(services.ToolboxError, match="holds up to 60 medicines"):
        _add(alice)


def test_every_text_of_a_medicine_is_encrypted_in_the_database(alice):
    item = _add(alice, purpose="Voices at night", side_effects="Shaky hands", notes="Ask about the dose",
                prescriber="Dr. Nordby")
    with connection.cursor() as cursor:
        cursor.execute("SELECT trade_name, active_ingredient, purpose, prescriber, side_effects, notes "
                       "FROM toolbox_medication WHERE id = %s", [item.pk])
        row = cursor.fetchone()
    plain = ["Sertralin Accord", "sertraline", "Voices at night", "Dr. Nordby", "Shaky hands", "Ask about the dose"]
    for stored, text in zip(row, plain):
        assert text not in stored and decrypt_text(stored) == text


def test_the_owner_changes_and_removes_a_medicine(alice, alice_client):
    item = _add(alice)
    edit = reverse("toolbox:medication_edit", args=[item.pk])
    assert 'value="Sertralin Accord"' in alice_client.get(edit).content.decode()
    alice_client.post(edit, {**FORM, "strength": "100 mg", "ended_on": "2025-06-01"})
    item.refresh_from_db()
    assert item.strength == "100 mg" and item.ended_on == date(2025, 6, 1)
    response = alice_client.post(reverse("toolbox:medication_delete", args=[item.pk]), follow=True)
    assert "is removed from your overview" in response.content.decode()
    assert not Medication.objects.exists()


def test_other_peoples_and_unknown_ids_answer_404_and_change_nothing(alice, bob_client, alice_client):
    item = _add(alice)
    for url in (reverse("toolbox:medication_edit", args=[item.pk]), reverse("toolbox:medication_stop", args=[item.pk]),
                reverse("toolbox:medication_delete", args=[item.pk])):
        assert bob_client.post(url, FORM).status_code == 404
    for bad in (0, 999999999, 2**70):
        assert alice_client.get(f"/toolbox/medication/{bad}/edit/").status_code == 404
        assert alice_client.post(f"/toolbox/medication/{bad}/stop/").status_code == 404
    item.refresh_from_db()
    assert item.ended_on is None and item.strength == "50 mg"
    assert "Sertralin" not in bob_client.get(reverse("toolbox:medication")).content.decode()


def test_the_print_page_holds_both_lists_and_the_kind_note(alice, alice_client):
    _add(alice)
    _add(alice, trade_name="Old one", active_ingredient="", ended_on=date(2021, 1, 1))
    html = alice_client.get(reverse("toolbox:medication_print")).content.decode()
    assert 'class="print-page"' in html and "data-print" in html
    assert "Sertralin Accord" in html and "Old one" in html and "Talk to your prescriber" in html
    assert "I have stopped taking it" not in html and "toolbox-sharing" not in html


def test_the_shared_overview_is_read_only_for_the_linked_provider_and_every_view_is_in_the_log(
    alice, alice_client, linked_provider, linked_provider_client
):
    _add(alice, notes="Ask about the dose")
    url = reverse("toolbox:shared_medication", args=[alice.pk])
    assert linked_provider_client.get(url).status_code == 404
    alice_client.post(reverse("toolbox:share", args=[Module.MEDICATION]),
                      {"provider": linked_provider.pk, "shared": "1"})
    html = linked_provider_client.get(url).content.decode()
    assert "Medication overview of Alice Aasen" in html and "Ask about the dose" in html
    main = html.split('id="main"')[1].split("</main>")[0]
    assert "<form" not in main
    assert url in linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).content.decode()
    views = AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED, subject_user=alice)
    assert [(e.object_type, e.detail) for e in views] == [("toolbox.medicationlist", "medication")]
    log = alice_client.get(reverse("access_log")).content.decode()
    assert "Carol Dahl (your provider) viewed your medication overview" in log
    alice_client.post(reverse("toolbox:share", args=[Module.MEDICATION]),
                      {"provider": linked_provider.pk, "shared": "0"})
    assert linked_provider_client.get(url).status_code == 404


def test_the_preview_shows_what_the_provider_sees_without_an_audit_row(alice, alice_client, linked_provider,
                                                                      linked_provider_client):
    _add(alice, notes="Ask about the dose")
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.MEDICATION, shared=True)
    preview = alice_client.get(reverse("toolbox:medication_preview")).content.decode()
    assert "This is what your provider sees." in preview and "Shared now with: Carol Dahl." in preview
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).exists()
    seen = linked_provider_client.get(reverse("toolbox:shared_medication", args=[alice.pk])).content.decode()

    def body(html):
        return html.split('class="shared-note"')[1].split('class="shared-end')[0]

    assert body(preview) == body(seen)


def test_the_overview_and_the_map_appear_on_the_toolbox_front_page(alice, alice_client):
    _add(alice)
    services.save_network_person(owner=alice, name="Anne", relation="family", circle=1)
    html = alice_client.get(reverse("toolbox:index")).content.decode()
    assert reverse("toolbox:medication") in html and "1 medicine" in html
    assert reverse("toolbox:network") in html and "1 person" in html


def test_demo_data_brings_tors_network_and_medicines_once_and_shares_neither(db):
    from io import StringIO

    from django.core.management import call_command

    from reconnect.models import User
    from toolbox.demo import load_demo
    from toolbox.models import NetworkPerson, Share

    call_command("demo_data", stdout=StringIO())
    load_demo(users_by_pseudonym={user.pseudonym: user for user in User.objects.all()})  # again: nothing more
    assert NetworkPerson.objects.count() == 7 and NetworkPerson.objects.filter(circle=1).count() == 2
    today = timezone.localdate()
    assert sorted(m.is_current(today) for m in Medication.objects.all()) == [False, True, True]
    assert not Share.objects.filter(module__in=["network", "medication"]).exists()
