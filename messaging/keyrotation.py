"""Found by `manage.py rotate_encryption_keys` through the app registry (the core names no feature app):
the command finds the encrypted fields itself; messaging also keeps encrypted files on disk."""

from messaging import services


def rotate_files():
    """Re-encrypt messaging's files with the newest key: [(what, re-encrypted, missing on disk)]."""
    rotated, missing = services.reencrypt_attachment_files()
    return [("messaging attachments", rotated, missing)]
