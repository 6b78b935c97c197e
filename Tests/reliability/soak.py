#!/usr/bin/env python3
"""Soak harness for `switchyard serve` (issue 7; `make soak`, `make soak-short`, Docs/reliability.md).

Two bundles of support-assistant (1.0.0 and 2.0.0), one fake backend each, behind one `switchyard serve` on
loopback. For `--seconds` it runs at once:

- an open-loop load generator (soak_load.py, its own process) sending `--rps` chat completions a second over
  keep-alive connections, recording each request's send time and the generation and bundle of its answer;
- a flipper committing `route set` every `--flip-ms`, alternating 100% 1.0.0 and 100% 2.0.0, through the
  `switchyard` CLI (a separate process, as an operator would: the journal is kept; the store is never
  written directly), recording when each commit completed (the CLI's exit; the journal's `time` is read
  afterwards as the earliest it could have completed);
- a sampler of the serve process's resident memory (VmRSS) once a second;
- a reader of serve's output, timing each "generation N in force" it announces.

Then it checks, and exits 1 naming every criterion that failed with its numbers:

1. load: the generator sent at least 95% of the target rate (else the soak did not test what it says);
2. no 5xx and no transport errors (the fake backends inject no faults, so every one is the router's doing;
   the report says which the router made itself and which it passed on from a backend);
3. flips: every commit succeeded and they came on average no more than 10% slower than `--flip-ms`;
4. freshness: every answer's `x-switchyard-generation` is at least the newest generation whose commit
   completed more than one reload interval (`--reload-ms`, serve's default 250 ms) and 50 ms for the reload
   itself before the request was sent: Docs/router.md promises a committed `route set` from another process
   is in force within one reload interval plus the reload (`--allowance-ms` sets another allowance). Answers stamped with an older generation inside the
   allowance are counted and their lag shown. A commit "completed" when its CLI exited, which is late by a
   few milliseconds, so this check errs towards passing;
5. consistency: every answer came from the bundle its generation routes 100% to, and carries a generation
   that was committed;
6. memory: serve's RSS at the end is at most 10% above its RSS at the end of warm-up (20% of the run);
7. the journal still verifies (`audit verify`).

    python3 Tests/reliability/soak.py --seconds 30            # what CI runs (make soak-short)
    python3 Tests/reliability/soak.py                         # 10 minutes at 500 req/s, a flip every 100 ms
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
sys.path.insert(0, str(HERE))

from fleet import EXAMPLES, FAST, REVISIONS, start, stop_processes  # noqa: E402  (the e2e suite's process helpers)
from soak_load import read_records  # noqa: E402
from soak_report import RELOAD_WORK_MS, Commit, RssSample, SoakRun, analyse  # noqa: E402

NAME = "support-assistant"
VERSIONS = ("1.0.0", "2.0.0")  # bundle A, bundle B: different weights and prompts, so a flip changes everything


def default_binary():
    if os.environ.get("SWITCHYARD_BIN"):
        return Path(os.environ["SWITCHYARD_BIN"])
    release = ROOT / ".build" / "release" / "switchyard"
    return release if release.exists() else ROOT / ".build" / "debug" / "switchyard"


def ref(version):
    return f"{NAME}@{version}"


class SoakFleet:
    """Two fake backends, two bundles with pools, and `switchyard serve`, in a temporary directory."""

    def __init__(self, binary, reload_ms):
        self.binary = Path(binary)
        self.reload_ms = reload_ms
        self.dir = Path(tempfile.mkdtemp(prefix="switchyard-soak-"))
        self.state = self.dir / "state"
        self.processes = []
        self.backends = {}
        self.serve = None
        self.url = self.admin = None
        self.installs = []  # (wall time the line was read, generation) for each "generation N in force"
        self.serve_log = self.dir / "serve.log"

    def cli(self, *args, timeout=60):
        result = subprocess.run([str(self.binary), *args, "--state", str(self.state)], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"switchyard {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
        return result.stdout

    def start(self):
        self.cli("registry", "add", *[str(EXAMPLES / f"{NAME}-{v}.yaml") for v in VERSIONS])
        for version in VERSIONS:
            process, match = start(["fake-backend", "--listen", "127.0.0.1:0", "--model", "acme/support-llm-8b",
                                    "--revision", REVISIONS[version]], r"listening on (http://\S+)", binary=self.binary)
            self.processes.append(process)
            self.drain(process, None)
            self.backends[version] = match.group(1)
            put_json(match.group(1) + "/control/profile", {**FAST, "max_concurrency": 1024})
            pool = self.dir / f"pool-{version}.yaml"
            pool.write_text(f"bundle: {ref(version)}\nendpoints: [{match.group(1)}]\nreplicas: 1\nmax_concurrency: 512\n")
            self.cli("pool", "apply", str(pool), "--reason", "soak")
        self.initial = self.commit(VERSIONS[0])
        self.serve, match = start(["serve", "--state", str(self.state), "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                                   "--reload-ms", str(self.reload_ms)], r"on (http://\S+) \(admin (http://\S+)\)", binary=self.binary)
        self.processes.append(self.serve)
        self.url, self.admin = match.group(1), match.group(2)
        self.drain(self.serve, self.serve_log)

    def commit(self, version):
        """Routes 100% to `version` through the CLI; the `Commit` with the generation it printed."""
        started = time.time()
        out = self.cli("route", "set", f"{ref(version)}=100%", "--reason", "soak flip", timeout=30)
        done = time.time()
        return Commit(int(re.search(r"generation (\d+) committed", out).group(1)), ref(version), started, done)

    def drain(self, process, log_path):
        """Reads a process's output for as long as it runs (so it never blocks on a full pipe), keeping serve's
        log and the time of each generation it announces in force."""
        installed = re.compile(r"generation (\d+) in force")

        def read():
            log = open(log_path, "w", buffering=1) if log_path else None
            for line in process.stdout:
                if log:
                    log.write(line)
                    match = installed.search(line)
                    if match:
                        self.installs.append((time.time(), int(match.group(1))))
            if log:
                log.close()
        threading.Thread(target=read, daemon=True).start()

    def stop(self):
        stop_processes(self.processes, timeout=40)


def put_json(url, fields):
    request = urllib.request.Request(url, data=json.dumps(fields).encode(), method="PUT")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


class Flipper(threading.Thread):
    """Commits a flip every `interval` seconds from `start` until `stop` (fixed schedule: a slow commit makes
    the next one start late, never two at once), alternating the bundles, starting with the one not routed."""

    def __init__(self, fleet, interval, start_at, stop_at):
        super().__init__(daemon=True)
        self.fleet, self.interval, self.start_at, self.stop_at = fleet, interval, start_at, stop_at
        self.commits = []
        self.failures = []

    def run(self):
        index = 0
        while True:
            due = self.start_at + index * self.interval
            if due >= self.stop_at:
                return
            if due > time.time():
                time.sleep(due - time.time())
            version = VERSIONS[(index + 1) % 2]
            try:
                self.commits.append(self.fleet.commit(version))
            except (RuntimeError, subprocess.TimeoutExpired, AttributeError) as error:
                self.failures.append(f"flip {index} to {version}: {error}")
            index += 1


class RssSampler(threading.Thread):
    """Resident memory (KiB: all, anonymous, file-backed) and CPU time of a process once a second, from /proc.
    Anonymous memory is the heap and stacks, where a leak would show; file-backed is the binary and libraries."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples = []  # RssSample
        self.stopped = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")

    def run(self):
        while not self.stopped.is_set():
            try:
                status = Path(f"/proc/{self.pid}/status").read_text()
                stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return

            def kib(field):
                return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))
            cpu = (int(stat[11]) + int(stat[12])) / self.tick
            self.samples.append(RssSample(time.time(), kib("VmRSS"), cpu, kib("RssAnon"), kib("RssFile")))
            self.stopped.wait(1.0)

    def latest_mib(self):
        return self.samples[-1].kib / 1024 if self.samples else 0.0


