"""The WebSocket benchmark's arithmetic (bench/wsbench.py), on canned samples: no socket is opened."""

from bench import wsbench


def test_percentiles_are_nearest_rank_so_a_reported_figure_is_a_latency_that_happened():
    samples = [float(ms) for ms in range(1, 101)]  # 1..100 ms

    assert wsbench.percentile(samples, 0.50) == 50.0
    assert wsbench.percentile(samples, 0.95) == 95.0
    assert wsbench.percentile([7.0], 0.95) == 7.0
    assert wsbench.percentile([], 0.5) is None


def test_the_summary_counts_events_that_never_arrived():
    result = wsbench.summary([10.0, 20.0, 30.0], sockets=500, opened=498, sent=2, expected=4, post_ms=[40.0, 60.0],
                             open_seconds=2.5)

    assert (result["opened"], result["events"], result["missing"]) == (498, 3, 1)
    assert (result["p50_ms"], result["max_ms"], result["post_p50_ms"]) == (20.0, 30.0, 40.0)
