"""A journal whose chain was broken behind Switchyard's back: serve keeps routing but takes no automatic
action, the console is read-only under a banner, until an operator acknowledges the break."""
import json
import sqlite3
import threading
import time

import httpx

from console import Console
from fleet import Fleet, default_weights, start_rollout, wait_for
from test_rollback import POLICY

HELD_CANARY = "name: held\nsteps:\n  - setWeight: 50\n  - pause: until_promoted\n"


def test_a_broken_chain_stops_steering_until_an_operator_acknowledges_it():
    fleet = Fleet(policy=POLICY)
    console = None
    stop = threading.Event()
    workers = []
    try:
        fleet.set_profile("2.0.0", error_rate=0.5)
        start_rollout(fleet, HELD_CANARY)
        with sqlite3.connect(fleet.state / "switchyard.sqlite") as db:
            db.executescript("DROP TRIGGER journal_no_update; UPDATE journal SET reason = 'nothing to see' WHERE seq = 5;")
        fleet.restart_serve()
        assert "JOURNAL BROKEN at entry 5: entry 5 was edited" in fleet.serve.startup_output
        assert "no automatic action is taken" in fleet.serve.startup_output

        def send():
            with httpx.Client(timeout=10) as http:
                while not stop.is_set():
                    http.post(fleet.url + "/v1/chat/completions",
                              json={"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]})
        workers += [threading.Thread(target=send) for _ in range(4)]
        for worker in workers:
            worker.start()

        console = Console(state=fleet.state, width=160, height=40)
        screen = console.wait_for("JOURNAL BROKEN at entry 5")
        assert "READ-ONLY" in screen and "audit acknowledge" in screen
        # Tier 0 rolls this canary back within seconds when it may steer (test_rollback); here it must not.
        wait_for(lambda: json.loads(fleet.cli("status", "--json"))["journal_intact"] is False, 5, "status names the break")
        held = {"support-assistant@1.0.0": 5000, "support-assistant@2.0.0": 5000}
        deadline = time.time() + 20
        while time.time() < deadline:
            assert default_weights(fleet) == held, "the routing changed while the journal was broken"
            time.sleep(1)
        assert not json.loads(fleet.cli("history", "--kind", "rollback", "--json"))

        out = fleet.cli("audit", "acknowledge", "--reason", "INC-7: edited entry kept as evidence")
        assert "acknowledged the break at entry 5" in out
        wait_for(lambda: default_weights(fleet) == {"support-assistant@1.0.0": 10000}, 30, "tier 0 rolled the canary back once acknowledged")
        rollback = json.loads(fleet.cli("history", "--kind", "rollback.start", "--json"))
        assert rollback[-1]["actor"] == "auto:tier0"
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        if console:
            console.stop()
        serve = fleet.serve
        fleet.stop()
    assert "automatic steering resumes" in serve.stdout.read()
