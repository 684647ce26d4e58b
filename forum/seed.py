"""The forum's part of `manage.py seed`: boards, threads, posts, support reactions and the authors' follows.

Threads and posts go in with COPY and ids reserved up front; every counter forum.services keeps on write (a
thread's post and reply counts and last post, a board's counts in total and per community, a post's reaction
counts) is then computed in SQL from the rows. A thread local to a community gets replies only from that
community's members (and the consultant), as in the portal. Bodies come from a pool of texts, each rendered
to HTML once.
"""

from datetime import timedelta

from forum.markdown import render_markdown
from forum.models import Board, Post, PostFlag, PostReport, Reaction, Thread
from reconnect.seeding import copy_rows, reserve_ids, run_sql

BOARD_NAMES = [
    ("Hverdagen", "Everyday life"), ("Bedringshistorier", "Recovery stories"), ("Kafékroken", "Café corner"),
    ("Øvelser fra likepersonen", "Exercises from the consultant"), ("Søvn og hvile", "Sleep and rest"),
    ("Arbeid og aktivitet", "Work and activity"), ("Familie og venner", "Family and friends"),
    ("Kropp og helse", "Body and health"), ("Kreative hjørnet", "The creative corner"),
    ("Natur og turer", "Nature and walks"), ("Medisiner og behandling", "Medication and treatment"),
    ("Småprat", "Small talk"),
]
TITLE_OPENERS = [
    "Small things that help with", "Does anyone else struggle with", "A good day with", "Tips for",
    "How do you cope with", "Finally managed", "Thinking about", "A question about", "Hva hjelper mot",
    "Noen som kjenner seg igjen i", "En god dag med", "Tips til",
]
TITLE_TOPICS = [
    "grey mornings", "sleep", "the first café", "walks by the sea", "phone calls", "the bus", "cooking again",
    "winter darkness", "new medication", "work training", "my family", "being alone", "music", "the library",
    "anxiety before appointments", "small steps", "a garden", "writing things down", "the dog", "coffee with a friend",
]
SENTENCES = [
    "Thank you for sharing this.", "I know that feeling well.", "A short walk helped me today.",
    "I wrote down three things I managed, and it made a difference.", "Some days are heavier than others.",
    "The café on Thursday was good, more people came than I thought.", "I slept better after I stopped the late coffee.",
    "Small steps, written down, that is what works for me.", "It is okay to take a break from everything.",
    "Music in the morning gets me out of bed.", "Takk for at du deler dette.", "Jeg kjenner meg igjen.",
    "En kort tur hjalp meg i dag.", "Noen dager er tyngre enn andre.", "Kaffe i sola gjorde underverker.",
    "Jeg prøver å ta én ting av gangen.", "**Well done!** That is a real step.", "Hang in there, it passes.",
    "I tried the breathing exercise from the toolbox: *four in, six out*.", "Looking forward to seeing you all.",
]
KINDS = ["thanks", "hug", "me_too"]


def _bodies(rng, count):
    """A pool of distinct post texts (one to four sentences) with their HTML, rendered once each."""
    seen, pool = set(), []
    while len(pool) < count:
        body = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
        if rng.random() < 0.2:
            body += "\n\n- " + "\n- ".join(rng.sample(SENTENCES, 2))
        if body in seen and len(seen) < 5_000:
            continue
        seen.add(body)
        pool.append((body, render_markdown(body)))
    return pool


