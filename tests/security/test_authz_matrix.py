"""Every URL of the project, every role, GET and POST, against alice's objects (SECURITY.md, authz matrix).

Each GET of the matrix also checks, on the same request, what test_csrf.py and test_headers.py would otherwise
open every page again for:

- it writes nothing to the database. PostgreSQL's per-transaction counters (inserts + updates + deletes per
  table) are compared, which also catches an UPDATE that a row count would miss. Allowed to change, because
  they are bookkeeping of the visit itself: harness.GET_WRITABLE_TABLES (django_session, saved for the idle
  timeout, and allauth's usersessions_usersession: last seen, IP and user agent for "your sessions"). A row
  may allow more, with its reason (opening a notification marks it read).
- an HTML page of a row (the portal's own pages) carries no inline script, style or event handler, which the
  Content-Security-Policy would block.
"""

import sys

import pytest
from django.urls import reverse

from tests.security.authz_matrix import DENIALS, OK, PREFIX_RULES, ROLES, ROWS, ROWS_BY_NAME
from tests.security.harness import (
    GET_WRITABLE_TABLES, classify, html_page_text, inline_markup_problems, private_strings, request_and_roll_back,
    response_text, rule_for, sample_url, table_write_counters, uncovered_patterns, walk_patterns, written_tables,
)

METHODS = ("get", "post")


def test_every_url_pattern_has_a_row_in_the_authz_matrix():
    missing = uncovered_patterns()
    assert not missing, (
        "These URL patterns have no row in tests/security/authz_matrix.py (add one per URL name, saying what "
        "each role gets):\n" + "\n".join(f"  {p.key}  ({p.route})" for p in missing)
    )


def test_every_matrix_row_names_a_url_that_exists():
    names = {p.key for p in walk_patterns()}
    stale = [row.name for row in ROWS if row.name not in names]
    assert not stale, f"Matrix rows for URL names that no longer exist: {stale}"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_matrix_never_lets_a_stranger_reach_another_persons_object(row):
    """The data itself: for a URL pointing at someone's object, every other role is turned away."""
    if not row.foreign:
        return
    for method, table in (("GET", row.get), ("POST", row.post)):
        for role in ROLES:
            if role not in row.may:
                assert table[role] <= DENIALS, f"{row.name} {method} lets {role} reach an object not theirs"


def _check(world, url, role, method, expected, *, unchanged=None, private_ok=False, get_writes=(),
           markup=False):
    """One request; returns a line describing what went wrong, or None.

    A GET may write only to GET_WRITABLE_TABLES and `get_writes`; with `markup`, a GET's HTML page may carry
    nothing the Content-Security-Policy would block.
    """
    client = world.clients[role]
    before = unchanged() if unchanged else None
    is_get = method == "get"
    counters_before = table_write_counters() if is_get else None

    def inspect(response):
        # Inside the request's savepoint, before its rollback.
        return (unchanged() if unchanged else None), (table_write_counters() if is_get else None)

    response, inspected = request_and_roll_back(client, method, url, inspect=inspect)
    after, counters_after = inspected or (None, None)
    outcome = classify(response, url)
    problems = []
    if outcome not in expected:
        problems.append(f"got {outcome}, expected {' or '.join(sorted(expected))}")
    if unchanged and before != after:
        problems.append(f"changed another person's data: {before!r} -> {after!r}")
    if counters_after is not None:
        written = written_tables(counters_before, counters_after, allowed=get_writes)
        if written:
            problems.append(
                f"a GET wrote to {written} (it may write only to {sorted(GET_WRITABLE_TABLES | set(get_writes))})")
    if markup and is_get:
        html = html_page_text(response)
        blocked = inline_markup_problems(html) if html is not None else []
        if blocked:
            problems.append("the page carries what the Content-Security-Policy blocks: " + "; ".join(blocked))
    if not private_ok:
        text = response_text(response)
        leaked = [s for s in private_strings(world.people, viewer_role=role) if s in text]
        if leaked:
            problems.append(f"shows private details of other people: {leaked}")
    if problems:
        return f"{method.upper():4} {url} as {role}: " + "; ".join(problems)
    return None


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_each_role_gets_what_the_matrix_says(row, world):
    url = row.url(world)
    failures = []
    for method in METHODS:
        expected = row.get if method == "get" else row.post
        for role in ROLES:
            failure = _check(
                world, url, role, method, expected[role],
                unchanged=(lambda: row.unchanged(world)) if (row.unchanged and role not in row.may + row.owners) else None,
                get_writes=row.get_writes, markup=True,
            )
            if failure:
                failures.append(failure)
    assert not failures, f"{row.name}:\n" + "\n".join(failures)


LIBRARY_PATTERNS = [p for p in walk_patterns() if p.key not in ROWS_BY_NAME and rule_for(p) is not None]


@pytest.mark.parametrize("pattern", LIBRARY_PATTERNS, ids=lambda p: p.key)
def test_library_pages_follow_their_prefix_rule(pattern, world):
    rule = rule_for(pattern)
    url = sample_url(pattern, world)
    failures = []
    for method in METHODS:
        expectation = rule.get if method == "get" else rule.post
        for role in ROLES:
            failure = _check(
                world, url, role, method, expectation(pattern.name, role),
                private_ok=role in rule.sees_private_details,
            )
            if failure:
                failures.append(failure)
    assert not failures, f"{pattern.key} ({rule.note}):\n" + "\n".join(failures)


def test_prefix_rules_each_cover_at_least_one_url():
    patterns = walk_patterns()
    for rule in PREFIX_RULES:
        assert any(rule_for(p) is rule for p in patterns), f"no URL under {rule.prefix}: remove the rule"


def test_the_matrix_reports_a_get_that_writes_and_a_page_the_policy_would_block(world, monkeypatch):
    """The GET checks folded into the matrix can fail: opening alice's notification writes (its row allows it;
    here nothing is allowed), and a page with an inline event handler is named."""
    url = reverse("notification_open", args=[world.alice_notification.pk])
    failure = _check(world, url, "alice", "get", {OK})
    assert failure and "a GET wrote to ['reconnect_notification'" in failure, failure
    assert _check(world, url, "alice", "get", {OK}, get_writes=ROWS_BY_NAME["notification_open"].get_writes) is None

    monkeypatch.setattr(sys.modules[__name__], "html_page_text", lambda response: '<p onclick="x()">Hi</p>')
    failure = _check(world, reverse("home"), "alice", "get", {OK}, markup=True)
    assert failure and "an on* event attribute" in failure, failure
