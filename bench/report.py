"""Reading wrk's output and writing the results: a Markdown table and an SVG chart.

Kept free of Django and of the server so the test suite can check it on a canned run (tests/bench/).
"""

import html
import json

HELLO = "hello"
# The targets (issue 8): p95 under 100 ms for every page, under 150 ms for search.
P95_TARGET_MS = {"search": 150}
P95_TARGET_DEFAULT_MS = 100
# The thread page at least twice the throughput of each peer forum's thread page; WebSocket delivery p95 under
# 50 ms; the reminder sweep for 10,000 answers under 60 s.
PEER_RATIO_TARGET = 2.0
WS_P95_TARGET_MS = 50
SWEEP_TARGET_S = 60
PEER_NAMES = {"machina": "django-machina", "spirit": "Spirit"}
MARKER = "BENCH-JSON "


class ReportError(Exception):
    pass


def parse_wrk_output(text: str) -> dict:
    """The figures load.lua prints at the end of a wrk run (the last BENCH-JSON line)."""
    lines = [line for line in text.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise ReportError("wrk printed no BENCH-JSON line: did it run with bench/load.lua?")
    return json.loads(lines[-1][len(MARKER):])


def page_result(*, name, label, role, raw, queries=None, peak_rss_mb=None, load=None) -> dict:
    """One page's row: throughput, latency percentiles in milliseconds, errors, queries, memory, and the
    machine's 1-minute load average as the page started (other work on the machine skews every figure)."""
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw["errors"].values())
    lat = raw["latency_us"]
    return {
        "name": name, "label": label, "role": role, "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": lat["p50"] / 1000, "p95_ms": lat["p95"] / 1000, "p99_ms": lat["p99"] / 1000,
        "errors": errors, "queries": queries, "peak_rss_mb": peak_rss_mb, "load": load,
    }


def p95_target(name) -> int:
    return P95_TARGET_MS.get(name, P95_TARGET_DEFAULT_MS)


def combined_result(rows: list) -> dict:
    """One row from several runs of the same page: the mean throughput, the median of each latency percentile,
    every error, the largest memory, the first run's load."""
    def median(values):
        values = sorted(values)
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2

    first = rows[0]
    return {
        **first,
        "rps": sum(r["rps"] for r in rows) / len(rows),
        **{key: median([r[key] for r in rows]) for key in ("p50_ms", "p95_ms", "p99_ms")},
        "errors": sum(r["errors"] for r in rows),
        "peak_rss_mb": max((r["peak_rss_mb"] for r in rows if r.get("peak_rss_mb") is not None), default=None),
        "runs": len(rows),
    }


def with_ratios(results: list) -> list:
    """Each row with `ratio`: its throughput as a share of the bare hello view's (None without a hello row)."""
    hello = next((r for r in results if r["name"] == HELLO), None)
    base = hello["rps"] if hello and hello["rps"] else None
    return [{**r, "ratio": (r["rps"] / base) if base else None} for r in results]


def _fmt(value, pattern):
    return "–" if value is None else pattern.format(value)


def own_rows(results: list) -> list:
    """The portal's rows (and the hello ceiling), without the peer forums' and the side-by-side runs'."""
    return [r for r in results if not r.get("peer") and not r.get("side_by_side")]


