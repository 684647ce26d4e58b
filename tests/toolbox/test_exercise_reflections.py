"""Reflections: a service user's own words after an exercise (answers and/or free text), encrypted at rest, several
over time, changed or deleted by their owner only; shared with a provider as "exercise reflections" like every
module, and, if the owner asks for it, a notification each time a provider opens what they share."""

import pytest
from django.db import connection
from django.urls import reverse

from reconnect.models import AuditAction, AuditEvent, Notification
from tests.factories import CareLinkFactory, ProviderFactory
from toolbox import services
from toolbox.models import Module, Reflection, ReflectionAnswer, SharingPreferences

SHARE_URL = reverse("toolbox:share", args=[Module.REFLECTIONS])


@pytest.fixture
def walk(consultant):
    exercise = services.save_exercise(
        by=consultant, category="coping", title_en="A walk outside", body_en="Walk slowly.",
        questions=[("", "What did you see?"), ("", "How do you feel now?")],
    )
    return services.set_exercise_published(by=consultant, exercise_id=exercise.pk, published=True)


def _form(walk, **fields):
    first, second = walk.questions.order_by("position")
    data = {f"q_{first.pk}": "A heron by the river", f"q_{second.pk}": "", "text": "Calmer than this morning"}
    data.update(fields)
    return data


@pytest.fixture
def alice_reflection(alice, walk):
    first = walk.questions.order_by("position").first()
    return services.save_reflection(owner=alice, exercise_id=walk.pk, text="Calmer than this morning",
                                    answers={first.pk: "A heron by the river"})


def test_a_member_writes_a_reflection_under_the_exercise_and_sees_it_there_and_in_my_reflections(
    alice_client, walk
):
    page = alice_client.get(reverse("toolbox:exercise", args=[walk.pk])).content.decode()
    assert "Write a reflection" in page and "What did you see?" in page and "My own thoughts" in page
    response = alice_client.post(reverse("toolbox:reflection_new", args=[walk.pk]), _form(walk))
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert [(a.question_text, a.answer) for a in reflection.answers.all()] == [
        ("What did you see?", "A heron by the river")], "an empty answer is left out"
    page = alice_client.get(reverse("toolbox:exercise", args=[walk.pk])).content.decode()
    assert "A heron by the river" in page and "Calmer than this morning" in page
    listing = alice_client.get(reverse("toolbox:reflections")).content.decode()
    assert "A walk outside" in listing and "A heron by the river" in listing


def test_several_reflections_over_time_are_listed_newest_first(alice, alice_client, walk):
    for text in ("First time", "Second time"):
        services.save_reflection(owner=alice, exercise_id=walk.pk, text=text)
    listing = alice_client.get(reverse("toolbox:reflections")).content.decode()
    assert listing.index("Second time") < listing.index("First time")


