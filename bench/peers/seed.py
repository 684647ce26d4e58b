"""Fill a peer forum's own database with the portal's forum, in the peer's own models, fast.

Run inside the peer's virtual environment by bench/peers.py:

    python -m bench.peers.seed machina|spirit SHAPE.json OUT.json

SHAPE.json is the portal's seeded forum as bench/peers.py read it from the portal's benchmark database: the
boards, for every thread its board, title and number of posts, a pool of post texts, and how many people. The
peer gets the same number of threads, each with the same number of posts, on the same number of boards, with
the same texts (each rendered once by the peer's own Markdown), written with bulk_create in batches; the
counters each forum keeps on write are then set in SQL. OUT.json tells the runner what to load: the paths of
the 16 longest threads (at least 20 posts: a full page), the biggest board, and session cookies of signed-in
members (their sessions written directly, as the portal's are for the benchmark).

Only Django and the peer's own packages are imported here: this runs with the peer's Django, not the portal's.
"""

import json
import os
import sys
from datetime import datetime, timedelta, timezone

import django

BATCH = 5_000
LONG_THREADS = 16
SIGNED_IN = 16


def log(text):
    print(text, file=sys.stderr, flush=True)


def session_cookies(users):
    from django.conf import settings
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}")
    return cookies


def in_batches(model, objects):
    made = []
    for start in range(0, len(objects), BATCH):
        made += model.objects.bulk_create(objects[start:start + BATCH])
    return made


def times(shape):
    """A start time per thread and a minute-spaced time per post, the same for every peer."""
    now = datetime.now(timezone.utc)
    return now - timedelta(minutes=sum(t[2] for t in shape["threads"]) + 10)


