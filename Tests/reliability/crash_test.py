#!/usr/bin/env python3
"""Crash-safety harness for `switchyard serve` (issue 7; `make crash-test`, Docs/reliability.md).

Each trial gets a fresh state directory, fake backends and `switchyard serve` with client traffic, then an
operator thread drives a canary rollout, perhaps a freeze, and a staged rollback drain through the CLI while
the harness kills `serve` with SIGKILL at a moment drawn from the trial's seed (sometimes killing the
restart too). After the restart it checks:

  1. `audit verify` passes;
  2. the routing generation `serve` installs at start, and the one in force, equal the last committed one;
  3. an interrupted drain resumes from its last committed stage (or, held or waiting for a cold target,
     still says so), never repeating or skipping a stage;
  4. no response was ever stamped with a generation that was never committed (nor one whose route for the
     tenant gives the answering bundle no weight).

The operator then finishes the scenario, `serve` is stopped with SIGTERM (exit code 0 expected) and the
checks run once more on the whole trial. A final trial stops `serve` with SIGTERM while requests are in
flight (see crash_graceful.py). Re-run one trial with `--seed SEED --trials 1`.
"""
import argparse
import os
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crash_graceful as graceful  # noqa: E402
import crash_invariants as check  # noqa: E402
import crash_scenario as scenario  # noqa: E402
from crash_fleet import ROOT, CrashFleet  # noqa: E402
from crash_traffic import Traffic  # noqa: E402


