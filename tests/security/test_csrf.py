"""Cross-site request forgery and safe methods (SECURITY.md, csrf).

A POST without a CSRF token is refused with 403 and changes nothing; a GET writes nothing to the database
(except the session bookkeeping named in harness.GET_WRITABLE_TABLES).
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.security.authz_matrix import NOT_ALLOWED, OK, ROLES, ROWS
from tests.security.harness import (
    classify, row_counts, rule_for, sample_url, table_write_counters, walk_patterns, written_tables,
)


def _poster(row):
    """A role that the matrix lets POST to the row's URL (the view would act on it), or None."""
    for role in ROLES:
        if OK in row.post[role] and NOT_ALLOWED not in row.post[role]:
            return role
    return None


CSRF_ROWS = [row for row in ROWS if _poster(row)]


@pytest.mark.parametrize("row", CSRF_ROWS, ids=lambda row: row.name)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(row, world):
    role = _poster(row)
    user = world.people.get(role)
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client = signed_in_client(user, client=client)
    url = row.url(world)
    before = row_counts()
    response = client.post(url, {"next": "/", "language": "en", "accept": "on", "code": "123456"})
    assert response.status_code == 403, f"POST {url} as {role} without a CSRF token answered {response.status_code}"
    # Sessions may appear (allauth records the visit, see harness.GET_WRITABLE_TABLES); nothing else.
    assert written_tables(before, row_counts()) == []


def test_the_same_post_with_a_token_is_accepted(world):
    """The refusal above is about the token, not about the request: with a token the view acts."""
    client = signed_in_client(world.alice, client=Client(enforce_csrf_checks=True))
    client.get(reverse("account_settings"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("notifications_read_all"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert world.notification_read_at() is not None


def test_allauth_sign_in_and_sign_out_need_a_csrf_token(world):
    anonymous = Client(enforce_csrf_checks=True)
    before = row_counts()
    response = anonymous.post(reverse("account_login"), {"login": world.alice.email, "password": "x"})
    assert response.status_code == 403
    signed_in = signed_in_client(world.alice, client=Client(enforce_csrf_checks=True))
    assert signed_in.post(reverse("account_logout")).status_code == 403
    assert signed_in.get(reverse("home")).status_code == 200, "a forged sign-out signed alice out"
    counts = row_counts()
    assert written_tables(before, counts) == []


def _get_targets(world):
    targets = [(row.url(world), row.get_writes) for row in ROWS]
    for pattern in walk_patterns():
        if rule_for(pattern) is not None:
            targets.append((sample_url(pattern, world), ()))
    return targets


def test_no_get_request_writes_to_the_database(world):
    """Every URL of the matrix, every role: GET leaves every table as it was.

    PostgreSQL's per-transaction counters (inserts + updates + deletes per table) are compared, which also
    catches an UPDATE that a row count would miss. Allowed to change, because they are bookkeeping of the
    visit itself: django_session (saved on every request for the idle timeout) and allauth's
    usersessions_usersession (last seen, IP and user agent for "your sessions"). A row may allow more, with
    its reason (opening a notification marks it read).
    """
    writes = []
    for url, allowed in _get_targets(world):
        for role, client in world.clients.items():
            before = table_write_counters()
            response = client.get(url)
            changed = written_tables(before, table_write_counters(), allowed=allowed)
            if changed:
                writes.append(f"GET {url} as {role} ({classify(response, url)}) wrote to {changed}")
    assert not writes, "\n".join(writes)


def test_the_write_detector_sees_an_update_that_changes_no_row_count(world):
    from reconnect.models import User

    before = table_write_counters()
    User.objects.filter(pk=world.bob.pk).update(pseudonym="Driftwood2")
    assert written_tables(before, table_write_counters()) == ["reconnect_user"]
