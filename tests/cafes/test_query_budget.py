"""The café list and a café page use a fixed number of queries, whatever the number of cafés and answers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cafes import services
from tests.cafes.factories import make_cafe
from tests.factories import ConsultantFactory, UserFactory


def _count(client, url):
    client.get(url)  # warm: the first visit may save session details
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _answer_some(cafe, members, *, offset=0):
    for n, member in enumerate(members):
        services.rsvp(user=member, cafe=cafe, answer=("going", "maybe", "cant")[(n + offset) % 3],
                      show_me=bool(n % 2))


def test_the_cafe_list_uses_the_same_queries_for_2_and_12_cafes(
    alice_client, alice, north, south, django_assert_num_queries
):
    hosts = [ConsultantFactory() for _ in range(3)]
    members = [UserFactory(community=north) for _ in range(3)]
    url = reverse("cafes:index") + "?others=1"

    def add(count, offset):
        for n in range(count):
            cafe = make_cafe(community=north if n % 2 else south, open_to_visitors=True, days=n + 1 + offset,
                             host=hosts[n % 3], capacity=5)
            _answer_some(cafe, members, offset=n)
            if n % 3 == 0:
                services.rsvp(user=alice, cafe=cafe, answer="going")

    add(2, 0)
    small = _count(alice_client, url)
    add(10, 10)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    assert response.content.decode().count('<li class="cafe-row') == 12


def test_a_cafe_page_uses_the_same_queries_for_3_and_30_answers(
    alice_client, consultant_client, alice, north, consultant, django_assert_num_queries
):
    cafe = make_cafe(community=north, host=consultant, capacity=10)
    services.rsvp(user=alice, cafe=cafe, answer="going", show_me=True)
    _answer_some(cafe, [UserFactory(community=north) for _ in range(2)])
    url = cafe.get_absolute_url()
    small_member, small_consultant = _count(alice_client, url), _count(consultant_client, url)
    _answer_some(cafe, [UserFactory(community=north) for _ in range(28)], offset=1)
    with django_assert_num_queries(small_member):
        alice_client.get(url)
    with django_assert_num_queries(small_consultant):
        html = consultant_client.get(url).content.decode()
    assert "On the waitlist" in html, "the bigger café is full, with people waiting"


def test_the_past_cafes_page_uses_the_same_queries_for_2_and_8_cafes(alice_client, north, django_assert_num_queries):
    for n in range(2):
        make_cafe(community=north, days=-(n + 1) * 30)
    url = reverse("cafes:past")
    small = _count(alice_client, url)
    for n in range(6):
        make_cafe(community=north, days=-(n + 3) * 30)
    with django_assert_num_queries(small):
        alice_client.get(url)


def _series(consultant, community, n):
    import datetime

    return services.create_series(
        by=consultant, community=community, title=f"Series {n}", weekday=n % 7, week=(1, 2, 3, 4, -1)[n % 5],
        start_time=datetime.time(17, 0), end_time=datetime.time(19, 0), venue_name="Library", address="Storgata 1",
        host=consultant,
    )


def test_the_series_list_uses_the_same_queries_for_2_and_9_series(
    consultant_client, north, south, django_assert_num_queries
):
    hosts = [ConsultantFactory() for _ in range(3)]
    for n in range(2):
        _series(hosts[n % 3], north if n % 2 else south, n)
    url = reverse("cafes:series_list")
    small = _count(consultant_client, url)
    for n in range(2, 9):
        series = _series(hosts[n % 3], north if n % 2 else south, n)
        if n % 3 == 0:
            services.stop_series(series=series, by=hosts[0])
    with django_assert_num_queries(small):
        html = consultant_client.get(url).content.decode()
    assert html.count('class="cafe-row series-row') == 9 and "Next café:" in html


def test_a_series_page_uses_the_same_queries_for_few_and_many_planned_cafes(
    consultant_client, consultant, north, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    series = _series(consultant, north, 1)
    url = reverse("cafes:series_edit", args=[series.pk])
    small = _count(consultant_client, url)
    for weeks in (12, 16, 20, 24, 28):  # months ahead, as beat would plan them over time
        services.plan_series_cafes(series=series, now=timezone.now() + timedelta(weeks=weeks))
    assert series.cafes.count() > 5
    with django_assert_num_queries(small):
        consultant_client.get(url)
