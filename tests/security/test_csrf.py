"""Cross-site request forgery and safe methods (SECURITY.md, csrf).

A POST without a CSRF token is refused with 403 and changes nothing; a GET writes nothing to the database
(except the session bookkeeping named in harness.GET_WRITABLE_TABLES). The GET side is checked by the matrix's
own GET requests (test_authz_matrix.py: every URL of the matrix and every library page, every role), which
compare PostgreSQL's per-table write counters around each request; the detector they use is tested here.
"""

import copy

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.security.authz_matrix import NOT_ALLOWED, OK, ROLES, ROWS
from tests.security.harness import row_counts, table_write_counters, written_tables


def _poster(row):
    """A role that the matrix lets POST to the row's URL (the view would act on it), or None."""
    for role in ROLES:
        if OK in row.post[role] and NOT_ALLOWED not in row.post[role]:
            return role
    return None


CSRF_ROWS = [row for row in ROWS if _poster(row)]


@pytest.fixture(scope="module")
def _csrf_clients(_module_world, django_db_blocker):
    """A client per role that checks CSRF tokens as a browser's requests are checked, signed in once for the
    module (in the module's world) rather than once per test."""
    with django_db_blocker.unblock():
        clients = {"anonymous": Client(enforce_csrf_checks=True)}
        for role in ROLES[1:]:
            clients[role] = signed_in_client(_module_world.people[role], client=Client(enforce_csrf_checks=True))
    return clients


@pytest.fixture
def csrf_clients(_csrf_clients, world):
    """Each test's clients carry only their session cookie, as new ones would: no CSRF cookie to send back."""
    cookies = {role: copy.deepcopy(client.cookies) for role, client in _csrf_clients.items()}
    yield _csrf_clients
    for role, client in _csrf_clients.items():
        client.cookies = cookies[role]


@pytest.mark.parametrize("row", CSRF_ROWS, ids=lambda row: row.name)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(row, world, csrf_clients):
    role = _poster(row)
    client = csrf_clients[role]
    assert "csrftoken" not in client.cookies
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


def test_the_write_detector_sees_an_update_that_changes_no_row_count(world):
    from reconnect.models import User

    before = table_write_counters()
    User.objects.filter(pk=world.bob.pk).update(pseudonym="Driftwood2")
    assert written_tables(before, table_write_counters()) == ["reconnect_user"]
