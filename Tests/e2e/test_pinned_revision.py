"""Health checks read each backend's /v1/models: one that serves other weights than its bundle pins (a floating
alias rotated underneath) is not warm for that bundle, and the router journals it, then journals its return."""
import json

import httpx

from fleet import Fleet, REVISIONS, wait_for

REQUEST = {"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]}


def entries(fleet, kind):
    return json.loads(fleet.cli("history", "--kind", kind, "--json"))


def test_a_backend_serving_another_revision_is_not_warm_and_is_journaled():
    fleet = Fleet()
    try:
        with httpx.Client(timeout=10) as http:
            ask = lambda: http.post(fleet.url + "/v1/chat/completions", json=REQUEST)
            assert ask().status_code == 200
            fleet.set_profile("1.0.0", revision="ffff00000000")  # the weights behind the alias changed
            wait_for(lambda: ask().status_code == 503, 10, "the router to stop sending 1.0.0's traffic to the wrong weights")
            answer = ask().json()["error"]
            assert answer["code"] == "no_healthy_backend" and "support-assistant@1.0.0" in answer["message"]
            wait_for(lambda: entries(fleet, "health.wrong-model"), 5, "the mismatch to be journaled")
            [entry] = entries(fleet, "health.wrong-model")
            assert entry["actor"] == "auto:router" and entry["subject"] == "support-assistant@1.0.0"
            assert entry["reason"] == (f"{fleet.backends['1.0.0']} serves acme/support-llm-8b at revision ffff00000000, not the pinned "
                                       f"{REVISIONS['1.0.0']}; not warm for support-assistant@1.0.0 until it serves the pinned weights")
            [backend] = [e for e in fleet.status()["endpoints"] if e["url"] == fleet.backends["1.0.0"]]
            assert backend["healthy"] and backend["models"] == {"acme/support-llm-8b": "ffff00000000"}, "/status shows what it serves"

            fleet.set_profile("1.0.0", revision=REVISIONS["1.0.0"])
            wait_for(lambda: ask().status_code == 200, 10, "the backend to be warm again")
            wait_for(lambda: entries(fleet, "health.model-restored"), 5, "the return to be journaled")
            assert len(entries(fleet, "health.wrong-model")) == 1, "journaled once, not every health check"
        verify = fleet.cli("audit", "verify")
        assert "chain intact" in verify
    finally:
        fleet.stop()
