from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from reconnect.fields import EncryptedTextField, rotate_token


def encrypted_fields():
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model, names in encrypted_fields():
            # Read the raw tokens (values() would decrypt them through the field) and rotate them.
            table = model._meta.db_table
            pk = model._meta.pk.column
            columns = [model._meta.get_field(n).column for n in names]
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f'SELECT "{pk}" FROM "{table}" ORDER BY "{pk}"')
                ids = [row[0] for row in cursor.fetchall()]
            for start in range(0, len(ids), batch_size):
                batch = ids[start : start + batch_size]
                with transaction.atomic(), connection.cursor() as cursor:
                    cols = ", ".join(f'"{c}"' for c in columns)
                    cursor.execute(
                        f'SELECT "{pk}", {cols} FROM "{table}" WHERE "{pk}" = ANY(%s) FOR UPDATE', [batch]
                    )
                    for row in cursor.fetchall():
                        new = [rotate_token(v) if v else v for v in row[1:]]
                        sets = ", ".join(f'"{c}" = %s' for c in columns)
                        cursor.execute(f'UPDATE "{table}" SET {sets} WHERE "{pk}" = %s', [*new, row[0]])
                        total += 1
            self.stdout.write(f"{model._meta.label}: {len(ids)} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted with the newest key."))