def seed(ctx):
    rng, scale, now = ctx.rng, ctx.scale, ctx.now
    boards = Board.objects.bulk_create([
        Board(slug=f"seed-{i + 1}", name_nb=nb, name_en=en, description_nb=f"Om {nb.lower()}.",
              description_en=f"About {en.lower()}.", position=(i + 1) * 10)
        for i, (nb, en) in enumerate(BOARD_NAMES[:scale.boards])
    ])
    board_ids = [b.pk for b in boards]
    members_by_community = {}
    for user_id, community_id in ctx.service_users:
        members_by_community.setdefault(community_id, []).append(user_id)
    everyone = [user_id for user_id, _c in ctx.service_users]
    community_of = dict(ctx.service_users)
    consultants = ctx.consultant_ids or everyone

    # How many posts each thread gets: one each, and the rest skewed towards a few long threads.
    counts = [1] * scale.threads
    for _ in range(scale.posts - scale.threads):
        counts[int(scale.threads * rng.random() ** 2)] += 1

    first_thread = reserve_ids(Thread, scale.threads)
    first_post = reserve_ids(Post, scale.posts)
    bodies = _bodies(rng, min(500, max(scale.posts // 4, 20)))
    span = timedelta(days=730).total_seconds()

    threads, posts, reactions = [], [], []
    post_id = first_post
    for t in range(scale.threads):
        thread_id = first_thread + t
        by_consultant = rng.random() < 0.05
        author = rng.choice(consultants) if by_consultant else rng.choice(everyone)
        community = community_of[author] if not by_consultant and rng.random() < 0.2 else None
        writers = members_by_community[community] if community else everyone
        title = f"{rng.choice(TITLE_OPENERS)} {rng.choice(TITLE_TOPICS)}"
        started = now - timedelta(seconds=rng.random() * span)
        threads.append((thread_id, board_ids[int(len(board_ids) * rng.random() ** 1.5)], None, title, author,
                        community, started, False, False, 0, 0, None, started, rng.randrange(200)))
        at = started
        for number in range(1, counts[t] + 1):
            writer = author if number == 1 else (rng.choice(consultants) if rng.random() < 0.08
                                                 else rng.choice(writers))
            body, html = bodies[rng.randrange(len(bodies))]
            posts.append((post_id, thread_id, writer, number, body, html, min(at, now), None, None, None, "", None,
                          0, 0, 0, title if number == 1 else ""))
            if rng.random() < scale.reacted_share:
                given = {(rng.choice(writers), rng.choice(KINDS)) for _ in range(rng.randint(1, 3))}
                reactions.extend((post_id, user, kind, min(at, now)) for user, kind in sorted(given) if user != writer)
            at += timedelta(minutes=rng.randint(5, 600))
            post_id += 1

    bar = ctx.progress("forum threads", len(threads))
    copy_rows(Thread, ["id", "board_id", "circle_id", "title", "author_id", "community_id", "created_at",
                       "is_pinned", "is_locked", "post_count", "reply_count", "last_post_id", "last_post_at",
                       "view_count"], threads, progress=bar)
    bar.close()
    bar = ctx.progress("forum posts", len(posts))
    copy_rows(Post, ["id", "thread_id", "author_id", "number", "body", "body_html", "created_at", "edited_at",
                     "deleted_by_author_at", "hidden_at", "hidden_reason", "hidden_by_id", "thanks_count",
                     "hug_count", "me_too_count", "thread_title"], posts, progress=bar)
    bar.close()
    # A few posts wait in the consultant's moderation queue: reported by a reader, or flagged by the writing checks.
    reports, flags = [], []
    for row in rng.sample(posts, max(len(posts) // 500, 2)):
        reports.append((row[0], rng.choice(everyone), rng.choice(["hurtful", "private_details", "worried", "other"]),
                        "", row[6], None))
    for row in rng.sample(posts, max(len(posts) // 1000, 1)):
        flags.append((row[0], rng.choice(["crisis", "privacy"]), row[6], None))

    bar = ctx.progress("forum reactions", len(reactions))
    copy_rows(Reaction, ["post_id", "user_id", "kind", "created_at"], reactions, progress=bar)
    bar.close()
    copy_rows(PostReport, ["post_id", "reporter_id", "reason", "note", "created_at", "handled_at"],
              [r for r in reports if r[1] != posts[r[0] - first_post][2]])
    copy_rows(PostFlag, ["post_id", "kind", "created_at", "handled_at"], flags)
    _count(first_thread, first_thread + scale.threads - 1, first_post, post_id - 1)


def _count(first_thread, last_thread, first_post, last_post):
    """The counters forum.services keeps on write, computed once from the rows just written."""
    run_sql("""
        UPDATE forum_thread t SET post_count = s.n, reply_count = s.n - 1, last_post_id = s.last_id,
               last_post_at = s.last_at
          FROM (SELECT DISTINCT ON (thread_id) thread_id, number AS n, id AS last_id, created_at AS last_at
                  FROM forum_post WHERE thread_id BETWEEN %s AND %s ORDER BY thread_id, number DESC) s
         WHERE t.id = s.thread_id
    """, [first_thread, last_thread])
    run_sql("""
        UPDATE forum_post p SET thanks_count = s.thanks, hug_count = s.hug, me_too_count = s.me_too
          FROM (SELECT post_id, count(*) FILTER (WHERE kind = 'thanks') AS thanks,
                       count(*) FILTER (WHERE kind = 'hug') AS hug, count(*) FILTER (WHERE kind = 'me_too') AS me_too
                  FROM forum_reaction WHERE post_id BETWEEN %s AND %s GROUP BY post_id) s
         WHERE p.id = s.post_id
    """, [first_post, last_post])
    # Every board's counters from all its threads (seeded or not), in total and per part of its readers.
    run_sql("""
        UPDATE forum_board b SET thread_count = coalesce(s.threads, 0), post_count = coalesce(s.posts, 0),
               last_post_at = s.last_at
          FROM forum_board b2 LEFT JOIN (
                SELECT board_id, count(*) AS threads, sum(post_count) AS posts, max(last_post_at) AS last_at
                  FROM forum_thread WHERE board_id IS NOT NULL GROUP BY board_id) s ON s.board_id = b2.id
         WHERE b.id = b2.id
    """)
    run_sql("""
        INSERT INTO forum_boardcount (board_id, community_id, thread_count, post_count, last_post_at)
        SELECT board_id, community_id, count(*), sum(post_count), max(last_post_at)
          FROM forum_thread WHERE board_id IS NOT NULL GROUP BY board_id, community_id
        ON CONFLICT (board_id, community_id) DO UPDATE
           SET thread_count = EXCLUDED.thread_count, post_count = EXCLUDED.post_count,
               last_post_at = EXCLUDED.last_post_at
    """)
    # Authors follow their own threads, as forum.services does when a thread starts.
    run_sql("""
        INSERT INTO forum_subscription (user_id, thread_id, created_at)
        SELECT author_id, id, created_at FROM forum_thread WHERE id BETWEEN %s AND %s AND author_id IS NOT NULL
        ON CONFLICT DO NOTHING
    """, [first_thread, last_thread])
    run_sql("ANALYZE forum_thread; ANALYZE forum_post; ANALYZE forum_reaction")
