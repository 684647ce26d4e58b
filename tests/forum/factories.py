"""Forum data for tests. Threads and posts go through forum.services so the counters are as in real use."""

import factory

from forum.models import Board


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"board-{n}")
    name_nb = factory.Sequence(lambda n: f"Tavle {n}")
    name_en = factory.Sequence(lambda n: f"Board {n}")
    description_nb = "Om hverdagen"
    description_en = "About everyday life"
    position = factory.Sequence(lambda n: n)


def make_thread(*, author, board, title="A thread", body="The first post.", community=None):
    from forum.services import start_thread

    return start_thread(board=board, author=author, title=title, body=body, community=community)


def make_reply(*, thread, author, body="A reply."):
    from forum.services import post_reply

    return post_reply(thread=thread, author=author, body=body)
