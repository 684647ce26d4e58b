"""Reading support reactions for a page of posts: one query for all of them, and what each post shows.

Writing (adding and taking back) is forum.services.toggle_reaction. Counts come from the counters on Post,
kept on write; the prefetched rows give the pseudonyms for "who reacted" and whether the reader's own
reaction is among them, so a page of posts costs one query for its reactions, however many there are.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects

from forum.models import Reaction

# Where the prefetched reactions of a post are kept (a list, oldest first).
PREFETCH_ATTR = "reaction_list"


def reaction_prefetch():
    """A Prefetch for Post querysets: each post's reactions with only the reactor's id and pseudonym."""
    return Prefetch(
        "reactions",
        queryset=Reaction.objects.select_related("user").only("post_id", "kind", "user_id", "user__pseudonym")
        .order_by("created_at", "pk"),
        to_attr=PREFETCH_ATTR,
    )


def prefetch_reactions(posts):
    """Fetch the reactions of `posts` (model instances) in one query, for a partial rendered on its own."""
    prefetch_related_objects(list(posts), reaction_prefetch())


@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int
    mine: bool = False
    # Pseudonyms only, never a real name: this list is shown to every reader of the thread.
    pseudonyms: list = field(default_factory=list)


def summarise(post, user):
    """One ReactionSummary per kind (thank you, hug, me too) for `post`, as `user` sees it."""
    if not hasattr(post, PREFETCH_ATTR):
        # A page that forgot the prefetch still shows the truth, at one query per post.
        prefetch_reactions([post])
    rows = getattr(post, PREFETCH_ATTR)
    summaries = []
    for kind, label in Reaction.Kind.choices:
        of_kind = [r for r in rows if r.kind == kind]
        summaries.append(ReactionSummary(
            kind=kind,
            label=str(label),
            count=getattr(post, Reaction.COUNTER_FIELDS[kind]),
            mine=any(r.user_id == user.pk for r in of_kind),
            pseudonyms=[r.user.pseudonym for r in of_kind],
        ))
    return summaries
