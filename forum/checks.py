"""Writing help for the forum: a privacy check and a crisis check, run on a post before it is published.

Both are pure functions of the text (no database, no network), so the forum views can call them on every
preview and submit, and tests can exercise them on their own. Everything heavy is compiled at import; a
5,000-character post takes about 2–4 ms for both checks.

- `check_privacy(text, community=..., extra_places=...)` finds details that can identify someone: e-mail
  addresses, Norwegian phone numbers, national id numbers (with both check digits), street addresses,
  postcodes, full names (first name from a list plus a surname-like word), social media profiles and
  @handles, and place names from the writer's own community.
- `check_crisis(text)` finds crisis language from a curated Norwegian and English list, robust to simple
  spelling variants.
- `run_writing_checks(...)` runs both for the forum views.

The word lists live in forum/wordlists/ (see its README).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

WORDLISTS = Path(__file__).resolve().parent / "wordlists"


def _read_list(name: str) -> list[str]:
    lines = (WORDLISTS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


# ---------------------------------------------------------------------------------------------------------
# Privacy check
# ---------------------------------------------------------------------------------------------------------


class FindingKind(models.TextChoices):
    """What kind of identifying detail was found (also the key for the statistics count)."""

    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Street address")
    POSTCODE = "postcode", _("Postcode")
    FULL_NAME = "full_name", _("Full name")
    NATIONAL_ID = "national_id", _("National identity number")
    SOCIAL_PROFILE = "social_profile", _("Social media profile")
    PLACE_NAME = "place_name", _("Place in your community")


MESSAGES = {
    FindingKind.EMAIL: _(
        "An e-mail address lets anyone who reads the forum contact you outside the portal, and it often "
        "contains a real name."
    ),
    FindingKind.PHONE: _(
        "A phone number leads straight to a person: anyone who reads the forum could call or text, or look "
        "the number up and find a name and address."
    ),
    FindingKind.ADDRESS: _(
        "A street address shows where someone lives. People from your community may know the house, and "
        "anyone can find it on a map."
    ),
    FindingKind.POSTCODE: _(
        "A postcode narrows down where someone lives to a few streets. Together with other details in your "
        "posts, it can be enough to work out who you are."
    ),
    FindingKind.FULL_NAME: _(
        "This looks like a full name. If it is yours or someone you know, others from your community may "
        "recognise you, or them, when you meet at a café."
    ),
    FindingKind.NATIONAL_ID: _(
        "This looks like a national identity number (fødselsnummer or D-number). It points to exactly one "
        "person and can be misused, for example to borrow money in their name. Please do not share it here."
    ),
    FindingKind.SOCIAL_PROFILE: _(
        "A social media profile or username links your forum posts to your life outside the portal: your "
        "name, your photos, your friends."
    ),
    FindingKind.PLACE_NAME: _(
        "This is a place in your own community. Others from your community may recognise you when you meet "
        "at a café, and people who know the place may guess who you are."
    ),
}

# When two findings overlap, the earlier one wins; at the same start the longer one; then this order.
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        [
            FindingKind.EMAIL,
            FindingKind.SOCIAL_PROFILE,
            FindingKind.NATIONAL_ID,
            FindingKind.PHONE,
            FindingKind.ADDRESS,
            FindingKind.POSTCODE,
            FindingKind.FULL_NAME,
            FindingKind.PLACE_NAME,
        ]
    )
}


@dataclass(frozen=True)
class Finding:
    """One identifying detail in the text: what it is, where it is, and why it matters."""

    kind: FindingKind
    start: int
    end: int
    excerpt: str

    @property
    def label(self):
        return self.kind.label

    @property
    def message(self):
        return MESSAGES[self.kind]


# Letters as Python's \w sees them, without digits and underscore; capitalised words are checked with these.
_UPPER = "A-ZÆØÅÄÖÜÉ"
_LOWER = "a-zæøåäöüéèáóò"
_CAP_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+%-]+"
    r"(?:@|\s?[\(\[]\s?(?:at|alfa|krøllalfa)\s?[\)\]]\s?)"
    r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b",
    re.IGNORECASE,
)

# Norwegian numbers have 8 digits and do not start with 0 or 1; written as 91234567, 912 34 567,
# 91 23 45 67 or 9123 4567 (spaces or dots), optionally after +47 or 0047. Other groupings (12 000 000,
# 12.03.2024) are amounts and dates, not phone numbers.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?<!\d[ .])"
    r"(?:(?:\+|00)\s?47[ .-]?)?"
    r"(?:[2-9]\d{7}"
    r"|[2-9]\d{2}[ .]\d{2}[ .]\d{3}"
    r"|[2-9]\d[ .]\d{2}[ .]\d{2}[ .]\d{2}"
    r"|[2-9]\d{3}[ .]\d{4})"
    r"(?![ .]?\d)(?!\w)"
)
_AMOUNT_BEFORE_RE = re.compile(r"(?:kr\.?|nok|\$|€|£|usd|eur)\s*$", re.IGNORECASE)
_AMOUNT_AFTER_RE = re.compile(r"^\s*(?:kr\b|kroner|nok\b|,-|euro|dollar|%|prosent|percent)", re.IGNORECASE)

# Eleven digits, perhaps written as 6 + 5 ("010190 12345").
_NATIONAL_ID_RE = re.compile(r"(?<![\d\w])(\d{6})[ .]?(\d{5})(?![\d\w])")

# Addresses are found from their house number: numbers are few, so we look for a street name just before
# each one ("Storgata 12") or just after ("12 Main Street") instead of scanning the whole text for streets.
_HOUSE_NUMBER_RE = re.compile(r"(?<![\w.,:/+-])\d{1,4}(?:[A-Za-z]|\s[A-H])?(?![\w])(?![.:,]\d)")
_NOT_A_HOUSE_NUMBER_RE = re.compile(
    r"\s*(?:%|prosent|ganger|gang|gonger|timer|time|min|minutter|år|dager|dagar|kr|km|m|kg|mil|"
    r"times|hours|hour|years|days|mins|minutes|percent|o'clock)\b",
    re.IGNORECASE,
)
# Street words that are common nouns too ("bakken", "veien") count only inside a longer word
# ("Kirkebakken", "storgata"); the rest need a capital letter as street names have ("Solhagen").
_STREET_SUFFIX_ANY_CASE = "gata|gaten|veien|vegen|bakken|stien|plassen|alléen|alleen|torget|brygga|bryggen"
_STREET_SUFFIX_CAPITAL = (
    "gate|vei|veg|sti|plass|allé|torg|kaia|kaien|stredet|smuget|svingen|ringen|lia|åsen|haugen|jordet|"
    "tunet|løkka|løkken|hagen|lunden|parken|kroken|terrasse"
)
_STREET_BEFORE_NUMBER_RE = re.compile(
    r"(?<![\w])(?:"
    # Storgata, kirkeveien
    rf"[{_UPPER}{_LOWER}][{_LOWER}-]+(?:{_STREET_SUFFIX_ANY_CASE})"
    # Solhagen, Nordre Åsen
    rf"|[{_UPPER}][{_LOWER}-]+(?:{_STREET_SUFFIX_CAPITAL})"
    # Kongens gate, Karl Johans gate, Nordre vei
    rf"|[{_UPPER}][{_LOWER}]+\.?(?:\s[{_UPPER}][{_LOWER}]+)?\s(?:gate|gata|vei|veien|veg|vegen|allé|plass|torg)"
    # Main Street, Baker St
    rf"|[{_UPPER}][{_LOWER}]+(?:\s[{_UPPER}][{_LOWER}]+)?\s"
    r"(?i:street|st|road|rd|avenue|ave|lane|drive|close|way|place|crescent|terrace|gardens|square|court|boulevard)"
    r")\s+$"
)
_STREET_AFTER_NUMBER_RE = re.compile(
    # 12 Main Street, 221B Baker Street
    rf"\s[{_UPPER}][{_LOWER}]+(?:\s[{_UPPER}][{_LOWER}]+)?\s"
    r"(?i:street|road|avenue|lane|drive|close|way|place|crescent|terrace|gardens|square|court|boulevard)\b"
)

_POSTCODE_PLACE_RE = re.compile(rf"(?<![\w.,:/-])(\d{{4}})\s+({_CAP_WORD})")
_POSTCODE_WORD_RE = re.compile(
    r"\b(?:postnummer|postnr\.?|post\s?nr\.?|postkode|postcode|post\s?code|zip\s?code|zip)"
    r"(?:\s*[:=]|\s+(?:is|er|mitt\s+er|my\s+is))?\s*\d{4}\b",
    re.IGNORECASE,
)
# Capitalised words that follow a year far more often than a postcode does: "I 2019 Jeg ...", "in 2020 I".
_NOT_A_PLACE = frozenset(
    """I Jeg Eg Det Dette Den De Vi Han Hun Ho Da Så Men Og Når Etter Før Hva Kva Min Mitt Mine Meg Du Dere
    The It We He She They In On At And But So When After Before This That There My Me You Your Our Then
    Januar Februar Mars April Mai Juni Juli August September Oktober November Desember
    January February March May June July October December
    Mandag Tirsdag Onsdag Torsdag Fredag Lørdag Søndag Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday Jul Påske Christmas Easter Kr NOK""".split()
)
# Numbers after these are times, pages and counts ("kl 0930 Møte", "side 1234"), not postcodes.
_NOT_A_POSTCODE_BEFORE_RE = re.compile(
    r"\b(?:kl|klokka|klokken|side|s|nr|nummer|kap|kapittel|rom|room|page|p|no|at|ca|mandag|tirsdag|onsdag|"
    r"torsdag|fredag|lørdag|søndag|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\.?\s*$",
    re.IGNORECASE,
)
_POSTCODE_PLACE_END_RE = re.compile(rf"\s*(?:$|[.,;:!?)\n]|\s+(?:i\s+)?[{_UPPER}\d])")
_YEAR_CONTEXT_RE = re.compile(
    r"(?:\b(?:i|in|år|året|siden|sidan|since|fra|frå|from|til|to|until|innen|by|før|before|etter|after|"
    r"sommeren|høsten|våren|vinteren|summer|autumn|spring|winter|of|jula|julen|rundt|around|ca)\s*|[-–])$",
    re.IGNORECASE,
)

_FIRST_NAMES = frozenset(_read_list("first_names.txt"))
_SURNAMES = frozenset(line for line in _read_list("surnames.txt") if not line.startswith("-"))
# At least two letters before the ending: "Olsen" and "Sandvik" are surname-like, "Vik" only when listed.
_SURNAME_ENDING_RE = re.compile(
    r"(?:^|-)\w{2,}(?:"
    + "|".join(re.escape(line[1:]) for line in _read_list("surnames.txt") if line.startswith("-"))
    + ")$"
)
# Runs of two to four capitalised words on one line: "Kari Nordmann", "Anne-Lise Berg", "Kari Anne Olsen".
_CAPITALISED_RUN_RE = re.compile(rf"(?<![\w]){_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{1,3}}(?![\w])")
_CAP_WORD_RE = re.compile(_CAP_WORD)

_SOCIAL_DOMAINS = (
    r"facebook\.com|fb\.com|instagram\.com|x\.com|twitter\.com|tiktok\.com|snapchat\.com|linkedin\.com|"
    r"youtube\.com|threads\.net|threads\.com|reddit\.com|bsky\.app|t\.me|pinterest\.com|tumblr\.com|vk\.com"
)
_SOCIAL_URL_RE = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:www\.|m\.|mobile\.|web\.|vm\.|[a-z]{{2}}-[a-z]{{2}}\.)?"
    rf"(?:{_SOCIAL_DOMAINS})/[^\s<>\"'()\[\]]+",
    re.IGNORECASE,
)
_SOCIAL_URL_HINT_RE = re.compile(r"\.(?:com|net|app|me)/", re.IGNORECASE)
_SOCIAL_NAMED_RE = re.compile(
    r"\b(?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|discord|telegram|kik|twitter|facebook|fb)"
    r"\s*(?:[:=]|(?:id|name|navn|brukernavn|username|handle|user|bruker)\s*[:=]?)\s*@?[A-Za-z0-9_][\w.-]{1,30}",
    re.IGNORECASE,
)
_SOCIAL_NAMES = ("snap", "insta", "ig", "tiktok", "discord", "telegram", "kik", "twitter", "facebook", "fb")
_HANDLE_RE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[\w.]{0,28}[A-Za-z0-9_])?)(?![\w@])")
_TRAILING_PUNCTUATION = ".,;:!?"


def _is_valid_national_id(digits: str) -> bool:
    """Fødselsnummer or D-number: a real date (day + 40 for D-numbers) and both mod-11 check digits."""
    d = [int(c) for c in digits]
    day, month, year2, individual = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5], digits[6:9]
    if day > 40:
        day -= 40  # D-number
    ind = int(individual)
    if ind <= 499:
        century = 1900
    elif ind <= 749 and year2 >= 54:
        century = 1800
    elif ind >= 900 and year2 >= 40:
        century = 1900
    elif year2 <= 39:
        century = 2000
    else:
        return False
    try:
        datetime.date(century + year2, month, day)
    except ValueError:
        return False
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:10], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and (k1, k2) == (d[9], d[10])


@functools.lru_cache(maxsize=4096)
def _is_surname(word: str) -> bool:
    return word in _SURNAMES or _SURNAME_ENDING_RE.search(word) is not None


def _near(pattern: re.Pattern, text: str, positions: Iterable[int], before: int, after: int):
    """Matches of `pattern` in windows around `positions`: much cheaper than scanning the whole text with a
    pattern that is slow to reject, when a cheap hint (an "@", a ".com/") says where a match could be.
    Overlapping windows are merged, so no part of the text is scanned twice."""
    windows: list[list[int]] = []
    for position in sorted(positions):
        lo, hi = max(0, position - before), min(len(text), position + after)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        yield from pattern.finditer(text, lo, hi)


def _positions(text: str, needle: str):
    position = text.find(needle)
    while position != -1:
        yield position
        position = text.find(needle, position + 1)


def _emails(text):
    if "(" in text or "[" in text:  # "kari (at) example.no": rare, so the whole text is scanned
        matches = _EMAIL_RE.finditer(text)
    else:
        matches = _near(_EMAIL_RE, text, _positions(text, "@"), 70, 260)
    for m in matches:
        yield FindingKind.EMAIL, m.start(), m.end()


def _phones(text):
    for m in _PHONE_RE.finditer(text):
        if _AMOUNT_BEFORE_RE.search(text, max(0, m.start() - 6), m.start()) or _AMOUNT_AFTER_RE.match(
            text[m.end() : m.end() + 10]
        ):
            continue
        yield FindingKind.PHONE, m.start(), m.end()


def _national_ids(text):
    for m in _NATIONAL_ID_RE.finditer(text):
        if _is_valid_national_id(m.group(1) + m.group(2)):
            yield FindingKind.NATIONAL_ID, m.start(), m.end()


def _addresses(text):
    for number in _HOUSE_NUMBER_RE.finditer(text):
        start, end = number.span()
        street = _STREET_BEFORE_NUMBER_RE.search(text, max(0, start - 60), start)
        if street is not None and not _NOT_A_HOUSE_NUMBER_RE.match(text, end):
            yield FindingKind.ADDRESS, street.start(), end
            continue
        street = _STREET_AFTER_NUMBER_RE.match(text, end)
        if street is not None:
            yield FindingKind.ADDRESS, start, street.end()


def _postcodes(text):
    lowered = text.lower()
    if "post" in lowered or "zip" in lowered:
        for m in _POSTCODE_WORD_RE.finditer(text):
            yield FindingKind.POSTCODE, m.start(), m.end()
    for m in _POSTCODE_PLACE_RE.finditer(text):
        number, place = m.group(1), m.group(2)
        if (
            place in _NOT_A_PLACE
            or number == "0000"
            or _NOT_A_POSTCODE_BEFORE_RE.search(text, max(0, m.start() - 12), m.start())
        ):
            continue
        # A place name ends the address: "0150 Oslo.", "0150 Oslo, Norge", "9990 Båtsfjord\n". A
        # capitalised word that runs on into the sentence ("2000 Mennesker var der") is something else.
        if not _POSTCODE_PLACE_END_RE.match(text, m.end()):
            continue
        if 1900 <= int(number) <= 2099 and _YEAR_CONTEXT_RE.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        yield FindingKind.POSTCODE, m.start(), m.end()


def _full_names(text):
    for run in _CAPITALISED_RUN_RE.finditer(text):
        words = list(_CAP_WORD_RE.finditer(run.group()))
        i = 0
        while i < len(words) - 1:
            first = words[i].group()
            if first.split("-", 1)[0] not in _FIRST_NAMES:
                i += 1
                continue
            # A first name, perhaps a middle name, then a surname: "Kari Nordmann", "Kari Anne Olsen".
            j = i + 1
            if j + 1 < len(words) and words[j].group().split("-", 1)[0] in _FIRST_NAMES:
                if _is_surname(words[j + 1].group()) or not _is_surname(words[j].group()):
                    j += 1
            if _is_surname(words[j].group()):
                yield FindingKind.FULL_NAME, run.start() + words[i].start(), run.start() + words[j].end()
                i = j + 1
            else:
                i += 1


def _social_profiles(text, known_handles):
    # Links are looked for only near a ".com/" and "snap: name" only where a service is named.
    matches = list(
        _near(_SOCIAL_URL_RE, text, (m.start() for m in _SOCIAL_URL_HINT_RE.finditer(text)), 60, 300)
    )
    lowered = text.lower()
    if len(lowered) == len(text):
        starts = sorted({p for name in _SOCIAL_NAMES for p in _positions(lowered, name)})
        matches.extend(m for m in (_SOCIAL_NAMED_RE.match(text, p) for p in starts) if m is not None)
    else:  # lower-casing changed the length (rare letters such as "İ"): scan the whole text
        matches.extend(_SOCIAL_NAMED_RE.finditer(text))
    for m in matches:
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING_PUNCTUATION:
            end -= 1
        yield FindingKind.SOCIAL_PROFILE, m.start(), end
    for m in _HANDLE_RE.finditer(text):
        handle = m.group(1)
        if not any(c.isalpha() for c in handle) or handle.casefold() in known_handles:
            continue
        yield FindingKind.SOCIAL_PROFILE, m.start(), m.end()


_NORWEGIAN_LETTER_VARIANTS = {"æ": "(?:æ|ae|e)", "ø": "(?:ø|oe|o)", "å": "(?:å|aa|a)"}
_MUNICIPALITY_WORDS_RE = re.compile(r"\s+(?:kommune|herad|herred|municipality)$", re.IGNORECASE)


def _place_alternative(name: str) -> str:
    """A pattern for one place name; æ ø å may be written ae oe aa (or e o a), as people often do."""
    parts = []
    for char in name.casefold():
        if char in _NORWEGIAN_LETTER_VARIANTS:
            parts.append(_NORWEGIAN_LETTER_VARIANTS[char])
        elif char.isspace():
            parts.append(r"[\s-]+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def _place_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """One compiled pattern per set of place names (a community's, plus the admin's list), cached.

    Names are matched whole, in any case, with an optional genitive s ("Nordbys"). Very short names that
    are also ordinary words in lower case ("Ås", "Bø", "Ski", "Moss") must be written with a capital.
    """
    long_names = sorted({n for n in names if len(n) > 4}, key=len, reverse=True)
    short_names = sorted({n for n in names if 2 <= len(n) <= 4}, key=len, reverse=True)
    alternatives = []
    if long_names:
        alternatives.append("(?i:" + "|".join(_place_alternative(n) for n in long_names) + ")")
    if short_names:
        alternatives.append("|".join(re.escape(n[0].upper() + n[1:]) for n in short_names))
    if not alternatives:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")s?(?![\w])")


def _community_place_names(community, extra_places: Iterable[str]) -> tuple[str, ...]:
    names = []
    if community is not None:
        for value in (community.name, community.municipality):
            value = (value or "").strip()
            if value:
                names.append(value)
                core = _MUNICIPALITY_WORDS_RE.sub("", value).strip()
                if core and core != value:
                    names.append(core)
    names.extend(p.strip() for p in extra_places if p and p.strip())
    return tuple(sorted(set(names)))


def _place_names(text, names):
    pattern = _place_pattern(names) if names else None
    if pattern is None:
        return
    for m in pattern.finditer(text):
        yield FindingKind.PLACE_NAME, m.start(), m.end()


def check_privacy(
    text: str,
    *,
    community=None,
    extra_places: Iterable[str] = (),
    known_handles: Iterable[str] = (),
) -> list[Finding]:
    """Details in `text` that can identify someone, in order of appearance.

    `community` is the writer's reconnect.models.Community (its name and municipality count as local place
    names); `extra_places` adds local place names (an admin-managed list); `known_handles` are @names that
    are not social media profiles (for example forum pseudonyms, if the forum supports @mentions).
    Overlapping matches are resolved to one finding, and the same detail found twice is reported once.
    """
    if not text:
        return []
    handles = frozenset(h.casefold().lstrip("@") for h in known_handles)
    candidates = [
        *_emails(text),
        *_social_profiles(text, handles),
        *_national_ids(text),
        *_phones(text),
        *_addresses(text),
        *_postcodes(text),
        *_full_names(text),
        *_place_names(text, _community_place_names(community, extra_places)),
    ]
    candidates.sort(key=lambda c: (c[1], -(c[2] - c[1]), _PRIORITY[c[0]]))
    findings, seen, taken_until = [], set(), -1
    for kind, start, end in candidates:
        if start < taken_until:
            continue
        taken_until = end
        excerpt = text[start:end]
        key = (kind, " ".join(excerpt.casefold().split()))
        if key in seen:
            continue
        seen.add(key)
        findings.append(Finding(kind=kind, start=start, end=end, excerpt=excerpt))
    return findings


# ---------------------------------------------------------------------------------------------------------
# Crisis check
# ---------------------------------------------------------------------------------------------------------

_FOLD_MAP = {
    "æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "u",
    "é": "e", "è": "e", "ê": "e", "ë": "e", "á": "a", "à": "a", "â": "a", "ó": "o", "ò": "o", "ô": "o",
    "í": "i", "ì": "i", "ú": "u", "ù": "u",
    # Apostrophes vanish, so "don't", "dont" and "don’t" are one word.
    "'": "", "’": "", "‘": "", "`": "", "´": "", "ʼ": "", "′": "",
    # Invisible characters that could split a word.
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}  # fmt: skip
# A substitution over the few special characters is several times faster than str.translate on the text.
_FOLD_RE = re.compile("[" + re.escape("".join(_FOLD_MAP)) + "]")
_REPEATED_LETTER_RE = re.compile(r"([a-z])\1+")


def normalise_for_crisis(text: str) -> str:
    """Lower case, æ ø å as plain letters, apostrophes gone and repeated letters collapsed.

    "Jeg orrrker ikke mer", "jeg orker ikke mer" and "JEG ORKER IKKE MER" all become "jeg orker ike mer";
    "dø", "doe" and "do" all become "do". The phrases are normalised the same way, so the result only has to
    be consistent, not readable.
    """
    text = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group()], text.casefold())
    text = text.replace("oe", "o").replace("ae", "e")
    return _REPEATED_LETTER_RE.sub(r"\1", text)


_SEP = r"[\W_]*"  # any spaces or punctuation between words, or none ("selfharm")
_GAP = r"(?:[\W_]+[a-z0-9]+){0,3}"  # up to three other words
_CLAUSE_END = r"(?=[^\S\n]*(?:[.!?;:,\n)…]|$))"


def _phrase_pattern(line: str) -> tuple[str, str]:
    """Turn one line of a phrase list into (regex source, readable label); see crisis_phrases.txt."""
    pattern, label = "", []
    for token in line.split():
        if token == "~":
            pattern += _GAP
            label.append("…")
            continue
        if token == ".":
            pattern += _CLAUSE_END
            continue
        optional = token.endswith("?")
        alternatives = []
        for alternative in token.rstrip("?").split("|"):
            prefix = alternative.endswith("*")
            words = [normalise_for_crisis(w) for w in alternative.rstrip("*").split("_")]
            source = _SEP.join(re.escape(w) for w in words) + (r"[a-z]*" if prefix else "")
            alternatives.append(source)
        slot = "(?:" + "|".join(alternatives) + ")"
        if pattern:
            slot = _SEP + slot
        pattern += f"(?:{slot})?" if optional else slot
        if not optional:
            label.append(token.split("|")[0].rstrip("*").replace("_", " "))
    return pattern + r"(?![a-z0-9])", " ".join(label)


def _trie_pattern(node: dict) -> str:
    """A regex for the words in a character trie, longest first; an end marker "" says whether the word
    may run on (True) or must end there (False)."""
    alternatives = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if "" in node:
        alternatives.append("" if node[""] else "(?![a-z0-9])")
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


class _PhraseList:
    """A phrase list compiled for speed: the phrases are grouped by their first word.

    One big alternation of a hundred phrases would be tried at every position of the text; instead one
    regex finds the words that can start a phrase, and only the phrases starting with that word are tried.
    """

    def __init__(self, name: str):
        self.labels: list[str] = []
        groups: dict[str, dict[int, str]] = {}
        for i, line in enumerate(_read_list(name)):
            source, label = _phrase_pattern(line)
            self.labels.append(label)
            first_slot = line.split()[0]
            if first_slot.endswith("?") or first_slot in ("~", "."):
                raise ValueError(f"{name}: a phrase must start with a word: {line!r}")
            for alternative in first_slot.split("|"):
                key = normalise_for_crisis(alternative.split("_")[0].rstrip("*"))
                groups.setdefault(key, {})[i] = f"(?P<p{i}>{source})"
        self._by_key = {key: re.compile("|".join(branches.values())) for key, branches in groups.items()}
        # Short first words must be whole words ("ta", not "tar"); longer ones may run on into the next
        # word when someone leaves the space out ("selfharm"). A trie keeps the alternation cheap.
        trie: dict = {}
        for key in groups:
            node = trie
            for char in key:
                node = node.setdefault(char, {})
            node[""] = len(key) >= 4
        self._starts = re.compile(r"(?<![a-z0-9])" + _trie_pattern(trie))

    def finditer(self, normalised: str):
        """Yield (label, start, end) for each listed phrase in the normalised text."""
        by_key, labels = self._by_key, self.labels
        for start in self._starts.finditer(normalised):
            m = by_key[start.group()].match(normalised, start.start())
            if m is not None:
                yield labels[int(m.lastgroup[1:])], m.start(), m.end()


_CRISIS_PHRASES = _PhraseList("crisis_phrases.txt")
_CRISIS_EXCEPTIONS = _PhraseList("crisis_exceptions.txt")


@dataclass(frozen=True)
class CrisisResult:
    """Whether the text contains crisis language, and which listed phrases matched (in the list's words)."""

    found: bool
    phrases: tuple[str, ...] = ()


def check_crisis(text: str) -> CrisisResult:
    """Look for crisis language in `text` (Norwegian Bokmål, Nynorsk and English)."""
    if not text:
        return CrisisResult(found=False)
    normalised = normalise_for_crisis(text)
    matches = list(_CRISIS_PHRASES.finditer(normalised))
    if not matches:
        return CrisisResult(found=False)
    exceptions = [(start, end) for _, start, end in _CRISIS_EXCEPTIONS.finditer(normalised)]
    phrases = []
    for label, start, end in matches:
        if label in phrases or any(start < e_end and e_start < end for e_start, e_end in exceptions):
            continue
        phrases.append(label)
    return CrisisResult(found=bool(phrases), phrases=tuple(phrases))


# ---------------------------------------------------------------------------------------------------------
# Both, for the forum views
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WritingCheck:
    """The result of both checks on one post; the template forum/_writing_check.html renders it."""

    privacy_findings: tuple[Finding, ...] = ()
    crisis: CrisisResult = field(default_factory=lambda: CrisisResult(found=False))

    @property
    def has_privacy_findings(self) -> bool:
        return bool(self.privacy_findings)

    @property
    def is_crisis(self) -> bool:
        return self.crisis.found

    @property
    def needs_attention(self) -> bool:
        """True when the writer should see the check before the post goes out."""
        return self.has_privacy_findings or self.is_crisis


def run_writing_checks(
    text: str, *, community=None, extra_places: Iterable[str] = (), known_handles: Iterable[str] = ()
) -> WritingCheck:
    """Run the privacy and crisis checks on a post's text (title and body joined, if you like)."""
    return WritingCheck(
        privacy_findings=tuple(
            check_privacy(text, community=community, extra_places=extra_places, known_handles=known_handles)
        ),
        crisis=check_crisis(text),
    )