def test_reflections_are_encrypted_at_rest(alice_reflection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM toolbox_reflection")
        raw = cursor.fetchone()[0]
        cursor.execute("SELECT answer FROM toolbox_reflectionanswer")
        raw += cursor.fetchone()[0]
    assert "Calmer" not in raw and "heron" not in raw
    assert Reflection.objects.get().text == "Calmer than this morning", "and it reads back as written"


def test_the_owner_changes_an_answer_takes_one_away_and_answers_a_new_question(alice_client, alice_reflection, walk):
    answer = alice_reflection.answers.get()
    second = walk.questions.order_by("position").last()
    url = reverse("toolbox:reflection_edit", args=[alice_reflection.pk])
    assert "A heron by the river" in alice_client.get(url).content.decode()
    response = alice_client.post(url, {f"a_{answer.pk}": "", f"q_{second.pk}": "Lighter", "text": "Changed"})
    assert response.status_code == 302
    alice_reflection.refresh_from_db()
    assert alice_reflection.text == "Changed"
    assert [(a.question_text, a.answer) for a in alice_reflection.answers.all()] == [("How do you feel now?", "Lighter")]


def test_the_owner_is_asked_first_then_deletes_a_reflection(alice_client, alice_reflection):
    url = reverse("toolbox:reflection_delete", args=[alice_reflection.pk])
    page = alice_client.get(url).content.decode()
    assert "cannot be brought back" in page and "A heron by the river" in page
    assert Reflection.objects.exists(), "asking deletes nothing"
    alice_client.post(url)
    assert not Reflection.objects.exists() and not ReflectionAnswer.objects.exists()


def test_another_member_cannot_read_change_or_delete_a_reflection(bob_client, alice_reflection):
    assert bob_client.get(reverse("toolbox:reflection_edit", args=[alice_reflection.pk])).status_code == 404
    assert bob_client.post(reverse("toolbox:reflection_edit", args=[alice_reflection.pk]),
                           {"text": "Bob was here"}).status_code == 404
    assert bob_client.get(reverse("toolbox:reflection_delete", args=[alice_reflection.pk])).status_code == 404
    assert bob_client.post(reverse("toolbox:reflection_delete", args=[alice_reflection.pk])).status_code == 404
    assert "Calmer" not in bob_client.get(reverse("toolbox:reflections")).content.decode()
    assert Reflection.objects.get().text == "Calmer than this morning"


@pytest.mark.parametrize("fields,message", [
    ({"text": "", "q_first": ""}, "Please write something before you save"),
    ({"text": "x" * 4001}, "Your own thoughts is 4001 characters long"),
    ({"q_first": "y" * 2001}, "An answer is 2001 characters long"),
])
def test_bad_reflections_are_refused_with_a_clear_message_and_nothing_is_stored(alice_client, walk, fields, message):
    first = walk.questions.order_by("position").first()
    data = _form(walk)
    if "q_first" in fields:
        data[f"q_{first.pk}"] = fields.pop("q_first")
    data.update(fields)
    response = alice_client.post(reverse("toolbox:reflection_new", args=[walk.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Reflection.objects.exists()


def test_no_reflection_on_an_unpublished_or_unknown_exercise(consultant, alice_client, walk):
    services.set_exercise_published(by=consultant, exercise_id=walk.pk, published=False)
    assert alice_client.post(reverse("toolbox:reflection_new", args=[walk.pk]), _form(walk)).status_code == 404
    assert alice_client.post("/toolbox/exercises/999999999/reflect/", {"text": "Hi"}).status_code == 404
    assert not Reflection.objects.exists()


def test_an_answer_to_a_question_of_another_exercise_is_ignored(consultant, alice, walk):
    other = services.save_exercise(by=consultant, category="sleep", title_en="Other", body_en="Text",
                                   questions=[("", "Other question")])
    foreign = other.questions.get()
    reflection = services.save_reflection(owner=alice, exercise_id=walk.pk, text="Mine",
                                          answers={foreign.pk: "Sneaked in"})
    assert not reflection.answers.exists()


def test_a_reflection_keeps_its_question_as_it_read_when_the_exercise_changes(consultant, alice_reflection, walk):
    services.save_exercise(by=consultant, exercise_id=walk.pk, category="coping", title_en="A walk outside",
                           body_en="Walk slowly.", questions=[])
    assert alice_reflection.answers.get().question_text == "What did you see?"


# --- Sharing ---------------------------------------------------------------------------------------------------
def _url(owner):
    return reverse("toolbox:shared_reflections", args=[owner.pk])


def test_reflections_are_shared_with_one_provider_who_reads_them_and_each_view_is_in_the_owners_log(
    alice, alice_client, alice_reflection, linked_provider, linked_provider_client
):
    assert linked_provider_client.get(_url(alice)).status_code == 404, "nothing is shared by default"
    page = alice_client.get(reverse("toolbox:reflections")).content.decode()
    assert "Share with Carol Dahl" in page
    alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "1"})
    person = linked_provider_client.get(reverse("toolbox:person", args=[alice.pk])).content.decode()
    assert "Exercise reflections" in person
    shared = linked_provider_client.get(_url(alice)).content.decode()
    assert "A heron by the river" in shared and "A walk outside" in shared and "Change" not in shared
    views = AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED, subject_user=alice, actor=linked_provider)
    assert views.count() == 1 and views.get().detail == "reflections"
    log = alice_client.get(reverse("access_log")).content.decode()
    assert "your exercise reflections" in log

    alice_client.post(SHARE_URL, {"provider": linked_provider.pk, "shared": "0"})
    assert linked_provider_client.get(_url(alice)).status_code == 404, "revoking takes effect on the next request"


def test_the_preview_shows_what_the_provider_sees_without_an_audit_row_or_a_notification(
    alice, alice_client, alice_reflection
):
    services.set_provider_view_notices(owner=alice, on=True)
    page = alice_client.get(reverse("toolbox:reflections_preview")).content.decode()
    assert "This is what your provider sees." in page and "A heron by the river" in page
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).exists()
    assert not Notification.objects.filter(recipient=alice).exists()