def seed_machina(shape):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils.text import slugify
    from machina.apps.forum.models import Forum
    from machina.apps.forum_conversation.models import Post, Topic
    from machina.apps.forum_member.models import ForumProfile
    from machina.models.fields import render_func

    User = get_user_model()
    users = in_batches(User, [User(username=f"member{i}", email=f"member{i}@peer.invalid")
                              for i in range(shape["people"])])
    in_batches(ForumProfile, [ForumProfile(user=u) for u in users])
    forums = [Forum.objects.create(name=name, type=Forum.FORUM_POST) for name in shape["boards"]]
    rendered = [render_func(body) for body in shape["bodies"]]
    at = times(shape)
    topics = []
    for i, (board, title, _count) in enumerate(shape["threads"]):
        topics.append(Topic(forum=forums[board], poster=users[i % len(users)], subject=title,
                            slug=slugify(title) or "topic", type=Topic.TOPIC_POST, status=Topic.TOPIC_UNLOCKED,
                            approved=True, created=at, updated=at, last_post_on=at))
    topics = in_batches(Topic, topics)
    log(f"  machina: {len(topics):,} topics")
    posts, k = [], 0
    for topic, (_board, title, count) in zip(topics, shape["threads"]):
        for n in range(count):
            b = k % len(rendered)
            at += timedelta(minutes=1)
            posts.append(Post(topic=topic, poster=users[(k * 7 + n) % len(users)], subject=title,
                              content=shape["bodies"][b], _content_rendered=rendered[b], approved=True,
                              created=at, updated=at))
            k += 1
        if len(posts) >= BATCH:
            Post.objects.bulk_create(posts)
            posts = []
    Post.objects.bulk_create(posts)
    log(f"  machina: {k:,} posts")
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE forum_conversation_topic t SET posts_count = s.n, first_post_id = s.first_id,
                   last_post_id = s.last_id, last_post_on = s.last_at
              FROM (SELECT topic_id, count(*) AS n, min(id) AS first_id, max(id) AS last_id, max(created) AS last_at
                      FROM forum_conversation_post GROUP BY topic_id) s
             WHERE t.id = s.topic_id""")
        cursor.execute("""
            UPDATE forum_forum f SET direct_topics_count = s.topics, direct_posts_count = s.posts,
                   last_post_id = s.last_id, last_post_on = s.last_at
              FROM (SELECT forum_id, count(*) AS topics, sum(posts_count) AS posts, max(last_post_id) AS last_id,
                           max(last_post_on) AS last_at FROM forum_conversation_topic GROUP BY forum_id) s
             WHERE f.id = s.forum_id""")
        cursor.execute("""
            UPDATE forum_member_forumprofile p SET posts_count = s.n
              FROM (SELECT poster_id, count(*) AS n FROM forum_conversation_post GROUP BY poster_id) s
             WHERE p.user_id = s.poster_id""")
        cursor.execute("ANALYZE")
    long_topics = (Topic.objects.filter(posts_count__gte=20).select_related("forum")
                   .order_by("-posts_count", "pk")[:LONG_THREADS])
    biggest = Forum.objects.order_by("-direct_topics_count").first()
    return {
        "thread_paths": [f"/forum/forum/{t.forum.slug}-{t.forum.pk}/topic/{t.slug}-{t.pk}/" for t in long_topics],
        "board_path": f"/forum/forum/{biggest.slug}-{biggest.pk}/",
        "cookies": session_cookies(users[:SIGNED_IN]),
    }


def seed_spirit(shape):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from djconfig.models import Config
    from spirit.category.models import Category
    from spirit.comment.models import Comment
    from spirit.core.utils.markdown import Markdown
    from spirit.topic.models import Topic
    from spirit.user.models import UserProfile

    User = get_user_model()
    users = in_batches(User, [User(username=f"member{i}", email=f"member{i}@peer.invalid")
                              for i in range(shape["people"])])
    in_batches(UserProfile, [UserProfile(user=u, nickname=u.username, is_verified=True) for u in users])
    categories = [Category.objects.create(title=name[:75]) for name in shape["boards"]]
    # The portal's board page shows 25 threads; Spirit keeps its page sizes in djconfig's table.
    Config.objects.update_or_create(key="topics_per_page", defaults={"value": "25"})
    Config.objects.update_or_create(key="comments_per_page", defaults={"value": "20"})
    rendered = [Markdown().render(body) for body in shape["bodies"]]
    at = times(shape)
    topics = in_batches(Topic, [
        Topic(category=categories[board], user=users[i % len(users)], title=title, date=at, last_active=at)
        for i, (board, title, _count) in enumerate(shape["threads"])
    ])
    log(f"  spirit: {len(topics):,} topics")
    comments, k = [], 0
    for topic, (_board, _title, count) in zip(topics, shape["threads"]):
        for n in range(count):
            b = k % len(rendered)
            at += timedelta(minutes=1)
            comments.append(Comment(topic=topic, user=users[(k * 7 + n) % len(users)], comment=shape["bodies"][b],
                                    comment_html=rendered[b], date=at))
            k += 1
        if len(comments) >= BATCH:
            Comment.objects.bulk_create(comments)
            comments = []
    Comment.objects.bulk_create(comments)
    log(f"  spirit: {k:,} comments")
    with connection.cursor() as cursor:
        # Spirit counts every comment, the topic's first one too (spirit.comment.utils.comment_posted).
        cursor.execute("""
            UPDATE spirit_topic_topic t SET comment_count = s.n, last_active = s.last_at
              FROM (SELECT topic_id, count(*) AS n, max(date) AS last_at FROM spirit_comment_comment
                     GROUP BY topic_id) s
             WHERE t.id = s.topic_id""")
        cursor.execute("""
            UPDATE spirit_user_userprofile p SET comment_count = s.n
              FROM (SELECT user_id, count(*) AS n FROM spirit_comment_comment GROUP BY user_id) s
             WHERE p.user_id = s.user_id""")
        cursor.execute("ANALYZE")
    long_topics = Topic.objects.filter(comment_count__gte=20).order_by("-comment_count", "pk")[:LONG_THREADS]
    biggest = max(categories, key=lambda c: Topic.objects.filter(category=c).count())
    return {
        "thread_paths": [t.get_absolute_url() for t in long_topics],
        "board_path": biggest.get_absolute_url(),
        "cookies": session_cookies(users[:SIGNED_IN]),
    }


def main(name, shape_path, out_path):
    django.setup()
    shape = json.loads(open(shape_path).read())
    result = {"machina": seed_machina, "spirit": seed_spirit}[name](shape)
    result["threads"] = len(shape["threads"])
    result["posts"] = sum(t[2] for t in shape["threads"])
    with open(out_path, "w") as out:
        json.dump(result, out, indent=1)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"bench.peers.{sys.argv[1]}.settings")
    main(*sys.argv[1:4])
