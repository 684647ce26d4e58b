"""Make a realistic data set of a chosen size, fast and deterministic: `manage.py seed --scale town --seed 1`.

For benchmarks and for trying the portal at scale, on a database of its own (it refuses to run on one that
already holds seeded people, and with RECONNECT_ENV=production unless --force). The core's rows are made
here; each installed app adds its own through `<app>/seed.py` (see reconnect/seeding.py).

Every seeded person has the password "reconnect-seed" (hashed once, the same hash for all), a confirmed
authenticator device and the current terms accepted; their e-mail addresses end in @seed.reconnect.invalid.
"""

import importlib
import importlib.util
import random
import time

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect import seeding
from reconnect.models import CareLink, Community, ConsentAcceptance, Role, User
from reconnect.services import current_consent_version

BATCH = 2_000


def feature_seed_modules():
    """(app label, module) for every installed app with a `seed.py`, in INSTALLED_APPS order, except that a
    module naming app labels in its AFTER (moderation: the forum and the cafés) comes after those."""
    found = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.seed"
        if config.name != "reconnect" and importlib.util.find_spec(module_name) is not None:
            found.append((config.label, importlib.import_module(module_name)))
    ordered = []
    while found:
        waiting = {label for label, _module in found}
        ready = next((entry for entry in found if not set(getattr(entry[1], "AFTER", ())) & waiting - {entry[0]}),
                     None)
        if ready is None:
            raise CommandError("The apps' seed.py modules wait for each other (AFTER): " + ", ".join(sorted(waiting)))
        ordered.append(ready)
        found.remove(ready)
    return ordered


class Command(BaseCommand):
    help = "Fill an empty database with realistic data of a chosen size (tiny, town or national)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(seeding.SCALES), default="national")
        parser.add_argument("--seed", type=int, default=1, help="The random seed: the same seed, the same data.")
        parser.add_argument("--force", action="store_true", help="Run even with RECONNECT_ENV=production.")

    def handle(self, *args, scale, seed, force=False, verbosity=1, **options):
        if settings.RECONNECT_ENV == "production" and not force:
            raise CommandError(
                "Refusing to seed with RECONNECT_ENV=production: every seeded password is public. Use a "
                "database of its own for benchmarks (see bench/README.md)."
            )
        if User.objects.filter(email__endswith="@" + seeding.SEED_EMAIL_DOMAIN).exists():
            raise CommandError(
                "This database already holds seeded people. Seed an empty database (for example: "
                "manage.py flush, then migrate), so counts and pseudonyms stay as asked."
            )
        quiet = verbosity == 0
        ctx = seeding.SeedContext(
            scale=seeding.SCALES[scale], rng=random.Random(seed), now=timezone.now(),
            progress=lambda label, total: seeding.Progress(label, total, stream=self.stderr, quiet=quiet),
        )
        started = time.monotonic()
        timings = []
        with transaction.atomic():
            step = time.monotonic()
            self._core(ctx)
            timings.append(("people", time.monotonic() - step))
            modules = feature_seed_modules()
            for label, module in modules:
                step = time.monotonic()
                module.seed(ctx)
                timings.append((label, time.monotonic() - step))
            # Then, once everything is there, what a module computes from all of it (moderation: statistics).
            for label, module in modules:
                if hasattr(module, "finish"):
                    step = time.monotonic()
                    module.finish(ctx)
                    timings.append((f"{label} (finish)", time.monotonic() - step))
        if not quiet:
            self.stdout.write(self.style.SUCCESS(
                f"Seeded scale {scale!r} (seed {seed}) in {time.monotonic() - started:.1f} s: "
                + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in timings)
            ))
            self.stdout.write(f"Every seeded person signs in with the password {seeding.SEED_PASSWORD!r}.")

    # --- The core's rows ----------------------------------------------------------------------------------
    def _core(self, ctx):
        rng, scale = ctx.rng, ctx.scale
        communities = Community.objects.bulk_create([
            Community(name=seeding.community_name(i), municipality=f"{seeding.community_name(i)} kommune",
                      slug=f"seed-{i + 1}")
            for i in range(scale.communities)
        ])
        ctx.community_ids = [c.pk for c in communities]

        # One hash for everyone: Argon2 takes tens of milliseconds, 20,000 of them would take minutes.
        password = make_password(seeding.SEED_PASSWORD)
        people = []
        for i in range(scale.service_users):
            people.append(User(
                email=f"user{i + 1}@{seeding.SEED_EMAIL_DOMAIN}", pseudonym=seeding.pseudonym(rng, i + 1),
                real_name=seeding.real_name(rng), role=Role.SERVICE_USER,
                community_id=ctx.community_ids[i % len(ctx.community_ids)],
                preferred_language=rng.choice(["nb", "nb", "nb", "en"]), password=password,
            ))
        for i in range(scale.providers):
            people.append(User(
                email=f"provider{i + 1}@{seeding.SEED_EMAIL_DOMAIN}", pseudonym=f"provider-{i + 1}",
                real_name=seeding.real_name(rng), role=Role.PROVIDER, preferred_language="nb", password=password,
                message_reply_time="within 2 working days",
            ))
        for i in range(scale.consultants):
            people.append(User(
                email=f"consultant{i + 1}@{seeding.SEED_EMAIL_DOMAIN}", pseudonym=f"Likeperson-{i + 1}",
                real_name=seeding.real_name(rng), role=Role.CONSULTANT, preferred_language="nb", password=password,
            ))
        people.append(User(
            email=f"admin@{seeding.SEED_EMAIL_DOMAIN}", pseudonym="seed-admin", real_name=seeding.real_name(rng),
            role=Role.ADMIN, is_staff=True, is_superuser=True, password=password,
        ))
        bar = ctx.progress("people", len(people))
        for batch in seeding.chunks(people, BATCH):
            User.objects.bulk_create(batch)
            bar.add(len(batch))
        bar.close()
        for person in people:
            if person.role == Role.SERVICE_USER:
                ctx.service_users.append((person.pk, person.community_id))
            elif person.role == Role.PROVIDER:
                ctx.provider_ids.append(person.pk)
            elif person.role == Role.CONSULTANT:
                ctx.consultant_ids.append(person.pk)

        # Every account as the portal leaves it: a verified address, an authenticator, the terms accepted.
        version = current_consent_version()
        for batch in seeding.chunks(people, BATCH):
            EmailAddress.objects.bulk_create(
                [EmailAddress(user_id=p.pk, email=p.email, verified=True, primary=True) for p in batch]
            )
            TOTPDevice.objects.bulk_create([
                TOTPDevice(user_id=p.pk, name="authenticator app", confirmed=True, key=f"{rng.getrandbits(160):040x}")
                for p in batch
            ])
            if version is not None:
                ConsentAcceptance.objects.bulk_create(
                    [ConsentAcceptance(user_id=p.pk, version=version, accepted_at=ctx.now) for p in batch]
                )

        # Care links: each service user has a provider; one in ten has a second one.
        links = []
        providers = ctx.provider_ids
        for i, (user_id, _community) in enumerate(ctx.service_users):
            mine = [providers[i % len(providers)]]
            if len(providers) > 1 and rng.random() < 0.1:
                mine.append(providers[(i + 1 + rng.randrange(len(providers) - 1)) % len(providers)])
            ctx.providers_of[user_id] = mine
            links.extend(CareLink(provider_id=p, service_user_id=user_id, started_at=ctx.now) for p in mine)
        for batch in seeding.chunks(links, BATCH):
            CareLink.objects.bulk_create(batch)
