"""The network map: people in three circles, drawn as an accessible SVG and listed in words, moved between circles,
kept encrypted, suggested in the crisis plan, shared on purpose."""

import math
import random
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.urls import reverse

from reconnect.fields import decrypt_text
from reconnect.models import AuditAction, AuditEvent
from tests.toolbox.conftest import plan_form_data
from toolbox import services
from toolbox.models import NETWORK_NAME_MAX, NETWORK_NOTES_MAX, NETWORK_PEOPLE_MAX, CrisisPlan, Module, NetworkPerson
from toolbox.network_map import layout, short_label

SVG = "{http://www.w3.org/2000/svg}"


def _add(owner, name, circle=2, relation="friend", notes=""):
    return services.save_network_person(owner=owner, name=name, relation=relation, circle=circle, notes=notes)


def _svg(html):
    """The network map's <svg> element of a page, parsed as XML (it fails the test if it is not well-formed)."""
    start = html.rindex("<svg", 0, html.index('class="network-map-svg"'))
    return ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])


def test_an_empty_map_invites_the_owner_to_add_someone(alice_client):
    html = alice_client.get(reverse("toolbox:network")).content.decode()
    assert "Your map is empty." in html and reverse("toolbox:network_person_new") in html
    assert "network-map-svg" not in html


def test_the_owner_adds_a_person_and_sees_them_on_the_map_and_in_the_list(alice, alice_client):
    response = alice_client.post(reverse("toolbox:network_person_new"),
                                 {"name": "Anne", "relation": "family", "circle": "1", "notes": "Sunday dinners"})
    person = NetworkPerson.objects.get(owner=alice)
    assert response["Location"] == reverse("toolbox:network") + f"#person-{person.pk}"
    html = alice_client.get(reverse("toolbox:network")).content.decode()
    assert "Anne is in your network map." in html
    svg = _svg(html)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    assert [t.text for t in svg.iter(f"{SVG}text") if t.text == "Anne"] == ["Anne"]
    circle_1 = html.split('id="circle-1-heading"')[1].split("</section>")[0]
    assert "Anne" in circle_1 and "Family" in circle_1 and "Sunday dinners" in circle_1


def test_the_svg_parses_as_xml_and_names_every_person_of_sixty(alice, alice_client):
    names = [f"Person {n:02d}" for n in range(60)]
    NetworkPerson.objects.bulk_create(
        [NetworkPerson(owner=alice, name=name, relation="friend", circle=1 + n % 3) for n, name in enumerate(names)])
    svg = _svg(alice_client.get(reverse("toolbox:network")).content.decode())
    people = [g for g in svg.iter(f"{SVG}g") if "nm-person" in g.get("class", "")]
    assert len(people) == 60
    assert sorted(g.find(f"{SVG}text").text for g in people) == names
    assert all(g.find(f"{SVG}title").text.startswith("Person ") for g in people)
    assert "60 people" in svg.find(f"{SVG}desc").text


def test_long_names_are_shortened_on_the_map_but_whole_in_its_title_and_the_list(alice, alice_client):
    _add(alice, "Bestemor Ingrid fra Lofoten", circle=1)
    html = alice_client.get(reverse("toolbox:network")).content.decode()
    group = next(g for g in _svg(html).iter(f"{SVG}g") if "nm-person" in g.get("class", ""))
    assert group.find(f"{SVG}text").text == short_label("Bestemor Ingrid fra Lofoten")
    assert group.find(f"{SVG}text").text.endswith("…")
    assert group.find(f"{SVG}title").text.startswith("Bestemor Ingrid fra Lofoten")


def _boxes(result):
    return [item.box() for item in result["people"] + result["ring_labels"] + [result["me"]]]


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _P:
    def __init__(self, name, circle):
        self.name, self.circle = name, circle


