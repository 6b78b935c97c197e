"""A real Switchyard fleet for end-to-end tests: fake backends and `switchyard serve`, as processes on loopback."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import openai

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("SWITCHYARD_BIN", ROOT / ".build" / "debug" / "switchyard"))
EXAMPLES = ROOT / "Docs" / "examples"
VERSIONS = ["1.0.0", "1.1.0", "2.0.0"]
REVISIONS = {"1.0.0": "a1b2c3d4e5f6", "1.1.0": "a1b2c3d4e5f6", "2.0.0": "9f8e7d6c5b4a"}
FAST = {"ttft": {"p50_ms": 0.2, "p99_ms": 1}, "tokens_per_second": 100000, "output_tokens": 8,
        "error_rate": 0, "malformed_rate": 0, "refusal_rate": 0, "stream_break_rate": 0, "max_concurrency": 256}


def start(args, pattern, timeout=20, binary=BINARY):
    """Starts a process and waits for a line of its stdout matching `pattern`; returns (process, match)."""
    process = subprocess.Popen([str(binary), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            process.startup_output = "".join(seen)
            return process, match
    process.kill()
    raise RuntimeError(f"{args[0]} did not start: {''.join(seen)}")


class Fleet:
    """Three bundles of support-assistant, each with one fake backend, behind one router."""

    def __init__(self, max_concurrency=16, policy=None, serve_options=(), directory=None):
        self.dir = Path(tempfile.mkdtemp(prefix="switchyard-e2e-", dir=directory))
        self.state = self.dir / "state"
        self.processes = []
        self.backends = {}
        self.cli("registry", "add", *[str(EXAMPLES / f"support-assistant-{v}.yaml") for v in VERSIONS])
        for version in VERSIONS:
            process, match = start(["fake-backend", "--listen", "127.0.0.1:0", "--model", "acme/support-llm-8b",
                                    "--revision", REVISIONS[version]], r"listening on (http://\S+)")
            self.processes.append(process)
            self.backends[version] = match.group(1)
            self.set_profile(version, **FAST)
            pool = self.dir / f"pool-{version}.yaml"
            pool.write_text(f"bundle: support-assistant@{version}\nendpoints: [{match.group(1)}]\n"
                            f"replicas: 1\nmax_concurrency: {max_concurrency}\n")
            self.cli("pool", "apply", str(pool), "--reason", "e2e")
        self.route("support-assistant@1.0.0=100%")
        keys = self.dir / "tenant-keys.yaml"
        keys.write_text("acme: [sk-acme-1, sk-acme-2]\nglobex: [sk-globex]\n")
        serve = ["serve", "--state", str(self.state), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                 "--reload-ms", "100", "--tenant-keys", str(keys)]
        if policy:
            (self.dir / "policy.yaml").write_text(policy)
            serve += ["--policy", str(self.dir / "policy.yaml")]
        serve += list(serve_options)
        self.serve_arguments = serve
        self.start_serve()

    def start_serve(self):
        self.serve, match = start(self.serve_arguments, r"on (http://\S+) \(admin (http://\S+)\)")
        self.processes.append(self.serve)
        self.url, self.admin = match.group(1), match.group(2)

    def restart_serve(self):
        """Stops the router gracefully and starts it again on the same state (new ports); returns the old process."""
        stopped = self.serve
        stopped.send_signal(signal.SIGTERM)
        stopped.wait(timeout=30)
        self.start_serve()
        return stopped

    def stop_serve(self):
        """Stops the router gracefully; returns everything it printed after its start line."""
        self.serve.send_signal(signal.SIGTERM)
        output = self.serve.stdout.read()
        self.serve.wait(timeout=30)
        return output

    def cli(self, *args, expect=0):
        result = subprocess.run([str(BINARY), *args, "--state", str(self.state)], capture_output=True, text=True)
        assert result.returncode == expect, f"switchyard {' '.join(args)} exited {result.returncode}: {result.stderr}"
        return result.stdout if expect == 0 else result.stdout + result.stderr

    def route(self, *weights, extra=()):
        """Commits a routing change and waits until the router serves it."""
        out = self.cli("route", "set", *weights, *extra, "--reason", "e2e")
        generation = int(re.search(r"generation (\d+)", out).group(1))
        if hasattr(self, "url"):
            self.wait_for_generation(generation)
        return generation

    def wait_for_generation(self, generation, timeout=3.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.status()["generation"] >= generation:
                return time.time()
            time.sleep(0.02)
        raise AssertionError(f"generation {generation} not in force after {timeout}s")

    def status(self):
        return get_json(self.admin + "/status")

    def set_profile(self, version, **fields):
        request = urllib.request.Request(self.backends[version] + "/control/profile", data=json.dumps(fields).encode(), method="PUT")
        with urllib.request.urlopen(request) as response:
            return json.load(response)

    def received(self, version):
        """The requests a bundle's backend received, oldest first."""
        return get_json(self.backends[version] + "/control/requests")

    def client(self, tenant=None, api_key="sk-test", **headers):
        if tenant:
            headers["x-switchyard-tenant"] = tenant
        return openai.OpenAI(base_url=self.url + "/v1", api_key=api_key, max_retries=0, default_headers=headers)

    def stop(self):
        stop_processes(self.processes)
        shutil.rmtree(self.dir, ignore_errors=True)


def stop_processes(processes, timeout=10):
    """SIGTERM to every process still running, then waits for each; kills one that outlasts `timeout`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def default_weights(fleet):
    table = json.loads(fleet.cli("route", "show", "--json"))["table"]
    return {f"{w['bundle']['name']}@{w['bundle']['version']}": w["basis_points"] for w in table["routes"]["*"]["weights"]}


def rollout_entries(fleet):
    return [e for e in json.loads(fleet.cli("history", "--kind", "rollout", "--json"))]


def start_rollout(fleet, plan_text):
    plan = fleet.dir / f"plan-{uuid.uuid4()}.yaml"
    plan.write_text(plan_text)
    fleet.cli("rollout", "start", "support-assistant@2.0.0", "--plan", str(plan), "--reason", "e2e")


def abort_rollout(fleet):
    """Leaves no rollout running for the next test, whatever this one did (no rollout to abort is fine)."""
    subprocess.run([str(BINARY), "rollout", "abort", "--reason", "test cleanup", "--state", str(fleet.state)], capture_output=True)


def wait_for(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s")


def running_fleet(**options):
    """A module's own fleet (e.g. with a policy), stopped when the module is done; yield from it in a fixture."""
    fleet = Fleet(**options)
    yield fleet
    fleet.stop()
