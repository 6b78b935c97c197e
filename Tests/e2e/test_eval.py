"""The promotion gate end to end: `eval run` sends a golden suite through a private router to the candidate and to
production, stores the report, and `registry stage … production` is refused until a report passes."""
import json
import subprocess

import pytest

from fleet import BINARY, FAST, running_fleet

SUITE = """name: support-golden
cases:
  - id: refund-json
    prompt: Give the refund status of order 1234 as JSON.
    response_format: {type: json_object}
    expect: {schema_valid: true}
  - id: order-status
    prompt: Where is my order 1234?
    expect: {must_answer: true, contains: [echo], max_tokens: 50}
"""


@pytest.fixture(scope="module")
def fleet():
    yield from running_fleet()


def switchyard(fleet, *args):
    return subprocess.run([str(BINARY), *args, "--state", str(fleet.state)], capture_output=True, text=True)


def test_a_candidate_that_breaks_the_json_contract_cannot_be_promoted(fleet):
    suite = fleet.dir / "golden.yaml"
    suite.write_text(SUITE)
    for version in fleet.backends:
        fleet.set_profile(version, **FAST)
    fleet.cli("registry", "stage", "support-assistant@1.0.0", "staging", "--reason", "e2e")
    seeded = switchyard(fleet, "registry", "stage", "support-assistant@1.0.0", "production", "--reason", "seeded before suites", "--skip-eval")
    assert seeded.returncode == 0, seeded.stderr
    fleet.cli("registry", "stage", "support-assistant@2.0.0", "staging", "--reason", "e2e")
    fleet.set_profile("2.0.0", malformed_rate=1.0)

    failed = switchyard(fleet, "eval", "run", "support-assistant@2.0.0", "--suite", str(suite))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "eval support-assistant@2.0.0 against support-assistant@1.0.0" in failed.stdout
    assert "  refund-json   FAIL       pass        not schema-valid: the answer is not valid JSON\n" in failed.stdout
    assert "  order-status  pass       pass\n" in failed.stdout
    assert "regressions (pass on production, fail on the candidate): refund-json" in failed.stdout
    assert "support-assistant@2.0.0 failed the suite: support-golden: 1 of 2 case(s) passed" in failed.stderr
    # The cases went through the router: the bundle's pinned model and system prompt reached its backend.
    sent = [r for r in fleet.received("2.0.0") if r["path"] == "/v1/chat/completions"][-1]
    assert sent["body"]["model"] == "acme/support-llm-8b" and sent["body"]["messages"][0]["role"] == "system"
    assert sent["header:x-request-id"] == "eval-support-golden-order-status"
    # ...a private router: the live one served none of it.
    assert 'bundle="support-assistant@2.0.0"' not in fleet_metrics(fleet)

    refused = switchyard(fleet, "registry", "stage", "support-assistant@2.0.0", "production", "--reason", "ship it")
    assert refused.returncode == 3
    assert "support-assistant@2.0.0 has no passing evaluation report (its newest report, #1, failed: support-golden: 1 of 2" in refused.stderr
    assert "switchyard eval run support-assistant@2.0.0 --suite FILE" in refused.stderr

    fleet.set_profile("2.0.0", malformed_rate=0)
    passed = switchyard(fleet, "eval", "run", "support-assistant@2.0.0", "--suite", str(suite), "--json")
    assert passed.returncode == 0, passed.stderr
    report = json.loads(passed.stdout)
    assert report["id"] == 2 and report["report"]["baseline"] == {"name": "support-assistant", "version": "1.0.0"}
    assert [r["passed"] for r in report["report"]["results"]] == [True, True]

    promoted = switchyard(fleet, "registry", "stage", "support-assistant@2.0.0", "production", "--reason", "golden suite passes")
    assert promoted.returncode == 0, promoted.stderr
    stages = json.loads(fleet.cli("history", "--kind", "bundle", "--json"))
    assert stages[-1]["payload"]["evaluation"]["report_id"] == 2
    seeded_entry = next(e for e in stages if e["subject"] == "support-assistant@1.0.0" and e["payload"].get("to") == "production")
    assert seeded_entry["payload"]["evaluation"] == {"skipped": "seeded before suites", "reports": 0}
    reports = json.loads(fleet.cli("history", "--kind", "eval", "--json"))
    assert [e["payload"]["passed"] for e in reports] == [False, True]
    shown = fleet.cli("eval", "show", "support-assistant@2.0.0")
    assert "#1 " in shown and "#2 " in shown and "report #2: support-golden: 2 of 2 case(s) passed" in shown


def test_an_unhealthy_pool_or_a_bad_suite_is_named(fleet):
    bad = fleet.dir / "bad.yaml"
    bad.write_text("name: x\ncases:\n  - id: a\n    prompt: hi\n    expect: {must_refuse: maybe}\n")
    result = switchyard(fleet, "eval", "run", "support-assistant@1.1.0", "--suite", str(bad), "--no-compare")
    assert result.returncode == 1 and "bad.yaml:5:" in result.stderr and "cases[0].expect.must_refuse" in result.stderr
    good = fleet.dir / "one.yaml"
    good.write_text("name: one\ncases:\n  - id: a\n    prompt: hi\n    expect: {must_answer: true}\n")
    fleet.set_profile("1.1.0", cold_start_seconds=600)
    try:
        cold = switchyard(fleet, "eval", "run", "support-assistant@1.1.0", "--suite", str(good), "--no-compare")
        assert cold.returncode == 1
        assert "no backend of support-assistant@1.1.0 answers its health check" in cold.stderr
        assert json.loads(fleet.cli("eval", "show", "support-assistant@1.1.0", "--json")) == [], "nothing is stored when nothing ran"
    finally:
        fleet.set_profile("1.1.0", cold_start_seconds=0)


def fleet_metrics(fleet):
    import urllib.request
    with urllib.request.urlopen(fleet.admin + "/metrics", timeout=5) as response:
        return response.read().decode()
