"""Print the current six-digit code for a TOTP key, like an authenticator app would.

    .venv/bin/python scripts/totp.py KEY

KEY is the base32 key that `make run` prints for each demo login (spaces and case do not matter).
For demo and development logins only: a real second factor belongs on a device of its own.
"""

import base64
import binascii
import sys
import time

from django_otp.oath import TOTP


def current_code(base32_key: str) -> tuple[str, int]:
    """The code for now and the seconds it stays valid."""
    key = base32_key.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key), step=30, digits=6)
    return f"{totp.token():06d}", 30 - int(time.time()) % 30


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        code, seconds = current_code(argv[1])
    except (binascii.Error, ValueError):
        print("That is not a base32 TOTP key: copy it from the table `make run` prints.", file=sys.stderr)
        return 2
    print(code)
    print(f"(valid for {seconds} more seconds)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
