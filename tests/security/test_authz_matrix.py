"""Every URL of the project, every role, GET and POST, against alice's objects (SECURITY.md, authz matrix)."""

import pytest

from tests.security.authz_matrix import DENIALS, PREFIX_RULES, ROLES, ROWS, ROWS_BY_NAME
from tests.security.harness import (
    classify, private_strings, request_and_roll_back, response_text, rule_for, sample_url, uncovered_patterns,
    walk_patterns,
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


def _check(world, url, role, method, expected, *, unchanged=None, private_ok=False):
    """One request; returns a line describing what went wrong, or None."""
    client = world.clients[role]
    before = unchanged() if unchanged else None

    def inspect(response):
        return unchanged() if unchanged else None

    response, after = request_and_roll_back(client, method, url, inspect=inspect)
    outcome = classify(response, url)
    problems = []
    if outcome not in expected:
        problems.append(f"got {outcome}, expected {' or '.join(sorted(expected))}")
    if unchanged and before != after:
        problems.append(f"changed another person's data: {before!r} -> {after!r}")
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
