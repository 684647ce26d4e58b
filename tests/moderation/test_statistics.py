"""Usage statistics: the figures each app gives, the monthly summary beat keeps, what the consultant and the
admin see (charts, tables, CSV), small counts shown as "fewer than 3", and bad input."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from moderation import statistics
from moderation.models import MonthlyFigure, StatisticsMonth
from tests.cafes.factories import make_cafe
from tests.conftest import signed_in_client
from tests.factories import CommunityFactory, UserFactory
from tests.forum.factories import BoardFactory, make_reply, make_thread

URL = reverse("moderation:statistics")
CSV_URL = reverse("moderation:statistics_csv")


def this_month():
    return statistics.month_of(timezone.now())


def last_month():
    return statistics.add_months(this_month(), -1)


def months_param(first, last):
    return f"start={first:%Y-%m}&end={last:%Y-%m}"


@pytest.fixture
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def north_forum(north, alice, consultant):
    """This month in the north: alice and two neighbours write 5 posts; the consultant answers (not counted);
    two reports on alice's first post, one handled after 3 hours; one crisis flag."""
    from forum import services

    board = BoardFactory()
    carl, dina = UserFactory(community=north, pseudonym="Pine"), UserFactory(community=north, pseudonym="Fern")
    thread = make_thread(author=alice, board=board, title="Spring walks", body="Who walks in the park?")
    make_reply(thread=thread, author=carl, body="I do, on Sundays.")
    make_reply(thread=thread, author=dina)
    make_reply(thread=thread, author=alice)
    make_thread(author=carl, board=board, title="Sleep", body="Tips for sleeping?")
    make_reply(thread=thread, author=consultant, body="Thank you both.")
    first = thread.posts.get(number=1)
    handled = services.report_post(post=first, reporter=carl, reason="worried")
    services.report_post(post=first, reporter=dina, reason="worried")
    type(handled).objects.filter(pk=handled.pk).update(handled_at=handled.created_at + timedelta(hours=3))
    services.flag_post(post=first, kind="crisis")
    return {"thread": thread, "carl": carl, "dina": dina}


# --- Who may look ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["alice", "bob", "linked_provider", "unlinked_provider"])
def test_service_users_and_providers_find_no_statistics_at_all(role, request):
    client = signed_in_client(request.getfixturevalue(role))
    assert client.get(URL).status_code == 404
    assert client.get(CSV_URL).status_code == 404
    assert client.post(reverse("moderation:statistics_refresh")).status_code == 404


def test_the_consultant_and_the_admin_see_the_statistics(consultant_client, admin_client, in_english):
    for client in (consultant_client, admin_client):
        response = client.get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<h1>Statistics</h1>" in page
        for section in ("Forum", "Moderation queue", "Cafés", "Messages", "Recovery toolbox"):
            assert f">{section}</h2>" in page


# --- The figures -------------------------------------------------------------------------------------------
def test_forum_figures_count_members_posts_reports_and_how_fast_they_were_handled(north, north_forum):
    statistics.refresh_current_month()
    values = statistics.values_for(community=north, months=[this_month()])
    month = this_month()
    assert values[(month, "forum_posts")] == 5, "members' posts and new threads, not the consultant's"
    assert values[(month, "forum_members_posted")] == 3
    assert values[(month, "forum_active_members")] == 3
    assert values[(month, "forum_reports")] == 2
    assert values[(month, "forum_crisis_flags")] == 1
    assert values[(month, "forum_handled")] == 1
    assert values[(month, "forum_handling_minutes")] == 180
    assert (month, "forum_privacy_flags") not in values, "zero is not stored"


def test_a_thread_read_by_a_member_who_never_writes_makes_them_active(north, north_forum, alice_client):
    lurker = UserFactory(community=north, pseudonym="Quiet")
    signed_in_client(lurker).get(reverse("forum:thread", args=[north_forum["thread"].pk]))
    statistics.refresh_current_month()
    values = statistics.values_for(community=north, months=[this_month()])
    assert values[(this_month(), "forum_active_members")] == 4
    assert values[(this_month(), "forum_thread_views")] == 1
    assert values[(this_month(), "forum_members_posted")] == 3


