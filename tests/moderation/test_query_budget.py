"""The queue page uses a fixed number of queries and paginates, with 30 open items or with 10,000."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.models import Post, PostReport
from moderation.models import PRIORITY, QueueItem, QueueReason
from tests.factories import UserFactory
from tests.moderation.queue_fixtures import *  # noqa: F401,F403

KINDS = ("crisis", "report", "privacy", "waiting")


def _bulk_items(thread, authors, start, count, reporter):
    """`count` posts with one open item each (reasons of every kind, a report with its reporter), in bulk."""
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(thread=thread, author=authors[n % len(authors)], number=start + n, body=f"Post {start + n}",
             body_html=f"<p>Post {start + n}</p>", created_at=now) for n in range(count))
    reports = {p.pk: r for p, r in zip(posts[::4], PostReport.objects.bulk_create(
        PostReport(post=p, reporter=reporter, reason="hurtful", note="note") for p in posts[::4]))}
    items = QueueItem.objects.bulk_create(
        QueueItem(kind=KINDS[n % 4], priority=PRIORITY[KINDS[n % 4]], post=p, thread=thread,
                  community=authors[n % len(authors)].community, created_at=now)
        for n, p in enumerate(posts))
    QueueReason.objects.bulk_create(
        QueueReason(item=item, kind=item.kind, source=f"bulk:{item.post_id}", report=reports.get(item.post_id))
        for item in items)


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_the_queue_uses_the_same_queries_for_30_and_10000_open_items(consultant_client, alice_thread, north, south,
                                                                      bob, django_assert_num_queries):
    authors = [UserFactory(community=north if n % 2 else south) for n in range(6)]
    _bulk_items(alice_thread, authors, 2, 30, bob)
    url = reverse("moderation:queue")
    small, page = _count(consultant_client, url)
    assert page.count('<li class="mod-item') == 25
    _bulk_items(alice_thread, authors, 32, 9_970, bob)
    # Warm again: the bulk insert takes seconds, after which a request may refresh session tracking once.
    consultant_client.get(url + "?page=2")
    with django_assert_num_queries(small):
        response = consultant_client.get(url + "?page=2")
    page = response.content.decode()
    assert page.count('<li class="mod-item') == 25
    assert "10000 items" in page and "Page 2 of 400" in page
    assert 'id="queue-badge">10000<' in page
