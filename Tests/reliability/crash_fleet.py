"""A restartable Switchyard fleet for the crash harness.

Like `Tests/e2e/fleet.py` (whose process helpers and constants it reuses), but `switchyard serve` can be
killed with SIGKILL, stopped with SIGTERM and started again on the same state directory, its output goes to
one log file per start (so a chatty server never blocks on a full pipe), and every CLI call can be checked
for its exit code and parsed as JSON.
"""
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))

from fleet import EXAMPLES, FAST, REVISIONS, VERSIONS, get_json, start  # noqa: E402  (reused e2e helpers)

SERVING = re.compile(r"switchyard serving generation (\d+) on (http://\S+) \(admin (http://\S+)\)")
TENANT_KEYS = "acme: [sk-acme-1]\nglobex: [sk-globex]\n"


class CliFailure(AssertionError):
    """A CLI command exited with a code the harness did not expect."""


class CrashFleet:
    """Three bundles of support-assistant with one fake backend each, and a `serve` that can be killed and restarted."""

    def __init__(self, binary, label, keep=False):
        self.binary = Path(binary)
        self.label = label
        self.keep = keep
        self.dir = Path(tempfile.mkdtemp(prefix="switchyard-crash-"))
        self.state = self.dir / "state"
        self.backends = {}
        self.backend_processes = []
        self.serve = None
        self.serve_starts = 0
        self.url = None
        self.admin = None
        self.log_path = None

    # -- setup -------------------------------------------------------------------------------------

    def register(self, pools):
        """Registers the example bundles, starts a fake backend per bundle and applies `pools` (version → (replicas, max_concurrency))."""
        self.cli("registry", "add", *[str(EXAMPLES / f"support-assistant-{v}.yaml") for v in VERSIONS])
        for version in VERSIONS:
            process, match = start(["fake-backend", "--listen", "127.0.0.1:0", "--model", "acme/support-llm-8b",
                                    "--revision", REVISIONS[version]], r"listening on (http://\S+)", binary=self.binary)
            self.backend_processes.append(process)
            self.backends[version] = match.group(1)
            self.set_profile(version, **FAST)
            self.apply_pool(version, *pools[version])
        (self.dir / "tenant-keys.yaml").write_text(TENANT_KEYS)

    def apply_pool(self, version, replicas, max_concurrency):
        pool = self.dir / f"pool-{version}.yaml"
        pool.write_text(f"bundle: support-assistant@{version}\nendpoints: [{self.backends[version]}]\n"
                        f"replicas: {replicas}\nmax_concurrency: {max_concurrency}\n")
        self.cli("pool", "apply", str(pool), "--reason", f"crash harness: {replicas}x{max_concurrency}")

    def set_profile(self, version, **fields):
        request = urllib.request.Request(self.backends[version] + "/control/profile", data=json.dumps(fields).encode(), method="PUT")
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    # -- the CLI -----------------------------------------------------------------------------------

    def run(self, *args):
        """Runs `switchyard ARGS --state DIR` and returns the completed process (never raises on its exit code)."""
        return subprocess.run([str(self.binary), *args, "--state", str(self.state)], capture_output=True, text=True, timeout=60)

    def cli(self, *args, expect=(0,)):
        result = self.run(*args)
        if result.returncode not in expect:
            raise CliFailure(f"{self.label}: `switchyard {' '.join(args)}` exited {result.returncode}, expected {list(expect)}:\n"
                             f"{result.stdout}{result.stderr}")
        return result

    def json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def committed_generation(self):
        """The newest routing generation in the store (`route show --json`)."""
        return self.json("route", "show")["table"]["generation"]

    # -- serve -------------------------------------------------------------------------------------

    def start_serve(self, timeout=60):
        """Starts `serve` and waits for its 'serving generation N' line; returns N, the generation it installed at start."""
        self.spawn_serve()
        return self.wait_until_serving(timeout)

    def spawn_serve(self):
        assert self.serve is None or self.serve.poll() is not None, f"{self.label}: serve is already running"
        self.serve_starts += 1
        self.log_path = self.dir / f"serve-{self.serve_starts}.log"
        log = open(self.log_path, "w")
        command = [str(self.binary), "serve", "--state", str(self.state), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                   "--reload-ms", "100", "--drain-timeout", "10s", "--tenant-keys", str(self.dir / "tenant-keys.yaml")]
        self.serve = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
        log.close()
        self.url = self.admin = None
        return self.serve

    def wait_until_serving(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            match = SERVING.search(self.log_path.read_text())
            if match:
                self.admin = match.group(3)
                self.url = match.group(2)
                return int(match.group(1))
            if self.serve.poll() is not None:
                raise AssertionError(f"{self.label}: serve exited {self.serve.returncode} before serving:\n{self.log_path.read_text()}")
            time.sleep(0.02)
        raise AssertionError(f"{self.label}: serve did not start within {timeout}s:\n{self.log_path.read_text()}")

    def kill_serve(self):
        """SIGKILL: no chance to finish anything."""
        self.url = None
        self.serve.send_signal(signal.SIGKILL)
        self.serve.wait(timeout=10)

    def terminate_serve(self, timeout=30):
        """SIGTERM, then the exit code (None if it did not exit within `timeout`, after which it is killed)."""
        self.serve.send_signal(signal.SIGTERM)
        try:
            return self.serve.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.serve.kill()
            self.serve.wait()
            return None
        finally:
            self.url = None

    def served_generation(self):
        return get_json(self.admin + "/status")["generation"]

    def serve_log(self):
        return self.log_path.read_text() if self.log_path else ""

    # -- teardown ----------------------------------------------------------------------------------

    def stop(self, keep_state=False):
        processes = ([self.serve] if self.serve else []) + self.backend_processes
        for process in processes:
            if process.poll() is None:
                process.kill()
        for process in processes:
            process.wait(timeout=10)
        if not (keep_state or self.keep):
            shutil.rmtree(self.dir, ignore_errors=True)
