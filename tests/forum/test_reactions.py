"""Support reactions: "thank you", "hug" and "me too" on a post, one of each per person, with counts and who
reacted by pseudonym."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Post, Reaction
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_thread


def _react_url(post):
    return reverse("forum:react", args=[post.pk])


def _thread_page(client, post):
    return client.get(reverse("forum:thread", args=[post.thread_id])).content.decode()


def _reaction_block(page, post):
    match = re.search(rf'<div class="forum-reactions" id="reactions-{post.pk}">.*?\n</div>', page, re.S)
    return match.group(0) if match else ""


def _counts(post):
    post = Post.objects.get(pk=post.pk)
    return post.thanks_count, post.hug_count, post.me_too_count


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def bobs_post(bob, board):
    """A post by bob on a board shared by all communities: alice (another community) can see it."""
    return make_thread(author=bob, board=board, title="A long week", body="It has been a long week.").posts.get()


def test_a_member_gives_one_of_each_reaction_and_the_counts_follow(alice, alice_client, bobs_post):
    for kind in ("thanks", "hug", "me_too"):
        response = alice_client.post(_react_url(bobs_post), {"reaction": f"{kind}:1"})
        assert response.status_code == 302
    assert sorted(Reaction.objects.filter(post=bobs_post, user=alice).values_list("kind", flat=True)) == [
        "hug", "me_too", "thanks"]
    assert _counts(bobs_post) == (1, 1, 1)
    block = _reaction_block(_thread_page(alice_client, bobs_post), bobs_post)
    assert "Thank you <span class=\"forum-reaction-count\">1</span>" in block
    assert "Hug <span class=\"forum-reaction-count\">1</span>" in block
    assert "Me too <span class=\"forum-reaction-count\">1</span>" in block


def test_without_javascript_the_answer_goes_back_to_the_post(alice_client, bobs_post):
    response = alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"})
    assert response["Location"] == bobs_post.get_thread_url()


def test_taking_a_reaction_back_removes_it_and_lowers_the_count(alice, alice_client, bobs_post):
    alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"})
    alice_client.post(_react_url(bobs_post), {"reaction": "hug:0"})
    assert not Reaction.objects.filter(post=bobs_post).exists()
    assert _counts(bobs_post) == (0, 0, 0)
    block = _reaction_block(_thread_page(alice_client, bobs_post), bobs_post)
    assert ">Hug</button>" in block, "no count is shown when nobody has reacted"
    assert 'aria-pressed="true"' not in block


def test_the_same_form_sent_twice_stays_one_reaction(alice_client, bobs_post):
    alice_client.post(_react_url(bobs_post), {"reaction": "thanks:1"})
    alice_client.post(_react_url(bobs_post), {"reaction": "thanks:1"})
    assert Reaction.objects.filter(post=bobs_post).count() == 1
    assert _counts(bobs_post) == (1, 0, 0)


def test_taking_back_twice_does_not_drive_the_count_below_the_truth(alice, bob, consultant, bobs_post):
    services.toggle_reaction(post=bobs_post, user=consultant, kind="thanks")
    services.toggle_reaction(post=bobs_post, user=alice, kind="thanks", on=True)
    assert services.toggle_reaction(post=bobs_post, user=alice, kind="thanks", on=False) is False
    assert services.toggle_reaction(post=bobs_post, user=alice, kind="thanks", on=False) is False
    assert _counts(bobs_post) == (1, 0, 0)


def test_without_a_wanted_state_the_service_toggles_and_says_the_new_state(alice, bobs_post):
    assert services.toggle_reaction(post=bobs_post, user=alice, kind="me_too") is True
    assert services.toggle_reaction(post=bobs_post, user=alice, kind="me_too") is False
    assert services.toggle_reaction(post=bobs_post, user=alice, kind="me_too") is True
    assert _counts(bobs_post) == (0, 0, 1)


def test_the_counter_moves_only_when_a_row_was_really_inserted(alice, bobs_post):
    # A row that is already there (inserted by a request that won a race) is not counted a second time.
    Reaction.objects.create(post=bobs_post, user=alice, kind="hug")
    Post.objects.filter(pk=bobs_post.pk).update(hug_count=1)
    assert services.toggle_reaction(post=bobs_post, user=alice, kind="hug", on=True) is True
    assert _counts(bobs_post) == (0, 1, 0)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_reaction_and_a_count_of_one(north, south, board):
    bob = UserFactory(community=south)
    alice = UserFactory(community=north)
    post = make_thread(author=bob, board=board).posts.get()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def react():
        try:
            barrier.wait()
            results.append(services.toggle_reaction(post=post, user=alice, kind="thanks", on=True))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=react) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert results == [True] * 4
    assert Reaction.objects.filter(post=post).count() == 1
    assert _counts(post) == (1, 0, 0)


def test_my_own_reactions_are_marked_pressed_for_screen_readers_too(alice, alice_client, bobs_post):
    alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"})
    block = _reaction_block(_thread_page(alice_client, bobs_post), bobs_post)
    hug = re.search(r'<button[^>]*id="react-\d+-hug"[^>]*>', block).group(0)
    thanks = re.search(r'<button[^>]*id="react-\d+-thanks"[^>]*>', block).group(0)
    assert 'aria-pressed="true"' in hug
    assert 'aria-pressed="false"' in thanks
    # The pressed button takes the reaction back; the others give one.
    assert 'name="reaction" value="hug:0"' in hug
    assert 'name="reaction" value="thanks:1"' in thanks
    # One form (one CSRF token) for a post's buttons, not one each.
    assert block.count("<form") == 1 and block.count("csrfmiddlewaretoken") == 1


def test_the_pressed_button_gives_or_takes_back_its_reaction(alice, alice_client, bobs_post):
    alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"})
    alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"})  # sent twice: still one
    alice_client.post(_react_url(bobs_post), {"reaction": "thanks:1"})
    assert _counts(bobs_post) == (1, 1, 0)
    alice_client.post(_react_url(bobs_post), {"reaction": "hug:0"})
    assert _counts(bobs_post) == (1, 0, 0)


@pytest.mark.parametrize("value", ["", ":", "hug:yes", "wave:1", ":1", "thanks:1:1", "x" * 500])
def test_a_made_up_reaction_value_changes_nothing_and_does_not_fail(alice_client, bobs_post, value):
    before = _counts(bobs_post)
    response = alice_client.post(_react_url(bobs_post), {"reaction": value})
    assert response.status_code == 302
    assert _counts(bobs_post) == before
    assert Reaction.objects.filter(post=bobs_post).count() == 0


def test_counts_show_for_every_reader_and_admins_get_no_buttons(alice, consultant, admin_client, bobs_post):
    services.toggle_reaction(post=bobs_post, user=alice, kind="thanks")
    services.toggle_reaction(post=bobs_post, user=consultant, kind="thanks")
    services.toggle_reaction(post=bobs_post, user=consultant, kind="me_too")
    block = _reaction_block(_thread_page(admin_client, bobs_post), bobs_post)
    assert 'Thank you <span class="forum-reaction-count">2</span>' in block
    assert 'Me too <span class="forum-reaction-count">1</span>' in block
    assert "<form" not in block and "<button" not in block


def test_who_reacted_lists_pseudonyms_and_never_a_real_name(alice, consultant, bob_client, bobs_post):
    services.toggle_reaction(post=bobs_post, user=alice, kind="hug")
    services.toggle_reaction(post=bobs_post, user=consultant, kind="hug")
    services.toggle_reaction(post=bobs_post, user=alice, kind="me_too")
    page = _thread_page(bob_client, bobs_post)
    block = _reaction_block(page, bobs_post)
    assert "<summary>Who reacted</summary>" in block
    assert re.search(r"<dt>Hug</dt>\s*<dd>Lighthouse, Erin-consultant</dd>", block)
    assert re.search(r"<dt>Me too</dt>\s*<dd>Lighthouse</dd>", block)
    assert "<dt>Thank you</dt>" not in block, "a kind nobody chose is not listed"
    for secret in (alice.real_name, alice.email, consultant.real_name, consultant.email):
        assert secret not in page


def test_the_author_sees_who_reacted_but_cannot_react_to_their_own_post(alice, bob, bob_client, bobs_post):
    services.toggle_reaction(post=bobs_post, user=alice, kind="thanks")
    block = _reaction_block(_thread_page(bob_client, bobs_post), bobs_post)
    assert "<button" not in block
    assert 'Thank you <span class="forum-reaction-count">1</span>' in block and "Lighthouse" in block
    response = bob_client.post(_react_url(bobs_post), {"reaction": "hug:1"}, follow=True)
    assert any("This is your own post" in m for m in _messages(response))
    assert not Reaction.objects.filter(user=bob).exists()


def test_no_reactions_block_before_anyone_has_reacted_for_readers_who_cannot_react(admin_client, bobs_post):
    block = _reaction_block(_thread_page(admin_client, bobs_post), bobs_post)
    assert "forum-reaction-counts" not in block and "<details" not in block


def test_reactions_to_a_hidden_post_are_refused_with_a_message_and_nothing_is_stored(alice_client, bobs_post):
    Post.objects.filter(pk=bobs_post.pk).update(hidden_at=timezone.now(), hidden_reason="private details")
    response = alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"}, follow=True)
    assert "This post is hidden by the moderator, so it cannot get reactions." in _messages(response)
    assert not Reaction.objects.exists()
    assert _counts(bobs_post) == (0, 0, 0)


def test_reactions_to_a_deleted_post_are_refused_with_a_message_and_nothing_is_stored(bob, alice_client, bobs_post):
    services.delete_own_post(post=bobs_post, author=bob)
    response = alice_client.post(_react_url(bobs_post), {"reaction": "thanks:1"}, follow=True)
    assert "This post was deleted by the author, so it cannot get reactions." in _messages(response)
    assert not Reaction.objects.exists()


def test_hidden_and_deleted_posts_show_no_reactions_even_to_their_author(alice, bob, bob_client, board):
    thread = make_thread(author=bob, board=board)
    hidden = make_reply(thread=thread, author=bob, body="Will be hidden")
    deleted = make_reply(thread=thread, author=bob, body="Will be deleted")
    for post in (hidden, deleted):
        services.toggle_reaction(post=post, user=alice, kind="hug")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    services.delete_own_post(post=deleted, author=bob)
    page = bob_client.get(thread.get_absolute_url()).content.decode()
    assert "Will be hidden" in page, "the author still sees their hidden post"
    assert f'id="reactions-{hidden.pk}"' not in page
    assert f'id="reactions-{deleted.pk}"' not in page


def test_an_unknown_kind_is_refused_kindly_and_stores_nothing(alice_client, bobs_post):
    response = alice_client.post(_react_url(bobs_post), {"reaction": "angry:1"}, follow=True)
    assert "Please choose a reaction: thank you, hug or me too." in _messages(response)
    response = alice_client.post(_react_url(bobs_post), {}, follow=True)
    assert response.status_code == 200
    assert not Reaction.objects.exists()


def test_someone_who_cannot_see_the_thread_gets_404_and_nothing_is_stored(alice, bob_client, board):
    local = make_thread(author=alice, board=board, community=alice.community).posts.get()
    assert bob_client.post(_react_url(local), {"reaction": "hug:1"}).status_code == 404
    assert bob_client.post(reverse("forum:react", args=[987654]), {"reaction": "hug"}).status_code == 404
    assert not Reaction.objects.exists()


def test_providers_get_404(linked_provider_client, unlinked_provider_client, bobs_post):
    for client in (linked_provider_client, unlinked_provider_client):
        assert client.post(_react_url(bobs_post), {"reaction": "hug:1"}).status_code == 404
    assert not Reaction.objects.exists()


def test_admins_read_the_counts_but_get_404_when_they_try_to_react(admin_client, bobs_post):
    assert admin_client.post(_react_url(bobs_post), {"reaction": "hug:1"}).status_code == 404
    assert not Reaction.objects.exists()


def test_a_get_changes_nothing(alice_client, bobs_post):
    assert alice_client.get(_react_url(bobs_post), {"reaction": "hug:1"}).status_code == 405
    assert not Reaction.objects.exists()


def test_the_consultant_can_react_too(consultant, consultant_client, bobs_post):
    consultant_client.post(_react_url(bobs_post), {"reaction": "thanks:1"})
    assert Reaction.objects.get().user == consultant


def test_with_htmx_the_answer_is_only_the_posts_reaction_block(alice_client, bobs_post):
    response = alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith(f'<div class="forum-reactions" id="reactions-{bobs_post.pk}">')
    assert "<html" not in html and "<article" not in html
    assert 'Hug <span class="forum-reaction-count">1</span>' in html
    assert 'id="react-%d-hug"' % bobs_post.pk in html and 'aria-pressed="true"' in html
    assert f'hx-target="#reactions-{bobs_post.pk}"' in html and 'hx-swap="outerHTML"' in html


def test_with_htmx_a_refusal_is_said_inside_the_block(alice_client, bobs_post):
    Post.objects.filter(pk=bobs_post.pk).update(hidden_at=timezone.now())
    response = alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'role="status">This post is hidden by the moderator, so it cannot get reactions.</p>' in html
    assert "<button" not in html, "a hidden post offers no reactions"
    assert not Reaction.objects.exists()
    Post.objects.filter(pk=bobs_post.pk).update(hidden_at=None)
    response = alice_client.post(_react_url(bobs_post), {"reaction": "sparkles"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'role="status">Please choose a reaction: thank you, hug or me too.</p>' in html
    assert html.count("<button") == 3, "the buttons stay, to try again"


def test_reacting_sends_no_notification(alice_client, bob, bobs_post):
    from reconnect.models import Notification

    alice_client.post(_react_url(bobs_post), {"reaction": "hug:1"})
    assert not Notification.objects.filter(recipient=bob).exists()
