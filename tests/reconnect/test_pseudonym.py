"""Pseudonym rules at sign-up: friendly messages from the form, the database keeps the truth."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from reconnect import services
from reconnect.forms import pseudonym_problem
from reconnect.models import Role, User
from tests.factories import UserFactory

PASSWORD = "a calm walk by the fjord"


@pytest.fixture
def client():
    """A visitor whose browser asks for English. The portal's default language is Norwegian, and these tests
    read the English wording; test_translations.py checks the Norwegian."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def token(consultant, north):
    _invitation, token = services.invite_person(invited_by=consultant, email="sunny.river@example.test",
                                                role=Role.SERVICE_USER, community=north)
    return token


def submit(client, token, pseudonym, real_name="Ingrid Holm"):
    return client.post(reverse("invitation_accept", args=[token]), {
        "pseudonym": pseudonym, "real_name": real_name, "password1": PASSWORD, "password2": PASSWORD,
        "preferred_language": "en",
    })


@pytest.mark.parametrize(
    "pseudonym, message",
    [
        ("ab", "Your pseudonym needs at least 3 characters."),
        ("x" * 31, "Your pseudonym can have at most 30 characters."),
        ("Sunnyside", "must not contain part of your e-mail address"),
        ("the RIVER", "must not contain part of your e-mail address"),
        ("HolmGang", "must not contain part of your real name"),
        ("ingrid-7", "must not contain part of your real name"),
        ("LIGHTHOUSE", "Someone already uses this pseudonym. Please choose another one."),
        ("hi<b>there</b>", "Please use only letters, digits, spaces, hyphens (-) and underscores (_)."),
    ],
    ids=["too-short", "too-long", "email-local-part", "email-part-other-case", "real-name", "first-name",
         "duplicate-other-case", "markup"],
)
def test_a_pseudonym_that_breaks_a_rule_gets_a_friendly_message_and_no_account(
    client, token, alice, pseudonym, message
):
    response = submit(client, token, pseudonym)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="error-summary"' in html
    assert not User.objects.filter(email="sunny.river@example.test").exists()


@pytest.mark.parametrize("pseudonym", ["Quiet Harbour", "Måke_7", "abc", "x" * 30, "  Northern   Light  "])
def test_good_pseudonyms_are_accepted(client, token, pseudonym):
    response = submit(client, token, pseudonym)
    assert response.status_code == 302
    assert User.objects.get(email="sunny.river@example.test").pseudonym == " ".join(pseudonym.split())


def test_short_parts_of_a_name_do_not_block_a_pseudonym(db):
    # "Li" and "Bo" are too short to identify anyone, and would forbid half the alphabet.
    assert pseudonym_problem("Blue Bottle", email="bo@example.test", real_name="Li Bo") is None


def test_the_rules_ignore_case_for_email_and_real_name(db):
    assert pseudonym_problem("MARIT-x", email="x@example.test", real_name="marit hansen") is not None
    assert pseudonym_problem("hansenfan", email="marit.HANSEN@example.test", real_name="") is not None


def test_the_database_refuses_a_duplicate_pseudonym_in_another_case(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(pseudonym="lighthouse")


def test_the_database_refuses_a_too_short_pseudonym(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(pseudonym="ab")