def test_cafe_message_and_toolbox_figures_count_for_the_members_community(north, south, alice, bob, consultant):
    from cafes import services as cafes
    from messaging import services as messaging
    from toolbox.models import Goal

    past = make_cafe(community=north, days=1, host=consultant)
    neighbours = [UserFactory(community=north) for _ in range(3)]
    for person in [alice, *neighbours]:
        cafes.rsvp(user=person, cafe=past, answer="going")
    # The café started a moment ago: it has been held this month.
    type(past).objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    make_cafe(community=north, days=3, host=consultant)  # still to come: not counted
    past.refresh_from_db()
    cafes.mark_attendance(cafe=past, by=consultant, user_ids=[alice.pk, *(n.pk for n in neighbours[:2])])
    conversation = messaging.start_conversation(author=bob, to=consultant, subject="Hello", body="A question")
    messaging.send_message(conversation=conversation, sender=consultant, body="An answer")
    messaging.send_message(conversation=conversation, sender=bob, body="Thanks")
    Goal.objects.create(owner=alice, domain="work", title="Find a course")

    statistics.refresh_current_month()
    month = this_month()
    north_values = statistics.values_for(community=north, months=[month])
    south_values = statistics.values_for(community=south, months=[month])
    assert north_values[(month, "cafes_held")] == 1
    assert north_values[(month, "cafes_going")] == 4
    assert north_values[(month, "cafes_attended")] == 3
    assert north_values[(month, "toolbox_goals")] == 1
    assert south_values[(month, "messages_from_members")] == 2
    assert south_values[(month, "messages_to_members")] == 1
    assert (month, "cafes_held") not in south_values


def test_posts_waiting_for_an_answer_count_with_how_long_they_waited(north, alice, consultant):
    from moderation import services
    from moderation.models import QueueKind

    board = BoardFactory()
    two_hours_ago = max(timezone.now() - timedelta(hours=2), statistics.month_start(this_month()))
    items = []
    for n in range(3):
        post = make_thread(author=alice, board=board, title=f"Anyone there {n}?").posts.get()
        items.append(services.add_reason(kind=QueueKind.WAITING, source=f"waiting:{post.pk}", post=post,
                                         community_id=north.pk, now=two_hours_ago))
    for item in items[:2]:
        services.handle_item(item=item, by=consultant)

    statistics.refresh_current_month()
    values = statistics.values_for(community=north, months=[this_month()])
    waited = (timezone.now() - two_hours_ago).total_seconds() // 60
    assert values[(this_month(), "queue_waiting")] == 3
    assert values[(this_month(), "queue_waiting_done")] == 2
    assert abs(values[(this_month(), "queue_waiting_minutes")] - 2 * waited) <= 2


def test_every_app_with_figures_is_found_through_the_app_registry():
    with translation.override("en"):
        titles = [str(source.title) for source in statistics.sources()]
    assert titles == ["Forum", "Moderation queue", "Cafés", "Messages", "Recovery toolbox"]
    keys = [figure.key for source in statistics.sources() for figure in source.figures]
    assert len(keys) == len(set(keys)), "figure keys are unique across apps"


# --- Beat keeps the summary --------------------------------------------------------------------------------
def test_the_nightly_count_counts_each_ended_month_once_and_the_hourly_one_the_month_so_far(north, north_forum):
    from forum.models import Post

    Post.objects.filter(thread=north_forum["thread"], number__lte=2).update(
        created_at=statistics.month_start(last_month()) + timedelta(days=3))
    north_forum["thread"].author.__class__.objects.filter(community=north).update(
        date_joined=statistics.month_start(last_month()))

    assert statistics.refresh_ended_months() > 0
    assert StatisticsMonth.objects.get(month=last_month()).final
    assert statistics.values_for(community=north, months=[last_month()])[(last_month(), "forum_posts")] == 2
    assert statistics.refresh_ended_months() == 0, "an ended month is counted once after it ends"

    statistics.refresh_current_month()
    first = list(MonthlyFigure.objects.filter(month=this_month()).values_list("figure", "value").order_by("figure"))
    statistics.refresh_current_month()
    again = list(MonthlyFigure.objects.filter(month=this_month()).values_list("figure", "value").order_by("figure"))
    assert first == again and ("forum_posts", 3) in first
    assert not StatisticsMonth.objects.get(month=this_month()).final


def test_beat_runs_both_counts(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"moderation.refresh_statistics_current_month", "moderation.refresh_statistics_ended_months"} <= tasks


# --- What the page shows -----------------------------------------------------------------------------------
def _fill(community, month, **figures):
    MonthlyFigure.objects.bulk_create(
        [MonthlyFigure(community=community, month=month, figure=key, value=value) for key, value in figures.items()])


def test_counts_of_one_or_two_read_fewer_than_3_in_table_chart_and_csv(north, consultant_client, in_english):
    _fill(north, this_month(), forum_posts=2, forum_reports=1, forum_members_posted=3, forum_handled=2,
          forum_handling_minutes=600)
    query = f"community={north.pk}&{months_param(this_month(), this_month())}"
    page = consultant_client.get(f"{URL}?{query}").content.decode()
    month = this_month().strftime("%B %Y")
    assert '<td class="stats-suppressed">fewer than 3</td>' in page
    assert f"<title>{month}: fewer than 3</title>" in page, "the chart's bar says it too"
    assert f"<title>{month}: 3</title>" in page
    assert ">2<" not in page and ">1<" not in page
    rows = list(csv.reader(io.StringIO(consultant_client.get(f"{CSV_URL}?{query}").content.decode())))
    by_figure = {row[2]: row[4] for row in rows[1:]}
    assert by_figure["forum_posts"] == "fewer than 3"
    assert by_figure["forum_reports"] == "fewer than 3"
    assert by_figure["forum_members_posted"] == "3"
    assert by_figure["forum_handling_minutes"] == "fewer than 3", "an average of two handled reports is not shown"
    assert by_figure["forum_privacy_flags"] == "0"


