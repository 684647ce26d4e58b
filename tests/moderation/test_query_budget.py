"""The queue page uses a fixed number of queries and paginates, with 30 open items or with 10,000."""

from django.db import connection
from django.db.models import Count, GeneratedField
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


def _copy_rows(model, template_pk, select_from, overrides, params):
    """INSERT ... SELECT: one copy of the template row of `model` (alias t) per row of `select_from`, with
    the columns in `overrides` (column -> SQL expression) computed per row. Every other column is the
    template's, so the copies have the shape of rows the ORM made; the database does the work in one statement.
    """
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields
               if not f.primary_key and not isinstance(f, GeneratedField)]
    unknown = set(overrides) - set(columns)
    assert not unknown, f"{table} has no columns {unknown}"
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
    sql = f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" t, {select_from} AND t.id = %(template)s'
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "template": template_pk})
        return cursor.rowcount


def _more_items_like_these(thread, authors, start, count):
    """`count` more posts, each with one open item, made by PostgreSQL from the rows _bulk_items made (the same
    mix: every kind of reason in turn, a report with its reporter on every fourth post), numbered from `start`.
    Seconds faster than building 30,000 model objects in Python for the ORM's bulk_create."""
    post = Post.objects.filter(thread=thread, number__lt=start).exclude(number=1).earliest("number")
    item = QueueItem.objects.get(post=post)
    reason = QueueReason.objects.filter(item=item, report__isnull=False).get()
    params = {
        "thread": thread.pk, "start": start, "end": start + count, "now": timezone.now(),
        "authors": [a.pk for a in authors], "communities": [a.community_id for a in authors],
        "kinds": list(KINDS), "priorities": [PRIORITY[k] for k in KINDS],
    }
    # n: the post's place in this batch, as in _bulk_items.
    n, of_batch = "(p.number - %(start)s)", "p.thread_id = %(thread)s AND p.number >= %(start)s AND p.number < %(end)s"
    made = _copy_rows(Post, post.pk, "generate_series(%(start)s, %(end)s - 1) AS g(number) WHERE TRUE", {
        "number": "g.number", "body": "'Post ' || g.number", "body_html": "'<p>Post ' || g.number || '</p>'",
        "author_id": "(%(authors)s::bigint[])[(g.number - %(start)s) %% cardinality(%(authors)s::bigint[]) + 1]",
        "created_at": "%(now)s",
    }, params)
    assert made == count
    _copy_rows(PostReport, reason.report_id, f"forum_post p WHERE {of_batch} AND {n} %% 4 = 0",
               {"post_id": "p.id", "created_at": "%(now)s"}, params)
    made = _copy_rows(QueueItem, item.pk, f"forum_post p WHERE {of_batch}", {
        "kind": f"(%(kinds)s::text[])[{n} %% 4 + 1]", "priority": f"(%(priorities)s::int[])[{n} %% 4 + 1]",
        "post_id": "p.id", "thread_id": "p.thread_id", "created_at": "%(now)s",
        "community_id": f"(%(communities)s::bigint[])[{n} %% cardinality(%(communities)s::bigint[]) + 1]",
    }, params)
    assert made == count
    made = _copy_rows(
        QueueReason, reason.pk,
        f"moderation_queueitem i JOIN forum_post p ON p.id = i.post_id "
        f"LEFT JOIN forum_postreport r ON r.post_id = p.id WHERE {of_batch}",
        {"item_id": "i.id", "kind": "i.kind", "source": "'bulk:' || p.id", "report_id": "r.id",
         "created_at": "%(now)s"}, params)
    assert made == count


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
    _more_items_like_these(alice_thread, authors, 32, 9_970)
    # The same mix as the first 30: every kind in turn, a report with its reason on every fourth post.
    assert dict(QueueItem.objects.values_list("kind").annotate(n=Count("pk"))) == {
        "crisis": 2501, "report": 2501, "privacy": 2499, "waiting": 2499}
    assert QueueReason.objects.filter(report__isnull=False).count() == PostReport.objects.count() == 2501
    # Warm again: the bulk insert takes seconds, after which a request may refresh session tracking once.
    consultant_client.get(url + "?page=2")
    with django_assert_num_queries(small):
        response = consultant_client.get(url + "?page=2")
    page = response.content.decode()
    assert page.count('<li class="mod-item') == 25
    assert "10000 items" in page and "Page 2 of 400" in page
    assert 'id="queue-badge">10000<' in page
