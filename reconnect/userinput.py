"""Refusing what people type and send, kindly, in the same way in every app.

- `UserFacingError`: a write that is refused, with a message for the person (already translated). Each feature
  app has its own subclass (ForumError, MessagingError), so `except ForumError` catches only the forum's.
- `clean_text`: tidy a title or a body, refuse it when empty or too long, saying how long it is.
- `within_rate_limit`: count a person's writes per minute in the cache (Redis), failing open.

Feature apps use these; nothing here knows about any feature app.
"""

import logging
import time

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


class UserFacingError(Exception):
    """A write refused with a message for the person (already translated), shown as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def clean_text(value, *, max_length, empty_message, too_long_message, single_line=False,
               error=UserFacingError) -> str:
    """`value` tidied, or `error` (a UserFacingError subclass) with one of the two messages.

    single_line (titles, subjects): every run of whitespace becomes one space. Otherwise (bodies): Windows line
    ends become "\\n", blank lines at the start and trailing whitespace at the end go; indentation is kept.
    `too_long_message` may use %(length)s and %(max)s. Pass messages already translated, with the same text as
    before, so their translations keep working.
    """
    if single_line:
        text = " ".join((value or "").split())
    else:
        text = (value or "").replace("\r\n", "\n").strip("\n").rstrip()
    if not text.strip():
        raise error(empty_message)
    if len(text) > max_length:
        raise error(too_long_message % {"length": len(text), "max": max_length})
    return text


def _rate_key(scope, user) -> str:
    # The database name keeps several sites (and parallel test runs) sharing one Redis apart; the join time
    # keeps a re-created database, whose ids start again from 1, from inheriting another person's count.
    joined = int(user.date_joined.timestamp()) if user.date_joined else 0
    return f"{scope}:{connection.settings_dict['NAME']}:{user.pk}:{joined}:{_this_minute()}"


def _this_minute() -> int:
    return int(time.time() // 60)


def within_rate_limit(*, scope, user, limit) -> bool:
    """Count one more write of `user` in `scope` this minute; False once there are more than `limit`.

    Fails open: if the cache (Redis) is down, the write is allowed. In a small invitation-only portal a lost
    limit for a few minutes costs little; refusing a person in distress their post or message because a cache
    is down would cost much more.
    """
    key = _rate_key(scope, user)
    try:
        cache.add(key, 0, timeout=70)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - any cache failure (connection refused, timeout) means: allow
        logger.warning("Rate limit %s skipped: the cache is not reachable.", scope, exc_info=True)
        return True
    return count <= limit