def run_soak(args):
    fleet = SoakFleet(args.bin, args.reload_ms)
    load = None
    try:
        fleet.start()
        print(f"soak: {args.seconds}s at {args.rps:g} req/s, a flip every {args.flip_ms} ms between {ref(VERSIONS[0])} and "
              f"{ref(VERSIONS[1])}; serve --reload-ms {args.reload_ms} (pid {fleet.serve.pid}) on {fleet.url}; work dir {fleet.dir}",
              flush=True)
        sampler = RssSampler(fleet.serve.pid)
        sampler.start()
        records_path = fleet.dir / "requests.csv"
        load = subprocess.Popen([sys.executable, str(HERE / "soak_load.py"), "--url", fleet.url, "--rps", str(args.rps),
                                 "--seconds", str(args.seconds), "--out", str(records_path)],
                                stdout=subprocess.PIPE, text=True)
        first = load.stdout.readline()
        if not first:
            raise RuntimeError(f"the load generator exited {load.wait()} before it started")
        started = json.loads(first)["started"]
        flipper = Flipper(fleet, args.flip_ms / 1000, started, started + args.seconds)
        flipper.start()
        summary = {}
        for line in load.stdout:
            message = json.loads(line)
            if "progress" in message:
                print(f"  {message['progress']:>4}s  requests due {message['due']}, answered {message['answered']}, "
                      f"failed {message['failed']}, connections {message['connections']}; flips {len(flipper.commits)} "
                      f"(failed {len(flipper.failures)}); serve RSS {sampler.latest_mib():.1f} MiB", flush=True)
            else:
                summary = message
        load.wait()
        flipper.join()
        time.sleep(1.5)  # one more RSS sample after the last answers
        sampler.stopped.set()
        sampler.join()
        if load.returncode != 0:
            raise RuntimeError(f"the load generator exited {load.returncode}")
        serve_exit = fleet.serve.poll()
        journal = json.loads(fleet.cli("history", "--kind", "route", "--json"))
        audit = subprocess.run([str(fleet.binary), "audit", "verify", "--state", str(fleet.state)], capture_output=True, text=True)
        write_artifacts(fleet, flipper, sampler)
        failures = analyse(SoakRun(
            rps=args.rps, seconds=args.seconds, flip_ms=args.flip_ms, reload_ms=args.reload_ms, allowance_ms=args.allowance_ms,
            started=started, records=read_records(records_path), commits=[fleet.initial] + flipper.commits,
            flip_failures=flipper.failures, installs=list(fleet.installs), rss=sampler.samples, journal=journal,
            audit_exit=audit.returncode, audit_output=audit.stdout + audit.stderr, load_summary=summary))
        if serve_exit is not None:
            failures.insert(0, f"serve: exited with code {serve_exit} during the soak (see serve.log)")
    except BaseException:
        print(f"soak: stopped by an error; work directory kept: {fleet.dir}", file=sys.stderr)
        raise
    finally:
        if load is not None and load.poll() is None:
            load.kill()
        fleet.stop()
    if failures:
        print(f"\nSOAK FAILED ({len(failures)} criteria):", flush=True)
        for failure in failures:
            print(f"  - {failure}")
        print(f"  requests.csv, commits.csv, installs.csv, rss.csv, serve.log and the state are in {fleet.dir}")
        return 1
    print("\nSOAK PASSED" + (f"; work directory kept: {fleet.dir}" if args.keep else ""))
    if not args.keep:
        shutil.rmtree(fleet.dir, ignore_errors=True)
    return 0