@pytest.mark.parametrize("spread", ["all in circle 1", "all in circle 3", "mixed", "mostly close"])
def test_no_two_labels_overlap_for_sixty_people_and_each_sits_in_its_own_circle(spread):
    rng = random.Random(spread)
    circles = {"all in circle 1": lambda n: 1, "all in circle 3": lambda n: 3, "mixed": lambda n: 1 + n % 3,
               "mostly close": lambda n: rng.choice([1, 1, 1, 2, 3])}[spread]
    people = [_P("W" * rng.randint(1, NETWORK_NAME_MAX), circles(n)) for n in range(60)]
    result = layout(people)
    boxes = _boxes(result)
    for i, a in enumerate(boxes):
        assert all(not _overlap(a, b) for b in boxes[i + 1:]), f"label {i} overlaps another"
        assert 0 <= a[0] and 0 <= a[1] and a[2] <= result["size"] and a[3] <= result["size"], "inside the picture"
    radii = {ring["number"]: ring["radius"] for ring in result["rings"]}
    bounds = {1: (0, radii[1]), 2: (radii[1], radii[2]), 3: (radii[2], radii[3])}
    for item in result["people"]:
        left, top, right, bottom = item.box()
        corners = [math.hypot(x - result["centre"], y - result["centre"]) for x in (left, right) for y in (top, bottom)]
        low, high = bounds[item.person.circle]
        assert max(corners) <= high, "no circle's line runs through a label"
        x = min(max(result["centre"], left), right)
        y = min(max(result["centre"], top), bottom)
        assert math.hypot(x - result["centre"], y - result["centre"]) >= low, "each person is in their own circle"


def test_the_layout_is_the_same_every_time():
    people = [_P(f"P{n}", 1 + n % 3) for n in range(20)]
    first, second = layout(people), layout(people)
    assert [(p.x, p.y) for p in first["people"]] == [(p.x, p.y) for p in second["people"]]


def test_moving_a_person_closer_and_further_out_works_without_javascript_and_a_double_press_moves_once(
    alice, alice_client
):
    person = _add(alice, "Ola", circle=3)
    html = alice_client.get(reverse("toolbox:network")).content.decode()
    row = html.split(f'id="person-{person.pk}"')[1].split("</li>")[0]
    assert 'name="circle" value="2"' in row and "Move closer" in row and "Move further out" not in row
    url = reverse("toolbox:network_person_move", args=[person.pk])
    for _twice in range(2):
        response = alice_client.post(url, {"circle": "2"})
    assert response["Location"].endswith(f"#person-{person.pk}")
    person.refresh_from_db()
    assert person.circle == 2
    assert "Ola is now in circle 2: close." in alice_client.get(reverse("toolbox:network")).content.decode()
    alice_client.post(url, {"circle": "1"})
    person.refresh_from_db()
    assert person.circle == 1


@pytest.mark.parametrize("circle", ["0", "4", "-1", "two", "", "99999999999999999999"])
def test_a_circle_outside_1_to_3_is_refused_kindly_and_nothing_changes(alice, alice_client, circle):
    person = _add(alice, "Ola", circle=2)
    response = alice_client.post(reverse("toolbox:network_person_move", args=[person.pk]), {"circle": circle},
                                 follow=True)
    assert "Please choose one of the three circles" in response.content.decode()
    response = alice_client.post(reverse("toolbox:network_person_new"),
                                 {"name": "Kari", "relation": "friend", "circle": circle})
    assert response.status_code == 200 and "Please choose one of the three circles" in response.content.decode()
    assert list(NetworkPerson.objects.values_list("circle", flat=True)) == [2]