def markdown_table(results: list) -> str:
    rows = [
        "| page | as | req/s | × hello | p50 ms | p95 ms | p99 ms | p95 target | SQL queries | errors | peak RSS MB "
        "| load |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in with_ratios(own_rows(results)):
        target = p95_target(r["name"])
        met = "" if r["name"] == HELLO else (f"< {target} ✓" if r["p95_ms"] < target else f"< {target} ✗ missed")
        rows.append(
            f"| {r['label']} | {r['role']} | {r['rps']:,.0f} | {_fmt(r['ratio'], '{:.2f}')} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {met} | {_fmt(r['queries'], '{}')} | {r['errors']} | "
            f"{_fmt(r['peak_rss_mb'], '{:.0f}')} | {_fmt(r.get('load'), '{:.1f}')} |"
        )
    return "\n".join(rows) + "\n"


def peer_table(results: list) -> str:
    """The portal's thread and board pages beside each peer forum's, with the ratio of throughputs."""
    peers = list(dict.fromkeys(r["peer"] for r in results if r.get("peer")))
    if not peers:
        return ""
    ours = {r["name"]: r for r in own_rows(results)}
    # Measured in turns with the peers (bench/runner.py, run_side_by_side), when the run did.
    ours.update({r["page"]: r for r in results if r.get("side_by_side")})
    theirs = {(r["peer"], r["page"]): r for r in results if r.get("peer")}
    head = "| page | ReConnect req/s | p95 ms |"
    line = "|---|---:|---:|"
    for peer in peers:
        name = PEER_NAMES.get(peer, peer)
        head += f" {name} req/s | p95 ms | ReConnect ÷ {name} |"
        line += "---:|---:|---:|"
    head += " load |"
    line += "---|"
    rows = [head, line]
    for page, label in (("thread", "thread, 20 posts"), ("board", "a board's threads")):
        mine = ours.get(page)
        if mine is None and not any((peer, page) in theirs for peer in peers):
            continue
        cells = f"| {label} | {_fmt(mine and mine['rps'], '{:,.0f}')} | {_fmt(mine and mine['p95_ms'], '{:.1f}')} |"
        loads = [_fmt(mine and mine.get("load"), "{:.1f}")]
        for peer in peers:
            other = theirs.get((peer, page))
            ratio = mine["rps"] / other["rps"] if mine and other and other["rps"] else None
            mark = ""
            if ratio is not None and page == "thread":
                mark = " ✓" if ratio >= PEER_RATIO_TARGET else " ✗ missed"
            shown = _fmt(ratio, '{:.2f}') + mark
            if mine and mine["rps"] and other and not other["rps"]:
                # Not one answer in the whole run (each took longer than the run, or wrk's timeout).
                shown = "the peer answered none" + (" ✓" if page == "thread" else "")
            cells += (f" {_fmt(other and other['rps'], '{:,.0f}')} | {_fmt(other and other['p95_ms'], '{:.1f}')} |"
                      f" {shown} |")
            loads.append(_fmt(other and other.get("load"), "{:.1f}"))
        rows.append(cells + f" {' / '.join(loads)} |")
    return "\n".join(rows) + "\n"


def websocket_lines(ws) -> list:
    if not ws:
        return []
    met = "" if ws["p95_ms"] is None else (" ✓" if ws["p95_ms"] < WS_P95_TARGET_MS else " ✗ missed")
    return [
        f"- **WebSocket delivery** ({ws['opened']} of {ws['sockets']} signed-in sockets open on /ws/live/, "
        f"following {ws['conversations']} conversations; {ws['messages']} messages sent through the message form): "
        f"p50 {_fmt(ws['p50_ms'], '{:.1f}')} ms, p95 {_fmt(ws['p95_ms'], '{:.1f}')} ms (target < "
        f"{WS_P95_TARGET_MS}{met}), p99 {_fmt(ws['p99_ms'], '{:.1f}')} ms, max {_fmt(ws['max_ms'], '{:.1f}')} ms; "
        f"{ws['events']} of {ws['events_expected']} events arrived; the POST itself p50 "
        f"{_fmt(ws['post_p50_ms'], '{:.1f}')} ms; opening the sockets took {ws['open_seconds']:.1f} s; "
        f"load {_fmt(ws.get('load'), '{:.1f}')}.",
    ]


def sweep_lines(sweep) -> list:
    if not sweep:
        return []
    met = " ✓" if sweep["seconds"] < SWEEP_TARGET_S else " ✗ missed"
    return [
        f"- **Café reminder sweep** (`cafes.send_due_reminders`, once, in process): {sweep['sent_for_these']:,} "
        f"reminders for {sweep['rsvps']:,} answers in {sweep['cafes']:,} cafés in {sweep['seconds']:.1f} s "
        f"(target < {SWEEP_TARGET_S} s{met}); load {_fmt(sweep.get('load'), '{:.1f}')}.",
    ]


def markdown_report(results: list, *, machine: dict, setup: dict, notes=(), websockets=None, sweep=None) -> str:
    lines = ["# ReConnect benchmark: latest run", ""]
    lines += [f"- **{key}**: {value}" for key, value in machine.items()]
    lines += [f"- **{key}**: {value}" for key, value in setup.items()]
    lines += ["", markdown_table(results)]
    peers = peer_table(results)
    if peers:
        lines += ["## Against the peer forums", "",
                  f"The same pages of two Django forums from PyPI, served and driven the same way in the same run "
                  f"(target: the thread page at least {PEER_RATIO_TARGET:g}× each peer's throughput). "
                  f"{_side_by_side_note(results)}The load column is the 1-minute load average as each page started "
                  f"(ReConnect / peers).", "", peers]
    extra = websocket_lines(websockets) + sweep_lines(sweep)
    if extra:
        lines += ["## Live delivery and the reminder sweep", "", *extra]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    lines += ["", "![Throughput of each page as a share of the bare Django view](latest.svg)", ""]
    return "\n".join(lines)


# The README shows the latest table between these two lines; bench/run rewrites what is between them.
README_START = "<!-- The latest benchmark table: bench/run writes it (bench/report.py, readme_block). -->"
README_END = "<!-- End of the latest benchmark table. -->"


def readme_block(results: list, *, machine: dict, setup: dict, websockets=None, sweep=None) -> str:
    """The latest run for the README: the machine, the scale, the pages' table, the peers and the rest."""
    lines = [f"Latest run: {machine.get('date', '')} on {machine.get('machine', '')} ({machine.get('software', '')}); "
             f"scale {setup.get('scale', '')}; {setup.get('load', '')}.", "", markdown_table(results).rstrip("\n")]
    peers = peer_table(results)
    if peers:
        lines += ["", peers.rstrip("\n")]
    extra = websocket_lines(websockets) + sweep_lines(sweep)
    if extra:
        lines += ["", *extra]
    return "\n".join(lines)


def with_readme_block(readme: str, block: str) -> str:
    """`readme` with the text between README_START and README_END replaced by `block`."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ReportError(f"The README has no place for the table: put the lines {README_START!r} and "
                          f"{README_END!r} where it goes.")
    return readme[:start + len(README_START)] + "\n" + block + "\n" + readme[end:]


def _side_by_side_note(results) -> str:
    runs = max((r.get("runs", 1) for r in results if r.get("side_by_side")), default=0)
    if not runs:
        return ""
    rounds = f"{runs} round" + ("s" if runs != 1 else "")
    return (f"The three servers were up at once and these pages were measured in turns, {rounds} "
            f"(ReConnect, then each peer), so the machine's drift falls on all alike: req/s is the mean of the "
            f"rounds, p95 the median. ")


def svg_chart(results: list) -> str:
    """A horizontal bar per page: throughput as a share of the hello view, with the p95 written beside it."""
    rows = with_ratios([r for r in results if not r.get("side_by_side")])
    bar_w, left, row_h, top = 420, 190, 24, 40
    height = top + row_h * len(rows) + 20
    width = left + bar_w + 170
    biggest = max([r["ratio"] or 0 for r in rows] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        '<text x="10" y="22" font-size="15" font-weight="bold">Throughput as a share of a bare Django view</text>',
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        share = (r["ratio"] or 0) / biggest
        if r["name"] == HELLO:
            colour = "#8a8a8a"
        elif r.get("peer"):
            colour = "#5b6f9e"  # a peer forum: no target of its own
        else:
            colour = "#2f6f5e" if r["p95_ms"] < p95_target(r["name"]) else "#b4532a"
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{html.escape(r["label"])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{max(share * bar_w, 1):.1f}" height="{row_h - 8}" '
                     f'fill="{colour}"/>')
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        parts.append(f'<text x="{left + share * bar_w + 6:.1f}" y="{y + 16}">{ratio} · {r["rps"]:,.0f}/s · '
                     f'p95 {r["p95_ms"]:.0f} ms</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