def write_artifacts(fleet, flipper, sampler):
    """commits.csv, installs.csv and rss.csv beside requests.csv and serve.log, for a second look at a failure."""
    with open(fleet.dir / "commits.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["generation", "bundle", "cli_started", "cli_exited"])
        out.writerows([c.generation, c.bundle, f"{c.started:.6f}", f"{c.done:.6f}"] for c in [fleet.initial] + flipper.commits)
    with open(fleet.dir / "installs.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["announced", "generation"])
        out.writerows([f"{t:.6f}", generation] for t, generation in list(fleet.installs))
    with open(fleet.dir / "rss.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["time", "rss_kib", "cpu_seconds", "anon_kib", "file_kib"])
        out.writerows([f"{s.time:.3f}", s.kib, f"{s.cpu:.2f}", s.anon_kib, s.file_kib] for s in sampler.samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600, help="how long the load and the flips run (default 600)")
    parser.add_argument("--rps", type=float, default=500, help="requests a second, open loop (default 500)")
    parser.add_argument("--flip-ms", type=int, default=100, help="a routing flip every this many milliseconds (default 100)")
    parser.add_argument("--reload-ms", type=int, default=250, help="serve's --reload-ms, and the freshness allowance unless --allowance-ms (default 250, serve's own)")
    parser.add_argument("--bin", type=Path, default=default_binary(), help="the switchyard binary (default $SWITCHYARD_BIN, "
                        "else .build/release/switchyard if built, else .build/debug/switchyard)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (records, serve log, state) when the soak "
                        "passes too; a failed soak always keeps it")
    parser.add_argument("--allowance-ms", type=int, help="how old a generation an answer may carry, counted from the commit of "
                        "the next one to the request's send (default --reload-ms + 50: Docs/router.md says a commit from another "
                        "process is in force within one reload interval plus the few milliseconds of the reload)")
    args = parser.parse_args()
    if args.allowance_ms is None:
        args.allowance_ms = args.reload_ms + RELOAD_WORK_MS
    if args.seconds <= 0 or args.rps <= 0 or args.flip_ms <= 0 or args.reload_ms <= 0:
        parser.error("--seconds, --rps, --flip-ms and --reload-ms must be positive")
    if not args.bin.exists():
        print(f"soak: could not run: {args.bin} is missing: build it (make build) or pass --bin", file=sys.stderr)
        return 2
    try:
        return run_soak(args)
    except RuntimeError as error:
        print(f"soak: could not run: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
