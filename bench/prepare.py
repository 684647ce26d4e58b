"""Sign in the people the load comes from, write wrk's target files, and count each page's SQL queries.

Run by bench/runner.py as `python -m bench.prepare OUTDIR` with the server's own environment (the seeded
database). People are signed in by writing their sessions directly, past the second factor (a confirmed
authenticator's id in the session, as tests/conftest.py's signed_in_client does); they accepted the terms
when they were seeded. Every page is opened once here with Django's test client: it must answer 200 (a POST:
a redirect that is not the sign-in page), and the second opening's SQL queries are counted.
"""

import json
import sys
import uuid
from pathlib import Path
from urllib.parse import urlencode

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F, Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench.targets import targets_text  # noqa: E402
from cafes.models import Cafe  # noqa: E402
from forum.models import Board, Post, Thread  # noqa: E402
from messaging.models import Conversation  # noqa: E402
from reconnect.models import Role, User  # noqa: E402
from reconnect.seeding import SEED_EMAIL_DOMAIN  # noqa: E402
from toolbox.models import Module, Share  # noqa: E402

PEOPLE = 48  # service users the load comes from
PROVIDERS = 16
CSRF_SECRET = "benchbenchbenchbenchbenchbench12"  # 32 characters: Django compares a bare secret with the cookie
SEARCH_WORDS = ["walk", "sleep", "kaffe", "café", "music", "steps"]
REPLY_TEXT = "Thank you for writing this. A short walk helped me today too, and the café was good."
MESSAGE_TEXT = "Thank you, that time works for me. See you on Thursday."


class PageError(Exception):
    pass


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"


def form(**fields) -> str:
    return urlencode({**fields, "csrfmiddlewaretoken": CSRF_SECRET}).replace("%7Buuid%7D", "{uuid}")