@pytest.mark.parametrize("data,message", [
    ({"name": ""}, "Please write a first name or a nickname."),
    ({"name": "N" * (NETWORK_NAME_MAX + 1)}, f"Please shorten it to {NETWORK_NAME_MAX} characters"),
    ({"relation": "lover"}, "Please choose who this person is to you."),
    ({"relation": ""}, "Please choose who this person is to you."),
    ({"notes": "x" * (NETWORK_NOTES_MAX + 1)}, f"is {NETWORK_NOTES_MAX + 1} characters long"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(alice_client, data, message):
    form = {"name": "Anne", "relation": "family", "circle": "1", "notes": "", **data}
    response = alice_client.post(reverse("toolbox:network_person_new"), form)
    html = response.content.decode()
    assert response.status_code == 200 and "Something needs your attention" in html and message in html
    assert not NetworkPerson.objects.exists()


def test_a_double_submit_adds_the_person_once(alice, alice_client):
    form = {"name": "Anne", "relation": "family", "circle": "1"}
    alice_client.post(reverse("toolbox:network_person_new"), form)
    response = alice_client.post(reverse("toolbox:network_person_new"), form)
    assert "Anne is already in your map as family." in response.content.decode()
    assert NetworkPerson.objects.count() == 1


def test_the_map_holds_a_sane_number_of_people(alice):
    NetworkPerson.objects.bulk_create(
        [NetworkPerson(owner=alice, name=f"P{n}", circle=3) for n in range(NETWORK_PEOPLE_MAX)])
    with pytest.raises(services.ToolboxError, match="holds up to 100 people"):
        _add(alice, "One more")
    assert NetworkPerson.objects.count() == NETWORK_PEOPLE_MAX


def test_the_name_and_notes_are_encrypted_in_the_database(alice):
    person = _add(alice, "Anne", notes="She knows about the voices")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, notes FROM toolbox_networkperson WHERE id = %s", [person.pk])
        name, notes = cursor.fetchone()
    assert "Anne" not in name and "voices" not in notes
    assert decrypt_text(name) == "Anne" and decrypt_text(notes) == "She knows about the voices"


def test_the_owner_changes_and_removes_a_person(alice, alice_client):
    person = _add(alice, "Anne", circle=1)
    edit = reverse("toolbox:network_person_edit", args=[person.pk])
    assert 'value="Anne"' in alice_client.get(edit).content.decode()
    alice_client.post(edit, {"name": "Anne K", "relation": "friend", "circle": "2", "notes": "Walks"})
    person.refresh_from_db()
    assert (person.name, person.relation, person.circle, person.notes) == ("Anne K", "friend", 2, "Walks")
    response = alice_client.post(reverse("toolbox:network_person_delete", args=[person.pk]), follow=True)
    assert "Anne K is no longer in your network map." in response.content.decode()
    assert not NetworkPerson.objects.exists()


def test_other_peoples_and_unknown_ids_answer_404_and_change_nothing(alice, bob, bob_client, alice_client):
    annes = _add(alice, "Anne", circle=1)
    for url in (reverse("toolbox:network_person_edit", args=[annes.pk]),
                reverse("toolbox:network_person_move", args=[annes.pk]),
                reverse("toolbox:network_person_delete", args=[annes.pk])):
        assert bob_client.post(url, {"name": "Bobbed", "relation": "friend", "circle": "3"}).status_code == 404
    assert bob_client.get(reverse("toolbox:network_person_edit", args=[annes.pk])).status_code == 404
    for bad in (0, 999999999, 2**70):
        assert alice_client.get(f"/toolbox/network/{bad}/edit/").status_code == 404
        assert alice_client.post(f"/toolbox/network/{bad}/move/", {"circle": "1"}).status_code == 404
    annes.refresh_from_db()
    assert (annes.name, annes.circle) == ("Anne", 1)
    assert "Anne" not in bob_client.get(reverse("toolbox:network")).content.decode()


def test_people_in_the_inner_circles_are_offered_in_step_4_of_the_crisis_plan(alice, alice_client):
    anne, ola, _far = _add(alice, "Anne", circle=1, relation="family"), _add(alice, "Ola", circle=2), \
        _add(alice, "Far Away", circle=3)
    edit = alice_client.get(reverse("toolbox:crisis_plan_edit")).content.decode()
    step_4 = edit.split('id="step-4"')[1].split("</fieldset>")[0]
    assert "From my network map" in step_4
    assert f'value="network:{anne.pk}"' in step_4 and f'value="network:{ola.pk}"' in step_4
    assert "Far Away" not in step_4
    response = alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(add=f"network:{ola.pk}"))
    assert response["Location"].endswith("#step-4")
    plan = CrisisPlan.objects.get(owner=alice)
    assert [(c.name, c.phone) for c in plan.contacts.filter(step=4)] == [("Anne", "+47 912 34 567"), ("Ola", "")]
    # Pressing it again adds no second Ola; the page says so kindly and the rest of the plan is kept.
    alice_client.post(reverse("toolbox:crisis_plan_edit"),
                      plan_form_data(person_2_name="Ola", add=f"network:{ola.pk}"))
    assert [c.name for c in plan.contacts.filter(step=4)] == ["Anne", "Ola"]


def test_someone_elses_or_an_outer_circle_person_cannot_be_added_to_the_crisis_plan(alice, bob, alice_client):
    far, bobs = _add(alice, "Far Away", circle=3), _add(bob, "Bobs friend", circle=1)
    for key in (f"network:{far.pk}", f"network:{bobs.pk}", "network:abc", "network:"):
        response = alice_client.post(reverse("toolbox:crisis_plan_edit"), plan_form_data(add=key))
        assert response.status_code == 200 and "That suggestion is no longer available" in response.content.decode()
    assert not CrisisPlan.objects.exists()


def test_the_shared_map_is_read_only_for_the_linked_provider_and_every_view_is_in_the_log(
    alice, alice_client, linked_provider, linked_provider_client
):
    _add(alice, "Anne", circle=1, notes="Sunday dinners")
    url = reverse("toolbox:shared_network", args=[alice.pk])
    assert linked_provider_client.get(url).status_code == 404
    alice_client.post(reverse("toolbox:share", args=[Module.NETWORK]), {"provider": linked_provider.pk, "shared": "1"})
    html = linked_provider_client.get(url).content.decode()
    assert "Network map of Alice Aasen" in html and "Sunday dinners" in html and _svg(html) is not None
    main = html.split('id="main"')[1].split("</main>")[0]
    assert "<form" not in main and "Move closer" not in main
    person = linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).content.decode()
    assert url in person
    views = AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED, subject_user=alice)
    assert [(e.object_type, e.detail) for e in views] == [("toolbox.networkmap", "network")]
    log = alice_client.get(reverse("access_log")).content.decode()
    assert "Carol Dahl (your provider) viewed your network map" in log
    assert "You started sharing your network map with Carol Dahl" in log
    alice_client.post(reverse("toolbox:share", args=[Module.NETWORK]), {"provider": linked_provider.pk, "shared": "0"})
    assert linked_provider_client.get(url).status_code == 404


