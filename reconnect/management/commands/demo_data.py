"""Load the demo people and communities, and print how to sign in as each of them.

Idempotent: running it again updates the same rows (and gives back used recovery codes and a changed
password) instead of adding new ones. Every demo secret is fixed and printed, so it is for demonstrations
only: the command refuses to run with RECONNECT_ENV=production unless --force is given.

Demo users have not accepted the terms yet: meeting the consent page on first sign-in is part of the demo.
"""

import base64
import hashlib
import importlib
import importlib.util
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect.models import AuditAction, CareLink, Community, Role, User
from reconnect.services import record_audit_event

DEMO_PASSWORD = "reconnect-demo"
DEMO_DOMAIN = "demo.reconnect.invalid"  # .invalid is reserved (RFC 2606): no mail can ever reach it
# The same device names, count and alphabet as reconnect.services uses when a person enrols in the portal.
RECOVERY_CODES_PER_USER = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    municipality: str


@dataclass(frozen=True)
class DemoPerson:
    role: str
    local_part: str
    pseudonym: str
    real_name: str
    community: str | None = None
    language: str = "nb"
    providers: tuple = ()  # local parts of the providers this service user is linked to

    @property
    def email(self):
        return f"{self.local_part}@{DEMO_DOMAIN}"


# A small municipality in the north and a large one near the capital. Both names are made up.
COMMUNITIES = [
    DemoCommunity("nordvik", "Nordvik", "Nordvik kommune"),
    DemoCommunity("elvebyen", "Elvebyen", "Elvebyen kommune"),
]

# Every name here is made up.
PEOPLE = [
    DemoPerson(Role.SERVICE_USER, "ingrid", "Cloudberry", "Ingrid Haugen", "nordvik", "nb", ("kari",)),
    DemoPerson(Role.SERVICE_USER, "tor", "Snowfinch", "Tor Eriksen", "nordvik", "en", ("kari",)),
    DemoPerson(Role.SERVICE_USER, "siri", "Lantern", "Siri Johansen", "nordvik", "nb"),
    DemoPerson(Role.SERVICE_USER, "amir", "Willow", "Amir Haddad", "elvebyen", "en", ("jonas",)),
    DemoPerson(Role.SERVICE_USER, "hanne", "Teacup", "Hanne Lie", "elvebyen", "nb", ("jonas", "kari")),
    DemoPerson(Role.SERVICE_USER, "magnus", "Riverstone", "Magnus Dahl", "elvebyen", "nb"),
    DemoPerson(Role.PROVIDER, "kari", "nordvik-care", "Kari Lund", None, "nb"),
    DemoPerson(Role.PROVIDER, "jonas", "elvebyen-care", "Jonas Brekke", None, "en"),
    DemoPerson(Role.CONSULTANT, "maren", "Maren-consultant", "Maren Solli", None, "nb"),
    DemoPerson(Role.ADMIN, "admin", "portal-admin", "Lise Aune", None, "en"),
]


def _secret_bytes(email: str, purpose: str, length: int) -> bytes:
    # Fixed, so that an authenticator app set up once keeps working after the next `make run`.
    return hashlib.sha256(f"reconnect demo {purpose} {email}".encode()).digest()[:length]


def totp_hex_key(email: str) -> str:
    """The demo TOTP key as django-otp stores it (40 hex digits)."""
    return _secret_bytes(email, "totp", 20).hex()


def totp_base32_key(email: str) -> str:
    """The same key as authenticator apps take it (base32, 32 characters)."""
    return base64.b32encode(bytes.fromhex(totp_hex_key(email))).decode()


def recovery_codes(email: str) -> list[str]:
    """The demo recovery codes as stored: ten letters and digits, like the portal makes them."""
    return [
        "".join(
            RECOVERY_ALPHABET[b % len(RECOVERY_ALPHABET)] for b in _secret_bytes(email, f"recovery {n}", 10)
        )
        for n in range(RECOVERY_CODES_PER_USER)
    ]


def printed_code(code: str) -> str:
    """A recovery code as people read it (the form forgives the dash): abcde-23456."""
    return f"{code[:5]}-{code[5:]}"


def load_feature_demos(*, users_by_pseudonym) -> None:
    """Each installed app may bring demo content in its own `demo.py` with `load_demo(*, users_by_pseudonym)`.

    Found through the app registry, so the core names no feature app (dependencies point one way).
    """
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).load_demo(users_by_pseudonym=users_by_pseudonym)


