"""`switchyard affected` exports exactly the requests a bundle answered (ids, times, tenants, sessions; no content)."""
import csv
import io
import json
import time

import httpx

from fleet import Fleet, wait_for


def test_affected_exports_exactly_the_requests_the_bundle_answered():
    fleet = Fleet()
    try:
        fleet.route("support-assistant@1.0.0=50%", "support-assistant@2.0.0=50%")
        answered = {"support-assistant@1.0.0": set(), "support-assistant@2.0.0": set()}
        with httpx.Client(timeout=10) as http:
            for n in range(60):
                headers = {"x-session-id": f'team "{n}", desk 4' if n % 5 == 0 else f"user-{n}"}  # CSV must quote these
                if n % 3 == 0:
                    headers["x-request-id"] = f"client-{n}"
                if n % 2 == 0:
                    headers["x-switchyard-tenant"] = "acme"
                response = http.post(fleet.url + "/v1/chat/completions", headers=headers,
                                     json={"model": "support-assistant", "messages": [{"role": "user", "content": f"secret {n}"}]})
                assert response.status_code == 200
                request_id = response.headers["x-switchyard-request-id"]
                if n % 3 == 0:
                    assert request_id == f"client-{n}", "the client's own id is kept"
                answered[response.headers["x-switchyard-bundle"]].add((request_id, headers["x-session-id"], headers.get("x-switchyard-tenant", "default")))
        assert all(answered.values()), "both bundles answered some"
        export = lambda *args: fleet.cli("affected", "--bundle", "support-assistant@2.0.0", *args)
        wait_for(lambda: len(json.loads(export("--format", "json"))) == len(answered["support-assistant@2.0.0"]), 5, "serve to save the records")

        rows = json.loads(export("--format", "json"))
        assert {(r["id"], r["session"], r["tenant"]) for r in rows} == answered["support-assistant@2.0.0"]
        assert all(r["bundle"] == "support-assistant@2.0.0" and r["status"] == 200 for r in rows)
        assert "secret" not in export("--format", "json"), "never the content"

        table = list(csv.DictReader(io.StringIO(export())))
        assert [row["id"] for row in table] == [row["id"] for row in rows], "CSV and JSON list the same requests, oldest first"
        assert list(table[0].keys()) == ["id", "time", "tenant", "session", "bundle", "generation", "status"]
        assert [(row["id"], row["session"], row["tenant"]) for row in table] == [(r["id"], r["session"], r["tenant"]) for r in rows]
        assert any('"' in row["session"] for row in table), "a quoted session came back whole"

        middle = rows[len(rows) // 2]["time"]
        later = json.loads(export("--from", middle, "--format", "json"))
        earlier = json.loads(export("--to", middle, "--format", "json"))
        assert later and earlier and all(r["time"] >= middle for r in later) and all(r["time"] <= middle for r in earlier)
        assert {r["id"] for r in later} | {r["id"] for r in earlier} == {r["id"] for r in rows}

        refused = fleet.cli("affected", "--bundle", "support-assistant@2.0.0", "--from", "yesterday", expect=2)
        assert "--from 'yesterday' is not a time" in refused
        backwards = fleet.cli("affected", "--bundle", "support-assistant@2.0.0", "--from", rows[-1]["time"], "--to", rows[0]["time"], expect=2)
        assert f"--to {rows[0]['time']} is before --from {rows[-1]['time']}" in backwards
    finally:
        fleet.stop()
