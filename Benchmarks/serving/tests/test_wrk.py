"""The wrk report parser (the figures every ratio is built on) and the Lua script that sends the payload."""

import pytest

from servebench.wrk import LoadSpec, WrkError, lua_string, parse_report, post_script, to_ms

# Real output of `wrk -t2 -c64 -d3s --latency -s post.lua` against `mlflow models serve`.
MLFLOW_REPORT = """\
Running 3s test @ http://127.0.0.1:44823/invocations
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   452.03ms   98.27ms 695.99ms   73.40%
    Req/Sec    74.58     67.96   230.00     75.00%
  Latency Distribution
     50%  447.42ms
     75%  507.98ms
     90%  607.32ms
     99%  674.91ms
  406 requests in 3.12s, 58.22KB read
Requests/sec:    130.16
Transfer/sec:     18.67KB
"""

# A fast server with failures: microsecond and second units, socket errors, non-2xx answers.
FAST_REPORT_WITH_ERRORS = """\
Running 10s test @ http://127.0.0.1:5001/deployments/bench/invocations
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.50us  301.00us   1.20s    95.00%
    Req/Sec    39.12k     2.01k   42.00k    80.00%
  Latency Distribution
     50%  750.00us
     75%  900.00us
     90%    1.10ms
     99%    2.50ms
  780000 requests in 10.00s, 120.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 7
  Non-2xx or 3xx responses: 12
Requests/sec:  78000.00
Transfer/sec:     12.00MB
"""


def test_parses_the_mlflow_report():
    result = parse_report(MLFLOW_REPORT)
    assert result.requests == 406
    assert result.duration_s == pytest.approx(3.12)
    assert result.requests_per_s == pytest.approx(130.16)
    assert (result.p50_ms, result.p75_ms, result.p90_ms, result.p99_ms) == (447.42, 507.98, 607.32, 674.91)
    assert result.mean_ms == pytest.approx(452.03) and result.max_ms == pytest.approx(695.99)
    assert result.failed == 0 and result.socket_errors == {}


def test_converts_units_and_counts_failures():
    result = parse_report(FAST_REPORT_WITH_ERRORS)
    assert result.p50_ms == pytest.approx(0.75)
    assert result.p99_ms == pytest.approx(2.5)
    assert result.max_ms == pytest.approx(1200.0)
    assert result.requests_per_s == pytest.approx(78000.0)
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 7}
    assert result.non_2xx == 12
    assert result.failed == 22
    assert result.as_dict()["failed"] == 22


def test_time_units():
    assert to_ms("1.5", "m") == pytest.approx(90_000)
    assert to_ms("250.00", "us") == pytest.approx(0.25)


def test_report_without_latency_distribution_is_rejected():
    without_distribution = "\n".join(line for line in MLFLOW_REPORT.splitlines() if "%  " not in line)
    with pytest.raises(WrkError, match="latency distribution"):
        parse_report(without_distribution)


def test_empty_output_is_rejected_with_its_text():
    with pytest.raises(WrkError, match="Requests/sec"):
        parse_report("unable to connect to 127.0.0.1:1 Connection refused")


def test_argv_caps_threads_at_connections_and_rounds_durations():
    argv = LoadSpec("http://h/invocations", clients=1, seconds=2.6, threads=4, timeout_seconds=30).argv("wrk", "s.lua")
    assert argv[argv.index("-t") + 1] == "1"
    assert argv[argv.index("-c") + 1] == "1"
    assert argv[argv.index("-d") + 1] == "3s"  # wrk accepts whole seconds only
    assert "--latency" in argv and argv[-1] == "http://h/invocations"


def test_lua_script_posts_the_file_as_json():
    script = post_script("/tmp/dir with \"quote\"/payload.json")
    assert 'wrk.method = "POST"' in script
    assert 'wrk.headers["Content-Type"] = "application/json"' in script
    assert lua_string('/tmp/dir with "quote"/payload.json') in script
    assert lua_string('a\\b"c\n') == '"a\\\\b\\"c\\n"'
