"""The Norwegian Bokmål translation: complete, well-formed, and what a Norwegian-speaking person really sees.

The pages are rendered from the compiled .mo (built by `make setup` / compilemessages), so these tests also
catch a translation that is in the .po but was never compiled.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from tests.conftest import signed_in_client

PO_FILE = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# %(name)s, %s, %d, {name} and HTML tags must come through a translation unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")


def _unquote(line):
    text = line.strip()[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def po_entries(path=PO_FILE):
    """Each entry of a .po file as {"flags", "msgid", "msgid_plural", "msgstr": {index: text}}, header included."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry = {"flags": set(), "msgid": None, "msgid_plural": None, "msgstr": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):  # obsolete: not compiled, not shown
                entry = None
                break
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line):
                keyword, index, text = match.groups()
                field = (keyword, int(index or 0))
                if keyword == "msgstr":
                    entry["msgstr"][field[1]] = _unquote(text)
                else:
                    entry[keyword] = _unquote(text)
            elif line.startswith('"') and field is not None:
                keyword, index = field
                if keyword == "msgstr":
                    entry["msgstr"][index] += _unquote(line)
                else:
                    entry[keyword] += _unquote(line)
        if entry is not None:
            entries.append(entry)
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert len(messages) > 300, "the .po looks nearly empty: run makemessages -l nb"
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (fuzzy entries are not compiled): {fuzzy[:10]}"


def test_the_header_names_the_language_plural_rule_and_charset():
    header = po_entries()[0]["msgstr"][0]
    assert "Language: nb\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header
    assert "charset=UTF-8" in header


