"""The exercise library: written by the service user consultant in both languages, published or draft, read by
everyone signed in in their own language, featured per community on the toolbox front page and the café page."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests.conftest import signed_in_client
from toolbox import services
from toolbox.models import Exercise, ExerciseQuestion, FeaturedExercise


def exercise_data(**changes):
    data = {
        "category": "coping", "title_en": "A walk outside", "title_nb": "En tur ute",
        "intro_en": "Ten minutes in fresh air.", "intro_nb": "Ti minutter i frisk luft.",
        "body_en": "Walk slowly.\n\nNotice the sky.", "body_nb": "Gå sakte.\n\nLegg merke til himmelen.",
        "question_1_en": "What did you see?", "question_1_nb": "Hva så du?",
        "question_2_en": "How do you feel now?", "question_2_nb": "Hvordan har du det nå?",
    }
    data.update(changes)
    return data


@pytest.fixture
def walk(consultant):
    exercise = services.save_exercise(
        by=consultant, category="coping", title_en="A walk outside", title_nb="En tur ute",
        body_en="Walk slowly.", body_nb="Gå sakte.", questions=[("Hva så du?", "What did you see?")],
    )
    return services.set_exercise_published(by=consultant, exercise_id=exercise.pk, published=True)


@pytest.fixture
def draft(consultant):
    return services.save_exercise(by=consultant, category="sleep", title_en="Unfinished draft", body_en="Soon.")


def test_the_starter_exercises_cover_the_four_kinds_in_both_languages_with_questions(db):
    migration = importlib.import_module("toolbox.migrations.0005_exercises_and_reflections")
    migration.add_starter_exercises(apps, None)  # again: browser tests may have flushed the tables; twice is fine
    starters = Exercise.objects.filter(title_en__in=[e[1] for e in migration.STARTER_EXERCISES])
    assert sorted(starters.values_list("category", flat=True)) == ["coping", "mindfulness", "sleep", "symptoms"]
    for exercise in starters:
        assert exercise.published and exercise.title_nb and exercise.body_nb and exercise.body_en
        assert exercise.questions.count() >= 2
        assert all(q.text_nb and q.text_en for q in exercise.questions.all())


def test_the_consultant_writes_a_draft_that_only_they_see_then_publishes_it_for_everyone(
    consultant_client, alice_client, linked_provider_client
):
    response = consultant_client.post(reverse("toolbox:exercise_new"), exercise_data())
    exercise = Exercise.objects.get(title_en="A walk outside")
    assert response.status_code == 302 and response.url == reverse("toolbox:exercise", args=[exercise.pk])
    assert not exercise.published and exercise.questions.count() == 2
    assert alice_client.get(reverse("toolbox:exercise", args=[exercise.pk])).status_code == 404
    assert "A walk outside" not in alice_client.get(reverse("toolbox:exercises")).content.decode()
    assert "Draft: only you see it" in consultant_client.get(
        reverse("toolbox:exercise", args=[exercise.pk])).content.decode()

    consultant_client.post(reverse("toolbox:exercise_publish", args=[exercise.pk]), {"published": "1"})
    library = alice_client.get(reverse("toolbox:exercises")).content.decode()
    assert "A walk outside" in library and "Ten minutes in fresh air." in library and "Coping" in library
    page = alice_client.get(reverse("toolbox:exercise", args=[exercise.pk])).content.decode()
    assert "<p>Walk slowly.</p>" in page and "<p>Notice the sky.</p>" in page and "What did you see?" in page
    # Providers read the library too (it holds nothing about anyone), without a reflection form.
    provider_page = linked_provider_client.get(reverse("toolbox:exercise", args=[exercise.pk])).content.decode()
    assert "What did you see?" in provider_page and "Save my reflection" not in provider_page

    consultant_client.post(reverse("toolbox:exercise_publish", args=[exercise.pk]), {"published": "0"})
    assert alice_client.get(reverse("toolbox:exercise", args=[exercise.pk])).status_code == 404


def test_the_consultant_changes_the_questions_and_the_answered_question_keeps_its_row(consultant, consultant_client,
                                                                                     walk):
    question = walk.questions.get()
    response = consultant_client.post(reverse("toolbox:exercise_edit", args=[walk.pk]), exercise_data(
        question_1_en="What did you notice?", question_1_nb="Hva la du merke til?", question_2_en="", question_2_nb=""))
    assert response.status_code == 302
    assert list(walk.questions.values_list("pk", "text_en")) == [(question.pk, "What did you notice?")]
    assert Exercise.objects.get(pk=walk.pk).published, "changing a published exercise keeps it published"


def test_an_exercise_is_read_in_the_readers_language_and_falls_back_to_the_other(alice, walk):
    Exercise.objects.filter(pk=walk.pk).update(body_en="")
    alice.preferred_language = "nb"
    alice.save()
    norwegian = signed_in_client(alice).get(reverse("toolbox:exercise", args=[walk.pk])).content.decode()
    assert "En tur ute" in norwegian and "Hva så du?" in norwegian
    alice.preferred_language = "en"
    alice.save()
    english = signed_in_client(alice).get(reverse("toolbox:exercise", args=[walk.pk])).content.decode()
    assert "A walk outside" in english and "Gå sakte." in english  # no English text: the Norwegian one


def test_the_text_is_plain_and_no_html_passes_through(consultant_client, alice_client):
    consultant_client.post(reverse("toolbox:exercise_new"), exercise_data(body_en="Hi <script>alert(1)</script>"))
    exercise = Exercise.objects.get(title_en="A walk outside")
    Exercise.objects.filter(pk=exercise.pk).update(published=True)
    html = alice_client.get(reverse("toolbox:exercise", args=[exercise.pk])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("changes,message", [
    ({"title_en": "", "title_nb": ""}, "Please give the exercise a title"),
    ({"body_en": "", "body_nb": ""}, "Please write the exercise itself"),
    ({"title_en": "x" * 121}, "The English title is 121 characters long"),
    ({"body_nb": "x" * 8001}, "The Norwegian text is 8001 characters long"),
    ({"question_3_en": "y" * 301}, "A question is 301 characters long"),
    ({"category": "astrology"}, "Please choose one of the kinds in the list"),
])
def test_bad_exercises_are_refused_with_a_clear_message_and_nothing_is_stored(consultant_client, changes, message):
    before = Exercise.objects.count()
    response = consultant_client.post(reverse("toolbox:exercise_new"), exercise_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Exercise.objects.count() == before


def test_only_the_consultant_writes_exercises(alice, linked_provider, admin_user):
    for person in (alice, linked_provider, admin_user):
        with pytest.raises(Exception) as caught:
            services.save_exercise(by=person, category="coping", title_en="Mine", body_en="Text")
        assert caught.type.__name__ == "Http404"
    assert not Exercise.objects.filter(title_en="Mine").exists()


def test_unknown_and_bad_exercise_ids_answer_404(alice_client):
    for path in ("/toolbox/exercises/999999999/", "/toolbox/exercises/99999999999999999999/"):
        assert alice_client.get(path).status_code == 404


# --- Featuring ---------------------------------------------------------------------------------------------
def test_a_featured_exercise_shows_on_the_toolbox_front_page_of_that_communitys_members_only(
    consultant_client, walk, alice, alice_client, bob_client
):
    today = timezone.localdate()
    response = consultant_client.post(reverse("toolbox:exercise_feature", args=[walk.pk]), {
        "community": alice.community_id, "featured_from": today.isoformat(), "until": "date",
        "featured_until": (today + timedelta(days=20)).isoformat()})
    assert response.status_code == 302
    front = alice_client.get(reverse("toolbox:index")).content.decode()
    assert "An exercise to try this month" in front and "A walk outside" in front
    assert reverse("toolbox:exercise", args=[walk.pk]) in front
    assert "An exercise to try this month" not in bob_client.get(reverse("toolbox:index")).content.decode()
    # The consultant's list shows it, and ending it takes it away at once.
    keep = consultant_client.get(reverse("toolbox:exercises_keep")).content.decode()
    assert "A walk outside" in keep and alice.community.name in keep
    featuring = FeaturedExercise.objects.get()
    consultant_client.post(reverse("toolbox:featuring_end", args=[featuring.pk]))
    assert "An exercise to try this month" not in alice_client.get(reverse("toolbox:index")).content.decode()


def test_an_unpublished_exercise_is_featured_nowhere(consultant, walk, alice, alice_client):
    services.feature_exercise(by=consultant, exercise_id=walk.pk, community_id=alice.community_id,
                              featured_from=timezone.localdate(), featured_until=timezone.localdate())
    services.set_exercise_published(by=consultant, exercise_id=walk.pk, published=False)
    assert "An exercise to try this month" not in alice_client.get(reverse("toolbox:index")).content.decode()


def test_a_new_featuring_takes_the_place_of_the_one_planned_for_those_days(consultant, walk, alice):
    other = services.save_exercise(by=consultant, category="sleep", title_en="Winding down", body_en="Dim the lights.")
    services.set_exercise_published(by=consultant, exercise_id=other.pk, published=True)
    today = timezone.localdate()
    first = services.feature_exercise(by=consultant, exercise_id=walk.pk, community_id=alice.community_id,
                                      featured_from=today, featured_until=today + timedelta(days=30))
    services.feature_exercise(by=consultant, exercise_id=other.pk, community_id=alice.community_id,
                              featured_from=today + timedelta(days=10), featured_until=today + timedelta(days=40))
    first.refresh_from_db()
    assert first.featured_until == today + timedelta(days=9)
    from toolbox import access

    assert access.featured_exercise_for(alice.community_id, day=today).exercise == walk
    assert access.featured_exercise_for(alice.community_id, day=today + timedelta(days=10)).exercise == other


def test_until_the_next_cafe_ends_the_featuring_on_the_day_of_the_communitys_next_cafe(consultant, walk, alice):
    from cafes import services as cafe_services

    today = timezone.localdate()
    with pytest.raises(services.ToolboxError, match="There is no café planned"):
        services.feature_exercise(by=consultant, exercise_id=walk.pk, community_id=alice.community_id,
                                  featured_from=today, until_next_cafe=True)
    starts = (timezone.now() + timedelta(days=12)).replace(second=0, microsecond=0)
    cafe_services.create_cafe(by=consultant, community=alice.community, title="Monthly café", starts_at=starts,
                              ends_at=starts + timedelta(hours=2), venue_name="Library", address="Storgata 1",
                              host=consultant)
    featuring = services.feature_exercise(by=consultant, exercise_id=walk.pk, community_id=alice.community_id,
                                          featured_from=today, until_next_cafe=True)
    assert featuring.featured_until == timezone.localdate(starts)


@pytest.mark.parametrize("changes,message", [
    ({"community": "999999"}, "Please choose one of the communities"),
    ({"featured_from": "yesterday"}, "Please write the day as year-month-day"),
    ({"featured_from": "2001-01-01"}, "The first day has already passed"),
    ({"until": "date", "featured_until": ""}, "Please choose the last day"),
    ({"until": "date", "featured_until": "2001-01-01"}, "The last day comes before the first day"),
    ({"until": "date", "featured_until": "2999-01-01"}, "at most 92 days"),
])
def test_bad_featurings_are_refused_with_a_clear_message_and_nothing_is_stored(consultant_client, walk, alice,
                                                                              changes, message):
    data = {"community": alice.community_id, "featured_from": timezone.localdate().isoformat(), "until": "date",
            "featured_until": timezone.localdate().isoformat()}
    data.update(changes)
    response = consultant_client.post(reverse("toolbox:exercise_feature", args=[walk.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not FeaturedExercise.objects.exists()


def test_a_draft_cannot_be_featured(consultant, draft, alice):
    with pytest.raises(services.ToolboxError, match="publish the exercise before"):
        services.feature_exercise(by=consultant, exercise_id=draft.pk, community_id=alice.community_id,
                                  featured_from=timezone.localdate(), featured_until=timezone.localdate())


def test_the_cafe_page_suggests_the_featured_exercise_before_the_cafe(consultant, walk, alice, alice_client):
    from cafes import services as cafe_services

    starts = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    cafe = cafe_services.create_cafe(by=consultant, community=alice.community, title="Monthly café", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2), venue_name="Library", address="Storgata 1",
                                     host=consultant)
    url = reverse("cafes:detail", args=[cafe.pk])
    assert "An exercise to try before this café" not in alice_client.get(url).content.decode()
    services.feature_exercise(by=consultant, exercise_id=walk.pk, community_id=alice.community_id,
                              featured_from=timezone.localdate(), until_next_cafe=True)
    page = alice_client.get(url).content.decode()
    assert "An exercise to try before this café" in page and "A walk outside" in page
    assert reverse("toolbox:exercise", args=[walk.pk]) in page


def test_questions_are_limited_to_five(consultant):
    with pytest.raises(services.ToolboxError, match="up to 5 questions"):
        services.save_exercise(by=consultant, category="coping", title_en="Many", body_en="Text",
                               questions=[("", f"Question {n}") for n in range(6)])
    assert not ExerciseQuestion.objects.filter(text_en="Question 0").exists()
