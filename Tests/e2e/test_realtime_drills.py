"""Drills on the wall clock through the real data plane: `drill run --realtime`, and `console --drill` with a person answering."""
import getpass
import json
import subprocess

from console import Console
from fleet import BINARY, ROOT

DRILLS = ROOT / "Tests" / "e2e" / "drills"


def cli(*args):
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, cwd=ROOT)


def test_a_realtime_drill_goes_through_the_router_and_its_journal_replays(tmp_path):
    result = cli("drill", "run", str(DRILLS / "realtime-bad-canary.yaml"), "--realtime", "--report", "json", "--out", str(tmp_path / "out"),
                 "--keep-state", str(tmp_path / "kept"))
    assert result.returncode == 0, result.stdout + result.stderr
    card = json.loads((tmp_path / "out" / "realtime-bad-canary.json").read_text())
    assert card["detected_by"] == "tier 0"
    assert card["requests"] >= 600, "about 30 requests a second for 50 s went through the router"
    assert 0 < card["failed_requests"] < card["requests"], "the clients saw the canary's failures, not every request failing"
    state = tmp_path / "kept" / "realtime-bad-canary"
    start = json.loads(cli("history", "--kind", "drill.start", "--json", "--state", str(state)).stdout)
    assert start[0]["payload"]["mode"] == "realtime"
    rollback = json.loads(cli("history", "--kind", "rollback.start", "--json", "--state", str(state)).stdout)
    assert rollback[0]["actor"] == "auto:tier0"
    timeline = cli("replay", "--export", "md", "--state", str(state))
    assert timeline.returncode == 0, timeline.stderr
    assert "auto:tier0" in timeline.stdout and "support-assistant@2.0.0" in timeline.stdout


def test_console_drill_shows_the_prompt_and_times_the_operators_answer(tmp_path):
    console = Console("--drill", str(DRILLS / "realtime-operator-prompt.yaml"), state=tmp_path / "state")
    try:
        console.wait_for("DRILL", timeout=40)
        console.keys("b")
        console.wait_for("Rollback plan: support-assistant@2.0.0 → support-assistant@1.0.0", timeout=20)
        console.type("the drill asked: refusals at 40%")
        console.wait_for("Type support-assistant@1.0.0 to confirm")
        console.type("support-assistant@1.0.0")
        console.wait_for("drill.answer", timeout=20)
        console.wait_for("drill.end", timeout=60)
        console.keys("q")
        assert console.exit_code(timeout=20) == 0
        scorecard = console.screen()
        assert "Drill realtime-operator-prompt: PASSED" in scorecard
        assert f"by {getpass.getuser()}" in scorecard
    finally:
        console.stop()
