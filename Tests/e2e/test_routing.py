"""Splits, stickiness, shadows and flips through a real router."""
import concurrent.futures
import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import httpx
import pytest

from fleet import EXAMPLES, FAST, Fleet, get_json, wait_for


@pytest.fixture(autouse=True)
def baseline(fleet):
    for version in fleet.backends:
        fleet.set_profile(version, **FAST)
    fleet.route("support-assistant@1.0.0=100%")


def ask(http, url, session=None, headers=None, body=None):
    headers = dict(headers or {})
    if session:
        headers["x-session-id"] = session
    return http.post(url + "/v1/chat/completions", headers=headers,
                     json=body or {"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]})


def test_a_90_10_split_over_10000_sessions_lands_within_one_point(fleet):
    fleet.route("support-assistant@1.0.0=90%", "support-assistant@1.1.0=10%")
    sessions = [f"split-{uuid.uuid4()}" for _ in range(10_000)]
    with httpx.Client(timeout=30, limits=httpx.Limits(max_connections=16)) as http:
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            bundles = list(pool.map(lambda s: ask(http, fleet.url, s).headers["x-switchyard-bundle"], sessions))
    share = bundles.count("support-assistant@1.1.0") / len(bundles)
    assert abs(share - 0.10) <= 0.01, f"{share:.4f} of sessions on the 10% bundle"


def test_the_same_session_always_lands_on_the_same_bundle(fleet):
    fleet.route("support-assistant@1.0.0=50%", "support-assistant@1.1.0=50%")
    with httpx.Client(timeout=30) as http:
        for index in range(20):
            session = f"sticky-{index}-{uuid.uuid4()}"
            seen = {ask(http, fleet.url, session).headers["x-switchyard-bundle"] for _ in range(10)}
            assert len(seen) == 1, f"session {session} moved between {seen}"


def test_a_pinned_session_stays_through_a_ramp_unless_migrated(fleet):
    fleet.route("support-assistant@1.0.0=50%", "support-assistant@1.1.0=50%")
    with httpx.Client(timeout=30) as http:
        sessions = [f"pin-{i}-{uuid.uuid4()}" for i in range(200)]
        first = {s: ask(http, fleet.url, s).headers["x-switchyard-bundle"] for s in sessions}
        fleet.route("support-assistant@1.0.0=10%", "support-assistant@1.1.0=90%")
        assert all(ask(http, fleet.url, s).headers["x-switchyard-bundle"] == first[s] for s in sessions)
        fleet.route("support-assistant@1.0.0=10%", "support-assistant@1.1.0=90%", extra=["--migrate-sessions"])
        moved = [ask(http, fleet.url, s).headers["x-switchyard-bundle"] for s in sessions]
        assert 0.8 <= moved.count("support-assistant@1.1.0") / len(moved) <= 1.0


def test_a_100_percent_shadow_leaves_client_answers_unchanged(fleet):
    def answers():
        with httpx.Client(timeout=30) as http:
            return [(r.status_code, r.json()["choices"][0]["message"]["content"], r.headers["x-switchyard-bundle"])
                    for r in (ask(http, fleet.url, f"shadow-{i}") for i in range(30))]
    plain = answers()
    before = len(fleet.received("2.0.0"))
    fleet.route("support-assistant@1.0.0=100%", extra=["--shadow", "support-assistant@2.0.0=100%"])
    shadowed = answers()
    assert shadowed == plain
    deadline = time.time() + 5
    while len(fleet.received("2.0.0")) < before + 30 and time.time() < deadline:
        time.sleep(0.05)
    copies = fleet.received("2.0.0")[before:]
    assert len(copies) == 30
    assert all(copy["header:x-switchyard-role"] == "shadow" for copy in copies)
    system = [m["content"] for m in copies[0]["body"]["messages"] if m["role"] == "system"]
    assert len(system) == 1 and "[KB-<id>]" in system[0], "the shadow gets its own bundle applied, not the primary's as well"
    assert copies[0]["body"]["max_tokens"] == 768, "the shadow bundle's decoding defaults, not the primary's 1024"
    metrics = urllib.request.urlopen(fleet.admin + "/metrics").read().decode()
    assert 'switchyard_requests_total{bundle="support-assistant@2.0.0",tenant="default",role="shadow",code="2xx"} 30' in metrics


def flip_under_load(fleet, policy):
    """Sends 12 slow requests to 1.0.0, flips to 1.1.0 while they wait for their first token, returns results."""
    fleet.set_profile("1.0.0", ttft={"p50_ms": 800, "p99_ms": 800})
    with httpx.Client(timeout=30, limits=httpx.Limits(max_connections=32)) as http:
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            futures = [pool.submit(ask, http, fleet.url, f"flip-{policy}-{i}-{uuid.uuid4()}") for i in range(12)]
            time.sleep(0.3)
            fleet.route("support-assistant@1.1.0=100%", extra=["--in-flight", policy])
            return [f.result() for f in futures]


def test_a_flip_with_reissue_moves_waiting_requests_without_a_client_error(fleet):
    results = flip_under_load(fleet, "reissue")
    assert [r.status_code for r in results] == [200] * 12
    assert {r.headers["x-switchyard-bundle"] for r in results} == {"support-assistant@1.1.0"}


def test_a_flip_with_finish_lets_requests_complete_on_the_old_bundle(fleet):
    results = flip_under_load(fleet, "finish")
    assert [r.status_code for r in results] == [200] * 12
    assert {r.headers["x-switchyard-bundle"] for r in results} == {"support-assistant@1.0.0"}


def test_a_route_set_from_another_process_takes_effect_within_one_second(fleet):
    start = time.time()
    out = fleet.cli("route", "set", "support-assistant@2.0.0=100%", "--reason", "e2e")
    generation = int(out.split("generation ")[1].split()[0])
    with httpx.Client(timeout=5) as http:
        while True:
            response = ask(http, fleet.url, str(uuid.uuid4()))
            if int(response.headers["x-switchyard-generation"]) >= generation:
                break
            assert time.time() - start < 1.0, "the new generation was not in force within 1 s"
    assert response.headers["x-switchyard-bundle"] == "support-assistant@2.0.0"
    assert time.time() - start < 1.0


BAD_REQUESTS = {
    "malformed JSON": (b'{"model": "support-assistant", "messages": [', 400),
    "unknown model": (b'{"model": "gpt-9", "messages": []}', 404),
    "invalid UTF-8": (b'{"model": "support-assistant", "messages": [{"role": "user", "content": "\xff\xfe"}]}', 400),
    "not an object": (b'[1, 2, 3]', 400),
    "no model": (b'{"messages": []}', 400),
    "over the body limit": (None, 413),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_requests_get_a_clear_4xx_and_never_reach_a_backend(fleet, case):
    body, status = BAD_REQUESTS[case]
    if body is None:
        body = b'{"model": "support-assistant", "pad": "' + b"a" * (5 << 20) + b'"}'
    before = len(fleet.received("1.0.0"))
    response = httpx.post(fleet.url + "/v1/chat/completions", content=body, headers={"content-type": "application/json"}, timeout=30)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"] and error["type"] == "invalid_request_error"
    assert len(fleet.received("1.0.0")) == before


def test_metrics_and_status_are_only_on_the_admin_listener(fleet):
    with httpx.Client(timeout=10) as http:
        assert ask(http, fleet.url).status_code == 200
    assert httpx.get(fleet.url + "/metrics").status_code == 404
    assert httpx.get(fleet.url + "/status").status_code == 404
    metrics = httpx.get(fleet.admin + "/metrics").text
    assert "# TYPE switchyard_requests_total counter" in metrics
    heap = {name: float(value) for name, value in re.findall(r"^switchyard_heap_(in_use|held)_bytes (\S+)$", metrics, re.M)}
    assert 0 < heap["in_use"] <= heap["held"], heap
    assert get_json(fleet.admin + "/status")["generation"] >= 1


def test_a_saturated_pool_answers_429_with_retry_after():
    fleet = Fleet(max_concurrency=1)
    try:
        fleet.set_profile("1.0.0", ttft={"p50_ms": 500, "p99_ms": 500})
        with httpx.Client(timeout=30) as http, concurrent.futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda i: ask(http, fleet.url, f"sat-{i}"), range(4)))
        statuses = sorted(r.status_code for r in results)
        assert statuses[0] == 200 and statuses[-1] == 429
        refused = next(r for r in results if r.status_code == 429)
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["error"]["code"] == "pool_saturated"
    finally:
        fleet.stop()


def test_sigterm_lets_requests_in_flight_finish():
    fleet = Fleet()
    try:
        fleet.set_profile("1.0.0", ttft={"p50_ms": 1000, "p99_ms": 1000})
        with httpx.Client(timeout=30) as http, concurrent.futures.ThreadPoolExecutor(2) as pool:
            slow = pool.submit(ask, http, fleet.url, "draining")
            time.sleep(0.3)
            fleet.serve.send_signal(signal.SIGTERM)
            assert slow.result().status_code == 200
        assert fleet.serve.wait(timeout=10) == 0
        assert "switchyard stopped" in fleet.serve.stdout.read()
    finally:
        fleet.stop()


def test_a_cold_backend_gets_no_traffic_until_it_is_warm(fleet):
    # Long enough that a slow, shared machine still asks while the backend is cold, after the 1 s health
    # checks have seen it fail (CI once answered 200 with 2 s of cold start and 1.3 s of waiting).
    fleet.set_profile("1.0.0", cold_start_seconds=8)
    time.sleep(3)
    with httpx.Client(timeout=10) as http:
        cold = ask(http, fleet.url, "cold")
        assert cold.status_code == 503
        assert cold.json()["error"]["type"] == "server_error"
        deadline = time.time() + 15
        while ask(http, fleet.url, "cold").status_code != 200:
            assert time.time() < deadline, "the backend never became warm"
            time.sleep(0.2)
    assert fleet.status()["endpoints"][0]["healthy"] is True


def test_a_bundles_contract_timeout_bounds_its_answers_and_its_shadow_copies(fleet):
    """2.0.9 is 2.0.0 with `reliability: {timeout_ms: 300}`; its backend takes 800 ms to answer."""
    manifest = fleet.dir / "support-assistant-2.0.9.yaml"
    text = (EXAMPLES / "support-assistant-2.0.0.yaml").read_text().replace("version: 2.0.0", "version: 2.0.9")
    text = text.replace("file: prompts/", f"file: {EXAMPLES}/prompts/")
    manifest.write_text(text + "contracts:\n  reliability: {timeout_ms: 300}\n")
    fleet.cli("registry", "add", str(manifest))
    pool = fleet.dir / "pool-2.0.9.yaml"
    pool.write_text(f"bundle: support-assistant@2.0.9\nendpoints: [{fleet.backends['2.0.0']}]\nreplicas: 1\nmax_concurrency: 16\n")
    fleet.cli("pool", "apply", str(pool), "--reason", "e2e: contract timeout")
    fleet.set_profile("2.0.0", ttft={"p50_ms": 800, "p99_ms": 800})

    fleet.route("support-assistant@1.0.0=100%", extra=["--shadow", "support-assistant@2.0.9=100%"])
    with httpx.Client(timeout=30) as http:
        assert [ask(http, fleet.url).status_code for _ in range(5)] == [200] * 5

        def shadow_timeouts():
            metrics = urllib.request.urlopen(fleet.admin + "/metrics").read().decode()
            series = 'switchyard_requests_total{bundle="support-assistant@2.0.9",tenant="default",role="shadow",code="%s"} %d'
            return series % ("5xx", 5) in metrics and series % ("2xx", 0) in metrics
        wait_for(shadow_timeouts, 10, "five shadow copies cut off by the bundle's 300 ms contract, none answered")

        fleet.route("support-assistant@2.0.9=100%")
        answers = []

        def times_out():
            started = time.monotonic()
            answer = ask(http, fleet.url)
            answers.append((answer, time.monotonic() - started))
            return answer.status_code == 504
        wait_for(times_out, 10, "a 504 from the bundle whose backend is slower than its contract")
        answer, seconds = answers[-1]
        assert answer.json()["error"]["code"] == "upstream_timeout"
        assert 0.25 < seconds < 0.7, f"cut off after {seconds:.2f}s, not at the contract's 300 ms"


def test_serve_keeps_serving_when_the_reader_of_its_output_goes_away():
    """The terminal or log pipe that started `serve` may close (an SSH session dropped, `| tee` killed): the next
    line serve prints then meets EPIPE, which must cost the line, never the data plane."""
    fleet = Fleet()
    try:
        fleet.serve.stdout.close()
        fleet.route("support-assistant@2.0.0=100%")  # serve announces the new generation into the closed pipe
        time.sleep(0.5)
        assert fleet.serve.poll() is None, f"serve exited with {fleet.serve.returncode} once its output had no reader"
        with httpx.Client(timeout=10) as http:
            response = ask(http, fleet.url)
        assert response.status_code == 200
        assert response.headers["x-switchyard-bundle"] == "support-assistant@2.0.0"
    finally:
        fleet.stop()


def test_route_set_returns_once_serve_has_the_generation_in_force():
    """route set asks serve over the admin socket to install what it committed, and returns once it has: a request
    sent right after the command is answered by the new bundle, even with a reload interval of 5 s."""
    fleet = Fleet(serve_options=("--reload-ms", "5000"))
    try:
        with httpx.Client(timeout=10) as http:
            for version in ("2.0.0", "1.0.0", "2.0.0"):
                out = fleet.cli("route", "set", f"support-assistant@{version}=100%", "--reason", "e2e")
                assert re.search(r"^in force on serve after \d+ ms$", out, re.M), out
                response = ask(http, fleet.url)
                assert response.headers["x-switchyard-bundle"] == f"support-assistant@{version}"
                assert response.headers["x-switchyard-generation"] == re.search(r"generation (\d+) committed", out).group(1)
    finally:
        fleet.stop()
