"""Reading wrk's output and writing the results: a Markdown table and an SVG chart.

Kept free of Django and of the server so the test suite can check it on a canned run (tests/bench/).
"""

import html
import json

HELLO = "hello"
# The targets (issue 8): p95 under 100 ms for every page, under 150 ms for search.
P95_TARGET_MS = {"search": 150}
P95_TARGET_DEFAULT_MS = 100
MARKER = "BENCH-JSON "


class ReportError(Exception):
    pass


def parse_wrk_output(text: str) -> dict:
    """The figures load.lua prints at the end of a wrk run (the last BENCH-JSON line)."""
    lines = [line for line in text.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise ReportError("wrk printed no BENCH-JSON line: did it run with bench/load.lua?")
    return json.loads(lines[-1][len(MARKER):])


def page_result(*, name, label, role, raw, queries=None, peak_rss_mb=None) -> dict:
    """One page's row: throughput, latency percentiles in milliseconds, errors, queries and memory."""
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw["errors"].values())
    lat = raw["latency_us"]
    return {
        "name": name, "label": label, "role": role, "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": lat["p50"] / 1000, "p95_ms": lat["p95"] / 1000, "p99_ms": lat["p99"] / 1000,
        "errors": errors, "queries": queries, "peak_rss_mb": peak_rss_mb,
    }


def p95_target(name) -> int:
    return P95_TARGET_MS.get(name, P95_TARGET_DEFAULT_MS)


def with_ratios(results: list) -> list:
    """Each row with `ratio`: its throughput as a share of the bare hello view's (None without a hello row)."""
    hello = next((r for r in results if r["name"] == HELLO), None)
    base = hello["rps"] if hello and hello["rps"] else None
    return [{**r, "ratio": (r["rps"] / base) if base else None} for r in results]


def _fmt(value, pattern):
    return "–" if value is None else pattern.format(value)


def markdown_table(results: list) -> str:
    rows = [
        "| page | as | req/s | × hello | p50 ms | p95 ms | p99 ms | p95 target | SQL queries | errors | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in with_ratios(results):
        target = p95_target(r["name"])
        met = "" if r["name"] == HELLO else (f"< {target} ✓" if r["p95_ms"] < target else f"< {target} ✗ missed")
        rows.append(
            f"| {r['label']} | {r['role']} | {r['rps']:,.0f} | {_fmt(r['ratio'], '{:.2f}')} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {met} | {_fmt(r['queries'], '{}')} | {r['errors']} | "
            f"{_fmt(r['peak_rss_mb'], '{:.0f}')} |"
        )
    return "\n".join(rows) + "\n"


def markdown_report(results: list, *, machine: dict, setup: dict, notes=()) -> str:
    lines = ["# ReConnect benchmark: latest run", ""]
    lines += [f"- **{key}**: {value}" for key, value in machine.items()]
    lines += [f"- **{key}**: {value}" for key, value in setup.items()]
    lines += ["", markdown_table(results)]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    lines += ["", "![Throughput of each page as a share of the bare Django view](latest.svg)", ""]
    return "\n".join(lines)


def svg_chart(results: list) -> str:
    """A horizontal bar per page: throughput as a share of the hello view, with the p95 written beside it."""
    rows = with_ratios(results)
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
        colour = "#8a8a8a" if r["name"] == HELLO else ("#2f6f5e" if r["p95_ms"] < p95_target(r["name"]) else "#b4532a")
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{html.escape(r["label"])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{max(share * bar_w, 1):.1f}" height="{row_h - 8}" '
                     f'fill="{colour}"/>')
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        parts.append(f'<text x="{left + share * bar_w + 6:.1f}" y="{y + 16}">{ratio} · {r["rps"]:,.0f}/s · '
                     f'p95 {r["p95_ms"]:.0f} ms</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
