from io import StringIO

from django.core.management import call_command

from forum.models import Board, Post, Thread


def test_demo_data_brings_boards_and_warm_threads_once(db):
    call_command("demo_data", stdout=StringIO())
    counts = (Board.objects.count(), Thread.objects.count(), Post.objects.count())
    call_command("demo_data", stdout=StringIO())

    assert counts == (Board.objects.count(), Thread.objects.count(), Post.objects.count())
    assert counts[0] == 4 and counts[1] == 4 and counts[2] > 10
    local = Thread.objects.get(community__isnull=False)
    assert local.community.slug == "nordvik"
    assert Thread.objects.filter(is_pinned=True).count() == 1
    # Counters were kept by the services.
    for thread in Thread.objects.all():
        assert thread.post_count == thread.posts.count() and thread.reply_count == thread.post_count - 1
