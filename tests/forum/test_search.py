"""Searching the forum: people find threads by their titles and posts by their words, in Norwegian and in
English, and never find what they may not read."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.models import Circle, CircleMembership, Post
from forum.search import QUERY_MAX
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_thread

SEARCH = reverse("forum:search")


def search(client, q, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html):
    """The thread titles of the results, in order, with the highlighting taken out."""
    titles = re.findall(r'<h2 class="forum-result-title"><a href="[^"]*">(.*?)</a></h2>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def found_count(html):
    match = re.search(r"(\d+) posts? found", html)
    return int(match.group(1)) if match else 0


@pytest.fixture
def peer(south):
    return UserFactory(pseudonym="Seagull", community=south)


# --- Finding ------------------------------------------------------------------------------------------
def test_a_norwegian_inflected_word_finds_the_post_in_its_base_form(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Hverdagen min", body="Jeg går på tur hver dag.")
    # The Norwegian stemmer takes "turene" (the walks) and "turer" back to "tur".
    for words in ("turene", "turer"):
        html = search(alice_client, words)
        assert result_titles(html) == ["Hverdagen min"], words
        assert "<mark>tur</mark>" in html


def test_an_english_word_finds_other_forms_of_it(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Evenings", body="I went walking by the sea after dinner.")
    html = search(alice_client, "walks")
    assert result_titles(html) == ["Evenings"]
    assert "<mark>walking</mark>" in html


def test_a_word_that_is_in_no_post_finds_nothing_and_the_page_suggests_other_words(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Evenings", body="I went walking by the sea.")
    html = search(alice_client, "bicycle")
    assert result_titles(html) == []
    assert "Nothing found for “bicycle”" in html
    assert "a different word with the same meaning" in html
    assert "Posts in a circle can only be found by the members of that circle" in html


def test_a_thread_is_found_by_its_title_and_links_to_its_first_post(alice_client, bob, board):
    thread = make_thread(author=bob, board=board, title="Sleeping badly lately", body="Any tips, anyone?")
    make_reply(thread=thread, author=bob, body="It got a bit better this week.")
    html = search(alice_client, "sleep")
    assert result_titles(html) == ["Sleeping badly lately"]
    assert f'href="{reverse("forum:thread", args=[thread.pk])}#post-1"' in html
    assert "<mark>Sleeping</mark> badly lately" in html
    assert "Started by" in html and "Driftwood" in html


def test_a_title_match_comes_before_a_post_that_only_mentions_the_word(alice_client, alice, bob, board):
    make_thread(author=bob, board=board, title="Other things",
                body="Gardening helps me. I talk about gardening with my gardening friends.")
    make_thread(author=alice, board=board, title="Gardening", body="Who else likes it?")
    assert result_titles(search(alice_client, "gardening")) == ["Gardening", "Other things"]


def test_a_result_says_where_it_is_who_wrote_it_and_when(alice_client, bob, board):
    thread = make_thread(author=bob, board=board, title="Café on Friday", body="See you there.")
    make_reply(thread=thread, author=bob, body="I will bring the cinnamon buns.")
    html = search(alice_client, "cinnamon")
    assert result_titles(html) == ["Café on Friday"]
    assert "In Everyday life" in html
    assert "Reply by" in html and "Driftwood" in html
    assert timezone.localdate().strftime("%Y") in html
    assert "#post-2" in html
    assert "1 post found for “cinnamon”." in html


def test_the_snippet_shows_the_words_around_the_match_without_markdown_signs(alice_client, bob, board):
    body = ("Some **strong** words first, then a [useful page](https://example.com/secret-path) and\n"
            "> a quoted line about *swimming*\n- a list item")
    make_thread(author=bob, board=board, title="Notes", body=body)
    html = search(alice_client, "swimming")
    snippet = re.search(r'<p class="forum-result-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>swimming</mark>" in snippet
    assert "strong" in snippet and "useful page" in snippet
    assert "**" not in snippet and "example.com" not in snippet and "&gt;" not in snippet


def test_the_results_come_20_a_page_and_the_next_page_keeps_the_words(alice_client, bob, board):
    for n in range(23):
        make_thread(author=bob, board=board, title=f"Day {n}", body="A quiet morning with coffee.")
    html = search(alice_client, "coffee")
    assert len(result_titles(html)) == 20
    assert "23 posts found" in html
    assert 'href="?q=coffee&amp;page=2"' in html
    assert len(result_titles(search(alice_client, "coffee", page=2))) == 3


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0", "2.5", ""])
def test_a_page_number_that_is_not_one_shows_a_page_of_results_instead_of_an_error(alice_client, bob, board, page):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    assert result_titles(search(alice_client, "coffee", page=page)) == ["Morning"]


# --- Words that cannot be searched ----------------------------------------------------------------------
def test_an_empty_search_shows_the_search_page_with_tips(alice_client):
    for url in (SEARCH, SEARCH + "?q=", SEARCH + "?q=+++", SEARCH + "?page=2"):
        response = alice_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "How to search" in html
        assert 'class="error-summary"' not in html


@pytest.mark.parametrize("words", ["og the", "and", "på i og", "!!!", "... ---", '"" *'])
def test_a_search_of_only_common_words_or_signs_is_answered_kindly(alice_client, bob, board, words):
    make_thread(author=bob, board=board, title="The day and the night", body="Og så gikk jeg på tur, and the sea.")
    html = search(alice_client, words)
    assert result_titles(html) == []
    assert "The search leaves out very common words" in html


def test_a_search_that_only_leaves_words_out_asks_for_a_word_to_look_for(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    html = search(alice_client, "-rain")
    assert result_titles(html) == []
    assert "Add a word to look for as well." in html


def test_a_search_over_200_characters_is_refused_with_a_message(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    html = search(alice_client, "coffee " * 40)
    assert result_titles(html) == []
    assert 'class="error-summary"' in html
    assert f"Please use at most {QUERY_MAX} characters" in html
    # Just under the limit is fine.
    words = ("coffee or " * 20).strip()
    assert len(words) < QUERY_MAX
    assert result_titles(search(alice_client, words)) == ["Morning"]


def test_a_search_with_a_null_character_gets_a_message_not_an_error(alice_client):
    html = search(alice_client, "cof\x00fee")
    assert "cannot be searched for" in html


@pytest.mark.parametrize("words", ["'", "a:*", "(((", "tur & | !", "\\", "'; DROP TABLE forum_post; --", "<->"])
def test_odd_signs_in_a_search_never_cause_an_error(alice_client, bob, board, words):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    search(alice_client, words)
    assert Post.objects.count() == 1


# --- Safe output ----------------------------------------------------------------------------------------
def test_a_post_with_a_script_is_found_and_shown_as_text(alice_client, bob, board):
    make_thread(author=bob, board=board, title="<b>Bold</b> <script>alert(1)</script>",
                body='Gardening <script>alert("x")</script> <img src=x onerror=alert(2)> is <mark>nice</mark>')
    html = search(alice_client, "gardening")
    assert result_titles(html) == ["&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"]
    main = html[html.index('<ol class="list-plain forum-results"'):]
    assert "<script" not in main and "<img" not in main and "<b>" not in main
    assert "&lt;img src=x onerror=alert(2)&gt;" in main
    # The post's own <mark> never becomes a tag; only the search's highlight does.
    assert main.count("<mark>") == 1 and "<mark>Gardening</mark>" in main


def test_html_in_the_search_words_is_shown_as_text(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    html = search(alice_client, '<script>alert(1)</script> "><img src=x onerror=alert(1)>')
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Who finds what -------------------------------------------------------------------------------------
def test_a_thread_local_to_another_community_is_never_found_or_counted(alice_client, bob_client, alice, bob, board):
    make_thread(author=alice, board=board, title="Café in Nordby", body="Meeting by the harbour.",
                community=alice.community)
    make_thread(author=bob, board=board, title="Sørvik", body="The harbour is lovely today.")
    bob_html = search(bob_client, "harbour")
    assert result_titles(bob_html) == ["Sørvik"]
    assert found_count(bob_html) == 1
    assert "Nordby" not in bob_html
    alice_html = search(alice_client, "harbour")
    assert sorted(result_titles(alice_html)) == ["Café in Nordby", "Sørvik"]
    assert "Local to Nordby" in alice_html


@pytest.fixture
def circle_thread(bob, south):
    circle = Circle.objects.create(name="Quiet ones", created_by=bob)
    CircleMembership.objects.create(circle=circle, user=bob)
    from forum.services import start_thread

    return start_thread(circle=circle, author=bob, title="Among friends", body="My real name is Bob, I live by the lighthouse.")


def test_a_circle_thread_is_found_only_by_its_members_and_the_consultant(
    alice_client, bob_client, consultant_client, admin_client, circle_thread
):
    assert result_titles(search(bob_client, "lighthouse")) == ["Among friends"]
    assert "In the circle Quiet ones" in search(bob_client, "lighthouse")
    assert result_titles(search(consultant_client, "lighthouse")) == ["Among friends"]
    for outsider in (alice_client, admin_client):
        html = search(outsider, "lighthouse")
        assert result_titles(html) == [] and found_count(html) == 0
        assert "Quiet ones" not in html and "Among friends" not in html
        assert result_titles(search(outsider, "friends")) == []


def test_a_new_member_of_a_circle_finds_its_threads(alice, alice_client, circle_thread):
    assert result_titles(search(alice_client, "lighthouse")) == []
    CircleMembership.objects.create(circle=circle_thread.circle, user=alice)
    assert result_titles(search(alice_client, "lighthouse")) == ["Among friends"]


def test_a_deleted_post_is_never_found_not_even_by_its_author(alice_client, bob_client, bob, board):
    thread = make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    reply = make_reply(thread=thread, author=bob, body="Something about my neighbour I regret writing.")
    from forum.services import delete_own_post

    delete_own_post(post=reply, author=bob)
    for client in (alice_client, bob_client):
        assert result_titles(search(client, "neighbour")) == []


def test_a_hidden_post_is_found_by_its_author_and_the_consultant_but_not_by_others(
    alice_client, bob_client, consultant_client, admin_client, bob, consultant, board
):
    thread = make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    reply = make_reply(thread=thread, author=bob, body="An unkind word about the volunteers.")
    Post.objects.filter(pk=reply.pk).update(hidden_at=timezone.now(), hidden_by=consultant, hidden_reason="Unkind")
    for other in (alice_client, admin_client):
        html = search(other, "volunteers")
        assert result_titles(html) == [] and found_count(html) == 0
    bob_html = search(bob_client, "volunteers")
    assert result_titles(bob_html) == ["Morning"]
    assert "Only you can see it." in bob_html
    consultant_html = search(consultant_client, "volunteers")
    assert result_titles(consultant_html) == ["Morning"]
    assert "Hidden from others by the moderator." in consultant_html


def test_an_admin_may_search_what_they_can_read(admin_client, bob, board):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    assert result_titles(search(admin_client, "coffee")) == ["Morning"]


def test_providers_get_404_from_search_as_from_the_rest_of_the_forum(
    linked_provider_client, unlinked_provider_client, bob, board
):
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    for client in (linked_provider_client, unlinked_provider_client):
        assert client.get(SEARCH, {"q": "coffee"}).status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in(client):
    response = client.get(SEARCH, {"q": "coffee"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_search_only_reads_it_never_marks_threads_read(alice, alice_client, bob, board):
    from forum.models import ThreadReadState, ThreadView

    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    search(alice_client, "coffee")
    assert not ThreadReadState.objects.filter(user=alice).exists()
    assert not ThreadView.objects.filter(user=alice).exists()


# --- The search box -------------------------------------------------------------------------------------
def test_the_forum_index_and_each_board_have_a_labelled_search_box(alice_client, board):
    for url in (reverse("forum:index"), reverse("forum:board", args=[board.slug])):
        html = alice_client.get(url).content.decode()
        assert f'action="{SEARCH}"' in html and 'method="get"' in html
        assert '<label for="forum-search-q">Search the forum</label>' in html
        assert 'id="forum-search-q"' in html and 'name="q"' in html


def test_the_search_page_keeps_the_words_in_the_box(alice_client):
    html = search(alice_client, 'tur "i skogen"')
    assert 'value="tur &quot;i skogen&quot;"' in html


# --- Speed ----------------------------------------------------------------------------------------------
def _queries(client, params):
    client.get(SEARCH, params)  # warm: the first visit may save session details
    with CaptureQueriesContext(connection) as context:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_a_results_page_uses_the_same_queries_for_3_and_40_matches(
    alice_client, alice, bob, board, consultant, django_assert_num_queries
):
    writers = [bob, alice, consultant, *[UserFactory(community=alice.community) for _ in range(4)]]

    def add(count, offset):
        for n in range(count):
            thread = make_thread(author=writers[(n + offset) % len(writers)], board=board,
                                 title=f"Walk {n + offset}", body="A long walk in the woods.",
                                 community=alice.community if n % 3 == 0 and writers[(n + offset) % len(writers)].community == alice.community else None)
            make_reply(thread=thread, author=writers[(n + offset + 1) % len(writers)], body="Walking helps me too.")

    add(2, 0)
    small, html = _queries(alice_client, {"q": "walk"})
    assert found_count(html) == 4
    add(18, 2)
    with django_assert_num_queries(small):
        response = alice_client.get(SEARCH, {"q": "walk"})
    html = response.content.decode()
    assert found_count(html) == 40
    assert len(result_titles(html)) == 20


def test_the_search_filters_on_the_indexed_columns_so_postgresql_can_use_the_gin_indexes(alice, board, bob):
    from forum.search import search_posts

    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    sql = str(search_posts(alice, "coffee").query)
    assert re.search(r'(?:"forum_post"|U\d)\."search_vector" @@', sql), "posts are filtered on their column"
    assert re.search(r'U\d\."search_vector" @@', sql), "the title arm filters threads on their column"
    assert "to_tsvector" not in sql
    with connection.cursor() as cursor:
        # As on a large forum, where reading every row costs more than the indexes: PostgreSQL may then only
        # reach rows through index conditions (a bitmap scan), so the plan shows which indexes can serve.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
    plan = search_posts(alice, "coffee").explain()
    assert "forum_post_search" in plan, plan
    assert "forum_thread_search" in plan, plan


def test_someone_who_signs_in_for_the_first_time_can_search(bob, board, north):
    newcomer = UserFactory(community=north)
    make_thread(author=bob, board=board, title="Morning", body="Coffee first.")
    client = signed_in_client(newcomer)
    assert result_titles(search(client, "coffee")) == ["Morning"]


# --- Words in the title and the text; threads whose first post is gone --------------------------------------
def test_words_split_between_a_threads_title_and_its_first_post_find_the_thread(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Grey mornings", body="An open window and a cup of tea help.")
    make_thread(author=bob, board=board, title="Tea", body="Green or black?")
    assert result_titles(search(alice_client, "grey window")) == ["Grey mornings"]
    assert result_titles(search(alice_client, '"grey mornings" tea')) == ["Grey mornings"]


def test_words_split_between_a_title_and_a_reply_do_not_make_the_reply_a_match(alice_client, bob, board):
    thread = make_thread(author=bob, board=board, title="Grey mornings", body="Coffee first.")
    make_reply(thread=thread, author=bob, body="An open window helps.")
    assert result_titles(search(alice_client, "grey window")) == []


def test_a_thread_whose_first_post_was_deleted_is_still_found_by_its_title_without_the_text(
    alice_client, bob_client, bob, board
):
    from forum.services import delete_own_post

    thread = make_thread(author=bob, board=board, title="Sleepless nights", body="My neighbour's dog barks.")
    make_reply(thread=thread, author=bob, body="It got better.")
    delete_own_post(post=thread.posts.get(number=1), author=bob)
    for client in (alice_client, bob_client):
        html = search(client, "sleepless")
        assert result_titles(html) == ["Sleepless nights"]
        assert "Its first post was deleted by the author." in html
        assert "neighbour" not in html
    assert result_titles(search(alice_client, "sleepless neighbour")) == [], "the deleted text finds nothing"


def test_a_thread_whose_first_post_is_hidden_is_found_by_its_title_but_others_never_see_the_text(
    alice_client, bob_client, consultant_client, bob, consultant, board
):
    thread = make_thread(author=bob, board=board, title="Sleepless nights", body="The volunteers are useless.")
    Post.objects.filter(pk=thread.posts.get().pk).update(
        hidden_at=timezone.now(), hidden_by=consultant, hidden_reason="Unkind",
    )
    alice_html = search(alice_client, "sleepless")
    assert result_titles(alice_html) == ["Sleepless nights"]
    assert "Its first post is hidden by the moderator." in alice_html and "volunteers" not in alice_html
    assert result_titles(search(alice_client, "volunteers")) == []
    for client in (bob_client, consultant_client):
        assert "volunteers" in search(client, "sleepless")


@pytest.mark.parametrize("typed, meant", [
    ("kaffe eller te", "kaffe or te"),
    ("Kaffe ELLER te", "Kaffe or te"),
    ('"kaffe eller te" eller saft', '"kaffe eller te" or saft'),
    ("eller kaffe", "eller kaffe"),  # not between two words: an ordinary (stop) word
    ("kelleren", "kelleren"),
])
def test_the_norwegian_eller_between_two_words_means_or(typed, meant):
    from forum.search import _norwegian_or

    assert _norwegian_or(typed) == meant


def test_a_search_with_eller_finds_posts_with_either_word(alice_client, bob, board):
    make_thread(author=bob, board=board, title="Morning coffee", body="A cup of kaffe by the window.")
    make_thread(author=bob, board=board, title="Evening walk", body="Some te before bed.")
    make_thread(author=bob, board=board, title="Gardening", body="Tomatoes again.")

    page = alice_client.get(reverse("forum:search"), {"q": "kaffe eller te"}).content.decode()

    assert "Morning coffee" in page and "Evening walk" in page and "Gardening" not in page


def test_a_word_in_very_many_posts_ranks_only_the_newest_and_asks_for_another_word(alice_client, bob, board,
                                                                                  monkeypatch):
    monkeypatch.setattr("forum.search.NEWEST_MATCHES", 3)
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday"):
        make_thread(author=bob, board=board, title=day, body="A short walk by the water.")
    html = search(alice_client, "walk")
    assert sorted(result_titles(html)) == ["Thursday", "Tuesday", "Wednesday"]  # Monday's is the oldest
    assert "these are the best of the newest 3. Add a word to find older posts." in html
    assert found_count(html) == 0  # no count that would be wrong

    # Fewer matches than that: the plain count.
    html = search(alice_client, "Monday")
    assert result_titles(html) == ["Monday"] and found_count(html) == 1


def test_the_walk_or_collect_estimate_is_made_once_for_the_same_words_and_the_results_do_not_change(
    alice_client, bob, board
):
    from tests.conftest import clear_cache

    make_thread(author=bob, board=board, title="Rainy days", body="A walk in the rain helps.")
    make_thread(author=bob, board=board, title="Harbour", body="The walk by the harbour.")
    clear_cache()

    def counted(q):
        with CaptureQueriesContext(connection) as context:
            html = search(alice_client, q)
        explains = [query for query in context.captured_queries if query["sql"].startswith("EXPLAIN")]
        return len(explains), result_titles(html)

    first_explains, first_titles = counted("walk")
    again_explains, again_titles = counted("walk")
    assert first_explains == 2 and again_explains == 0
    assert again_titles == first_titles == ["Harbour", "Rainy days"]
    assert counted("harbour")[0] == 2, "other words are estimated on their own"
