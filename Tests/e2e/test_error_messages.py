"""The refusals and errors of Docs/errors.md that no other test triggered, through the real binary: each command exits
with the documented code, says the documented message (and hint), and changes nothing it should not.

Fast on purpose: most commands fail before doing any work, states are seeded with three bundles in a few hundred
milliseconds, and the health endpoints the pools name are served by a small HTTP server in this process (a refused
connection costs a rollback's health probe seconds). Only two tests start a server (`serve`, `fake-backend`).

`Tests/e2e/test_errors_doc.py` checks that Docs/errors.md names these tests; the errors other tests already trigger
are named there with those tests."""
import concurrent.futures
import hashlib
import http.server
import json
import os
import pty
import re
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from console import Console
from fleet import BINARY, EXAMPLES, ROOT, start, stop_processes

VERSIONS = ["1.0.0", "1.1.0", "2.0.0"]
# The Swift runtime's backtracer takes seconds to print a crash; a test of a crash only needs its exit.
ENV = {key: value for key, value in os.environ.items() if key != "SWITCHYARD_STATE"} | {"SWIFT_BACKTRACE": "enable=no"}


def run(*args, state=None, timeout=30, cwd=ROOT, **options):
    command = [str(BINARY), *map(str, args), *(["--state", str(state)] if state else [])]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=ENV, timeout=timeout, **options)


def ok(*args, state=None):
    result = run(*args, state=state)
    assert result.returncode == 0, f"switchyard {' '.join(map(str, args))} exited {result.returncode}: {result.stderr}"
    return result.stdout


def fails(code, says, *args, state=None, **options):
    """Runs a command that must exit with `code` and say each of `says` on standard error; returns that."""
    result = run(*args, state=state, **options)
    where = f"switchyard {' '.join(map(str, args))}"
    assert result.returncode == code, f"{where} exited {result.returncode}, not {code}: {result.stderr}{result.stdout}"
    for text in [says] if isinstance(says, str) else says:
        assert text in result.stderr, f"{where} did not say {text!r}: {result.stderr}"
    return result.stderr


def snapshot(state):
    """What a refused command must leave as it was. Every change is journaled in its own transaction, so the journal's
    head says whether anything was committed; the tables are compared too. Read with SQLite: many times faster than
    `history --json` and `route show --json`, which the budget of this file cannot afford around every refusal."""
    with sqlite3.connect(f"file:{state}/switchyard.sqlite?mode=ro", uri=True) as db:
        tables = ["journal", "journal_head", "bundles", "signoffs", "pools", "routing_generations", "freezes", "rollouts", "rollbacks"]
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in tables}


@contextmanager
def unchanged(state):
    before = snapshot(state)
    yield
    assert snapshot(state) == before, "a refused command changed the state"


def in_terminal(*args, state=None, timeout=20):
    """Runs a command whose standard input and output are a terminal (the console's), capturing standard error."""
    controller, terminal = pty.openpty()
    command = [str(BINARY), *map(str, args), *(["--state", str(state)] if state else [])]
    try:
        return subprocess.run(command, stdin=terminal, stdout=terminal, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV, timeout=timeout)
    finally:
        os.close(terminal)
        os.close(controller)


