"""Full-text search of the forum: which posts match a person's words, in what order, with what snippet.

PostgreSQL does the work. Post.search_vector and Thread.search_vector are stored generated columns (the text
in the Norwegian and the English configuration), GIN-indexed, so the filters below name those columns
directly and the indexes can be used; nothing here recomputes to_tsvector.

- The words are read as web search syntax (`"exact phrase"`, `or`, `-leave out`) in both configurations, and
  a post matches when either reading matches.
- A result is a post. A thread is found by its title through its first post, so one list serves both "the
  thread called ..." and "the post that said ...". A first post's vector holds its thread's title too, so
  words split between title and text find it. Title matches weigh more than words in the text.
- What a person may find: posts whose text they may read (`access.posts_visible_to`: threads they may see,
  never deleted posts, hidden posts only for their author and the consultant), and threads they may see by
  their title alone, even when the first post was deleted by its author or hidden (then without its text).
"""

import hashlib
import json
import re

from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Lookup, Q, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum import access
from forum.models import Post, Thread

QUERY_MAX = 200
RESULTS_PER_PAGE = 20
# Only the newest matches are ranked: a common word is in a good share of a national forum's two million posts,
# and ranking all of them would take seconds. A search that reaches this says so and asks for another word.
NEWEST_MATCHES = 1000
# How long the choice between walking the posts and collecting matches from the index is kept, per search text.
ORDER_ESTIMATE_SECONDS = 600
CONFIGS = ("norwegian", "english")
# A title match outweighs any number of words in a post's text (ts_rank stays well below 1 for one text).
TITLE_WEIGHT = 10.0

# ts_headline marks the matched words with these; they are taken out of the text first, so every one in the
# headline is ours. Characters from Unicode's private use area: no keyboard types them.
_START, _STOP = "\ue000", "\ue001"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the forum"), required=False, strip=True,
        # No maxlength attribute: the browser would silently cut the words; the page says what is too long.
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"null_characters_not_allowed": _("Your search has a character that cannot be searched for. "
                                                         "Please type the words again.")},
    )

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        if len(q) > QUERY_MAX:
            raise forms.ValidationError(
                _("Your search is %(length)s characters long. Please use at most %(max)s characters: a few "
                  "words that matter are enough."), params={"length": len(q), "max": QUERY_MAX},
            )
        return q


def search_query(q):
    """The person's words as web search syntax, in the Norwegian and the English reading."""
    norwegian, english = (SearchQuery(q, config=config, search_type="websearch") for config in CONFIGS)
    return norwegian | english


def _norwegian_or(q):
    """ "kaffe eller te" means what "kaffe or te" means to web search syntax; inside "quotes" it stays a word."""
    parts = q.split('"')
    for i in range(0, len(parts), 2):  # the parts outside quotes; a part after a quote follows a phrase
        before = '"' if i else ""
        part = re.sub(r"(?<=\S)(\s+)eller(\s+)(?=\S)", r"\1or\2", before + parts[i], flags=re.IGNORECASE)
        parts[i] = part[len(before):]
    return '"'.join(parts)


def searchable_words(q):
    """(the words to search for, None), or (None, the reason there is nothing to search for). Two queries.

    Stop words are the catch. "the" is an English stop word but an ordinary word to the Norwegian
    configuration, which would then find every English post that has it (and "og" the other way round).
    So a word that either language leaves out is taken out of the search for both; a search with nothing
    else is answered kindly, as is one with only words to leave out ("-rain" alone would list everything,
    and no index can help with that). "or" stays: it is web search syntax, and so does the Norwegian "eller"
    between two words outside quotes (read as "or").
    """
    q = _norwegian_or(q)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT token FROM (SELECT * FROM ts_debug('norwegian', %s)"
            " UNION ALL SELECT * FROM ts_debug('english', %s)) AS tokens"
            " WHERE lexemes = '{}' AND alias NOT IN ('hword_part', 'hword_asciipart', 'hword_numpart')",
            [q, q],
        )
        stop_words = [token for (token,) in cursor.fetchall() if token.lower() != "or"]
    for word in stop_words:
        q = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", q, flags=re.IGNORECASE)
    q = " ".join(q.split())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery('norwegian', %s)), numnode(websearch_to_tsquery('english', %s)),"
            " querytree(websearch_to_tsquery('norwegian', %s) || websearch_to_tsquery('english', %s))",
            [q, q, q, q],
        )
        norwegian_nodes, english_nodes, indexable = cursor.fetchone()
    if not norwegian_nodes or not english_nodes:
        return None, _("The search leaves out very common words (like “and”, “the”, “og”, “på”) and signs, and "
                       "your search has nothing else. Try a word that says more about what you are looking for.")
    if indexable == "T":
        return None, _("Your search only says what to leave out. Add a word to look for as well.")
    return q, None


def _strip(expression, pattern, replacement, flags="g"):
    return Func(expression, Value(pattern), Value(replacement), Value(flags), function="regexp_replace",
                output_field=TextField())


