"""Realistic data in bulk, for load tests and for trying the portal at the size of a national service.

`manage.py seed` (reconnect/management/commands/seed.py) makes the core's rows (communities, people, care
links, second-factor devices, accepted terms) and then calls `seed(ctx)` in each installed app's own `seed.py`,
found through the app registry like `demo.py`, so the core names no feature app. Everything here is for those
plug-ins: the sizes, a shared random generator, made-up words, a progress bar and fast inserts.

Fast: rows go in with PostgreSQL's COPY (or bulk_create for small tables), never one INSERT per object; ids
for COPY are reserved from the table's sequence in one statement; counters that the services normally keep on
write are computed afterwards in SQL, once, for the whole table. Deterministic: one `random.Random(seed)` feeds
every choice in a fixed order, so two runs with the same seed and scale give the same pseudonyms, titles and
texts (ids and timestamps may differ).
"""

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

SEED_EMAIL_DOMAIN = "seed.reconnect.invalid"  # .invalid (RFC 2606): no mail can ever reach it
SEED_PASSWORD = "reconnect-seed"


@dataclass(frozen=True)
class Scale:
    name: str
    communities: int
    service_users: int
    providers: int
    consultants: int
    boards: int
    threads: int
    posts: int
    messages: int
    cafes: int
    # Share of posts with at least one support reaction, and of RSVPs per café on average.
    reacted_share: float = 0.35
    rsvps_per_cafe: int = 8


SCALES = {
    # The figures (issue 8): a national service.
    "national": Scale("national", communities=20, service_users=20_000, providers=1_000, consultants=20,
                      boards=12, threads=200_000, posts=2_000_000, messages=500_000, cafes=5_000),
    # About a hundredth: for quick runs of the benchmark.
    "town": Scale("town", communities=4, service_users=200, providers=10, consultants=2, boards=8,
                  threads=2_000, posts=20_000, messages=5_000, cafes=50),
    # For the test suite: every kind of row, in a second or so.
    "tiny": Scale("tiny", communities=2, service_users=30, providers=4, consultants=1, boards=4,
                  threads=40, posts=200, messages=60, cafes=6, rsvps_per_cafe=4),
}


@dataclass
class SeedContext:
    """What the core made, handed to each app's seed plug-in. Lists hold ids in creation order."""

    scale: Scale
    rng: random.Random
    now: datetime
    progress: "callable"
    community_ids: list = field(default_factory=list)
    service_users: list = field(default_factory=list)  # (id, community_id)
    provider_ids: list = field(default_factory=list)
    consultant_ids: list = field(default_factory=list)
    # service user id -> provider ids with an active care link
    providers_of: dict = field(default_factory=dict)


# --- Progress -------------------------------------------------------------------------------------------
class Progress:
    """A one-line progress bar on a stream (stderr), redrawn at most ten times a second; silent when quiet."""

    def __init__(self, label, total, *, stream=None, quiet=False):
        self.label, self.total, self.done = label, max(int(total), 1), 0
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = self._drawn = time.monotonic()
        self._draw(force=True)

    def add(self, count=1):
        self.done += count
        self._draw()

    def _draw(self, force=False):
        if self.quiet:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1 and self.done < self.total:
            return
        self._drawn = now
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.stream.write(
            f"\r{self.label:<22} [{bar:<30}] {share:4.0%} {self.done:>10,}/{self.total:,} {now - self.started:6.1f}s"
        )
        self.stream.flush()

    def close(self):
        self._draw(force=True)
        if not self.quiet:
            self.stream.write("\n")
            self.stream.flush()


# --- Fast inserts --------------------------------------------------------------------------------------
def reserve_ids(model, count) -> int:
    """Reserve `count` ids from `model`'s sequence in one statement; returns the first. COPY then writes them."""
    if count <= 0:
        return 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, count],
        )
        last = cursor.fetchone()[0]
    return last - count + 1


def copy_rows(model, columns, rows, *, progress=None, every=10_000) -> int:
    """Write `rows` (tuples in the order of `columns`, database column names) into `model`'s table with COPY.

    Values go in as they are: an encrypted field's value must already be its ciphertext. A column the caller
    does not name gets its field's default (or NULL), so a field added to a model later does not break the seed.
    """
    columns = list(columns)
    extra_values = []
    for model_field in model._meta.concrete_fields:
        if model_field.column in columns or model_field.generated or model_field.primary_key:
            continue
        if model_field.has_default():
            value = model_field.get_db_prep_save(model_field.get_default(), connection)
        elif model_field.null:
            value = None
        else:
            value = model_field.get_db_prep_save(model_field.get_default(), connection)  # "" for text
        columns.append(model_field.column)
        extra_values.append(value)
    if extra_values:
        rows = ((*row, *extra_values) for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
                if progress is not None and written % every == 0:
                    progress.add(every)
    if progress is not None:
        progress.add(written % every)
    return written


def run_sql(sql, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- Made-up words --------------------------------------------------------------------------------------
# Pseudonyms are an adjective, a noun and a number (the number keeps them unique); every name is made up.
ADJECTIVES = [
    "Quiet", "Bright", "Gentle", "Brave", "Calm", "Green", "Silver", "Misty", "Sunny", "Warm", "Steady", "Blue",
    "Little", "Northern", "Patient", "Hopeful", "Soft", "Clear", "Kind", "Early", "Golden", "Wild", "Still", "Slow",
]
NOUNS = [
    "Heron", "Birch", "Harbour", "Fjord", "Lantern", "Pebble", "Willow", "Otter", "Meadow", "Sparrow", "Cloud",
    "River", "Moss", "Puffin", "Spruce", "Tide", "Rowan", "Ember", "Fern", "Lynx", "Haven", "Kestrel", "Bay", "Dune",
]
FIRST_NAMES = [
    "Ingrid", "Ola", "Kari", "Per", "Sigrid", "Lars", "Marit", "Jon", "Silje", "Anders", "Nora", "Emil", "Hege",
    "Knut", "Liv", "Sander", "Tone", "Eirik", "Aisha", "Omar", "Mona", "Vidar", "Ida", "Rune",
]
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
    "Berg", "Haugen", "Hagen", "Dahl", "Lund", "Moen", "Strand", "Eide", "Solberg", "Bakke", "Aas", "Vik",
]
MUNICIPALITIES = [
    "Nordvik", "Elvebyen", "Fjellstad", "Havnøy", "Skogli", "Sjøvik", "Bergeby", "Dalen", "Lysaker", "Midtbygda",
    "Storvik", "Vestnes", "Østre Li", "Solbakken", "Myrvoll", "Kleiva", "Tindvik", "Grønnås", "Lundeby", "Åsen",
]


def pseudonym(rng, index) -> str:
    return f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}{index}"


def real_name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def community_name(index) -> str:
    base = MUNICIPALITIES[index % len(MUNICIPALITIES)]
    return base if index < len(MUNICIPALITIES) else f"{base} {index // len(MUNICIPALITIES) + 1}"