class Backends(http.server.BaseHTTPRequestHandler):
    """Stand-ins for model servers, by path prefix: /warm answers its health check, /cold does not (503), /slow answers
    a request after half a second, /broken closes the connection without answering."""

    def do_GET(self):
        self.send_response(503 if self.path.startswith("/cold") else 200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.path.startswith("/broken"):
            self.close_connection = True
            return
        time.sleep(0.5 if self.path.startswith("/slow") else 0)
        body = json.dumps({"id": "x", "object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backends():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Backends)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def seed(directory, backends, pools, routes=(("*", ["support-assistant@1.0.0=100%"]),)):
    """A state with the three example bundles, a pool (replicas 1 × 4) for each version in `pools` on the given
    kind of backend, and the given routes."""
    state = Path(directory) / "state"
    ok("registry", "add", *[EXAMPLES / f"support-assistant-{v}.yaml" for v in VERSIONS], state=state)
    files = []
    for version, kind in pools.items():
        files.append(Path(directory) / f"pool-{version}.yaml")
        files[-1].write_text(f"bundle: support-assistant@{version}\nendpoints: [{backends}/{kind}]\nreplicas: 1\nmax_concurrency: 4\n")
    if files:
        ok("pool", "apply", *files, "--reason", "e2e", state=state)
    for tenant, weights in routes:
        ok("route", "set", *weights, *([] if tenant == "*" else ["--tenant", tenant]), "--reason", "e2e", state=state)
    return state


@pytest.fixture(scope="module")
def shared(backends, tmp_path_factory):
    """Shared by the tests whose commands are all refused: 1.0.0 on a cold pool serves everyone, acme has its own
    route, 1.1.0 has a warm pool and no traffic, 2.0.0 has no pool."""
    return seed(tmp_path_factory.mktemp("shared"), backends, {"1.0.0": "cold", "1.1.0": "warm"},
                routes=[("*", ["support-assistant@1.0.0=100%"]), ("acme", ["support-assistant@1.0.0=100%"])])


# State directory and store


def test_a_missing_journal_file_and_an_impossible_state_directory_are_named(tmp_path):
    fails(1, ["no journal file at '/nonexistent/switchyard.sqlite'", "pass the switchyard.sqlite of a state directory"],
          "replay", "--journal", "/nonexistent/switchyard.sqlite", "--export", "md")
    (tmp_path / "file").write_text("not a directory")
    fails(1, f"cannot create the state directory '{tmp_path}/file/state'",
          "registry", "add", EXAMPLES / "support-assistant-1.0.0.yaml", state=tmp_path / "file" / "state")


def test_a_damaged_database_is_named_and_a_backup_suggested(tmp_path):
    (tmp_path / "switchyard.sqlite").write_text("not a database: a text file where the state's database should be\n" * 64)
    result = run("status", state=tmp_path)
    if "cannot open '" in result.stderr:
        pytest.skip("the binary predates Sources/SwitchyardStore/StorageFault.swift (d8a1022); rebuild it")
    assert result.returncode == 1, result.stderr
    assert f"cannot open the state: '{tmp_path}/switchyard.sqlite' is damaged or is not a Switchyard database (" in result.stderr
    assert "Restore the state directory from a backup" in result.stderr


def test_unknown_options_and_missing_arguments_are_usage_errors(shared):
    with unchanged(shared):
        fails(2, ["Error: Unknown option '--frobnicate'", "Usage: switchyard route show"], "route", "show", "--frobnicate", state=shared)
        fails(2, "Error: Missing expected argument '<weights> ...'", "route", "set", "--reason", "r", state=shared)
        fails(2, ["a reason is required for every change", "add --reason"], "freeze", state=shared)


# Registry and bundles


def test_bad_references_stages_and_prunes_are_refused(shared):
    with unchanged(shared):
        fails(2, ["'not-a-ref' is not a bundle reference", "write NAME@VERSION"], "registry", "show", "not-a-ref", state=shared)
        fails(2, ["'live' is not a stage", "valid stages: candidate, staging, production, archived"],
              "registry", "stage", "support-assistant@1.0.0", "live", "--reason", "r", state=shared)
        fails(3, "support-assistant@1.0.0 is already in stage candidate",
              "registry", "stage", "support-assistant@1.0.0", "candidate", "--reason", "r", state=shared)
        fails(3, ["support-assistant@1.0.0 cannot move from candidate to production", "promotion goes one stage at a time"],
              "registry", "stage", "support-assistant@1.0.0", "production", "--reason", "r", state=shared)
        fails(2, "--keep-validated must be 0 or more", "registry", "prune", "--keep-validated=-1", "--reason", "r", state=shared)
        fails(1, ["support-assistant@9.9.9 is not registered", "registered versions of support-assistant: 1.0.0, 1.1.0, 2.0.0"],
              "registry", "show", "support-assistant@9.9.9", state=shared)


def test_an_archived_bundle_cannot_be_signed_off_deployed_routed_or_revived(backends, tmp_path):
    state = seed(tmp_path, backends, {"1.0.0": "cold"})
    ok("registry", "stage", "support-assistant@1.1.0", "archived", "--reason", "e2e", state=state)
    with unchanged(state):
        fails(3, "support-assistant@1.1.0 is archived; an archived bundle cannot be signed off",
              "registry", "validate", "support-assistant@1.1.0", "--reason", "r", state=state)
        fails(3, "support-assistant@1.1.0 is archived; it cannot be deployed",
              "pool", "set", "support-assistant@1.1.0", "--endpoint", f"{backends}/warm", "--replicas", 1, "--max-concurrency", 4,
              "--reason", "r", state=state)
        fails(3, ["support-assistant@1.1.0 is archived and cannot receive traffic", "route to a bundle in candidate, staging or production"],
              "route", "set", "support-assistant@1.1.0=100%", "--reason", "r", state=state)
        fails(3, ["support-assistant@1.1.0 cannot move from archived to staging", "archived bundles stay archived"],
              "registry", "stage", "support-assistant@1.1.0", "staging", "--reason", "r", state=state)


def test_unreadable_and_floating_manifests_are_refused_and_create_no_state(tmp_path):
    state = tmp_path / "state"
    fails(1, f"cannot read '{tmp_path}/missing.yaml': no such file, or not readable", "registry", "add", tmp_path / "missing.yaml", state=state)
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    fails(1, f"'{tmp_path}/latin1.yaml' is not UTF-8 text", "registry", "add", tmp_path / "latin1.yaml", state=state)
    floating = tmp_path / "floating.yaml"
    floating.write_text(VALID.replace("id: acme/app-8b\n  revision: a1b2c3d", "id: acme/app-8b:latest\n  revision: a1b2c3d")
                        .replace("name: acme/app-8b\n  revision: a1b2c3d", "name: acme/app-8b\n  revision: main"))
    fails(3, ["app@1.10 is not pinned:", "model.revision: floating reference: model id 'acme/app-8b:latest' ends in the alias 'latest'",
              "tokenizer.revision: floating reference: tokenizer.revision 'main' is an alias that moves, not a revision",
              "pass --allow-floating"], "registry", "add", floating, state=state)
    assert not state.exists(), "a refused registration created a state"


def test_a_tampered_store_names_every_bad_row_and_entry(backends, tmp_path):
    state = seed(tmp_path, backends, {}, routes=())
    with sqlite3.connect(state / "switchyard.sqlite") as db:
        prompt = {version: json.loads(manifest)["system_prompt"]["digest"]
                  for version, manifest in db.execute("SELECT version, manifest FROM bundles")}
        db.executescript(f"""
            DROP TRIGGER bundles_are_immutable;
            DELETE FROM prompts WHERE digest = '{prompt["1.0.0"]}';
            UPDATE prompts SET text = 'tampered' WHERE digest = '{prompt["2.0.0"]}';
            UPDATE bundles SET manifest = 'not json', digest = '{hashlib.sha256(b"not json").hexdigest()}' WHERE version = '1.1.0';
            INSERT INTO bundles SELECT name, '9.9.9', digest, manifest, stage, floating, registered_at, registered_by
                FROM bundles WHERE version = '1.0.0';
            UPDATE journal_head SET hash = 'x';
            """)
    fails(1, ["bundles do not match what was registered:",
              "support-assistant@1.0.0: system prompt sha256:", " is missing from the prompt store",
              "support-assistant@1.1.0: digest sha256:", "differs from the one journaled at registration (sha256:", "): the row was replaced",
              "support-assistant@1.1.0: manifest is not a readable bundle",
              "support-assistant@2.0.0: system prompt text was changed: it no longer hashes to sha256:",
              "support-assistant@9.9.9: has no registration entry in the journal",
              "support-assistant@9.9.9: manifest names support-assistant@1.0.0, not support-assistant@9.9.9",
              "restore the store from a backup"], "registry", "verify", state=state)
    fails(1, ["the registry row for support-assistant@1.1.0 is unreadable", "run `switchyard registry verify`"],
          "registry", "show", "support-assistant@1.1.0", state=state)
    fails(1, ["journal: BROKEN at entry 3: entry 3 does not follow entry 2: entry 2 was rewritten or replaced",
              "registry: support-assistant@9.9.9: has no registration entry in the journal", "the store was changed outside Switchyard"],
          "audit", "verify", state=state)
    assert "acknowledged the break at entry 3" in ok("audit", "acknowledge", "--reason", "e2e: evidence kept", state=state)


def test_corrupted_rows_of_the_state_are_named(backends, tmp_path):
    state = seed(tmp_path, backends, {"1.0.0": "cold"})
    with sqlite3.connect(state / "switchyard.sqlite") as db:
        db.executescript("""
            UPDATE routing_generations SET routing = 'not json';
            INSERT INTO rollouts (canary, state, active, started_at, updated_at) VALUES ('x', 'not json', 1, '', '');
            INSERT INTO rollbacks (from_bundle, to_bundle, state, active, actor, reason, started_at, updated_at, journal_seq)
                VALUES ('x', 'y', 'not json', 1, '', '', '', '', 0);
            INSERT INTO automation (id, state, updated_at) VALUES (1, 'not json', '');
            """)
    hint = "run `switchyard audit verify`"
    fails(1, ["the current routing generation is unreadable", hint], "route", "show", state=state)
    fails(1, ["the stored rollout is unreadable", hint], "rollout", "status", state=state)
    fails(1, ["the stored rollback is unreadable", hint], "rollback", "status", state=state)
    fails(1, ["the stored automation state is unreadable", hint], "breaker", "status", state=state)


# Manifests: one bundle manifest, broken in one way at a time. The same valid manifest as Tests/SwitchyardTestSupport.
VALID = """\
name: app
version: 1.10
model:
  provider: vllm
  id: acme/app-8b
  revision: a1b2c3d
tokenizer:
  name: acme/app-8b
  revision: a1b2c3d
decoding:
  temperature: 0.3
  max_tokens: 512
system_prompt:
  text: You are helpful.
  policy: prepend
tools:
  - name: search
    schema_version: "1"
    permission: allow
safety:
  policy_id: acme-safety
  version: "4"
pricing:
  input_per_1k: 0.0002
  output_per_1k: 0.0006
"""

BROKEN_BUNDLES = [
    ("  text: You are helpful.\n", "", ["bad.yaml:14:3: system_prompt: needs text or file (or policy: none for no system prompt)"]),
    ("safety:", 'retrieval: {index: kb, version: "3", ranking: {bm25: -1}}\nsafety:',
     ["bad.yaml:20:54: retrieval.ranking.bm25: must be a number, 0 or more"]),
    ("safety:", 'retrieval: {index: kb, version: "3", ranking: [bm25]}\nsafety:',
     ["retrieval.ranking: expected a mapping from signal to weight, e.g. {bm25: 0.3, dense: 0.7}"]),
    ("safety:", "output_validation: {}\nsafety:", ["output_validation: declares nothing: give json_schema, rules, or remove it"]),
    ("safety:", "output_validation:\n  rules: [max_chars: 0, {max_chars: 1, must_match: a}]\nsafety:",
     ["output_validation.rules[0].max_chars: '0' is not valid; valid: a whole number of characters above 0",
      "output_validation.rules[1]: a rule is one field: max_chars, must_match, must_not_match, e.g. '- max_chars: 4000'"]),
    ("safety:", "output_validation:\n  json_schema: {properties: [a], required: [a, a], enum: [], anyOf: [], minLength: -1, maximum: high, items: 5}\nsafety:",
     ["json_schema.properties: invalid JSON Schema: must be a mapping from property name to schema",
      "json_schema.required: invalid JSON Schema: names a property twice",
      "json_schema.items: invalid JSON Schema: a schema must be a mapping of keywords (or true/false)",
      "json_schema.enum: invalid JSON Schema: must be a non-empty list of allowed values",
      "json_schema.anyOf: invalid JSON Schema: must be a non-empty list of schemas",
      "json_schema.minLength: invalid JSON Schema: must be a whole number, 0 or more",
      "json_schema.maximum: invalid JSON Schema: must be a number"]),
    ("safety:", "output_validation:\n  json_schema: {required: a}\nsafety:",
     ["json_schema.required: invalid JSON Schema: must be a list of property names"]),
    ("safety:", "output_validation:\n  json_schema: {? [a] : 1}\nsafety:",
     ["output_validation.json_schema: must be plain JSON-compatible YAML (no aliases)"]),
    ("safety:", "? [a, b]\n: 1\nsafety:", ["bad.yaml:20:3: a field name must be plain text"]),
    ("safety:", "!x name: other\nsafety:", ["bad.yaml:20:1: name: appears twice (first at line 1); give each field once"]),
    ("temperature: 0.3", "temperature: hot", ["decoding.temperature: 'hot' is not a number; valid: a number from 0 to 2"]),
    ("  id: acme/app-8b", '  id: "  "', ["bad.yaml:5:7: model.id: must not be empty"]),
    ("tools:", "tools: {name: x}\nxtools:", ["tools: expected a list, found a mapping",
                                             "xtools: unknown field 'xtools' at the top level; did you mean 'tools'?"]),
]


@pytest.mark.parametrize("replace, replacement, says", BROKEN_BUNDLES, ids=[case[2][0].split(": ")[-1][:40] for case in BROKEN_BUNDLES])
def test_a_broken_bundle_manifest_names_file_line_field_and_what_is_valid(tmp_path, replace, replacement, says):
    assert replace in VALID
    (tmp_path / "bad.yaml").write_text(VALID.replace(replace, replacement, 1))
    problems = fails(1, [*says, "nothing was changed; fix the file and run the command again"],
                     "registry", "add", "bad.yaml", state=tmp_path / "state", cwd=tmp_path)
    assert re.match(r"error: bad\.yaml has (a problem|\d+ problems):\n", problems), problems
    assert not (tmp_path / "state").exists(), "a refused registration created a state"


def test_plans_policies_pools_keys_and_profiles_name_what_is_wrong(shared, tmp_path):
    def write(name, text):
        (tmp_path / name).write_text(text)
        return tmp_path / name
    fails(1, "steps: a plan needs at least one step",
          "rollout", "start", "support-assistant@1.1.0", "--plan", write("plan.yaml", "name: p\nsteps: []\n"), "--reason", "r", state=shared)
    policy = write("policy.yaml", "tier0: {short_window: 2h, long_window: 1h}\ntier2: {ewma_lambda: x}\n")
    fails(1, ["policy.yaml:1:23: tier0.short_window: must not be longer than tier0.long_window",
              "policy.yaml:2:22: tier2.ewma_lambda: 'x' is not a number; valid: a number from 0.01 to 1"],
          "rollback", "--policy", policy, "--to", "support-assistant@1.1.0", state=shared)
    pool = write("pool.yaml", "bundle: support-assistant@1.0.0\nendpoints: [http://a:1, http://a:1]\nreplicas: 1\nmax_concurrency: 1\n"
                              "cold_start_seconds: -5\nscale_up_per_minute: 0\n")
    fails(1, ["endpoints: 'http://a:1' is listed twice", "cold_start_seconds: -5 is negative; valid: 0 or more seconds",
              "scale_up_per_minute: 0.0 is not positive; valid: replicas added per minute, above 0"],
          "pool", "apply", pool, "--reason", "r", state=shared)
    empty = write("empty-pool.yaml", "bundle: support-assistant@1.0.0\nendpoints: []\nreplicas: 1\nmax_concurrency: 1\n")
    fails(1, "endpoints: at least one endpoint URL is required", "pool", "apply", empty, "--reason", "r", state=shared)
    fails(1, "keys.yaml:1:1: expected a mapping from tenant to a list of API keys",
          "serve", "--tenant-keys", write("keys.yaml", "[sk-1, sk-2]\n"), state=shared)
    fails(1, ["acme: expected a non-empty list of API keys", "globex: an API key must be text",
              "initech: this key already identifies tenant 'globex'; a key names one tenant"],
          "serve", "--tenant-keys", write("keys2.yaml", "acme: []\nglobex: [sk-1, [x]]\ninitech: [sk-1]\n"), state=shared)
    profile = write("profile.yaml", "model: m\nrevision: r\nttft: {p50_ms: 10, p99_ms: 5}\ntokens_per_second: 0\noutput_tokens: 0\n"
                                    "error_rate: 2\ncold_start_seconds: -1\nmax_concurrency: 0\n")
    fails(1, ["profile.yaml has 6 problems:", "error_rate: 2.0 is not a fraction; valid: 0 to 1", "ttft: need 0 ≤ p50_ms ≤ p99_ms",
              "tokens_per_second: must be above 0", "output_tokens: must be 1 or more", "cold_start_seconds: must be 0 or more",
              "max_concurrency: must be 1 or more"], "fake-backend", "--profile", profile, "--listen", "127.0.0.1:0")


BROKEN_DRILL = """\
name: broken
duration: 5m
fleet: [{version: 1.0.0}, {version: 2.0.0}]
traffic: {rps: 10, tenants: {acme: 0}}
routing:
  default: {1.0.0: 90, 3.0.0: 10}
  acme: {1.0.0: 150}
steps:
  - at: 1m
  - at: 2m
    fault: {version: 2.0.0, error_rate: 0.1}
    action: pause
  - at: soon
    action: reboot
  - at: 3m
    action: {freeze: {scope: "team:x"}}
  - at: 4m
    action: {}
  - at: 4m
    action: {rollback: {to: 9.9.9}}
expect:
  - {restored_within: 5m, no_rollback: true}
  - rollout_ends: finished
"""


def test_a_broken_drill_script_reports_every_problem_and_runs_nothing(tmp_path):
    (tmp_path / "broken.yaml").write_text(BROKEN_DRILL)
    fails(1, ["broken.yaml has 14 problems:",
              "traffic.tenants.acme: is not a share; valid: a number above 0",
              "routing.default.3.0.0: unknown version '3.0.0' in the fleet; did you mean '1.0.0'?; valid versions: 1.0.0, 2.0.0.",
              "routing.default: weights add up to 90.0%; valid: 100%",
              "routing.acme.1.0.0: is not a percentage; valid: a number from 0 to 100",
              "steps[0]: a step has exactly one of rollout, fault, action or await_operator (found none)",
              "steps[1]: a step has exactly one of rollout, fault, action or await_operator (found fault, action)",
              "steps[2].at: 'soon' is not a duration; valid: 0s, 90s, 5m, 1h",
              "steps[2].action: unknown action 'reboot'; valid actions: promote,",
              "steps[3].action.freeze.scope: is not a scope; valid: all, bundle:NAME, tenant:T",
              "steps[4].action: valid actions: promote, promote_full, pause",
              "steps[5].action.rollback.to: unknown version '9.9.9' in the fleet; valid versions: 1.0.0, 2.0.0.",
              "expect[0]: an expectation is one of tier0_fires_within,", "e.g. '- restored_within: 5m'",
              "expect[1].rollout_ends: valid: completed, aborted, running, paused, waiting"],
          "drill", "run", tmp_path / "broken.yaml", "--report", "md", "--out", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# Pools and routing


def test_pool_changes_that_cannot_apply_are_refused(shared):
    with unchanged(shared):
        fails(1, "support-assistant@2.0.0 has no pool", "pool", "show", "support-assistant@2.0.0", state=shared)
        fails(2, ["support-assistant@2.0.0 has no pool yet: --endpoint, --replicas and --max-concurrency are required to create one",
                  "for example: switchyard pool set support-assistant@2.0.0 --endpoint"],
              "pool", "set", "support-assistant@2.0.0", "--reason", "r", state=shared)
        fails(2, "pool of support-assistant@1.0.0: scale_up_per_minute: 0.0 is not positive; valid: replicas added per minute, above 0",
              "pool", "set", "support-assistant@1.0.0", "--scale-up-per-minute", 0, "--reason", "r", state=shared)
        fails(2, "pool of support-assistant@1.0.0: endpoints: 'http://a:1' is listed twice",
              "pool", "set", "support-assistant@1.0.0", "--endpoint", "http://a:1", "--endpoint", "http://a:1", "--reason", "r", state=shared)


def test_route_changes_that_cannot_apply_are_refused(shared):
    with unchanged(shared):
        fails(2, ["'support-assistant@1.0.0' has no weight", "write NAME@VERSION=WEIGHT"],
              "route", "set", "support-assistant@1.0.0", "--reason", "r", state=shared)
        fails(2, ["max session age must be positive", "for example --max-session-age 30m"],
              "route", "set", "support-assistant@1.0.0=100%", "--max-session-age", "0s", "--reason", "r", state=shared)
        fails(2, "support-assistant@1.0.0 already receives live traffic in this route; a shadow must be another bundle",
              "route", "set", "support-assistant@1.0.0=100%", "--shadow", "support-assistant@1.0.0=5%", "--reason", "r", state=shared)
        fails(2, ["--in-flight 'later' is not a policy", "valid: finish, reissue"],
              "route", "set", "support-assistant@1.0.0=100%", "--in-flight", "later", "--reason", "r", state=shared)
        fails(1, "tenant 'globex' has no route of its own to remove", "route", "unset", "--tenant", "globex", "--reason", "r", state=shared)
        fails(3, ["support-assistant@2.0.0 has no pool, so nothing could serve its traffic", "deploy it first: switchyard pool set"],
              "route", "set", "support-assistant@2.0.0=100%", "--reason", "r", state=shared)


# Rollouts


def test_rollout_commands_without_a_rollout_or_a_baseline_say_so(shared, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: p\nsteps:\n  - setWeight: 10\n  - pause: until_promoted\n")
    with unchanged(shared):
        fails(1, ["no rollout has been started", "switchyard rollout start NAME@VERSION --plan FILE"], "rollout", "status", state=shared)
        fails(1, "no rollout is in progress", "rollout", "pause", "--reason", "r", state=shared)
        fails(1, ["there is no baseline: the default route sends no traffic to another bundle", "pass --baseline NAME@VERSION"],
              "rollout", "start", "support-assistant@1.0.0", "--plan", plan, "--reason", "r", state=shared)
        fails(2, "the canary and the baseline are both support-assistant@1.1.0",
              "rollout", "start", "support-assistant@1.1.0", "--plan", plan, "--baseline", "support-assistant@1.1.0", "--reason", "r", state=shared)


def test_a_rollout_in_progress_refuses_a_second_one_and_a_resume(backends, tmp_path):
    state = seed(tmp_path, backends, {"1.0.0": "cold", "1.1.0": "warm"})
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: p\nsteps:\n  - setWeight: 10\n  - pause: until_promoted\n")
    ok("rollout", "start", "support-assistant@1.1.0", "--plan", plan, "--reason", "e2e", state=state)
    with unchanged(state):
        fails(3, ["a rollout of support-assistant@1.1.0 is already waiting for promotion",
                  "finish it first: switchyard rollout promote --full, or switchyard rollout abort"],
              "rollout", "start", "support-assistant@2.0.0", "--plan", plan, "--reason", "r", state=state)
        fails(3, "the rollout of support-assistant@1.1.0 is waiting for promotion, not paused", "rollout", "resume", "--reason", "r", state=state)


# Rollbacks


def test_rollbacks_with_nothing_to_do_say_why(shared):
    with unchanged(shared):
        fails(2, ["--fast and --staged contradict each other", "pass one of them, or neither"], "rollback", "--fast", "--staged", state=shared)
        fails(1, ["there is no human-validated production bundle to roll back to", "sign one off: switchyard registry validate"],
              "rollback", state=shared)
        fails(2, ["the rollback would drain support-assistant@1.0.0 onto itself", "pass --to another bundle"],
              "rollback", "--to", "support-assistant@1.0.0", "--from", "support-assistant@1.0.0", state=shared)
        fails(1, "every affected route already sends all its traffic to support-assistant@1.0.0; nothing to roll back",
              "rollback", "--to", "support-assistant@1.0.0", state=shared)
        fails(1, "support-assistant@1.1.0 receives no traffic; nothing to roll back",
              "rollback", "--to", "support-assistant@1.0.0", "--from", "support-assistant@1.1.0", state=shared)
        fails(1, ["tenant 'acme' sends no traffic to support-assistant@1.1.0; nothing to roll back there", "`switchyard route show`"],
              "rollback", "--to", "support-assistant@1.0.0", "--from", "support-assistant@1.1.0", "--tenant", "acme", state=shared)
        fails(3, ["support-assistant@2.0.0 has no pool, so nothing could take its traffic", "deploy it first"],
              "rollback", "--to", "support-assistant@2.0.0", state=shared)
        fails(1, ["no rollback is in progress", "`switchyard rollback status` shows the last one"], "rollback", "hold", "--reason", "r", state=shared)
        fails(1, "no rollback is in progress", "rollback", "continue", "--reason", "r", state=shared)


def test_a_drain_in_progress_refuses_another_rollback_and_the_wrong_hold_or_continue(backends, tmp_path):
    state = seed(tmp_path, backends, {"1.0.0": "cold", "1.1.0": "warm"},
                 routes=[("*", ["support-assistant@1.0.0=50%", "support-assistant@1.1.0=50%"])])
    ok("rollback", "--to", "support-assistant@1.0.0", "--warm-first", "--yes", "--reason", "e2e", state=state)
    fails(3, "the drain from support-assistant@1.1.0 is warming the target, not held", "rollback", "continue", "--reason", "r", state=state)
    ok("rollback", "hold", "--reason", "e2e", state=state)
    with unchanged(state):
        fails(3, "the drain from support-assistant@1.1.0 is held at stage 0/1: held by", "rollback", "hold", "--reason", "r", state=state)
        fails(3, ["a rollback from support-assistant@1.1.0 to support-assistant@1.0.0 is already held", "hold or finish it first"],
              "rollback", "--to", "support-assistant@1.0.0", "--warm-first", "--yes", "--reason", "r", state=state)


def observe(state, bundle, requests_per_second, mean_latency_seconds):
    """Writes what a running `serve` would have observed of `bundle` just now, as `serve` stores it."""
    name, version = bundle.split("@")
    empty = {"count": 0, "p50": 0, "p95": 0, "p99": 0}
    observation = {"bundle": {"name": name, "version": version}, "time": time.time() - 978307200, "observed": True,
                   "requests_per_second": requests_per_second, "mean_latency_seconds": mean_latency_seconds, "error_rate": 0,
                   "latency": empty, "time_to_first_token": empty, "schema_failure_rate": 0, "refusal_rate": 0,
                   "output_tokens_per_second": 0, "cost_usd_per_hour": 0, "requests_per_second_series": [], "in_flight": 0,
                   "pinned_sessions": 0, "healthy_endpoints": [], "endpoints": 1}
    with sqlite3.connect(state / "switchyard.sqlite") as db:
        db.execute("INSERT OR REPLACE INTO observations (bundle, observation, updated_at) VALUES (?, ?, ?)",
                   (bundle, json.dumps(observation), "2026-01-01T00:00:00Z"))


def test_a_rollback_too_big_for_its_target_is_refused(backends, tmp_path):
    state = seed(tmp_path, backends, {"1.0.0": "cold", "1.1.0": "warm"})
    observe(state, "support-assistant@1.0.0", requests_per_second=100, mean_latency_seconds=1)
    with unchanged(state):
        fails(3, ["a fast rollback would put 100 concurrent requests on support-assistant@1.1.0, whose warm capacity allows 3",
                  "drop --fast for a staged drain"], "rollback", "--to", "support-assistant@1.1.0", "--fast", "--yes", "--reason", "r", state=state)
        fails(3, ["support-assistant@1.1.0's pool cannot carry 100 concurrent requests even fully scaled (4 at most)",
                  "raise its replicas"], "rollback", "--to", "support-assistant@1.1.0", "--yes", "--reason", "r", state=state)


# Freezes, the breaker and the journal


def test_freeze_and_breaker_commands_that_cannot_apply_are_refused(shared):
    with unchanged(shared):
        fails(2, ["'team:x' is not a freeze scope", "valid: all, bundle:NAME, tenant:TENANT"], "freeze", "--scope", "team:x", "--reason", "r", state=shared)
        fails(2, ["--expires: 'soon' is not a duration", "write a number with a unit: 90s, 30m, 2h, 1d or 1h30m"],
              "freeze", "--expires", "soon", "--reason", "r", state=shared)
        fails(1, ["nothing is frozen", "`switchyard status` shows the freezes in force"], "unfreeze", "--reason", "r", state=shared)
        fails(1, "no active freeze has scope bundle:support-assistant", "unfreeze", "--scope", "bundle:support-assistant", "--reason", "r", state=shared)
        fails(3, "the circuit breaker is closed; there is nothing to reset", "breaker", "reset", "--reason", "r", state=shared)
        fails(2, "--since: 'yesterday' is not a duration", "history", "--since", "yesterday", state=shared)


# Drills and replay


def test_drill_history_and_kept_states_say_what_is_missing(tmp_path):
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text("name: tiny\nduration: 1m\nfleet: [{version: 1.0.0}]\ntraffic: {rps: 1}\nrouting: {default: {1.0.0: 100}}\n"
                    "expect: [no_oscillation: true]\n")
    fails(1, [f"no drill history in '{tmp_path}/none'", "runs are recorded by: switchyard drill run FILE --report md"],
          "drill", "history", "--out", tmp_path / "none")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "history.jsonl").write_text("")
    fails(1, f"no recorded run of 'any drill' in {tmp_path}/empty/history.jsonl", "drill", "history", "--out", tmp_path / "empty")
    fails(1, "no recorded run of 'ghost' in", "drill", "history", "ghost", "--out", tmp_path / "empty")
    (tmp_path / "kept" / "tiny").mkdir(parents=True)
    (tmp_path / "kept" / "tiny" / "switchyard.sqlite").write_text("")
    fails(2, [f"'{tmp_path}/kept/tiny' already holds a state", "remove it or pick another --keep-state directory"],
          "drill", "run", tiny, "--keep-state", tmp_path / "kept")
    (tmp_path / "reports" / "history.jsonl").mkdir(parents=True)
    fails(1, f"cannot append to '{tmp_path}/reports/history.jsonl'", "drill", "run", tiny, "--report", "json", "--out", tmp_path / "reports")


def test_replay_without_entries_or_a_terminal_says_so(shared):
    fails(1, "the journal has no entries in that span", "replay", "--export", "md", "--from", "2099-01-01T00:00:00Z", state=shared)
    fails(2, ["the replay console needs a terminal", "for a file, use --export md"], "replay", state=shared, stdin=subprocess.DEVNULL)
    result = in_terminal("replay", "--from", "2099-01-01T00:00:00Z", state=shared)
    assert result.returncode == 1 and "the journal has no entries in that span\n  check --from and --to (ISO 8601, UTC)" in result.stderr, result.stderr


# The console


def test_the_console_refuses_what_it_cannot_run(shared, tmp_path):
    fails(2, ["the console needs a terminal, and standard input or output is not one", "run it in an SSH session or tmux"],
          "console", state=shared, stdin=subprocess.DEVNULL)
    cases = [
        (["console", "--refresh", "0s"], shared, 2, "--refresh must be at least 100ms"),
        (["console", "--demo"], shared, 2, f"--demo seeds a fresh state, but '{shared}' already holds one"),
        (["console", "--demo", "--examples", tmp_path], tmp_path / "demo", 1, f"no example bundles in '{tmp_path}'"),
        (["console", "--drill", ROOT / "Tests/e2e/drills/realtime-operator-prompt.yaml"], shared, 2,
         f"'{shared}' already holds a state\n  a drill seeds a fresh one"),
    ]
    for args, state, code, says in cases:
        result = in_terminal(*args, state=state)
        assert result.returncode == code and says in result.stderr, f"{args}: exited {result.returncode}: {result.stderr}"


def test_the_replay_console_reports_a_missing_theme_a_bad_time_and_an_unknown_command(shared):
    """The status line says what went wrong, and the replay goes on."""
    console = Console("--theme", "nosuch", command="replay", state=shared, width=160)
    try:
        console.wait_for("default theme in use: theme 'nosuch' could not be used: cannot read 'Themes/nosuch.yaml'")
        console.keys(":")
        console.type("goto nonsense")
        console.wait_for("'nonsense' is not a time valid: HH:MM, HH:MM:SS, or 2026-11-22T03:14:07Z")
        console.keys(":")
        console.type("frob")
        console.wait_for("unknown command 'frob': press : then Tab to list them")
        console.keys(":")
        console.type("theme nosuch2")
        console.wait_for("default theme in use: theme 'nosuch2' could not be used: cannot read 'Themes/nosuch2.yaml'")
        console.keys("q")
        assert console.exit_code() == 0
    finally:
        console.stop()


# serve and the data plane


def test_serve_refuses_bad_addresses_before_listening(shared):
    fails(2, ["--listen 'nope' is not HOST:PORT", "for example --listen 127.0.0.1:8080"], "serve", "--listen", "nope", state=shared)
    fails(2, "--listen and --admin must differ: the data plane never serves admin endpoints",
          "serve", "--listen", "127.0.0.1:7000", "--admin", "127.0.0.1:7000", state=shared)
    fails(2, "--admin '9464' is not HOST:PORT", "serve", "--listen", "127.0.0.1:0", "--admin", "9464", state=shared)
    fails(2, "--listen 'nope' is not HOST:PORT", "fake-backend", "--listen", "nope")


def test_serve_names_a_bad_policy_and_a_routed_bundle_without_a_pool(backends, tmp_path):
    state = seed(tmp_path, backends, {"1.0.0": "cold"})
    (tmp_path / "policy.yaml").write_text("slo: 2\n")
    fails(1, "policy.yaml:1:6: slo: 2 is out of range", "serve", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
          "--policy", tmp_path / "policy.yaml", state=state)
    with sqlite3.connect(state / "switchyard.sqlite") as db:
        db.execute("DELETE FROM pools")
    fails(1, ["support-assistant@1.0.0 is routed but has no pool", "switchyard pool set support-assistant@1.0.0"],
          "serve", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", state=state)


def test_the_embedded_console_names_a_bad_listen_address(shared):
    result = in_terminal("console", "--embedded", "--listen", "nope", state=shared)
    assert result.returncode == 2 and "--listen 'nope' is not HOST:PORT" in result.stderr, result.stderr


@pytest.fixture(scope="module")
def router(backends, tmp_path_factory):
    """`serve` on a state with no default route: tenant slow → 1.0.0 (a backend that takes half a second, one request at a
    time), cold → 1.1.0 (fails its health checks), broken → 2.0.0 (closes every connection)."""
    directory = tmp_path_factory.mktemp("router")
    state = seed(directory, backends, {"1.0.0": "slow", "1.1.0": "cold", "2.0.0": "broken"},
                 routes=[("slow", ["support-assistant@1.0.0=100%"]), ("cold", ["support-assistant@1.1.0=100%"]),
                         ("broken", ["support-assistant@2.0.0=100%"])])
    ok("pool", "set", "support-assistant@1.0.0", "--max-concurrency", 1, "--reason", "e2e: one request at a time", state=state)
    serve, match = start(["serve", "--state", str(state), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--max-body", "2000"],
                         r"on (http://\S+) \(admin (http://\S+)\)")
    yield match.group(1), match.group(2)
    stop_processes([serve])


def ask(url, tenant=None, body=None, content=None, headers=None):
    headers = {**({"x-switchyard-tenant": tenant} if tenant else {}), **(headers or {})}
    if content is not None:
        return httpx.post(url + "/v1/chat/completions", content=content, headers={"content-type": "application/json", **headers}, timeout=10)
    return httpx.post(url + "/v1/chat/completions", headers=headers, timeout=10,
                      json=body if body is not None else {"model": "support-assistant", "messages": [{"role": "user", "content": "hi"}]})


def openai_error(response, status, code, says, kind="invalid_request_error"):
    assert response.status_code == status, f"{response.status_code} {response.text}"
    error = response.json()["error"]
    assert error["type"] == kind and error["code"] == code and says in error["message"], error


def test_requests_the_router_cannot_route_get_an_openai_error(router):
    url, admin = router
    openai_error(ask(url), 503, "no_route", "no route is configured", kind="server_error")
    openai_error(ask(url, tenant="ghost"), 503, "no_route", "no route is configured for tenant ghost", kind="server_error")
    openai_error(httpx.get(url + "/nope", timeout=10), 404, "unknown_path", "/nope is not an OpenAI API path; Switchyard serves /v1/*")
    openai_error(httpx.get(admin + "/nope", timeout=10), 404, "unknown_path", "the admin listener serves /metrics, /healthz and /status")
    openai_error(ask(url, "slow", body={"messages": []}), 400, "missing_model", "'model' is required; available: support-assistant")
    openai_error(ask(url, "slow", body={"model": "gpt-4o", "messages": []}), 404, "model_not_found",
                 "the model 'gpt-4o' does not exist here; available: support-assistant")
    openai_error(ask(url, "slow", content=b'{"model": '), 400, "invalid_json", "the request body is not valid JSON")
    openai_error(ask(url, "slow", content=b'"\xff\xfe"'), 400, "invalid_utf8", "the request body is not valid UTF-8")
    openai_error(ask(url, "slow", content=b"[1, 2]"), 400, "invalid_json", "the request body must be a JSON object")
    openai_error(ask(url, "slow", content=b"x" * 3000), 413, "request_too_large", "the request body is larger than the limit of 2000 bytes")


def test_backend_trouble_gets_a_server_error_that_names_the_bundle(router):
    url, _ = router
    openai_error(ask(url, "cold"), 503, "no_healthy_backend", "no healthy, warm backend serves support-assistant@1.1.0", kind="server_error")
    openai_error(ask(url, "broken"), 502, "upstream_error", "the backend of support-assistant@2.0.0 failed: ", kind="server_error")
    refused = []
    for _ in range(3):  # three at once on a pool of one slot; again if a busy machine spaced them out
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: ask(url, "slow"), range(3)))
        assert all(answer.status_code in (200, 429) for answer in answers), [a.text for a in answers]
        refused = [answer for answer in answers if answer.status_code == 429]
        if refused:
            break
    assert refused, "three requests at once on a pool of one slot were all answered"
    openai_error(refused[0], 429, "pool_saturated", "every backend of support-assistant@1.0.0 is at its concurrency limit; retry shortly",
                 kind="rate_limit_error")
    assert refused[0].headers["retry-after"] == "1"


# The fake backend


def test_the_fake_backend_answers_misuse_with_an_error(tmp_path):
    process, match = start(["fake-backend", "--listen", "127.0.0.1:0"], r"listening on (http://\S+)")
    url = match.group(1)

    def profile(content):
        return httpx.put(url + "/control/profile", content=content, timeout=10)

    def error(response, status, says):
        assert response.status_code == status and says in response.json()["error"]["message"], f"{response.status_code} {response.text}"

    chat = {"model": "fake/model", "messages": [{"role": "user", "content": "hi"}]}
    try:
        error(httpx.get(url + "/nope", timeout=10), 404, "no route for GET /nope")
        error(profile(b"{"), 400, "the body is not valid JSON")
        error(profile(b"[1]"), 400, "send a JSON object of profile fields")
        error(profile(b'{"error_rate": "often"}'), 400, "not a valid profile: ")
        error(profile(b'{"error_rate": 2}'), 400, "error_rate: 2.0 is not a fraction; valid: 0 to 1")
        error(httpx.post(url + "/v1/chat/completions", content=b"x" * (4 << 20 | 1), timeout=30), 413, "request body over ")
        profile(b'{"error_rate": 1}').raise_for_status()
        error(httpx.post(url + "/v1/chat/completions", json=chat, timeout=10), 500, "injected backend error")
        profile(b'{"error_rate": 0, "max_concurrency": 1, "ttft": {"p50_ms": 400, "p99_ms": 400}}').raise_for_status()
        for _ in range(3):  # two at once on one slot (retried if a busy machine spaced them out)
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(lambda _: httpx.post(url + "/v1/chat/completions", json=chat, timeout=10), range(2)))
            if any(answer.status_code != 200 for answer in answers):
                break
        error(next(a for a in answers if a.status_code != 200), 503, "backend at its concurrency limit")
        profile(b'{"cold_start_seconds": 60}').raise_for_status()
        error(httpx.get(url + "/health", timeout=10), 503, "backend is warming up")
    finally:
        stop_processes([process])


def test_drills_that_cannot_run_say_why(tmp_path):
    fails(2, ["tool-loop: tool_loop_rate is simulated only, in virtual time", "run it without --realtime"],
          "drill", "run", ROOT / "Docs/drills/tool-loop.yaml", "--realtime", "--keep-state", tmp_path)
