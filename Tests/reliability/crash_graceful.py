"""The SIGTERM trial: graceful shutdown of `switchyard serve` with requests in flight.

With slow backends, a handful of requests (streamed and not) are put in flight; `serve` gets SIGTERM. Then:
its data port refuses new connections within 2 s (and a request sent then is not answered), every request in
flight completes (200, a stream with `data: [DONE]`), it exits 0 within its drain deadline, and the next start
is clean (audit verify, generation in force = last committed, traffic answered).
"""
import random
import signal
import socket
import threading
import time

import requests

import crash_invariants as check
from crash_fleet import CrashFleet, get_json
from crash_traffic import send

SLOW = {"ttft": {"p50_ms": 1500, "p99_ms": 1800}, "tokens_per_second": 20, "output_tokens": 16}
IN_FLIGHT = 8
DRAIN_TIMEOUT = 10  # matches CrashFleet's `--drain-timeout 10s`
STOP_ACCEPTING = 2.0  # seconds after SIGTERM by which the data port must refuse new connections


def run(binary, seed, keep=False):
    rng = random.Random(seed)
    fleet = CrashFleet(binary, f"graceful shutdown trial (seed {seed})", keep=keep)
    failed = True
    try:
        fleet.register({"1.0.0": (1, 16), "1.1.0": (1, 16), "2.0.0": (1, 16)})
        fleet.cli("route", "set", "support-assistant@1.0.0=50%", "support-assistant@1.1.0=50%", "--reason", "crash harness: graceful")
        fleet.start_serve()
        for version in ("1.0.0", "1.1.0"):
            fleet.set_profile(version, **SLOW)
        answers = [None] * IN_FLIGHT
        url = fleet.url

        def client(index):
            answers[index] = send(requests.Session(), url, tenant=rng.choice([None, "acme"]), session=f"g{index}",
                                  stream=index % 2 == 0, timeout=30)
        threads = [threading.Thread(target=client, args=(i,)) for i in range(IN_FLIGHT)]
        for thread in threads:
            thread.start()
        wait_in_flight(fleet, IN_FLIGHT)
        committed = fleet.committed_generation()
        sent_term = time.monotonic()
        fleet.serve.send_signal(signal.SIGTERM)
        refused_after = wait_until_refusing(url, timeout=STOP_ACCEPTING)
        if refused_after is None:
            raise check.Violation(f"{fleet.label}: the data port still accepted connections {STOP_ACCEPTING}s after SIGTERM")
        late = send(requests.Session(), url, timeout=5)
        code = fleet.serve.wait(timeout=DRAIN_TIMEOUT + 20)
        took = time.monotonic() - sent_term
        for thread in threads:
            thread.join(timeout=30)
        incomplete = [(i, a) for i, a in enumerate(answers) if a is None or a.status != 200 or not a.complete]
        if incomplete:
            raise check.Violation(f"{fleet.label}: {len(incomplete)} of {IN_FLIGHT} requests in flight at SIGTERM did not complete: "
                                  + "; ".join(f"#{i} {'stream' if a and a.stream else 'plain'} status {a and a.status} "
                                              f"complete {a and a.complete} error {a and a.error}" for i, a in incomplete))
        if late.status is not None:
            raise check.Violation(f"{fleet.label}: a request sent after the data port refused a connection was answered "
                                  f"({late.status}, generation {late.generation})")
        if code != 0 or "switchyard stopped" not in fleet.serve_log():
            raise check.Violation(f"{fleet.label}: serve exited {code} after SIGTERM, expected 0 and 'switchyard stopped':\n"
                                  f"{fleet.serve_log()[-2000:]}")
        if took > DRAIN_TIMEOUT:
            raise check.Violation(f"{fleet.label}: shutdown took {took:.1f}s, beyond the {DRAIN_TIMEOUT}s drain deadline")
        tables = check.stored_tables(fleet)
        check.stamps_committed(fleet, [a for a in answers if a], tables)
        # The next start is clean.
        check.audit_ok(fleet, "after SIGTERM")
        for version in ("1.0.0", "1.1.0"):
            fleet.set_profile(version, ttft={"p50_ms": 0.2, "p99_ms": 1}, tokens_per_second=100000, output_tokens=8)
        started = fleet.start_serve()
        if started != committed:
            raise check.Violation(f"{fleet.label}: serve restarted with generation {started}, the last committed one is {committed}")
        check.in_force_matches_store(fleet)
        after = send(requests.Session(), fleet.url, timeout=10)
        if after.status != 200 or after.generation != committed:
            raise check.Violation(f"{fleet.label}: after the restart a request got {after.status} with generation {after.generation}, "
                                  f"expected 200 with generation {committed}")
        code = fleet.terminate_serve()
        if code != 0:
            raise check.Violation(f"{fleet.label}: an idle serve exited {code} on SIGTERM, expected 0")
        check.audit_ok(fleet, "after the second SIGTERM")
        failed = False
        return (f"{IN_FLIGHT} requests in flight all completed, new connections refused {refused_after:.2f}s after SIGTERM, "
                f"exit 0 in {took:.1f}s, "
                f"restart at generation {started} = committed, audit verify OK")
    finally:
        fleet.stop(keep_state=failed)


def wait_until_refusing(url, timeout):
    """Seconds until a TCP connection to `url`'s port is refused, or None if it is still accepted after `timeout`."""
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
        except OSError:
            return time.monotonic() - began
        time.sleep(0.05)
    return None


def wait_in_flight(fleet, count, timeout=10):
    """Waits until the router reports `count` requests in flight."""
    deadline = time.time() + timeout
    total = 0
    while time.time() < deadline:
        status = get_json(fleet.admin + "/status")
        total = sum(status["in_flight"].values())
        if total >= count:
            return
        time.sleep(0.02)
    raise check.Violation(f"{fleet.label}: only {total} of {count} requests were in flight after {timeout}s")