def test_a_linked_provider_without_the_share_and_an_unlinked_one_get_404(alice, alice_reflection,
                                                                         unlinked_provider_client):
    other = ProviderFactory()
    CareLinkFactory(provider=other, service_user=alice)
    services.set_share(owner=alice, provider_id=other.pk, module=Module.CRISIS_PLAN, shared=True)
    from tests.conftest import signed_in_client

    assert signed_in_client(other).get(_url(alice)).status_code == 404
    assert unlinked_provider_client.get(_url(alice)).status_code == 404


# --- "Tell me when a provider opens what I share" ----------------------------------------------------------------
def test_notices_are_off_by_default_and_a_provider_view_then_notifies_nobody(
    alice, alice_reflection, linked_provider, linked_provider_client
):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.REFLECTIONS, shared=True)
    linked_provider_client.get(_url(alice))
    assert AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).count() == 1
    assert not Notification.objects.filter(recipient=alice).exists()
    assert not SharingPreferences.objects.exists()


def test_with_notices_on_each_provider_view_of_any_module_notifies_the_owner_by_name_and_module(
    alice, alice_client, alice_reflection, linked_provider, linked_provider_client
):
    from tests.toolbox.conftest import TEXTS

    services.save_crisis_plan(owner=alice, texts=TEXTS, people=[], professionals=[])
    for module in (Module.REFLECTIONS, Module.CRISIS_PLAN):
        services.set_share(owner=alice, provider_id=linked_provider.pk, module=module, shared=True)
    page = alice_client.get(reverse("toolbox:reflections")).content.decode()
    assert "Tell me when a provider opens what I share" in page
    response = alice_client.post(reverse("toolbox:sharing_notices"), {"on": "1", "module": "reflections"})
    assert response.url == reverse("toolbox:reflections") + "#sharing"
    assert "Stop these notifications" in alice_client.get(reverse("toolbox:crisis_plan")).content.decode()

    linked_provider_client.get(_url(alice))
    linked_provider_client.get(reverse("toolbox:shared_crisis_plan", args=[alice.pk]))
    texts = list(Notification.objects.filter(recipient=alice).order_by("pk").values_list("text", "kind", "link"))
    assert texts == [
        ("Your provider Carol Dahl opened your exercise reflections.", "toolbox", reverse("access_log")),
        ("Your provider Carol Dahl opened your crisis plan.", "toolbox", reverse("access_log")),
    ]
    # The notification says who and what, never any of the content.
    assert not any("heron" in text or "phone" in text for text, _kind, _link in texts)

    alice_client.post(reverse("toolbox:sharing_notices"), {"on": "0", "module": "crisis_plan"})
    linked_provider_client.get(_url(alice))
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_the_notification_is_written_with_the_audit_row_or_not_at_all(alice, alice_reflection, linked_provider,
                                                                       monkeypatch):
    services.set_provider_view_notices(owner=alice, on=True)
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.REFLECTIONS, shared=True)

    def broken_notify(**kwargs):
        raise RuntimeError("notification table unavailable")

    monkeypatch.setattr(services, "notify", broken_notify)
    with pytest.raises(RuntimeError):
        services.record_shared_view(provider=linked_provider, owner=alice, module=Module.REFLECTIONS,
                                    obj=services.reflection_book_of(alice))
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_VIEWED).exists()


def test_the_notice_choice_is_the_service_users_own(linked_provider_client, consultant_client):
    for client in (linked_provider_client, consultant_client):
        assert client.post(reverse("toolbox:sharing_notices"), {"on": "1"}).status_code == 404
    assert not SharingPreferences.objects.exists()

