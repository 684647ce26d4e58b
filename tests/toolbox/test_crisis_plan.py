"""The crisis plan: written by its owner, kept encrypted, printed, reviewed; other people get 404."""

import pytest
from django.db import connection
from django.urls import reverse

from reconnect.fields import decrypt_text
from tests.toolbox.conftest import TEXTS, plan_form_data
from toolbox.models import CONTACT_NAME_MAX, PLAN_TEXT_MAX, CrisisContact, CrisisPlan


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_service_user_without_a_plan_is_invited_to_write_one(alice_client):
    html = alice_client.get(reverse("toolbox:crisis_plan")).content.decode()
    assert "Write my crisis plan" in html
    form = alice_client.get(reverse("toolbox:crisis_plan_edit")).content.decode()
    # Two empty rows per contact step to start with (more come once those are used), so the page stays short.
    assert form.count('name="person_') == 4 and form.count('name="professional_') == 4
    assert not CrisisPlan.objects.exists()


def test_the_owner_writes_the_plan_and_reads_every_step_with_the_last_updated_date(alice_client, alice):
    response = alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(
        professional_1_name="Legevakt", professional_1_phone="116 117"))
    assert response.status_code == 302 and response["Location"] == reverse("toolbox:crisis_plan")
    html = alice_client.get(reverse("toolbox:crisis_plan")).content.decode()
    for text in TEXTS.values():
        assert text in html
    assert "Anne" in html and 'href="tel:+4791234567"' in html
    assert "Legevakt" in html and 'href="tel:116117"' in html
    assert "Last updated" in html
    assert "Your crisis plan is saved." in html


def test_the_plan_text_names_and_phone_numbers_are_encrypted_in_the_database(alice_plan):
    (row,) = _raw("SELECT warning_signs, coping_on_my_own, distractions, safer_surroundings, reasons_for_living "
                  "FROM toolbox_crisisplan WHERE id = %s", [alice_plan.pk])
    for stored, plain in zip(row, [TEXTS[name] for name in (
            "warning_signs", "coping_on_my_own", "distractions", "safer_surroundings", "reasons_for_living")]):
        assert plain not in stored and decrypt_text(stored) == plain
    contacts = _raw("SELECT name, phone FROM toolbox_crisiscontact WHERE plan_id = %s ORDER BY step", [alice_plan.pk])
    stored = " ".join(value for pair in contacts for value in pair)
    assert "Anne" not in stored and "912" not in stored and "GP Nordby" not in stored
    assert [decrypt_text(name) for name, _phone in contacts] == ["Anne", "GP Nordby"]


def test_saving_again_replaces_the_contacts_rather_than_adding_to_them(alice_client, alice_plan):
    alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(person_1_name="Ola"))
    alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(person_1_name="Ola"))  # a double submit
    assert [c.name for c in CrisisContact.objects.filter(step=4)] == ["Ola"]
    assert not CrisisContact.objects.filter(step=5).exists()


@pytest.mark.parametrize("field,value,message", [
    ("warning_signs", "x" * (PLAN_TEXT_MAX + 1), f"Please shorten it to {PLAN_TEXT_MAX} characters"),
    ("reasons_for_living", "x" * (PLAN_TEXT_MAX + 5), f"is {PLAN_TEXT_MAX + 5} characters long"),
    ("person_2_name", "N" * (CONTACT_NAME_MAX + 1), "The name is"),
    ("person_1_phone", "call me maybe", "digits, spaces and + only"),
    ("person_1_phone", "22-33-44-55", "digits, spaces and + only"),
    ("person_1_phone", "1" * 21, "Please shorten it to 20 characters"),
    ("professional_1_phone", "+", "digits, spaces and + only"),
    ("person_1_name", "", "Please add a name for this phone number."),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(alice_client, field, value, message):
    response = alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Something needs your attention" in html and message in html
    assert not CrisisPlan.objects.exists() and not CrisisContact.objects.exists()


def test_a_suggestion_is_added_to_step_5_with_the_rest_saved(alice_client, alice, linked_provider):
    edit = alice_client.get(reverse("toolbox:crisis_plan_edit")).content.decode()
    assert "Carol Dahl" in edit and "116 117" in edit and "113" in edit
    response = alice_client.post(reverse("toolbox:crisis_plan_edit"),
                                 plan_form_data(add=f"provider:{linked_provider.pk}"))
    assert response["Location"].endswith("#step-5")
    alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(
        professional_1_name="Carol Dahl", add="service:out_of_hours"))
    plan = CrisisPlan.objects.get(owner=alice)
    assert [(c.name, c.phone) for c in plan.contacts.filter(step=5)] == [
        ("Carol Dahl", ""), ("Out-of-hours doctor (legevakt)", "116 117")]
    assert plan.warning_signs == TEXTS["warning_signs"]


def test_a_tampered_suggestion_or_an_unlinked_provider_is_refused_and_nothing_is_stored(
    alice_client, unlinked_provider
):
    for key in (f"provider:{unlinked_provider.pk}", "provider:999999999999", "service:nothing"):
        response = alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(add=key))
        assert response.status_code == 200
        assert "That suggestion is no longer available" in response.content.decode()
    assert not CrisisPlan.objects.exists()


def test_the_print_page_holds_the_plan_and_the_emergency_number(alice_client, alice_plan):
    html = alice_client.get(reverse("toolbox:crisis_plan_print")).content.decode()
    assert TEXTS["reasons_for_living"] in html and "In an emergency, call 113." in html
    assert 'class="print-page"' in html and "data-print" in html


def test_the_crisis_strip_links_to_the_plan_for_service_users_only(alice_client, linked_provider_client):
    assert f'href="{reverse("toolbox:crisis_plan")}"' in alice_client.get(reverse("home")).content.decode()
    assert reverse("toolbox:crisis_plan") not in linked_provider_client.get(reverse("home")).content.decode()


def test_nobody_but_the_owner_reaches_the_own_plan_pages(alice_plan, bob_client, consultant_client, admin_client,
                                                          linked_provider_client):
    # Bob reaches his own (empty) plan, never alice's words; the other roles have no toolbox.
    assert TEXTS["warning_signs"] not in bob_client.get(reverse("toolbox:crisis_plan")).content.decode()
    for client in (consultant_client, admin_client, linked_provider_client):
        for name in ("toolbox:index", "toolbox:crisis_plan", "toolbox:crisis_plan_print", "toolbox:crisis_plan_edit"):
            assert client.get(reverse(name)).status_code == 404


def test_the_admin_holds_no_private_toolbox_pages_only_information_pages_and_local_links(admin_client, alice_plan):
    html = admin_client.get("/admin/").content.decode()
    toolbox_pages = {part.split("/")[0].split('"')[0] for part in html.split("/admin/toolbox/")[1:]} - {""}
    # Exercises and their featurings are the same for everyone (admins write them too); reflections are not here.
    assert toolbox_pages == {"infopage", "locallink", "exercise", "featuredexercise"}
    assert admin_client.get(f"/admin/toolbox/crisisplan/{alice_plan.pk}/change/").status_code == 404