class _EqualsAny(Lookup):
    """`column = ANY(array)`: PostgreSQL can look each element up in an index (IN (subquery) inside an OR
    cannot be)."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _plain_text(field):
    """The Markdown in `field` (a name or an expression) as plain words for a snippet: link targets, emphasis and quote signs go."""
    text = Func(F(field) if isinstance(field, str) else field, Value(_START + _STOP), Value(""), function="translate", output_field=TextField())
    text = _strip(text, r"\[([^\]]*)\]\([^)]*\)", r"\1")  # [text](https://...) -> text
    text = _strip(text, r"^[ \t]*(?:>[ \t]*)+", "", "gn")  # quote signs at the start of a line
    text = _strip(text, r"^[ \t]*(?:[-+*]|[0-9]+[.)])[ \t]+", "", "gn")  # list markers
    text = _strip(text, r"\\([\\`*_\[\]()#>+.!-])", r"\1")  # backslash escapes
    return _strip(text, r"[*_`~]+", "")  # emphasis and code marks


def _headline(document, query, config, **options):
    return SearchHeadline(document, query, config=config, start_sel=_START, stop_sel=_STOP, **options)


def _newest_first_orders(q, query):
    """For posts and for threads, how to get the newest NEWEST_MATCHES matches of `query` cheaply (two queries).

    Either walk the table newest first until that many have matched (an index in id order; each row read is
    checked), or collect every match from the full-text index and keep the newest (rows read: the matches).
    With M matches of N rows, walking reads about N * NEWEST_MATCHES / M rows, collecting M: walk when
    M * M > N * NEWEST_MATCHES. PostgreSQL's statistics give M and N; its own choice underrates the cost of
    checking a row and walked 140,000 posts for a word in 10,000 of 2,000,000. Ordering by `id + 0` keeps it
    from walking.
    """
    key = "search-walk:" + hashlib.sha256(q.encode()).hexdigest()[:40]
    walks = cache.get(key)
    if walks is None:
        walks = _walks(query)
        # Statistics change slowly: the next searches for the same words skip the three planning queries.
        cache.set(key, walks, timeout=ORDER_ESTIMATE_SECONDS)
    return {table: F("pk").desc() if walk else (F("pk") + Value(0)).desc() for table, walk in walks.items()}


def _walks(query):
    """{table: True to walk it newest first, False to collect the matches from the index} for `query`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN ('forum_post', 'forum_thread')"
                       " AND relkind = 'r'")
        total = dict(cursor.fetchall())
    walks = {}
    for model in (Post, Thread):
        table = model._meta.db_table
        plan = json.loads(model.objects.filter(search_vector=query).explain(format="json"))
        matches = plan[0]["Plan"]["Plan Rows"]
        walks[table] = matches * matches > max(total.get(table, 0), 0) * NEWEST_MATCHES
    return walks


def search_posts(user, q):
    """The posts `user` may read that match `q` (the newest NEWEST_MATCHES of them), best first, each with `rank`
    and snippets to show.

    Annotated for the page: `snippet_<config>` (a few lines of the text around the matches) and
    `title_<config>` (the thread title), one per configuration; `snippet_html` and `title_html` pick the
    one that marked the most words.
    """
    query = search_query(q)
    order = _newest_first_orders(q, query)
    # Threads whose title matches, as an array computed once: "id = ANY(array)" lets PostgreSQL combine the
    # title index with the post index (a bitmap OR), where "IN (subquery)" next to an OR would not.
    # The newest NEWEST_MATCHES of them, like the posts below: PostgreSQL checks each post against this array.
    title_hits = ArraySubquery(
        Thread.objects.filter(search_vector=query).order_by(order["forum_thread"]).values("pk")[:NEWEST_MATCHES])
    first_post_of_title_hit = Q(number=1) & Q(_EqualsAny(F("thread_id"), title_hits))
    body_rank = SearchRank(F("search_vector"), query)
    title_rank = SearchRank(F("thread__search_vector"), query)
    readable = access.readable_text(user)
    matches = (readable & Q(search_vector=query)) | first_post_of_title_hit
    newest = (access.posts_in_threads_visible_to(user).filter(matches).order_by(order["forum_post"])
              .values("pk")[:NEWEST_MATCHES])
    posts = (
        Post.objects.filter(pk__in=newest)  # `newest` holds only posts in threads `user` may see
        .annotate(text_readable=Case(When(readable, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .select_related("author", "thread", "thread__board", "thread__circle", "thread__community")
        .annotate(rank=body_rank + Case(
            When(number=1, then=title_rank * Value(TITLE_WEIGHT)), default=Value(0.0), output_field=FloatField(),
        ))
        .order_by("-rank", "-created_at", "-pk")
    )
    # No snippet from a text the reader may not read (a deleted or hidden first post found by its title).
    plain = _plain_text(Case(When(readable, then=F("body")), default=Value(""), output_field=TextField()))
    for config in CONFIGS:
        posts = posts.annotate(**{
            f"snippet_{config}": _headline(plain, query, config, max_words=35, min_words=15, short_word=3,
                                           max_fragments=2, fragment_delimiter=" … "),
            f"title_{config}": _headline(F("thread__title"), query, config, highlight_all=True),
        })
    # The page shows snippets, not the texts or their vectors.
    return posts.defer("body", "body_html", "search_vector", "thread__search_vector")


def marked_html(text):
    """`text` from ts_headline as HTML: everything escaped, then our markers turned into <mark>."""
    html = escape(text or "").replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)


def best_headline(post, prefix):
    """The reading (Norwegian or English) whose headline marked the most words; the page's language wins ties."""
    preferred = "norwegian" if (get_language() or "").startswith("nb") else "english"
    order = sorted(CONFIGS, key=lambda config: config != preferred)
    texts = [getattr(post, f"{prefix}_{config}") or "" for config in order]
    return marked_html(max(texts, key=lambda text: text.count(_START)))


def prepare_results(posts):
    """Set `snippet_html` and `title_html` on each post of a results page."""
    for post in posts:
        post.snippet_html = best_headline(post, "snippet")
        post.title_html = best_headline(post, "title")
    return posts
