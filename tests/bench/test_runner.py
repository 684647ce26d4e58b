"""The benchmark runner's pacing between pages (nothing is started)."""

from bench.runner import wait_until_quiet


def test_the_next_page_waits_until_the_server_has_finished_the_last_pages_requests():
    readings = iter([100.0, 95.0, 10.0, 80.0, 12.0, 8.0, 5.0])
    taken = []

    def cpu_percent():
        taken.append(next(readings))
        return taken[-1]

    wait_until_quiet(quiet_samples=2, cpu_percent=cpu_percent)
    # One quiet reading between busy ones is not enough: it waits for two in a row.
    assert taken == [100.0, 95.0, 10.0, 80.0, 12.0, 8.0]


def test_a_machine_that_never_goes_quiet_does_not_hold_the_run_for_longer_than_allowed():
    waited = wait_until_quiet(longest=0.2, cpu_percent=lambda: 100.0)
    assert 0.2 <= waited < 1.0
