"""The benchmark's reading of wrk's output and its report, on a tiny canned run (nothing is started)."""

import pytest

from bench import report

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   10.00ms 120.00ms   70.00%
  4000 requests in 10.00s, 20.00MB read
Requests/sec:    400.00

BENCH-JSON {"requests": 4000, "duration_us": 10000000, "bytes": 20971520, "errors": {"connect": 0, "read": 0, \
"write": 0, "status": 2, "timeout": 1}, "latency_us": {"mean": 40120.0, "max": 120000, "p50": 38000, "p90": 60000, \
"p95": 80000, "p99": 110000}}
"""
HELLO_OUTPUT = WRK_OUTPUT.replace('"requests": 4000', '"requests": 16000')


def rows():
    hello = report.page_result(name="hello", label="bare Django (ceiling)", role="anonymous",
                               raw=report.parse_wrk_output(HELLO_OUTPUT), queries=0, peak_rss_mb=90.0)
    thread = report.page_result(name="thread", label="thread, 20 posts", role="service user",
                                raw=report.parse_wrk_output(WRK_OUTPUT), queries=12, peak_rss_mb=131.4)
    search = {**thread, "name": "search", "label": "search", "p95_ms": 120.0}
    return [hello, thread, search]


def test_a_page_row_has_throughput_latency_in_milliseconds_and_all_errors_added_up():
    row = report.page_result(name="thread", label="thread", role="service user",
                             raw=report.parse_wrk_output(WRK_OUTPUT), queries=12)

    assert row["rps"] == pytest.approx(400.0)
    assert (row["p50_ms"], row["p95_ms"], row["p99_ms"]) == (38.0, 80.0, 110.0)
    assert row["errors"] == 3


def test_output_without_the_scripts_figures_is_refused_with_a_reason():
    with pytest.raises(report.ReportError, match="load.lua"):
        report.parse_wrk_output("Running 10s test\nRequests/sec: 10\n")


def test_the_table_shows_each_page_as_a_share_of_the_hello_view_and_which_targets_were_missed():
    table = report.markdown_table(rows())
    lines = table.splitlines()

    thread = next(line for line in lines if line.startswith("| thread, 20 posts"))
    assert "| 400 | 0.25 | 38.0 | 80.0 | 110.0 | < 100 ✓ | 12 | 3 | 131 |" in thread
    # Search has its own target (150 ms): 120 ms meets it although it is over the pages' 100 ms.
    assert "< 150 ✓" in next(line for line in lines if line.startswith("| search"))
    missed = report.markdown_table([{**rows()[1], "p95_ms": 180.0}])
    assert "< 100 ✗ missed" in missed and "| – |" in missed  # no hello row: no ratio


def test_the_report_names_the_machine_and_the_chart_has_a_bar_per_page():
    text = report.markdown_report(rows(), machine={"machine": "2 cores"}, setup={"scale": "tiny"}, notes=["a note"])
    svg = report.svg_chart(rows())

    assert "- **machine**: 2 cores" in text and "- a note" in text and "latest.svg" in text
    assert svg.startswith("<svg") and svg.count("<rect ") == 1 + len(rows())
    assert "0.25×" in svg and "thread, 20 posts" in svg
