"""Encrypted text at rest, with keys kept outside the database.

Keys come from settings.FIELD_ENCRYPTION_KEYS, newest first. New values are written with the newest key; older
keys still decrypt, and `manage.py rotate_encryption_keys` re-encrypts every value with the newest key.
A value that no key can decrypt raises DecryptionError: ciphertext is never handed out as text.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models


class DecryptionError(Exception):
    """Stored ciphertext could not be decrypted with any configured key."""


@lru_cache(maxsize=1)
def _fernet(keys: tuple) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError("an encrypted value could not be decrypted with the configured keys") from exc


def rotate_token(token: str) -> str:
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("an encrypted value could not be decrypted with the configured keys") from exc


class EncryptedTextField(models.TextField):
    """A TextField stored as a Fernet token. Not searchable or orderable in SQL, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)


def _clear_cache(*, setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


setting_changed.connect(_clear_cache)
