"""The library, an exercise, my reflections and the provider's view of them use a fixed number of queries, whatever
the number of exercises, questions, reflections and answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from toolbox import services
from toolbox.models import Module


def _count(client, url):
    client.get(url)  # warm: the first visit may save session details
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _exercises(consultant, n, start=0):
    made = []
    for i in range(start, start + n):
        exercise = services.save_exercise(by=consultant, category=["coping", "sleep", "mindfulness", "symptoms"][i % 4],
                                          title_en=f"Exercise {i}", intro_en=f"Intro {i}", body_en="Text",
                                          questions=[("", f"Question {i}.{q}") for q in range(3)])
        made.append(services.set_exercise_published(by=consultant, exercise_id=exercise.pk, published=True))
    return made


def _reflect(owner, exercise, n):
    questions = list(exercise.questions.all())
    for i in range(n):
        services.save_reflection(owner=owner, exercise_id=exercise.pk, text=f"Thought {i}",
                                 answers={q.pk: f"Answer {i} {q.pk}" for q in questions})


@pytest.fixture
def library(consultant, alice):
    first = _exercises(consultant, 1)[0]
    services.feature_exercise(by=consultant, exercise_id=first.pk, community_id=alice.community_id,
                              featured_from=timezone.localdate(), featured_until=timezone.localdate())
    return first


def test_the_library_uses_the_same_queries_for_1_and_12_exercises(consultant, alice_client, library,
                                                                   django_assert_num_queries):
    url = reverse("toolbox:exercises")
    small = _count(alice_client, url)
    _exercises(consultant, 11, start=1)
    with django_assert_num_queries(small):
        html = alice_client.get(url).content.decode()
    assert "Exercise 11" in html and "Intro 11" in html


def test_the_consultants_list_uses_the_same_queries_for_1_and_12_exercises(consultant, consultant_client, library,
                                                                          django_assert_num_queries):
    url = reverse("toolbox:exercises_keep")
    small = _count(consultant_client, url)
    _exercises(consultant, 11, start=1)
    with django_assert_num_queries(small):
        html = consultant_client.get(url).content.decode()
    assert "Exercise 11" in html


def test_an_exercise_with_my_reflections_uses_the_same_queries_for_1_and_8_reflections(
    alice, alice_client, library, django_assert_num_queries
):
    _reflect(alice, library, 1)
    url = reverse("toolbox:exercise", args=[library.pk])
    small = _count(alice_client, url)
    _reflect(alice, library, 7)
    with django_assert_num_queries(small):
        html = alice_client.get(url).content.decode()
    assert "Thought 6" in html


def test_my_reflections_use_the_same_queries_for_1_and_15_reflections_and_providers(
    consultant, alice, alice_client, linked_provider, library, django_assert_num_queries
):
    from tests.factories import CareLinkFactory, ProviderFactory

    _reflect(alice, library, 1)
    url = reverse("toolbox:reflections")
    small = _count(alice_client, url)
    for exercise in _exercises(consultant, 4, start=1):
        _reflect(alice, exercise, 3)
    for _n in range(3):
        provider = ProviderFactory()
        CareLinkFactory(provider=provider, service_user=alice)
        services.set_share(owner=alice, provider_id=provider.pk, module=Module.REFLECTIONS, shared=True)
    with django_assert_num_queries(small):
        html = alice_client.get(url).content.decode()
    assert html.count('class="card reflection"') == 13 and html.count('class="share-row"') == 4


def test_the_providers_view_uses_the_same_queries_for_1_and_15_reflections(
    consultant, alice, linked_provider, linked_provider_client, library, django_assert_num_queries
):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.REFLECTIONS, shared=True)
    services.set_provider_view_notices(owner=alice, on=True)
    _reflect(alice, library, 1)
    url = reverse("toolbox:shared_reflections", args=[alice.pk])
    small = _count(linked_provider_client, url)
    for exercise in _exercises(consultant, 4, start=1):
        _reflect(alice, exercise, 3)
    with django_assert_num_queries(small):
        html = linked_provider_client.get(url).content.decode()
    assert html.count('class="card reflection"') == 13