def test_the_preview_shows_what_the_provider_sees_without_an_audit_row(alice, alice_client, linked_provider,
                                                                      linked_provider_client):
    _add(alice, "Anne", circle=1, notes="Sunday dinners")
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.NETWORK, shared=True)
    preview = alice_client.get(reverse("toolbox:network_preview")).content.decode()
    assert "This is what your provider sees." in preview and "Shared now with: Carol Dahl." in preview
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).exists()
    seen = linked_provider_client.get(reverse("toolbox:shared_network", args=[alice.pk])).content.decode()

    def body(html):
        return html.split('class="shared-note"')[1].split('class="shared-end')[0]

    assert body(preview) == body(seen)


def test_nobody_but_the_owner_reaches_the_own_map(alice, consultant_client, admin_client, linked_provider_client,
                                                  unlinked_provider_client):
    _add(alice, "Anne", circle=1)
    for client in (consultant_client, admin_client, linked_provider_client, unlinked_provider_client):
        for name in ("toolbox:network", "toolbox:network_person_new", "toolbox:network_preview"):
            assert client.get(reverse(name)).status_code == 404


def test_adding_to_a_circle_from_the_list_starts_with_that_circle_chosen(alice, alice_client):
    _add(alice, "Anne", circle=1)
    html = alice_client.get(reverse("toolbox:network")).content.decode()
    assert f'{reverse("toolbox:network_person_new")}?circle=3' in html
    form = alice_client.get(reverse("toolbox:network_person_new") + "?circle=3").content.decode()
    assert 'value="3" id="id_circle_2" checked>' in form and 'value="2" id="id_circle_1" checked' not in form
