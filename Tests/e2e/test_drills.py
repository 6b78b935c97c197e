"""`switchyard drill run`: deterministic for a seed, valid JUnit, and a broken script runs nothing."""
import json
import subprocess
import xml.etree.ElementTree as ElementTree

from fleet import BINARY, ROOT

DRILLS = ROOT / "Docs" / "drills"


def drill(*args):
    return subprocess.run([str(BINARY), "drill", "run", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_same_script_and_seed_give_the_same_journal_and_scorecard(tmp_path):
    cards = []
    for run in ("a", "b"):
        result = drill(str(DRILLS / "bad-canary-error-spike.yaml"), "--report", "json", "--out", str(tmp_path / run))
        assert result.returncode == 0, result.stdout + result.stderr
        cards.append(json.loads((tmp_path / run / "bad-canary-error-spike.json").read_text()))
    assert cards[0] == cards[1]
    assert cards[0]["journal_head"] and cards[0]["time_to_detect_seconds"] < 180 and cards[0]["detected_by"] == "tier 0"


def test_the_junit_report_is_valid_and_counts_every_expectation(tmp_path):
    result = drill(str(DRILLS / "environment-fault.yaml"), str(DRILLS / "healthy-canary.yaml"), "--report", "junit", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    root = ElementTree.parse(tmp_path / "drills.junit.xml").getroot()
    assert root.tag == "testsuites" and root.get("failures") == "0"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"environment-fault", "healthy-canary"}
    assert int(root.get("tests")) == sum(len(suite.findall("testcase")) for suite in suites.values()) == 5


def test_a_failed_expectation_fails_the_run_and_the_report_says_which(tmp_path):
    script = (DRILLS / "healthy-canary.yaml").read_text().replace("rollout_ends: completed", "rollout_ends: aborted")
    (tmp_path / "wrong.yaml").write_text(script)
    result = drill(str(tmp_path / "wrong.yaml"), "--report", "junit", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "FAIL  healthy-canary" in result.stdout and "✗ the rollout ends aborted: it ended completed" in result.stdout
    failure = ElementTree.parse(tmp_path / "out" / "drills.junit.xml").getroot().find(".//failure")
    assert failure.get("message") == "it ended completed"


def test_a_broken_script_names_its_line_and_field_and_runs_nothing(tmp_path):
    script = (DRILLS / "bad-canary-error-spike.yaml").read_text().replace("error_rate: 0.05", "eror_rate: 0.05")
    (tmp_path / "broken.yaml").write_text(script)
    result = drill(str(DRILLS / "healthy-canary.yaml"), str(tmp_path / "broken.yaml"), "--report", "md", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "broken.yaml:20:" in result.stderr and "did you mean 'error_rate'?" in result.stderr
    assert not (tmp_path / "out").exists() and "PASS" not in result.stdout, "nothing ran, not even the valid script before it"


def test_replay_exports_the_timeline_and_what_if_compares_another_policy(tmp_path):
    kept = tmp_path / "states"
    assert drill(str(DRILLS / "bad-canary-error-spike.yaml"), "--keep-state", str(kept)).returncode == 0
    state = kept / "bad-canary-error-spike"
    timeline = subprocess.run([str(BINARY), "replay", "--state", str(state), "--export", "md"], capture_output=True, text=True)
    assert timeline.returncode == 0, timeline.stderr
    assert "| onset | 2027-01-15T08:02:00.000Z | #" in timeline.stdout and "fault on 2.0.0" in timeline.stdout
    assert "| detection |" in timeline.stdout and "rollback.start by auto:tier0" in timeline.stdout
    assert "## Service levels per minute" in timeline.stdout and "| 2027-01-15T08:02 |" in timeline.stdout
    (tmp_path / "eager.yaml").write_text("tier0: {checks_to_fire: 1}\n")
    (tmp_path / "blind.yaml").write_text("tier0: {burn_threshold: 1000, critical_ratio: 1000}\n")
    eager = subprocess.run([str(BINARY), "replay", "--state", str(state), "--what-if", str(tmp_path / "eager.yaml")], capture_output=True, text=True)
    assert eager.returncode == 0, eager.stderr
    assert "support-assistant@2.0.0 rollback:" in eager.stdout and "earlier" in eager.stdout
    blind = subprocess.run([str(BINARY), "replay", "--state", str(state), "--what-if", str(tmp_path / "blind.yaml")], capture_output=True, text=True)
    assert "support-assistant@2.0.0 rollback: would not have happened" in blind.stdout


def test_drill_history_lists_every_recorded_run(tmp_path):
    for _ in range(2):
        assert drill(str(DRILLS / "environment-fault.yaml"), "--report", "json", "--out", str(tmp_path)).returncode == 0
    history = subprocess.run([str(BINARY), "drill", "history", "environment-fault", "--out", str(tmp_path)], capture_output=True, text=True)
    assert history.returncode == 0, history.stderr
    rows = [line for line in history.stdout.splitlines() if "environment-fault" in line]
    assert len(rows) == 2 and all(" pass " in row for row in rows)
    assert rows[0].split()[-1] == rows[1].split()[-1], "the same seed gives the same journal head"


def test_what_if_replays_the_llm_signals_from_the_journal(tmp_path):
    kept = tmp_path / "states"
    assert drill(str(DRILLS / "cost-blowup.yaml"), "--keep-state", str(kept)).returncode == 0
    state = kept / "cost-blowup"
    # Snapshots are 5 s apart, so a replay under the same policy acts a little after the real 1 s checks did, when
    # the canary has already lost its traffic; a stricter and a laxer policy show the LLM signals are replayed.
    (tmp_path / "strict.yaml").write_text("llm: {cost_blowup_ratio: 1.5}\n")
    strict = subprocess.run([str(BINARY), "replay", "--state", str(state), "--what-if", str(tmp_path / "strict.yaml")], capture_output=True, text=True)
    assert strict.returncode == 0, strict.stderr
    assert "rollback of support-assistant@2.0.0: cost blow-up:" in strict.stdout and "rollback: " in strict.stdout
    assert "earlier" in strict.stdout, strict.stdout
    (tmp_path / "lax.yaml").write_text("llm: {cost_blowup_ratio: 100}\n")
    lax = subprocess.run([str(BINARY), "replay", "--state", str(state), "--what-if", str(tmp_path / "lax.yaml")], capture_output=True, text=True)
    assert "support-assistant@2.0.0 rollback: would not have happened" in lax.stdout, lax.stdout
