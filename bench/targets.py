"""wrk's target files (bench/load.lua reads them): one request a line, method, path, cookie and body, tab-separated."""

from urllib.parse import quote

# What may stay as it is in a path with its query: the rest (a "é" in a slug, a space) is percent-encoded, as
# a browser sends it; wrk refuses a request line that is not ASCII.
_SAFE = "/?&=%:+,;@!$'()*~-._"


def targets_text(rows) -> str:
    return "".join("\t".join((method, quote(path, safe=_SAFE), cookie, body)) + "\n"
                   for method, path, cookie, body in rows)