class Command(BaseCommand):
    help = "Load demo communities and people (idempotent) and print every demo login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with RECONNECT_ENV=production (never do this)."
        )

    def handle(self, *args, force=False, **options):
        if settings.RECONNECT_ENV == "production" and not force:
            raise CommandError(
                "Refusing to load demo data with RECONNECT_ENV=production: every demo password and "
                "second-factor key is public. Use --force only on a throw-away installation."
            )
        with transaction.atomic():
            self._site()
            communities = {c.slug: self._community(c) for c in COMMUNITIES}
            users = {p.local_part: self._person(p, communities) for p in PEOPLE}
            for person in PEOPLE:
                for provider in person.providers:
                    self._care_link(provider=users[provider], service_user=users[person.local_part])
            load_feature_demos(users_by_pseudonym={user.pseudonym: user for user in users.values()})
        self._print_logins()

    def _site(self):
        # allauth names the site in its e-mails; Django's default is "example.com".
        site, _ = Site.objects.get_or_create(
            pk=settings.SITE_ID, defaults={"domain": "localhost", "name": ""}
        )
        if site.domain == "example.com" or not site.name:
            domain = settings.SITE_URL.split("://", 1)[-1]
            Site.objects.filter(pk=site.pk).update(domain=domain[:100], name="ReConnect")

    def _community(self, spec):
        community, _ = Community.objects.update_or_create(
            slug=spec.slug, defaults={"name": spec.name, "municipality": spec.municipality}
        )
        return community

    def _person(self, spec, communities):
        user, _ = User.objects.update_or_create(
            email=spec.email,
            defaults={
                "pseudonym": spec.pseudonym,
                "real_name": spec.real_name,
                "role": spec.role,
                "community": communities[spec.community] if spec.community else None,
                "preferred_language": spec.language,
                "is_active": True,
                "is_staff": spec.role == Role.ADMIN,
                "is_superuser": spec.role == Role.ADMIN,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])

        EmailAddress.objects.filter(user=user).exclude(email__iexact=spec.email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email=spec.email, defaults={"verified": True, "primary": True}
        )

        key = totp_hex_key(spec.email)
        device, created = TOTPDevice.objects.get_or_create(
            user=user, name=TOTP_DEVICE_NAME, defaults={"key": key, "confirmed": True}
        )
        # One authenticator per person, as in the portal: the printed key is the one that works.
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        if not created and (device.key != key or not device.confirmed):
            device.key, device.confirmed, device.last_t, device.drift = key, True, -1, 0
        # A demo that went wrong (wrong codes typed) starts over without waiting out the throttle.
        device.throttle_reset(commit=False)
        device.save()

        codes = set(recovery_codes(spec.email))
        static, _ = StaticDevice.objects.update_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        StaticDevice.objects.filter(user=user).exclude(pk=static.pk).delete()
        static.throttle_reset()
        # Used codes come back, codes made in the portal meanwhile go: the printed list always works.
        static.token_set.exclude(token__in=codes).delete()
        existing = set(static.token_set.values_list("token", flat=True))
        StaticToken.objects.bulk_create(StaticToken(device=static, token=t) for t in sorted(codes - existing))
        return user

    def _care_link(self, *, provider, service_user):
        link, created = CareLink.objects.get_or_create(
            provider=provider, service_user=service_user, ended_at=None
        )
        if created:
            record_audit_event(
                actor=None, subject_user=service_user, action=AuditAction.CARE_LINK_CREATED, obj=link,
                detail="demo data",
            )

    def _print_logins(self):
        rows = [
            ("Role", "E-mail", "Pseudonym", "Community", "Password", "TOTP key (base32)", "Recovery codes")
        ]
        names = dict(Role.choices)
        community_names = {c.slug: c.name for c in COMMUNITIES}
        for person in PEOPLE:
            rows.append((
                str(names[person.role]),
                person.email,
                person.pseudonym,
                community_names.get(person.community, "-"),
                DEMO_PASSWORD,
                totp_base32_key(person.email),
                " ".join(printed_code(code) for code in recovery_codes(person.email)[:2]),
            ))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
        lines.insert(1, "  ".join("-" * width for width in widths))
        out = self.stdout
        out.write("")
        out.write(
            self.style.SUCCESS(f"Demo data is ready. Sign in at {settings.SITE_URL}/ with one of these:")
        )
        out.write("")
        for line in lines:
            out.write(line)
        out.write("")
        out.write(
            "Second factor: add the TOTP key to any authenticator app (time-based, 6 digits, 30 seconds),\n"
            "or print the current code with:  .venv/bin/python scripts/totp.py KEY\n"
            "Each recovery code works once; running demo_data again gives used codes back.\n"
            "Demo people have not accepted the terms yet: the consent page greets them at first sign-in."
        )
