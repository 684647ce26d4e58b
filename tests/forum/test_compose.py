"""The writing forms: preview with and without JavaScript, and the writing-check step before posting."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from forum.models import Post, Thread
from tests.forum.factories import make_thread


def test_the_preview_button_shows_the_rendered_text_without_posting(alice_client, board):
    response = alice_client.post(
        reverse("forum:thread_create", args=[board.slug]),
        {"title": "Draft", "body": "Some **bold** words <script>x</script>", "preview": "1"},
    )
    page = response.content.decode()
    assert "Preview: how others will see your text" in page
    assert "<strong>bold</strong>" in page and "<script>x" not in page
    assert not Thread.objects.exists()


def test_the_htmx_preview_returns_only_the_rendered_partial(alice_client):
    response = alice_client.post(reverse("forum:preview"), {"body": "*soft*"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<em>soft</em>" in html and "<html" not in html


def test_the_preview_endpoint_is_only_for_people_who_can_post(linked_provider_client, admin_client):
    assert linked_provider_client.post(reverse("forum:preview"), {"body": "x"}).status_code == 404
    assert admin_client.post(reverse("forum:preview"), {"body": "x"}).status_code == 404


@pytest.fixture
def checks_find_something(monkeypatch):
    """Stand-in for forum/checks.py's result: the view's flow is what is tested here."""
    found = SimpleNamespace(has_privacy_findings=True, is_crisis=False, privacy=["a phone number"], crisis=[])
    seen = []

    def fake(request, text):
        seen.append(text)
        return found

    monkeypatch.setattr("forum.views._writing_check", fake)
    return seen


def test_when_the_checks_find_something_the_post_waits_for_the_author(alice, alice_client, board, checks_find_something):
    thread = make_thread(author=alice, board=board)
    url = reverse("forum:reply", args=[thread.pk])
    response = alice_client.post(url, {"body": "Call me on 912 34 567", "submit_token": "0" * 32})
    page = response.content.decode()
    assert "Post anyway" in page and "Edit my post" in page
    assert "Call me on 912 34 567" in page, "the text is kept for editing"
    assert Post.objects.count() == 1
    assert checks_find_something == ["Call me on 912 34 567"]

    alice_client.post(url, {"body": "Call me on 912 34 567", "submit_token": "0" * 32, "confirmed": "1"})
    assert Post.objects.count() == 2


def test_a_new_threads_title_is_checked_too(alice_client, board, checks_find_something):
    alice_client.post(reverse("forum:thread_create", args=[board.slug]), {"title": "Ola from Storgata", "body": "Hi"})
    assert checks_find_something == ["Ola from Storgata\n\nHi"]
    assert not Thread.objects.exists()


def test_a_plain_reply_goes_straight_through(alice, alice_client, board):
    thread = make_thread(author=alice, board=board)
    alice_client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Plain words"})
    assert Post.objects.filter(body="Plain words").exists()


def test_the_reply_page_shows_an_error_summary_for_an_empty_text(alice, alice_client, board):
    thread = make_thread(author=alice, board=board)
    page = alice_client.post(reverse("forum:reply", args=[thread.pk]), {"body": ""}).content.decode()
    assert 'class="error-summary"' in page and 'tabindex="-1"' in page
    assert 'href="#id_body"' in page


def test_the_real_privacy_check_stops_an_email_address_until_the_author_confirms(alice, alice_client, board):
    thread = make_thread(author=alice, board=board)
    url = reverse("forum:reply", args=[thread.pk])
    data = {"body": "Write to me at lighthouse.private@example.org", "submit_token": "1" * 32}
    page = alice_client.post(url, data).content.decode()
    assert "Post anyway" in page and Post.objects.count() == 1
    alice_client.post(url, {**data, "confirmed": "1"})
    assert Post.objects.count() == 2


def test_crisis_language_shows_help_but_the_post_can_still_be_published(alice, alice_client, board):
    thread = make_thread(author=alice, board=board)
    url = reverse("forum:reply", args=[thread.pk])
    data = {"body": "I want to die, I cannot go on like this", "submit_token": "2" * 32}
    page = alice_client.post(url, data).content.decode()
    assert "Post anyway" in page and "113" in page
    alice_client.post(url, {**data, "confirmed": "1"})
    assert Post.objects.filter(body__startswith="I want to die").exists()
