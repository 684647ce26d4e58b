"""Encrypted text at rest, with keys kept outside the database.

Keys come from settings.FIELD_ENCRYPTION_KEYS, newest first. New values are written with the newest key; older
keys still decrypt, and `manage.py rotate_encryption_keys` re-encrypts every value with the newest key (and,
through `rotate_file`, the encrypted files feature apps keep on disk).
A value that no key can decrypt raises DecryptionError: ciphertext is never handed out as text.
"""

import contextlib
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

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


def rotate_file(path) -> bool:
    """Re-encrypt one encrypted file with the newest key, in place and atomically; False if it is not there.

    The new content goes to a temporary file in the same folder, is flushed to disk (fsync), and then renamed
    over the old one, so a reader (or a crash) sees either the whole old file or the whole new one, both
    readable while the old key is still configured. Raises DecryptionError if no configured key fits.
    """
    path = Path(path)
    try:
        token = path.read_bytes()
    except FileNotFoundError:
        return False
    try:
        rotated = fernet().rotate(token)
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError(f"the file {path.name} could not be decrypted with the configured keys") from exc
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".rotating")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(rotated)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:  # removed while we worked (a withdrawn attachment): do not bring it back
            os.unlink(temporary)
            return False
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    # The rename itself is durable once the folder's entry is on disk too.
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return True


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
