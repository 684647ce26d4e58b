from io import StringIO

from django.core.management import call_command

from forum.models import (
    Board, Circle, CircleInvitation, CircleMembership, MemberProfile, Post, PostRevision, Reaction, Thread,
)
from reconnect.models import AuditEvent, Notification


def _counts():
    return {model.__name__: model.objects.count() for model in (
        Board, Thread, Post, PostRevision, Reaction, Circle, CircleMembership, CircleInvitation, MemberProfile,
        AuditEvent, Notification,
    )}


def test_demo_data_brings_boards_and_warm_threads_once(db):
    call_command("demo_data", stdout=StringIO())
    counts = _counts()
    call_command("demo_data", stdout=StringIO())

    assert _counts() == counts, "a second run adds nothing"
    assert counts["Board"] == 4 and counts["Post"] > 10
    assert Thread.objects.filter(board__isnull=False).count() == 5
    local = Thread.objects.get(community__isnull=False)
    assert local.community.slug == "nordvik"
    # Counters were kept by the services.
    for thread in Thread.objects.all():
        assert thread.post_count == thread.posts.count() and thread.reply_count == thread.post_count - 1
    for post in Post.objects.all():
        assert post.thanks_count == post.reactions.filter(kind="thanks").count()
        assert post.hug_count == post.reactions.filter(kind="hug").count()


def test_the_demo_shows_each_forum_feature_with_the_demo_people(db):
    call_command("demo_data", stdout=StringIO())

    pinned = Thread.objects.get(is_pinned=True)
    assert pinned.author.pseudonym == "Maren-consultant"
    # Support reactions on several posts, by several people.
    assert Post.objects.filter(reactions__isnull=False).distinct().count() >= 5
    assert Reaction.objects.values("user").distinct().count() >= 5
    # A circle of three with a thread only they (and the consultant) see.
    circle = Circle.objects.get()
    members = sorted(circle.memberships.values_list("user__pseudonym", flat=True))
    assert members == ["Cloudberry", "Lantern", "Snowfinch"]
    assert circle.threads.get().posts.count() == 3
    # "About me" for a few; one shows their community.
    profiles = {p.user.pseudonym: p for p in MemberProfile.objects.select_related("user")}
    assert len(profiles) >= 3 and all(p.about_me for p in profiles.values())
    assert [name for name, p in profiles.items() if p.show_community] == ["Cloudberry"]
    # A post the consultant hid, with a reason its author can read, and an edited post with its earlier version.
    hidden = Post.objects.get(hidden_at__isnull=False)
    assert hidden.hidden_reason and hidden.hidden_by.pseudonym == "Maren-consultant"
    assert hidden.author.pseudonym == "Lantern"
    edited = Post.objects.get(edited_at__isnull=False)
    assert edited.revisions.count() == 1 and edited.revisions.get().body != edited.body
