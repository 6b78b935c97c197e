"""Each bundle keeps its own prompt cache: the router sets `prompt_cache_key` from the bundle and the session, so a
flip changes it and a rollback returns to the old bundle's keys."""
import httpx

from fleet import Fleet


def test_cache_keys_differ_per_bundle_and_come_back_after_a_rollback():
    fleet = Fleet()
    try:
        def key_for(session, version):
            before = len(fleet.received(version))
            with httpx.Client(timeout=10) as http:
                answer = http.post(fleet.url + "/v1/chat/completions", headers={"x-session-id": session},
                                   json={"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]})
            assert answer.status_code == 200 and answer.headers["x-switchyard-bundle"] == f"support-assistant@{version}"
            [request] = fleet.received(version)[before:]
            key = request["body"]["prompt_cache_key"]
            assert request.get("header:x-switchyard-cache-key") == key, "the same key as a header, for backends that read one"
            return key

        first = key_for("alice", "1.0.0")
        assert key_for("alice", "1.0.0") == first, "the same bundle and session keep their cache"
        assert key_for("bob", "1.0.0") != first
        assert "alice" not in first
        fleet.route("support-assistant@2.0.0=100%", extra=("--migrate-sessions",))
        moved = key_for("alice", "2.0.0")
        assert moved != first and moved.split("-")[1] != first.split("-")[1], "a new bundle starts its own namespace"
        fleet.route("support-assistant@1.0.0=100%", extra=("--migrate-sessions",))
        assert key_for("alice", "1.0.0") == first, "a rollback returns to the old bundle's cache"
    finally:
        fleet.stop()