def test_translations_keep_every_placeholder_and_tag():
    problems = []
    for entry in po_entries()[1:]:
        sources = [entry["msgid"]] if entry["msgid_plural"] is None else [entry["msgid"], entry["msgid_plural"]]
        for index, text in entry["msgstr"].items():
            source = sources[min(index, len(sources) - 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append((source, text))
            if source.endswith("\n") != text.endswith("\n"):
                problems.append((source, text))
    assert not problems, problems[:10]


def test_the_translation_is_compiled():
    assert MO_FILE.exists(), "locale/nb/LC_MESSAGES/django.mo is missing: run `make setup` (compilemessages)"
    assert MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime - 1, "the .mo is older than the .po: recompile"


# --- What a Norwegian-speaking person sees -------------------------------------------------------------

@pytest.fixture
def norwegian_alice(alice):
    alice.preferred_language = "nb"
    alice.save(update_fields=["preferred_language"])
    return alice


def get_html(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    html = response.content.decode()
    assert 'lang="nb"' in html
    return html


def assert_norwegian(html, *present, absent=()):
    for text in present:
        assert text in html, f"expected Norwegian text {text!r} is missing"
    for text in absent:
        assert text not in html, f"English text {text!r} is still on the page"


def test_an_anonymous_visitor_gets_the_login_page_in_norwegian(client, db):
    html = get_html(client, "account_login")
    assert_norwegian(
        html,
        "Logg inn på ReConnect", "Logg inn", "kallenavnet ditt", "Legevakt", "113", "116 117",
        absent=("Sign in to ReConnect", "Other members only ever see your pseudonym", "Out-of-hours doctor"),
    )


def test_a_wrong_password_is_explained_in_norwegian(client, norwegian_alice):
    response = client.post(reverse("account_login"), {"login": norwegian_alice.email, "password": "wrong wrong"})
    assert_norwegian(
        response.content.decode(),
        "E-postadressen eller passordet er ikke riktig",
        absent=("The e-mail address or password is not right",),
    )


def test_home_page_in_norwegian(norwegian_alice, alice_client, linked_provider):
    html = get_html(alice_client, "home")
    assert_norwegian(
        html,
        "Velkommen, Lighthouse", "Mine behandlere", "Carol Dahl", "Varsler", "Min konto", "Logg ut",
        "Personvernet ditt", "Hvem har sett dataene mine", "Ikke for akutte situasjoner.", "Legevakt", "113",
        "Det er ikke en akuttjeneste.",
        absent=("Welcome, Lighthouse", "My care team", "Sign out", "It is not an emergency service."),
    )


def test_account_settings_in_norwegian(norwegian_alice, alice_client):
    html = get_html(alice_client, "account_settings")
    assert_norwegian(
        html,
        "Min konto", "Slik ser andre deg", "Kallenavn", "Totrinnsbekreftelse og reservekoder", "Endre passord",
        "Innstillinger for varsler",
        absent=("How others see you", "Second factor and recovery codes", "Change password"),
    )


def test_notifications_and_their_settings_in_norwegian(norwegian_alice, alice_client, unlinked_provider):
    from reconnect.services import create_care_link

    create_care_link(provider=unlinked_provider, service_user=norwegian_alice, by=None)
    html = get_html(alice_client, "notifications")
    # The new link is told to alice in her own language; the time is Django's own Norwegian "for ... siden".
    assert_norwegian(
        html,
        "<h1>Varsler</h1>", "Velg hva du får på e-post", "En ny behandler er koblet til deg.", " siden</time>",
        absent=("Choose what comes by e-mail", "A provider has been added to your care team.", " ago</time>"),
    )
    html = get_html(alice_client, "notification_preferences")
    assert_norwegian(
        html,
        "Innstillinger for varsler", "Send meg også e-post om", "Svar i forumet", "Lagre innstillingene",
        absent=("Also send me an e-mail about", "Replies in the forum", "Save settings"),
    )


def test_the_terms_page_in_norwegian(norwegian_alice, alice_client):
    html = get_html(alice_client, "consent")
    assert_norwegian(
        html,
        "Vilkår for bruk", "Du godtok disse vilkårene",
        absent=("Terms of use", "You accepted these terms on"),
    )


def test_the_terms_form_in_norwegian_before_accepting(norwegian_alice):
    html = get_html(signed_in_client(norwegian_alice, consented=False), "consent")
    assert_norwegian(
        html,
        "Jeg har lest og godtar vilkårene", "Godta og gå videre",
        absent=("I have read and accept the terms", "Accept and continue"),
    )


def test_the_care_team_page_in_norwegian_for_both_sides(norwegian_alice, alice_client, linked_provider):
    html = get_html(alice_client, "care_team")
    assert_norwegian(
        html,
        "Mine behandlere", "Carol Dahl", "koblet til siden", "Avslutt koblingen",
        '<span class="visually-hidden"> med Carol Dahl</span>',
        absent=("My care team", "linked since", "End the link"),
    )
    linked_provider.preferred_language = "nb"
    linked_provider.save(update_fields=["preferred_language"])
    html = get_html(signed_in_client(linked_provider), "care_team")
    assert_norwegian(
        html,
        "Personer jeg følger opp", "Alice Aasen", "Inviter en tjenestebruker",
        absent=("People in my care", "Invite a service user"),
    )


def test_recovery_codes_use_the_norwegian_plural(norwegian_alice, alice_client):
    html = get_html(alice_client, "mfa_manage")
    assert re.search(r"Du har \d+ reservekoder? igjen\.", html), "the recovery-code count is not in Norwegian"
    assert_norwegian(html, "Totrinnsbekreftelsen er slått på.", absent=("recovery code left", "codes left"))
    with translation.override("nb"):
        for count, expected in ((1, "Du har 1 reservekode igjen."), (2, "Du har 2 reservekoder igjen.")):
            text = ngettext("You have %(counter)s recovery code left.", "You have %(counter)s recovery codes left.",
                            count)
            assert text % {"counter": count} == expected


def test_the_invitation_e_mail_is_in_norwegian_first_then_english(linked_provider, north):
    from reconnect import services
    from reconnect.models import Role

    invitation, token = services.invite_person(
        invited_by=linked_provider, email="nina@example.test", role=Role.SERVICE_USER, community=north
    )
    assert services.send_invitation_email(invitation_id=invitation.pk, token=token) is True
    message = mail.outbox[-1]
    assert message.subject == "Du er invitert til ReConnect / You are invited to ReConnect"
    norwegian, english = message.body.split("\n\n-----\n\n")
    for text in ("Hei,", "En av behandlerne dine har invitert deg til ReConnect", "Du er invitert som: Tjenestebruker",
                 "Lokalsamfunn: Nordby", "ReConnect er ikke en akuttjeneste", "116 117", "Vennlig hilsen ReConnect"):
        assert text in norwegian, text
    assert "You are invited as: Service user" in english and "Someone in your care team" in english
    assert "Someone in your care team" not in norwegian


def test_the_provider_is_told_the_invitation_is_sent_in_norwegian(linked_provider, north):
    linked_provider.preferred_language = "nb"
    linked_provider.save(update_fields=["preferred_language"])
    client = signed_in_client(linked_provider)
    response = client.post(reverse("invitation_create"),
                           {"email": "ny@example.test", "role": "service_user", "community": north.pk}, follow=True)
    assert_norwegian(
        response.content.decode(),
        "Invitasjonen er på vei til ny@example.test", "Invitasjoner du har sendt", "Venter, gyldig til",
        absent=("The invitation is on its way", "Invitations you sent"),
    )


def test_an_english_speaker_still_gets_english(alice, alice_client):
    assert alice.preferred_language == "en"
    html = alice_client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html and "Welcome, Lighthouse" in html and "Velkommen" not in html
    assert "Logg inn" in Client().get(reverse("account_login")).content.decode()


def test_the_forum_writing_checks_speak_norwegian(settings):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from forum.checks import run_writing_checks

    check = run_writing_checks("Jeg vil bare dø. Ring meg på 912 34 567, hilsen Kari Nordmann")
    assert check.is_crisis and check.has_privacy_findings
    with translation.override("nb"):
        html = render_to_string("forum/_writing_check.html", {"writing_check": check}, request=RequestFactory().get("/"))
    assert_norwegian(
        html,
        "Sjekk før du publiserer", "Vi fant 2 detaljer", "Telefonnummer", "Fullt navn",
        "Det høres ut som du har det veldig tungt nå", "Forumet er ikke for akutte situasjoner.",
        "Medisinsk nødtelefon", "Legevakt", 'href="tel:113"', "116 117", settings.CRISIS_HELPLINE_NUMBER,
        "Erfaringskonsulenten vil se det",
        absent=("Check before you post", "not for emergencies", "Phone number", "Out-of-hours doctor"),
    )