def build_pages(*, people=PEOPLE, providers=PROVIDERS):
    """(name, label, role, [(method, path, cookie, body)]) for every page of the issue that exists, the load
    coming from `people` service users and up to `providers` providers (fewer in the tests: each is signed in)."""
    seeded = User.objects.filter(email__endswith="@" + SEED_EMAIL_DOMAIN)
    conversations = dict(
        Conversation.objects.values_list("service_user_id").annotate(last=Max("id")).values_list("service_user_id",
                                                                                                  "last")
    )
    users = list(seeded.filter(role=Role.SERVICE_USER, pk__in=conversations).order_by("pk")[:people])
    if not users:
        raise PageError("The database holds no seeded service users: run the seed first.")
    cookies = {user.pk: session_cookie(user) for user in users}

    board = Board.objects.order_by("-thread_count").first()
    long_threads = list(Thread.objects.filter(board__isnull=False, community__isnull=True, is_locked=False,
                                              post_count__gte=20).order_by("-post_count", "pk")[:16])
    if not long_threads:
        raise PageError("No thread has 20 posts: seed a bigger scale.")
    now = timezone.now()
    next_cafe = {}
    for cafe in Cafe.objects.filter(starts_at__gt=now, status="planned").order_by("starts_at"):
        next_cafe.setdefault(cafe.community_id, cafe.pk)

    def each(path_for, method="GET", body_for=None):
        rows = []
        for i, user in enumerate(users):
            path = path_for(i, user)
            if path:
                rows.append((method, path, cookies[user.pk], body_for(i, user) if body_for else ""))
        return rows

    pages = [
        ("hello", "bare Django (ceiling)", "anonymous", [("GET", "/bench/hello/", "", "")]),
        ("home", "home", "service user", each(lambda i, u: "/")),
        ("board_list", "board list", "service user", each(lambda i, u: reverse("forum:index"))),
        ("board", "a board's threads", "service user", each(lambda i, u: reverse("forum:board", args=[board.slug]))),
        ("thread", "thread, 20 posts", "service user",
         each(lambda i, u: reverse("forum:thread", args=[long_threads[i % len(long_threads)].pk]))),
        ("search", "search", "service user",
         each(lambda i, u: reverse("forum:search") + "?" + urlencode({"q": SEARCH_WORDS[i % len(SEARCH_WORDS)]}))),
        ("inbox", "inbox", "service user", each(lambda i, u: reverse("messaging:inbox"))),
        ("conversation", "a conversation", "service user",
         each(lambda i, u: reverse("messaging:conversation", args=[conversations[u.pk]]))),
        ("crisis_plan", "crisis plan", "service user", each(lambda i, u: reverse("toolbox:crisis_plan"))),
        ("network_map", "network map", "service user", each(lambda i, u: reverse("toolbox:network"))),
        ("medication", "medication overview", "service user", each(lambda i, u: reverse("toolbox:medication"))),
        ("exercises", "exercises", "service user", each(lambda i, u: reverse("toolbox:exercises"))),
    ]

    shares = list(Share.objects.filter(module=Module.CRISIS_PLAN, provider__email__endswith="@" + SEED_EMAIL_DOMAIN,
                                       provider__care_links_as_provider__service_user=F("owner"),
                                       provider__care_links_as_provider__ended_at__isnull=True)
                  .order_by("provider_id", "owner_id").distinct("provider_id")[:providers])
    provider_rows = [("GET", reverse("toolbox:shared_crisis_plan", args=[share.owner_id]), session_cookie(share.provider),
                      "") for share in shares]
    pages.append(("provider_view", "provider views a user's plan", "provider", provider_rows))
    pages += [
        ("cafe_list", "café list", "service user", each(lambda i, u: reverse("cafes:index"))),
        ("cafe", "a café", "service user",
         each(lambda i, u: next_cafe.get(u.community_id) and reverse("cafes:detail", args=[next_cafe[u.community_id]]))),
    ]
    try:
        queue = reverse("moderation:queue")
    except NoReverseMatch:
        queue = None
    if queue:
        consultants = list(seeded.filter(role=Role.CONSULTANT).order_by("pk"))
        consultant_cookies = [session_cookie(c) for c in consultants]
        pages.append(("moderation_queue", "moderation queue", "consultant",
                      [("GET", queue, cookie, "") for cookie in consultant_cookies]))
        # One open item after another, as the consultant goes down the queue (the seed fills it: moderation/seed.py).
        from moderation.models import OPEN_STATES, QueueItem

        items = list(QueueItem.objects.filter(state__in=OPEN_STATES).order_by("priority", "created_at", "pk")
                     .values_list("pk", flat=True)[:people]) if consultant_cookies else []
        pages += [
            ("statistics", "statistics (12 months)", "consultant",
             [("GET", reverse("moderation:statistics"), cookie, "") for cookie in consultant_cookies]),
            ("queue_item", "a queue item", "consultant",
             [("GET", reverse("moderation:item", args=[pk]), consultant_cookies[i % len(consultant_cookies)], "")
              for i, pk in enumerate(items)]),
        ]
    pages += [
        ("reply_post", "POST a reply", "service user",
         each(lambda i, u: reverse("forum:reply", args=[long_threads[i % len(long_threads)].pk]), "POST",
              lambda i, u: form(body=REPLY_TEXT, submit_token="{uuid}"))),
        ("message_post", "POST a message", "service user",
         each(lambda i, u: reverse("messaging:reply", args=[conversations[u.pk]]), "POST",
              lambda i, u: form(body=MESSAGE_TEXT, submit_token="{uuid}"))),
    ]
    return pages


def count_queries(name, method, path, cookie, body) -> int:
    """Open the page twice as its person; check the answer; the second opening's queries (caches warm)."""
    client = Client()
    for part in cookie.split("; "):
        if part:
            key, value = part.split("=", 1)
            client.cookies[key] = value
    for _attempt in range(2):
        with CaptureQueriesContext(connection) as queries:
            if method == "POST":
                data = body.replace("{uuid}", str(uuid.uuid4()))
                response = client.post(path, data, content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path)
        if method == "GET" and response.status_code != 200:
            raise PageError(f"{name}: {path} answered {response.status_code} {response.get('Location', '')}")
        if method == "POST" and (response.status_code != 302 or "login" in response.get("Location", "")):
            raise PageError(f"{name}: POST {path} answered {response.status_code} {response.get('Location', '')}")
    return len(queries)