class Trial:
    """One seeded trial: set up, traffic, operator, SIGKILL, restart, checks, finish, SIGTERM, final checks.

    A post-condition that fails is recorded and the trial goes on (so one defect does not hide the next);
    anything else that goes wrong (serve does not start, a CLI command fails unexpectedly) ends the trial."""

    def __init__(self, binary, seed, index, total, rate, keep, cold_targets):
        self.seed = seed
        self.plan = scenario.build(seed, cold_targets)
        self.label = f"trial {index + 1}/{total} (seed {seed})"
        self.fleet = CrashFleet(binary, self.label, keep=keep)
        self.rate = rate
        self.kills = 0
        self.answers = 0
        self.notes = []
        self.violations = []

    def expect(self, check_function, *args, **options):
        """Runs one post-condition; a Violation is recorded, not raised. Returns the check's result (None if it failed)."""
        try:
            return check_function(*args, **options)
        except check.Violation as violation:
            self.violations.append(str(violation))
            return None

    def run(self):
        fleet, plan = self.fleet, self.plan
        fleet.register(plan.pools)
        for command in plan.initial:
            fleet.cli(*command, "--reason", "crash harness: initial routing")
        fleet.start_serve()
        traffic = Traffic(fleet, rate=self.rate, seed=self.seed).start()
        operator = scenario.Operator(fleet, plan)
        try:
            operator.start()
            time.sleep(max(0.0, self.kill_time(operator) - time.monotonic()))
            fleet.kill_serve()
            self.kills += 1
            doing = operator.park()
            if operator.error:
                raise operator.error
            if plan.double_kill_after is not None:
                fleet.spawn_serve()
                time.sleep(plan.double_kill_after)
                fleet.kill_serve()
                self.kills += 1
            self.restart_and_check(doing, traffic)
            operator.resume()
            operator.join(timeout=120)
            if operator.is_alive():
                raise check.Violation(f"{self.label}: the operator did not finish within 120s (step '{operator.current}')")
            if operator.error:
                raise operator.error
            self.violations += operator.violations
        finally:
            traffic.stop()
        self.expect(self.graceful_stop)
        self.final_checks(traffic.snapshot(), drain_timed_out=bool(operator.violations))

    def kill_time(self, operator, timeout=60):
        """When to kill, on the monotonic clock: `kill_at` after the operator began, or after it began the anchor step."""
        deadline = time.monotonic() + timeout
        while operator.began is None or (self.plan.kill_anchor and operator.started_step(self.plan.kill_anchor) is None
                                         and operator.is_alive()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.label}: the operator never began step '{self.plan.kill_anchor}'")
            time.sleep(0.005)
        offset = operator.started_step(self.plan.kill_anchor) if self.plan.kill_anchor else 0.0
        return operator.began + (offset or 0.0) + self.plan.kill_at

    def restart_and_check(self, doing, traffic):
        fleet = self.fleet
        committed = fleet.committed_generation()
        table = fleet.json("route", "show")["table"]
        rollback = fleet.json("rollback", "status")
        head = fleet.json("history", "--limit", "1")
        head_seq = head[-1]["seq"] if head else 0
        rollout = check.latest_rollout(fleet)
        frozen = bool(fleet.json("status")["freezes"])
        if rollback is not None:
            self.expect(check.routing_matches_drain, fleet, rollback, table)
        self.expect(check.routing_matches_rollout, fleet, rollout, table)
        started = fleet.start_serve()
        if started != committed:
            self.violations.append(f"{self.label}: serve started with generation {started}, the last committed one is {committed}")
        self.expect(check.audit_ok, fleet, "after the restart")
        in_force = self.expect(check.in_force_matches_store, fleet)
        drain = "no drain"
        if rollback is not None:
            pools = {check.ref(p["spec"]["bundle"]): p["spec"] for p in fleet.json("status")["pools"]}
            target = pools[check.ref(rollback["to"])]
            self.expect(check.drain_resumes, fleet, rollback, head_seq,
                        target_capacity=int(target["replicas"] * target["max_concurrency"] * 0.8))
            drain = f"drain {check.status_key(rollback)} at stage {rollback['stages_applied']}/{len(rollback['plan']['stages'])}"
        self.expect(check.rollout_resumes, fleet, rollout, frozen)
        self.expect(check.stamps_committed, fleet, traffic.snapshot(), check.stored_tables(fleet))
        self.notes.append(f"killed during '{doing}', restart gen {started} (committed {committed}, in force {in_force}), {drain}")

    def graceful_stop(self):
        code = self.fleet.terminate_serve()
        if code != 0 or "switchyard stopped" not in self.fleet.serve_log():
            raise check.Violation(f"{self.label}: serve exited {code} on SIGTERM at the end of the trial, expected 0 and "
                                  f"'switchyard stopped':\n{self.fleet.serve_log()[-2000:]}")

    def final_checks(self, answers, drain_timed_out):
        fleet = self.fleet
        self.expect(check.audit_ok, fleet, "after SIGTERM")
        entries = check.journal(fleet)
        tables = check.stored_tables(fleet)
        self.expect(check.generations_consistent, fleet, entries, tables)
        stamped = self.expect(check.stamps_committed, fleet, answers, tables)
        self.expect(check.stages_in_sequence, fleet, [e for e in entries if e["kind"].startswith("rollback.")])
        if not drain_timed_out and fleet.json("rollback", "status") is not None:
            self.violations.append(f"{self.label}: a drain is still active at the end of the trial")
        ok = sum(1 for a in answers if a.status == 200)
        self.notes.append(f"{len(answers)} requests, {ok} answered 200, {stamped} stamped, generations 1..{max(tables, default=0)}")
        self.answers = len(answers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=100, help="SIGKILL trials to run (default 100)")
    parser.add_argument("--seed", type=int, help="master seed; trial i uses SEED+i, so --seed S --trials 1 re-runs the trial printed with seed S")
    parser.add_argument("--bin", default=os.environ.get("SWITCHYARD_BIN", str(ROOT / ".build" / "debug" / "switchyard")),
                        help="the switchyard binary (default: $SWITCHYARD_BIN, else .build/debug/switchyard)")
    parser.add_argument("--rate", type=float, default=30, help="client requests per second during a trial (default 30)")
    parser.add_argument("--no-sigterm", action="store_true", help="skip the graceful-shutdown trial")
    parser.add_argument("--fail-fast", action="store_true", help="stop at the first failing trial")
    parser.add_argument("--no-cold-target", action="store_true",
                        help="never roll back onto a cold, unrouted bundle (defect 1 in Docs/reliability.md, fixed in 49c5f6e)")
    parser.add_argument("--keep", action="store_true", help="keep every trial's directory (failing ones are always kept)")
    args = parser.parse_args()
    binary = Path(args.bin).resolve()
    if not binary.exists():
        sys.exit(f"crash-test: no switchyard binary at {binary} (build it, or pass --bin / set SWITCHYARD_BIN)")
    master = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    print(f"crash-test: {args.trials} SIGKILL trial(s), master seed {master}, binary {binary}", flush=True)
    began = time.monotonic()
    failures, kills, requests = [], 0, 0
    for index in range(args.trials):
        seed = master + index
        trial = Trial(binary, seed, index, args.trials, args.rate, args.keep, cold_targets=not args.no_cold_target)
        print(f"{trial.label}: {trial.plan.summary}", flush=True)
        t0 = time.monotonic()
        try:
            trial.run()
        except Exception as error:  # every failure is reported with its seed, and the run goes on
            trial.violations.append(str(error) if isinstance(error, AssertionError) else traceback.format_exc())
        finally:
            kills += trial.kills
            requests += trial.answers
            trial.fleet.stop(keep_state=bool(trial.violations))  # also on Ctrl-C: no process is left behind
        failed = bool(trial.violations)
        if failed:
            failures.append((seed, trial.violations))
            print(f"  FAIL in {time.monotonic() - t0:.1f}s, {len(trial.violations)} violation(s):", flush=True)
            for violation in trial.violations:
                print("    - " + violation.replace("\n", "\n      "), flush=True)
            print(f"    notes: {'; '.join(trial.notes)}\n    re-run: python3 Tests/reliability/crash_test.py --seed {seed} --trials 1"
                  f"{' --no-cold-target' if args.no_cold_target else ''}\n    state kept in {trial.fleet.dir}", flush=True)
        else:
            print(f"  PASS in {time.monotonic() - t0:.1f}s: " + "; ".join(trial.notes), flush=True)
        if failed and args.fail_fast:
            break
    if not args.no_sigterm:
        print("graceful shutdown trial: SIGTERM with requests in flight", flush=True)
        try:
            notes = graceful.run(binary, seed=master, keep=args.keep)
            print(f"  PASS: {notes}", flush=True)
        except Exception as error:
            failures.append(("sigterm", [str(error)]))
            print(f"  FAIL graceful shutdown trial (seed {master}): {error if isinstance(error, AssertionError) else traceback.format_exc()}", flush=True)
    elapsed = time.monotonic() - began
    print(f"\ncrash-test: {args.trials} trial(s), {kills} SIGKILL(s), {requests} client requests, {len(failures)} failure(s), "
          f"{elapsed:.0f}s (master seed {master})")
    for seed, violations in failures:
        for violation in violations:
            print(f"  failed: seed {seed}: {violation.splitlines()[0][:300]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
