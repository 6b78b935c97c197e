"""The Engine's control loop inside a real `switchyard serve`: timed steps and automatic rollback."""
import json
import threading

import httpx
import pytest

from fleet import FAST, abort_rollout, default_weights, running_fleet, rollout_entries, start_rollout, wait_for


@pytest.fixture(scope="module")
def fleet():
    # Tier 0 is switched off here so that these tests see the rollout's own steps and analysis gate alone
    # (test_rollback.py covers tier 0); on a loaded machine it could otherwise act first.
    yield from running_fleet(policy="tier0: {burn_threshold: 1000, critical_ratio: 1000}\n")


@pytest.fixture(autouse=True)
def baseline(fleet):
    for version in fleet.backends:
        fleet.set_profile(version, **FAST)
    fleet.route("support-assistant@1.0.0=100%")
    yield
    abort_rollout(fleet)


def test_a_timed_pause_advances_on_its_own(fleet):
    start_rollout(fleet, "name: timed\nsteps:\n  - setWeight: 20\n  - pause: 2s\n  - setWeight: 100\n")
    assert default_weights(fleet) == {"support-assistant@1.0.0": 8000, "support-assistant@2.0.0": 2000}
    wait_for(lambda: default_weights(fleet) == {"support-assistant@2.0.0": 10000}, 6, "the pause did not elapse")
    step = rollout_entries(fleet)[-1]
    assert step["kind"] == "rollout.step" and step["actor"] == "auto:engine"
    assert "completed" in step["payload"]["status"]
    status = fleet.cli("rollout", "status")
    assert "baseline support-assistant@1.0.0: warm, 1 of 1 endpoint(s) healthy" in status and "warm-keep mirror" in status


def test_a_failing_analysis_gate_aborts_the_rollout(fleet):
    fleet.set_profile("2.0.0", error_rate=0.6)
    start_rollout(fleet, "name: gated\nsteps:\n  - setWeight: 50\n"
                         "  - analysis: {metrics: [error_rate, latency], window: 3s, minimum_samples: 10}\n  - setWeight: 100\n")
    stop = threading.Event()

    def traffic():
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                http.post(fleet.url + "/v1/chat/completions",
                          json={"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]})
    workers = [threading.Thread(target=traffic) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        # Three seconds and ten samples a side leave room for a slow, shared CI machine: too few samples would
        # (rightly) pause the rollout as inconclusive instead of failing it.
        wait_for(lambda: default_weights(fleet) == {"support-assistant@1.0.0": 10000}, 30,
                 "the canary was not rolled back; rollout: " + fleet.cli("rollout", "status"))
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    abort = rollout_entries(fleet)[-1]
    assert abort["kind"] == "rollout.abort" and abort["actor"] == "auto:analysis"
    readings = abort["payload"]["readings"]
    assert readings["outcome"] == "fail"
    error_rate = next(j for j in readings["judgements"] if j["metric"] == "error_rate")
    assert error_rate["verdict"] == "fail" and error_rate["median_ratio"] > 5
    status = json.loads(fleet.cli("rollout", "status", "--json"))
    assert "aborted" in json.dumps(status["status"])
