"""The console in a real terminal (tmux), on its demo fleet: a whole rollback, a freeze, resizing, quitting."""
import getpass
import json
import subprocess

import pytest

from console import Console
from fleet import BINARY, ROOT


@pytest.fixture
def console():
    console = Console("--demo")
    console.wait_for("pause ends in")
    console.wait_for_traffic()
    yield console
    console.stop()


def journal(console, kind):
    return json.loads(console.cli("history", "--kind", kind, "--json"))


def test_an_operator_rolls_back_from_the_console_with_a_typed_confirmation(console):
    console.keys("b")
    plan = console.wait_for("Rollback plan: support-assistant@1.1.0 → support-assistant@1.0.0")
    assert "target warm: yes" in plan and "stages:" in plan
    console.type("canary answers in the wrong language")
    console.wait_for("Type support-assistant@1.0.0 to confirm")
    console.type("support-assistant@1.1.0")
    console.wait_for("is not support-assistant@1.0.0: nothing")
    assert journal(console, "rollback") == [], "a wrong name sends nothing"
    console.keys("C-u")
    console.type("support-assistant@1.0.0")
    screen = console.wait_for("rollback support-assistant@1.1.0 → support-assistant@1.0.0: completed")
    assert "aborted (rolled back by" in screen
    start = journal(console, "rollback.start")[-1]
    assert start["actor"] == getpass.getuser() and start["reason"] == "canary answers in the wrong language"
    routes = json.loads(console.cli("route", "show", "--json"))["table"]["routes"]
    assert [w["basis_points"] for w in routes["*"]["weights"]] == [10000]


def test_a_freeze_shows_a_banner_and_promotion_is_refused_on_screen(console):
    console.keys("f")
    console.wait_for("Reason (goes into the journal)")
    console.type("INC-7 error spike")
    console.wait_for("Scope:")
    console.keys("Enter")
    console.wait_for("Expires after")
    console.type("30m")
    console.wait_for("y")
    console.keys("y")
    console.wait_for(f"FROZEN (all) by {getpass.getuser()}")
    console.keys("p")
    console.wait_for("Reason (goes into the journal)")
    console.type("looks fine to me")
    console.keys("y")
    screen = console.wait_for("frozen (all)")
    assert "rollbacks are still allowed" in screen or "INC-7 error spike" in screen
    assert journal(console, "rollout.promote") == []
    assert journal(console, "freeze.declared")[-1]["reason"] == "INC-7 error spike"


def test_it_fits_80_by_24_says_when_too_small_and_quits_with_q():
    console = Console("--demo", width=80, height=24)
    try:
        screen = console.wait_for("pause ends in")
        assert all(len(line) <= 80 for line in screen.splitlines())
        console.resize(60, 20)
        console.wait_for("too small")
        console.resize(80, 24)
        console.wait_for("Service levels")
        console.keys("q")
        assert console.exit_code() == 0
    finally:
        console.stop()


def test_replay_steps_through_a_drill_journal_and_jumps_between_decisions(tmp_path):
    kept = tmp_path / "kept"
    run = subprocess.run([str(BINARY), "drill", "run", str(ROOT / "Docs/drills/bad-canary-error-spike.yaml"), "--keep-state", str(kept)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    console = Console(command="replay", state=kept / "bad-canary-error-spike")
    try:
        console.wait_for("replay · READ-ONLY")
        for _ in range(4):
            console.keys("S-Right")
        screen = console.wait_for("rollback.start at 2027-01-15T08:02")
        assert "aborted (rolled back by auto:tier0)" in screen and "@2.0.0 ┃" in screen
        console.keys(":")
        console.type("goto 08:00")
        entries = json.loads(subprocess.run([str(BINARY), "history", "--json", "--state", str(kept / "bad-canary-error-spike")],
                                            capture_output=True, text=True, check=True).stdout)
        expected = max(entry["seq"] for entry in entries if entry["time"] <= "2027-01-15T08:00:59.999Z")
        console.wait_for(f"entry #{expected} of #1–#{entries[-1]['seq']}")
        console.keys("p")
        console.wait_for("read-only console: promote refused")
        console.keys("q")
        assert console.exit_code() == 0
    finally:
        console.stop()
