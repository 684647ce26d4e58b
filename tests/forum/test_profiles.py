"""Member profiles: a pseudonym, the month they joined, a few words, their community only if they chose to
show it, and the posts of theirs the viewer may read. Never a real name or e-mail."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import ABOUT_ME_MAX, Circle, CircleMembership, MemberProfile
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_thread

REAL_NAMES_AND_EMAILS = [
    "Alice Aasen", "alice@example.test", "Bob Berg", "bob@example.test", "Carol Dahl", "carol@example.test",
    "Dave Eik", "dave@example.test", "Erin Fjell", "erin@example.test", "Frank Gran", "frank@example.test",
]


def profile_url(pseudonym):
    return reverse("forum:member", args=[pseudonym])


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def everyone(alice, bob, linked_provider, unlinked_provider, consultant, admin_user):
    """Every named person exists, so their real names and e-mails could leak if a page got them wrong."""


# --- What a profile shows --------------------------------------------------------------------------------
def test_a_profile_shows_the_pseudonym_and_the_join_month_but_never_the_exact_day(alice, bob_client, everyone):
    alice.date_joined = datetime.datetime(2024, 3, 17, 10, 30, tzinfo=datetime.timezone.utc)
    alice.save(update_fields=["date_joined"])
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "<h1>Lighthouse</h1>" in page
    assert "Member since" in page and "March 2024" in page
    assert "17" not in page.split("Member since", 1)[1].split("</dl>", 1)[0]


def test_no_profile_shows_anyones_real_name_or_email(alice, bob, consultant_client, bob_client, everyone):
    services.update_member_profile(user=alice, about_me="I like long walks.", show_community=True)
    make_thread(author=alice, board=make_board(), title="Walking", body="Anyone for a walk?")
    pages = [
        page_of(bob_client, profile_url("Lighthouse")), page_of(consultant_client, profile_url("Lighthouse")),
        page_of(consultant_client, profile_url("Driftwood")), page_of(bob_client, profile_url("Erin-consultant")),
        page_of(bob_client, reverse("forum:profile_edit")),
    ]
    for page in pages:
        leaks = [s for s in REAL_NAMES_AND_EMAILS if s in page and s not in ("Bob Berg", "bob@example.test")]
        assert not leaks
    assert "Anyone for a walk?" in pages[0]


def test_about_me_is_plain_escaped_text_with_its_line_breaks_kept(alice, bob_client):
    services.update_member_profile(
        user=alice, about_me="I paint.\nI walk my dog <b>Rex</b> & <script>alert(1)</script>", show_community=False,
    )
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "I paint.<br>I walk my dog &lt;b&gt;Rex&lt;/b&gt; &amp; &lt;script&gt;" in page
    assert "<script>alert(1)" not in page


def test_the_community_shows_only_when_the_member_chose_to_show_it(alice, bob_client):
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "Nordby" not in page and "Community" not in page
    services.update_member_profile(user=alice, about_me="", show_community=True)
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "<dt>Community</dt><dd>Nordby</dd>" in page
    services.update_member_profile(user=alice, about_me="", show_community=False)
    assert "Nordby" not in page_of(bob_client, profile_url("Lighthouse"))


def test_a_member_without_a_saved_profile_has_an_empty_one(alice, bob_client):
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "Lighthouse has not written anything here yet." in page
    assert not MemberProfile.objects.exists()


def test_the_pseudonym_is_found_whatever_its_letter_case(alice, bob_client):
    assert "<h1>Lighthouse</h1>" in page_of(bob_client, profile_url("lIGHTHOUSE"))


def test_a_pseudonym_with_a_space_or_a_letter_like_o_slash_has_a_profile(north, bob_client):
    UserFactory(pseudonym="Sjø fugl", community=north)
    url = profile_url("Sjø fugl")
    assert "%20" in url
    assert "<h1>Sjø fugl</h1>" in page_of(bob_client, url)


def test_the_consultants_profile_says_they_are_the_service_user_consultant(consultant, bob_client):
    page = page_of(bob_client, profile_url("Erin-consultant"))
    assert "<h1>Erin-consultant</h1>" in page and "service user consultant" in page


# --- Who has a profile, and who may look ----------------------------------------------------------------
def test_unknown_pseudonyms_and_odd_characters_answer_404_not_500(alice_client, alice):
    for odd in ["nobody-here", "ab", "x" * 31, "a" * 500, "<script>", "Light.house", "Lighthouse%00", "😀😀😀",
                "Lighthouse'--", "Light\\house"]:
        assert alice_client.get(profile_url(odd)).status_code == 404, odd
    for raw in ["/forum/members/Light%00house/", "/forum/members/%FF%FE%FD/", "/forum/members/..%2F..%2Fetc/"]:
        assert alice_client.get(raw).status_code == 404, raw


def test_providers_and_admins_have_no_forum_profile(linked_provider, admin_user, bob_client):
    assert bob_client.get(profile_url("carol-p")).status_code == 404
    assert bob_client.get(profile_url("frank-admin")).status_code == 404


def test_a_deactivated_account_has_no_profile(alice, bob_client):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert bob_client.get(profile_url("Lighthouse")).status_code == 404


def test_providers_may_not_see_profiles_and_anonymous_visitors_are_asked_to_sign_in(alice, linked_provider_client,
                                                                                    client):
    assert linked_provider_client.get(profile_url("Lighthouse")).status_code == 404
    assert linked_provider_client.get(reverse("forum:profile_edit")).status_code == 404
    response = client.get(profile_url("Lighthouse"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_admin_may_read_a_profile_but_has_none_to_edit(alice, admin_client):
    assert "<h1>Lighthouse</h1>" in page_of(admin_client, profile_url("Lighthouse"))
    assert admin_client.get(reverse("forum:profile_edit")).status_code == 404


def test_reading_profiles_and_the_edit_page_writes_nothing(alice, alice_client, bob_client):
    bob_client.get(profile_url("Lighthouse"))
    alice_client.get(reverse("forum:profile_edit"))
    alice_client.get(profile_url("Lighthouse"))
    assert not MemberProfile.objects.exists()


# --- Their posts, as far as the viewer may read them ---------------------------------------------------------
def make_board():
    from tests.forum.factories import BoardFactory

    return BoardFactory()


def test_posts_are_listed_newest_first_with_thread_title_excerpt_and_link(alice, bob, bob_client, board):
    first = make_thread(author=alice, board=board, title="Spring walks", body="I walked **far** today & smiled.")
    later = make_reply(thread=make_thread(author=bob, board=board, title="Tea"), author=alice, body="Green tea!")
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert page.index("Green tea!") < page.index("I walked far today &amp; smiled.")
    assert "Spring walks" in page and "Tea" in page
    assert f'href="{later.get_thread_url()}"' in page
    assert f'href="{first.last_post.get_thread_url()}"' in page
    assert "<strong>" not in page.split("posts-heading", 1)[1]
    assert "2 posts you can read" in page


def test_a_long_post_shows_only_a_short_excerpt(alice, bob_client, board):
    make_thread(author=alice, board=board, body="word " * 500 + "THE-END")
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "THE-END" not in page and "word word" in page


def test_posts_in_a_local_thread_of_another_community_are_neither_shown_nor_counted(alice, bob_client, alice_client,
                                                                                    consultant_client, board, north):
    make_thread(author=alice, board=board, title="Nordby café", body="Meet at the station", community=north)
    make_thread(author=alice, board=board, title="Open to all", body="Hello everyone")
    bob_page = page_of(bob_client, profile_url("Lighthouse"))
    assert "Meet at the station" not in bob_page and "Nordby café" not in bob_page
    assert "1 post you can read" in bob_page
    for client in (alice_client, consultant_client):
        page = page_of(client, profile_url("Lighthouse"))
        assert "Meet at the station" in page and "2 posts you can read" in page


def test_posts_in_a_circle_are_shown_only_to_its_members_and_the_consultant(alice, bob, bob_client, north,
                                                                            consultant_client, admin_client):
    circle = Circle.objects.create(name="Those who met", created_by=alice)
    CircleMembership.objects.create(circle=circle, user=alice)
    services.start_thread(circle=circle, author=alice, title="Our circle", body="Only for us")
    assert "Only for us" not in page_of(bob_client, profile_url("Lighthouse"))
    assert "Only for us" not in page_of(admin_client, profile_url("Lighthouse"))
    assert "Only for us" in page_of(consultant_client, profile_url("Lighthouse"))
    CircleMembership.objects.create(circle=circle, user=bob)
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "Only for us" in page and "Circle: Those who met" in page


def test_a_hidden_post_is_not_shown_to_others_but_its_author_sees_it_marked(alice, bob_client, alice_client,
                                                                            consultant, board):
    thread = make_thread(author=alice, board=board, body="Something I regret")
    post = thread.posts.get()
    post.hidden_at, post.hidden_reason, post.hidden_by = timezone.now(), "Private details", consultant
    post.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    bob_page = page_of(bob_client, profile_url("Lighthouse"))
    assert "Something I regret" not in bob_page
    assert "There are no posts here that you can read." in bob_page
    own = page_of(alice_client, profile_url("Lighthouse"))
    assert "Something I regret" in own and "Only you can see it." in own


def test_a_deleted_post_is_not_shown_to_anyone(alice, bob_client, alice_client, consultant_client, board):
    thread = make_thread(author=alice, board=board, title="Keep", body="Staying")
    post = make_reply(thread=thread, author=alice, body="Gone soon")
    services.delete_own_post(post=post, author=alice)
    for client in (bob_client, alice_client, consultant_client):
        page = page_of(client, profile_url("Lighthouse"))
        assert "Staying" in page and "Gone soon" not in page and "1 post you can read" in page


def test_the_profile_page_uses_the_same_queries_for_2_and_30_posts(alice, bob, bob_client, board, other_board,
                                                                   django_assert_num_queries):
    services.update_member_profile(user=alice, about_me="Hi", show_community=True)
    threads = [make_thread(author=bob, board=b, title=f"Thread {n}") for n, b in enumerate([board, other_board])]
    for n in range(2):
        make_reply(thread=threads[n], author=alice, body=f"reply {n}")
    url = profile_url("Lighthouse")
    bob_client.get(url)
    with CaptureQueriesContext(connection) as small:
        bob_client.get(url)
    for n in range(28):
        thread = make_thread(author=alice, board=[board, other_board][n % 2], title=f"Mine {n}")
        make_reply(thread=thread, author=alice, body=f"more {n}")
    with django_assert_num_queries(len(small.captured_queries)):
        page = bob_client.get(url).content.decode()
    assert page.count('class="forum-member-post"') == 20, "20 posts a page"
    assert "58 posts you can read" in page
    assert "Page 1 of 3" in page


# --- Pseudonyms link to profiles ------------------------------------------------------------------------
def test_pseudonyms_on_a_thread_page_link_to_their_profiles(alice, consultant, bob_client, board):
    thread = make_thread(author=alice, board=board)
    make_reply(thread=thread, author=consultant)
    page = page_of(bob_client, thread.get_absolute_url())
    assert '<a class="forum-author" href="/forum/members/Lighthouse/">Lighthouse</a>' in page
    assert '<a class="forum-author" href="/forum/members/Erin-consultant/">Erin-consultant</a>' in page


def test_a_deleted_account_shows_as_a_former_member_without_a_link(alice, bob_client, board):
    thread = make_thread(author=alice, board=board, body="Still here after I left")
    alice.delete()
    page = page_of(bob_client, thread.get_absolute_url())
    assert "Still here after I left" in page and "a former member" in page
    assert "/forum/members/" not in page


def test_the_forum_index_links_to_my_profile_and_to_editing_it(alice_client, admin_client):
    page = page_of(alice_client, reverse("forum:index"))
    assert 'href="/forum/members/Lighthouse/"' in page and "Edit my profile" in page
    assert "Edit my profile" not in page_of(admin_client, reverse("forum:index"))


# --- Editing my profile -----------------------------------------------------------------------------------------
def test_the_edit_page_explains_why_one_might_not_show_the_community_and_links_to_the_profile(alice_client):
    page = page_of(alice_client, reverse("forum:profile_edit"))
    assert "Show my community on my profile" in page
    assert "People from your community may recognise you when you meet at a café" in page
    assert "Others will see that you belong to Nordby." in page
    assert 'href="/forum/members/Lighthouse/"' in page and "See my profile as others see it" in page
    assert f"0 of {ABOUT_ME_MAX} characters used." in page


def test_a_member_saves_about_me_and_chooses_to_show_the_community(alice, alice_client, bob_client):
    response = alice_client.post(
        reverse("forum:profile_edit"), {"about_me": "I like tea.\r\nAnd cats.", "show_community": "on"}
    )
    assert response.status_code == 302 and response["Location"] == profile_url("Lighthouse")
    profile = MemberProfile.objects.get(user=alice)
    assert profile.about_me == "I like tea.\nAnd cats." and profile.show_community is True
    page = page_of(bob_client, profile_url("Lighthouse"))
    assert "I like tea.<br>And cats." in page and "Nordby" in page
    # The form shows what is saved.
    edit = page_of(alice_client, reverse("forum:profile_edit"))
    assert "I like tea." in edit and "checked" in edit


def test_about_me_over_500_characters_is_refused_with_a_message_and_nothing_saved(alice, alice_client):
    response = alice_client.post(reverse("forum:profile_edit"), {"about_me": "x" * (ABOUT_ME_MAX + 1)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your text is 501 characters long. Please shorten it to 500 characters or fewer." in page
    assert 'class="error-summary"' in page
    assert not MemberProfile.objects.exists()


def test_exactly_500_characters_are_fine(alice, alice_client):
    alice_client.post(reverse("forum:profile_edit"), {"about_me": "y" * ABOUT_ME_MAX})
    assert MemberProfile.objects.get(user=alice).about_me == "y" * ABOUT_ME_MAX


def test_whitespace_only_about_me_is_saved_as_empty(alice, alice_client):
    services.update_member_profile(user=alice, about_me="Something", show_community=False)
    response = alice_client.post(reverse("forum:profile_edit"), {"about_me": "  \r\n \t \r\n"})
    assert response.status_code == 302
    assert MemberProfile.objects.get(user=alice).about_me == ""


def test_identifying_details_in_about_me_are_shown_and_saving_asks_to_confirm(alice, alice_client):
    text = "Write to me at lighthouse.fan@example.org"
    response = alice_client.post(reverse("forum:profile_edit"), {"about_me": text, "show_community": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check before you post: details that could identify someone" in page
    assert "lighthouse.fan@example.org" in page and "Save anyway" in page
    assert not MemberProfile.objects.exists()
    response = alice_client.post(
        reverse("forum:profile_edit"), {"about_me": text, "show_community": "on", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert MemberProfile.objects.get(user=alice).about_me == text


def test_crisis_language_in_about_me_shows_the_emergency_numbers_before_saving(alice, alice_client):
    response = alice_client.post(reverse("forum:profile_edit"), {"about_me": "I want to die"})
    page = response.content.decode()
    assert 'href="tel:113"' in page.split("<main", 1)[1].split("</form>", 1)[0]
    assert not MemberProfile.objects.exists()


def test_the_consultant_edits_their_profile_without_a_community_choice(consultant, consultant_client):
    page = page_of(consultant_client, reverse("forum:profile_edit"))
    assert "Show my community on my profile" not in page
    response = consultant_client.post(reverse("forum:profile_edit"), {"about_me": "I host the cafés."})
    assert response.status_code == 302
    assert MemberProfile.objects.get(user=consultant).about_me == "I host the cafés."


def test_the_service_refuses_to_give_a_provider_a_profile(linked_provider):
    with pytest.raises(services.ForumError):
        services.update_member_profile(user=linked_provider, about_me="Hi", show_community=False)
    assert not MemberProfile.objects.exists()
