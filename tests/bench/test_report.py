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


def peer_rows():
    ours = rows()[1]
    board = {**ours, "name": "board", "label": "a board's threads", "rps": 300.0}
    machina = {**ours, "name": "machina:thread", "peer": "machina", "page": "thread", "rps": 150.0, "p95_ms": 210.0,
               "load": 3.5}
    spirit = {**ours, "name": "spirit:thread", "peer": "spirit", "page": "thread", "rps": 250.0, "load": 2.0}
    spirit_board = {**spirit, "name": "spirit:board", "page": "board", "rps": 600.0}
    return [rows()[0], ours, board, machina, spirit, spirit_board]


def test_the_peer_forums_stand_beside_our_thread_and_board_pages_with_the_ratio_and_the_twice_target():
    table = report.peer_table(peer_rows())
    thread = next(line for line in table.splitlines() if line.startswith("| thread"))
    board = next(line for line in table.splitlines() if line.startswith("| a board"))

    assert "django-machina req/s" in table and "ReConnect ÷ Spirit" in table
    # 400 req/s against machina's 150 (2.67×, target met) and Spirit's 250 (1.60×, missed).
    assert "| 400 | 80.0 | 150 | 210.0 | 2.67 ✓ | 250 | 80.0 | 1.60 ✗ missed |" in thread
    # The board page has no target of its own; machina's board row is missing, so its cells say so.
    assert "| 300 | 80.0 | – | – | – | 600 | 80.0 | 0.50 |" in board
    assert report.peer_table(rows()) == ""  # no peer ran: no table


def test_a_peer_page_that_answered_nothing_in_the_run_is_said_so_and_not_divided_by():
    slow = [{**r, "rps": 0.0, "p95_ms": 0.0} if r.get("peer") == "machina" else r for r in peer_rows()]
    thread = next(line for line in report.peer_table(slow).splitlines() if line.startswith("| thread"))
    assert "| 0 | 0.0 | the peer answered none ✓ |" in thread


def test_peer_rows_stay_out_of_the_portals_own_table_and_the_load_is_shown_per_row():
    table = report.markdown_table([{**r, "load": 4.25} for r in peer_rows()])

    assert "machina" not in table and "spirit" not in table
    assert table.splitlines()[2].endswith("| 4.2 |")  # the hello row's load average, one decimal


def test_the_report_gives_websocket_delivery_and_the_reminder_sweep_against_their_targets():
    ws = {"sockets": 500, "opened": 500, "conversations": 300, "messages": 100, "events": 166,
          "events_expected": 167, "p50_ms": 12.0, "p95_ms": 61.5, "p99_ms": 80.0, "max_ms": 95.0,
          "post_p50_ms": 40.0, "open_seconds": 3.2, "load": 2.5}
    sweep = {"rsvps": 10_000, "cafes": 250, "sent_for_these": 10_000, "seconds": 21.3, "load": 1.5}
    text = report.markdown_report(peer_rows(), machine={}, setup={}, websockets=ws, sweep=sweep)

    assert "## Against the peer forums" in text
    assert "500 of 500 signed-in sockets" in text and "p95 61.5 ms (target < 50 ✗ missed)" in text
    assert "166 of 167 events arrived" in text and "load 2.5" in text
    assert "10,000 reminders for 10,000 answers in 250 cafés in 21.3 s (target < 60 s ✓)" in text
    assert "Live delivery" not in report.markdown_report(rows(), machine={}, setup={})


def test_target_files_carry_ascii_request_lines_as_a_browser_sends_them():
    from bench.targets import targets_text

    text = targets_text([("GET", "/forum/café-corner-3/?q=a%20b&page=2", "sessionid=x", "")])
    assert text == "GET\t/forum/caf%C3%A9-corner-3/?q=a%20b&page=2\tsessionid=x\t\n"


def test_the_readme_gets_the_latest_table_with_the_machine_between_its_markers_and_nothing_else_changes():
    readme = f"# ReConnect\n\n## Benchmark\n\nIntro.\n\n{report.README_START}\nold table\n{report.README_END}\n\nAfter.\n"
    block = report.readme_block(peer_rows(), machine={"machine": "AMD EPYC, 2 cores", "date": "2026-11-26 11:00 UTC"},
                                setup={"scale": "tiny (5 threads)", "load": "wrk, 16 connections"},
                                sweep={"sent_for_these": 10, "rsvps": 10, "cafes": 1, "seconds": 2.0})

    updated = report.with_readme_block(readme, block)
    assert "old table" not in updated
    assert updated.startswith("# ReConnect\n\n## Benchmark\n\nIntro.\n\n") and updated.endswith("\n\nAfter.\n")
    assert "AMD EPYC, 2 cores" in updated and "2026-11-26 11:00 UTC" in updated and "tiny (5 threads)" in updated
    assert "| thread, 20 posts | service user | 400 |" in updated  # the pages' table
    assert "ReConnect ÷ Spirit" in updated and "Café reminder sweep" in updated
    # Run again: the block is replaced, not added twice.
    assert report.with_readme_block(updated, block) == updated


def test_a_readme_without_the_markers_is_refused_rather_than_written_somewhere():
    with pytest.raises(report.ReportError, match="no place for the table"):
        report.with_readme_block("# ReConnect\n", "table")


def test_side_by_side_rounds_give_the_mean_throughput_and_the_median_latency_and_stand_in_the_peer_table():
    ours = rows()[1]
    rounds = [{**ours, "rps": rps, "p95_ms": p95, "errors": 1, "peak_rss_mb": rss}
              for rps, p95, rss in ((30.0, 900.0, 130.0), (24.0, 1500.0, 140.0), (27.0, 1000.0, 120.0))]
    combined = report.combined_result(rounds)
    assert combined["rps"] == pytest.approx(27.0)
    assert combined["p95_ms"] == 1000.0 and combined["errors"] == 3 and combined["peak_rss_mb"] == 140.0
    assert combined["runs"] == 3

    side = {**combined, "name": "side:thread", "page": "thread", "side_by_side": True}
    spirit = {**ours, "name": "spirit:thread", "label": "spirit: thread, 20 posts", "peer": "spirit",
              "page": "thread", "rps": 13.5, "runs": 3}
    results = [rows()[0], ours, side, spirit]
    table = report.peer_table(results)
    # The side-by-side figure (27), not the earlier run of the page (400), is set against the peer's.
    assert "| thread, 20 posts | 27 |" in table and "| 2.00 ✓ |" in table
    # In the portal's own table and chart the page stands once, from its own run.
    own = report.markdown_table(results)
    assert own.count("| thread, 20 posts |") == 1 and "| thread, 20 posts | service user | 400 |" in own
    assert report.svg_chart(results).count(">thread, 20 posts<") == 1  # the peer row has its own label
    text = report.markdown_report(results, machine={}, setup={})
    assert "measured in turns, 3 rounds" in text
