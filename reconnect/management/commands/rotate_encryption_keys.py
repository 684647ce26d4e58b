"""Re-encrypt everything encrypted with the newest key in FIELD_ENCRYPTION_KEYS, so older keys can be removed.

How to rotate: put the new key first (FIELD_ENCRYPTION_KEYS="NEW,OLD"), restart, run this command, check its
output, then remove OLD. Values and files are readable throughout: either key decrypts until OLD is removed.
"""

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from reconnect.fields import EncryptedTextField, rotate_token


def encrypted_fields():
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def file_rotators():
    """Each app's `keyrotation.rotate_files`, found through the app registry (the core names no feature app).

    rotate_files() re-encrypts the app's encrypted files on disk and returns [(what, re-encrypted, missing)].
    """
    for config in apps.get_app_configs():
        module_name = f"{config.name}.keyrotation"
        if importlib.util.find_spec(module_name) is not None:
            yield importlib.import_module(module_name).rotate_files


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field and file with the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model, names in encrypted_fields():
            total += self.rotate_model(model, names, batch_size)
        files = 0
        for rotate_files in file_rotators():
            for what, rotated, missing in rotate_files():
                files += rotated
                note = f" ({missing} listed but not on disk, skipped)" if missing else ""
                self.stdout.write(f"{what}: {rotated} files re-encrypted{note}")
        self.stdout.write(self.style.SUCCESS(
            f"Done: {total} rows and {files} files re-encrypted with the newest key."
        ))

    def rotate_model(self, model, names, batch_size) -> int:
        # Read the raw tokens (values() would decrypt them through the field) and rotate them.
        table = model._meta.db_table
        pk = model._meta.pk.column
        columns = [model._meta.get_field(n).column for n in names]
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "{pk}" FROM "{table}" ORDER BY "{pk}"')
            ids = [row[0] for row in cursor.fetchall()]
        rotated = 0
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            with transaction.atomic(), connection.cursor() as cursor:
                cols = ", ".join(f'"{c}"' for c in columns)
                cursor.execute(f'SELECT "{pk}", {cols} FROM "{table}" WHERE "{pk}" = ANY(%s) FOR UPDATE', [batch])
                for row in cursor.fetchall():
                    new = [rotate_token(v) if v else v for v in row[1:]]
                    sets = ", ".join(f'"{c}" = %s' for c in columns)
                    cursor.execute(f'UPDATE "{table}" SET {sets} WHERE "{pk}" = %s', [*new, row[0]])
                    rotated += 1
        self.stdout.write(f"{model._meta.label}: {rotated} rows re-encrypted ({', '.join(names)})")
        return rotated
