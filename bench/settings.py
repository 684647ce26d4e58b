"""The portal's own settings (reconnect.settings, read from the environment as in production), with three
changes for a load test, each said in the results:

- the forum's and messaging's per-person write limits are lifted, so the reply and message POSTs measure the
  write itself (the limit's counter in Redis still runs on every write);
- static files are collected into var/bench/static, apart from the development server's folder.
"""

from reconnect.settings import *  # noqa: F403
from reconnect.settings import BASE_DIR

FORUM_POSTS_PER_MINUTE = 1_000_000
MESSAGES_PER_MINUTE = 1_000_000
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
