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


def test_nginx_hands_requests_to_every_server_process_and_passes_websockets_and_the_host_on():
    from bench.runner import NGINX_CONF

    conf = NGINX_CONF.format(root="/tmp/bench-nginx", port=41234,
                             servers="\n".join(f"        server 127.0.0.1:{p};" for p in (5001, 5002, 5003)))
    upstream = conf[conf.index("upstream app {"):conf.index("}", conf.index("upstream app {"))]
    assert [line.strip() for line in upstream.splitlines() if line.strip().startswith("server ")] == [
        "server 127.0.0.1:5001;", "server 127.0.0.1:5002;", "server 127.0.0.1:5003;"]
    assert "keepalive" in upstream, "kept-alive connections to the processes, as wrk keeps its own"
    assert "listen 127.0.0.1:41234;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_set_header Host $http_host;" in conf
    assert "daemon off;" in conf and "/tmp/bench-nginx/nginx.pid" in conf