def ws_plan(*, connections=500, messages=200) -> dict:
    """For bench/wsbench.py: conversations (up to `connections`), each with both people's sessions signed in.

    The provider of a conversation sends; the service user's sockets receive. Only conversations the provider
    can open now (an active care link) are taken, so every message is a real send through the form.
    """
    from messaging.access import conversations_visible_to
    from messaging.models import Participant

    cookies = {}

    def cookie_of(user):
        if user.pk not in cookies:
            cookies[user.pk] = session_cookie(user)
        return cookies[user.pk]

    pairs = []
    seeded_conversations = (Conversation.objects.filter(service_user__email__endswith="@" + SEED_EMAIL_DOMAIN)
                            .select_related("service_user").order_by("pk"))
    for conversation in seeded_conversations.iterator():
        if len(pairs) >= connections:
            break
        other = (Participant.objects.filter(conversation=conversation, user__role=Role.PROVIDER)
                 .select_related("user").first())
        if other is None or not conversations_visible_to(other.user).filter(pk=conversation.pk).exists():
            continue
        pairs.append({
            "conversation": conversation.pk, "after": conversation.message_count,
            "post_path": reverse("messaging:reply", args=[conversation.pk]),
            "sender_cookie": cookie_of(other.user), "recipient_cookie": cookie_of(conversation.service_user),
        })
    return {"connections": connections, "messages": messages, "csrf": CSRF_SECRET, "text": MESSAGE_TEXT,
            "pairs": pairs}


def peer_shape(*, bodies=500) -> dict:
    """The seeded forum's shape for the peer forums (bench/peers/seed.py): boards, every thread's board, title
    and number of posts, a pool of post texts, and how many service users write."""
    boards = list(Board.objects.filter(threads__isnull=False).distinct().order_by("position", "pk"))
    index = {board.pk: i for i, board in enumerate(boards)}
    threads = [[index[board_id], title, count] for board_id, title, count in
               Thread.objects.filter(board__isnull=False).order_by("pk").values_list("board_id", "title",
                                                                                      "post_count")]
    texts = list(dict.fromkeys(Post.objects.order_by("pk").values_list("body", flat=True)[:bodies * 10]))[:bodies]
    people = User.objects.filter(email__endswith="@" + SEED_EMAIL_DOMAIN, role=Role.SERVICE_USER).count()
    return {"boards": [board.name_en for board in boards], "threads": threads, "bodies": texts, "people": people}


def data_size() -> dict:
    return {
        "people": User.objects.count(), "threads": Thread.objects.count(), "posts": Post.objects.count(),
        "messages": connection.cursor().execute("SELECT count(*) FROM messaging_message").fetchone()[0],
        "cafés": Cafe.objects.count(),
    }


def main(outdir):
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pages, skipped = [], []
    for name, label, role, targets in build_pages():
        if not targets:
            print(f"  {name}: no data for this page, skipped", file=sys.stderr)
            continue
        path = outdir / f"targets-{name}.tsv"
        path.write_text(targets_text(targets))
        # The hello view is not in the portal's URLs (bench/asgi.py answers it): it makes no query at all.
        try:
            queries = 0 if name == "hello" else count_queries(name, *targets[0])
        except Exception as exc:  # noqa: BLE001 - a broken page is reported and skipped, the others still run
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            print(f"  {name}: SKIPPED, {reason}", file=sys.stderr)
            skipped.append({"name": name, "label": label, "reason": reason})
            continue
        pages.append({"name": name, "label": label, "role": role, "targets": str(path), "queries": queries,
                      "first": {"method": targets[0][0], "path": targets[0][1], "cookie": targets[0][2]}})
        print(f"  {name:<18} {len(targets):>3} people, {queries:>3} SQL queries", file=sys.stderr)
    (outdir / "pages.json").write_text(json.dumps({"pages": pages, "skipped": skipped, "data": data_size()}, indent=1))
    (outdir / "ws-plan.json").write_text(json.dumps(ws_plan()))
    (outdir / "peer-shape.json").write_text(json.dumps(peer_shape()))


if __name__ == "__main__":
    main(sys.argv[1])