def test_all_communities_adds_the_communities_up_before_suppressing(north, south, consultant_client, in_english):
    _fill(north, this_month(), forum_posts=2, forum_handled=4, forum_handling_minutes=4 * 90)
    _fill(south, this_month(), forum_posts=2)
    page = consultant_client.get(URL).content.decode()
    assert "all communities, added up" in page
    assert f"<title>{this_month():%B %Y}: 4</title>" in page
    assert f"<title>{this_month():%B %Y}: 1.5</title>" in page, "four handled in 90 minutes each: 1.5 hours"


def test_the_csv_holds_aggregate_figures_only(north, south, north_forum, consultant_client, alice):
    statistics.refresh_current_month()
    response = consultant_client.get(f"{CSV_URL}?{months_param(last_month(), this_month())}")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    for private in (alice.real_name, alice.email, alice.pseudonym, "Pine", "Spring walks", "Sundays",
                    north_forum["carl"].email, north_forum["carl"].real_name):
        assert private not in text
    rows = list(csv.reader(io.StringIO(text)))
    figures = sum(len(source.figures) for source in statistics.sources())
    # Two communities and their totals, two months, every figure; plus the header.
    assert len(rows) == 1 + 3 * 2 * figures
    assert all(len(row) == 5 for row in rows)
    assert {row[0] for row in rows[1:]} == {"Nordby", "Sørvik", "All communities"}
    assert ["Nordby", f"{this_month():%Y-%m}", "forum_posts", "Posts written", "5"] in rows


def test_a_community_name_cannot_become_a_spreadsheet_formula(consultant_client):
    CommunityFactory(name="=HYPERLINK(\"x\")", slug="formula")
    rows = list(csv.reader(io.StringIO(consultant_client.get(CSV_URL).content.decode())))
    assert all(not row[0].startswith("=") for row in rows)


# --- Bad input ---------------------------------------------------------------------------------------------
BAD_FILTERS = [
    ("community=999999", "Please choose one of the communities in the list."),
    ("community=99999999999999999999999", "Please choose one of the communities in the list."),
    ("community=north", "Please choose one of the communities in the list."),
    ("start=2025-13", "Please give a month as year and month, for example 2025-03."),
    ("start=yesterday&end=" + "9" * 5000, "Please give a month as year and month, for example 2025-03."),
    ("start=2025-06&end=2025-01", "The first month comes after the last one. Please swap them."),
    ("start=2020-01&end=2025-01", "Please choose at most 36 months at a time."),
    ("end=2999-01", "That month has not begun yet."),
]


def test_bad_filters_get_a_clear_message_and_no_figures(consultant_client, in_english):
    for query, message in BAD_FILTERS:
        response = consultant_client.get(f"{URL}?{query}")
        assert response.status_code == 400, query
        page = response.content.decode()
        assert message in page and "Something needs your attention" in page, query
        assert "stats-chart" not in page
        csv_response = consultant_client.get(f"{CSV_URL}?{query}")
        assert csv_response.status_code == 400 and not csv_response["Content-Type"].startswith("text/csv"), query


def test_without_months_the_form_shows_the_last_12(consultant_client, in_english):
    page = consultant_client.get(URL).content.decode()
    first = statistics.add_months(this_month(), -11)
    assert f'value="{first:%Y-%m}"' in page and f'value="{this_month():%Y-%m}"' in page
    assert f"from {first:%B %Y} to {this_month():%B %Y}" in page


def test_count_again_now_queues_both_counts_and_says_so(consultant_client, in_english):
    response = consultant_client.post(reverse("moderation:statistics_refresh"), follow=True)
    assert "The figures are being counted again" in response.content.decode()
    assert consultant_client.get(reverse("moderation:statistics_refresh")).status_code == 405


# --- Speed -------------------------------------------------------------------------------------------------
def test_the_page_uses_the_same_queries_for_a_small_and_a_large_summary(consultant_client, django_assert_num_queries):
    def fill(communities, months):
        for community in communities:
            for month in statistics.months_between(statistics.add_months(this_month(), 1 - months), this_month()):
                _fill(community, month, forum_posts=40, forum_reports=2, cafes_held=1, messages_from_members=9)

    fill([CommunityFactory()], 2)
    url = f"{URL}?{months_param(statistics.add_months(this_month(), -23), this_month())}"
    consultant_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        consultant_client.get(url)
    fill([CommunityFactory() for _ in range(5)], 24)
    with django_assert_num_queries(len(small.captured_queries)):
        response = consultant_client.get(url)
    assert response.content.decode().count('class="stats-chart"') == sum(
        len(source.figures) for source in statistics.sources())
