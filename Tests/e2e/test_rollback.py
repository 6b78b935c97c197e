"""Rollbacks against a real `switchyard serve`: tier-0 automatic rollback, the CLI's pre-flight plan, TargetNotWarm."""
import json
import threading
from contextlib import contextmanager

import httpx
import pytest

from fleet import FAST, default_weights, running_fleet, start_rollout, wait_for

# Small windows and sample minimums so that tier 0 can judge a few seconds of test traffic.
POLICY = """\
tier0: {short_window: 30s, long_window: 2m, minimum_requests: 20, ratio_minimum_requests: 20}
guards: {cooldown: 1s, incident_freeze: 10m, breaker_threshold: 5}
"""


@pytest.fixture(scope="module")
def fleet():
    yield from running_fleet(policy=POLICY)


@pytest.fixture(autouse=True)
def baseline(fleet):
    for version in fleet.backends:
        fleet.set_profile(version, **FAST)
    fleet.route("support-assistant@1.0.0=100%")


@contextmanager
def traffic(fleet, workers=4):
    stop = threading.Event()

    def send():
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                http.post(fleet.url + "/v1/chat/completions",
                          json={"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]})
    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def history(fleet, kind):
    return json.loads(fleet.cli("history", "--kind", kind, "--json"))


def test_tier0_rolls_a_failing_canary_back_and_freezes_it(fleet):
    fleet.set_profile("2.0.0", error_rate=0.5)
    start_rollout(fleet, "name: held\nsteps:\n  - setWeight: 50\n  - pause: until_promoted\n")
    with traffic(fleet):
        wait_for(lambda: default_weights(fleet) == {"support-assistant@1.0.0": 10000}, 15, "tier 0 did not roll the canary back")
    start = history(fleet, "rollback.start")[-1]
    assert start["actor"] == "auto:tier0"
    assert "3 failing check(s) in a row" in start["reason"]
    detector = start["payload"]["readings"]["detector"]
    assert detector["verdict"] == "fail" and detector["ratio"]["ratio"] > 5
    assert start["payload"]["rollout_aborted"] == "support-assistant@2.0.0"
    freeze = history(fleet, "freeze.declared")[-1]
    assert freeze["actor"] == "auto:tier0" and freeze["subject"] == "freeze:bundle:support-assistant"
    assert "aborted" in json.dumps(json.loads(fleet.cli("rollout", "status", "--json"))["status"])
    assert "1 automatic rollback(s) in a row" in fleet.cli("breaker", "status")
    # The freeze now refuses a new rollout of the same bundle, with who and why.
    plan = fleet.dir / "retry.yaml"
    plan.write_text("name: retry\nsteps:\n  - setWeight: 10\n")
    refused = fleet.cli("rollout", "start", "support-assistant@2.0.0", "--plan", str(plan), "--reason", "retry", expect=3)
    assert "frozen (bundle:support-assistant) by auto:tier0" in refused
    fleet.cli("unfreeze", "--reason", "fixed")


def test_a_manual_rollback_prints_its_plan_and_acts_only_when_confirmed(fleet):
    fleet.route("support-assistant@1.0.0=50%", "support-assistant@1.1.0=50%")
    with traffic(fleet, workers=2):
        # Wait until the router has observed traffic on 1.1.0, not merely written an observation (CI once saw 0.0).
        wait_for(lambda: "req/s" in (plan := fleet.cli("rollback", "--to", "support-assistant@1.0.0")) and " 0.0 req/s" not in plan,
                 20, "no live traffic in the plan")
        plan = fleet.cli("rollback", "--to", "support-assistant@1.0.0")
        assert "Rollback plan: support-assistant@1.1.0 → support-assistant@1.0.0" in plan
        assert "target warm: yes, 1 of 1 replicas healthy" in plan
        assert "Nothing changed" in plan
        assert default_weights(fleet) == {"support-assistant@1.0.0": 5000, "support-assistant@1.1.0": 5000}
        out = fleet.cli("rollback", "--to", "support-assistant@1.0.0", "--yes", "--reason", "bad answers on 1.1.0")
    assert "Started:" in out
    wait_for(lambda: default_weights(fleet) == {"support-assistant@1.0.0": 10000}, 5, "the rollback did not land")
    start = history(fleet, "rollback.start")[-1]
    assert start["reason"] == "bad answers on 1.1.0" and start["actor"] != "auto:tier0"
    preflight = start["payload"]["readings"]["preflight"]
    assert preflight["load"]["observed"] is True and preflight["load"]["requests_per_second"] > 0
    assert preflight["mode"] == "fast" and preflight["plan"]["target_warm"] is True


def test_a_cold_target_is_refused_with_exit_code_4(fleet):
    fleet.route("support-assistant@1.0.0=50%", "support-assistant@2.0.0=50%")
    fleet.cli("pool", "set", "support-assistant@1.1.0", "--endpoint", "http://127.0.0.1:9", "--replicas", "1",
              "--max-concurrency", "4", "--reason", "a pool that is down")
    try:
        out = fleet.cli("rollback", "--to", "support-assistant@1.1.0", "--from", "support-assistant@2.0.0", "--yes",
                        "--reason", "try", expect=4)
        assert "TargetNotWarm: support-assistant@1.1.0 has no health-checked replicas" in out
        assert "--warm-first" in out
        assert default_weights(fleet) == {"support-assistant@1.0.0": 5000, "support-assistant@2.0.0": 5000}
    finally:
        fleet.cli("pool", "set", "support-assistant@1.1.0", "--endpoint", fleet.backends["1.1.0"], "--replicas", "1",
                  "--max-concurrency", "16", "--reason", "restore")
