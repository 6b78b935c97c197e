"""The on-call's side of a crash trial: a seeded sequence of CLI changes, run by a thread that can be parked.

Every change goes through the CLI against the trial's state directory. Nothing talks to `serve` directly:
the CLI commits to the store (SQLite) and `serve` picks the change up within its reload interval, while its
own control loop commits timed rollout steps and rollback drain stages. A `Plan` is built from the trial's
seed alone, so re-running a seed replays the same changes and the same kill time (thread timing aside).
"""
import json
import random
import threading
import time
from dataclasses import dataclass, field

from crash_invariants import describe

CANARY = "support-assistant@2.0.0"
STABLE = "support-assistant@1.0.0"
SPARE = "support-assistant@1.1.0"
ROLLOUT_PLAN = """\
name: crash-canary
steps:
  - setWeight: 10
  - pause: 1s
  - setWeight: 25
  - pause: 1s
  - setWeight: 50
  - pause: until_promoted
  - setWeight: 100
"""


@dataclass
class Plan:
    """What one trial does: pools, the routing before `serve` starts, the operator's steps, and when to kill:
    `kill_at` seconds after the operator begins, or after it begins the step named `kill_anchor`."""
    seed: int
    pools: dict
    initial: list
    steps: list = field(default_factory=list)
    kill_at: float = 0.0
    kill_anchor: str = None
    double_kill_after: float = None
    summary: str = ""


def build(seed, cold_targets=True):
    """The plan for `seed`: a canary rollout, perhaps a freeze, then a staged rollback (warm or cold target).
    Without `cold_targets` no trial rolls back onto a cold bundle (so a seed may then draw a different plan)."""
    rng = random.Random(seed)
    cold = rng.random() < 0.3 and cold_targets
    target = SPARE if cold else STABLE
    pools = {"1.0.0": (1, 16), "1.1.0": (0 if cold else 1, 16), "2.0.0": (1, 16)}
    initial = [("route", "set", f"{STABLE}=100%")]
    if rng.random() < 0.5:
        initial.append(("route", "set", "--tenant", "acme", f"{STABLE}=50%", f"{CANARY}=50%"))
    steps = []
    if not cold and rng.random() < 0.6:
        split = rng.choice([50, 70, 90])
        steps.append(Step("route set 1.0.0/1.1.0", cli("route", "set", f"{STABLE}={split}%", f"{SPARE}={100 - split}%")))
    steps.append(Step("pause", sleep(rng.uniform(0.2, 1.0))))
    steps.append(Step("rollout start", cli("rollout", "start", CANARY, "--plan", "{plan}", "--baseline", STABLE)))
    steps.append(Step("let the engine step the rollout", sleep(rng.uniform(0.5, 2.5))))
    frozen = rng.random() < 0.5
    if frozen:
        steps.append(Step("freeze", cli("freeze", "--scope", rng.choice(["all", "bundle:support-assistant"]))))
        steps.append(Step("promote while frozen (refused)", cli("rollout", "promote", expect=(3,))))
    if rng.random() < 0.5:
        if frozen:
            steps.append(Step("unfreeze", cli("unfreeze")))
            frozen = False
        steps.append(Step("rollout promote", cli("rollout", "promote")))
        steps.append(Step("pause", sleep(rng.uniform(0.2, 1.0))))
    rollback = ["rollback", "--staged", "--from", CANARY, "--to", target, "--yes"] + (["--warm-first"] if cold else [])
    steps.append(Step(f"rollback --staged to {target}", cli(*rollback)))
    held = rng.random() < 0.35
    if held:
        steps.append(Step("pause", sleep(rng.uniform(0.0, 1.5))))
        # The drain may have finished already (exit 3: not draining); `continue` then has nothing to continue.
        steps.append(Step("rollback hold", cli("rollback", "hold", expect=(0, 1, 3))))
        steps.append(Step("pause while held", sleep(rng.uniform(0.5, 2.0))))
        steps.append(Step("rollback continue", cli("rollback", "continue", expect=(0, 1, 3))))
    if cold:
        steps.append(Step("pause while the target is cold", sleep(rng.uniform(0.5, 2.0))))
        steps.append(Step("scale the target up", scale(target, replicas=1)))
    steps.append(Step("wait for the drain to complete", wait_for_drain(timeout=20)))
    if frozen:
        steps.append(Step("unfreeze", cli("unfreeze")))
    steps.append(Step("route set back to 1.0.0", cli("route", "set", f"{STABLE}=100%")))
    steps.append(Step("pause", sleep(rng.uniform(0.3, 1.0))))
    # Half the kills land while the engine steps the rollout or applies drain stages, the rest anywhere.
    anchor = rng.choice([None, None, "rollout start", f"rollback --staged to {target}"])
    kill_at = rng.uniform(0.0, 3.5) if anchor else rng.uniform(0.2, 8.0)
    double = rng.uniform(0.0, 1.2) if rng.random() < 0.25 else None
    when = f"{kill_at:.2f}s after '{anchor}' begins" if anchor else f"{kill_at:.2f}s"
    summary = (f"{'cold' if cold else 'warm'} target {target}, {'acme routed' if len(initial) > 1 else 'acme on default'}, "
               f"{'frozen, ' if any(s.name == 'freeze' for s in steps) else ''}{'held, ' if held else ''}kill {when}"
               + (f", again {double:.2f}s into the restart" if double is not None else ""))
    return Plan(seed=seed, pools=pools, initial=initial, steps=steps, kill_at=kill_at, kill_anchor=anchor, double_kill_after=double,
                summary=summary)


@dataclass
class Step:
    """One thing the operator does: `action(operator)`, named for the log and the kill anchor."""
    name: str
    action: object


def cli(*args, expect=(0,)):
    def act(operator):
        filled = [operator.plan_file if arg == "{plan}" else arg for arg in args]
        result = operator.fleet.cli(*filled, "--reason", f"crash harness: {args[0]} {args[1] if len(args) > 1 else ''}".strip(), expect=expect)
        operator.log.append((time.time(), " ".join(filled), result.returncode))
    return act


def sleep(seconds):
    return lambda operator: operator.sleep(seconds)


def scale(bundle, replicas):
    def act(operator):
        version = bundle.split("@")[1]
        operator.fleet.apply_pool(version, replicas, 16)
        operator.log.append((time.time(), f"pool apply {bundle} replicas={replicas}", 0))
    return act


def wait_for_drain(timeout):
    """Polls `rollback status --json` until no drain is active; time spent parked does not count."""
    def act(operator):
        waited = 0.0
        while True:
            began = time.monotonic()
            rollback = json.loads(operator.fleet.cli("rollback", "status", "--json").stdout)
            if rollback is None:
                return
            if waited > timeout:
                operator.violations.append(f"{operator.fleet.label}: the drain did not complete within {timeout}s of running time "
                                           f"(the harness goes on); now: {describe(rollback)}")
                return
            waited += time.monotonic() - began  # the status command's own time; time parked is not counted
            operator.sleep(0.25)
            waited += 0.25
    return act


class Operator(threading.Thread):
    """Runs a plan's steps in order. `park()` stops it at the next safe point (never with a command running)."""

    def __init__(self, fleet, plan):
        super().__init__(daemon=True)
        self.fleet = fleet
        self.steps = plan.steps
        self.plan_file = str(fleet.dir / "rollout-plan.yaml")
        (fleet.dir / "rollout-plan.yaml").write_text(ROLLOUT_PLAN)
        self.running = threading.Event()
        self.running.set()
        self.parked = threading.Event()
        self.current = "starting"
        self.log = []
        self.error = None
        self.violations = []
        self.timeline = []
        self.began = None

    def run(self):
        try:
            began = self.began = time.monotonic()
            for step in self.steps:
                self.checkpoint()
                self.current = step.name
                self.timeline.append((round(time.monotonic() - began, 2), step.name))
                step.action(self)
            self.current = "done"
        except Exception as error:  # reported by the harness with the trial's seed
            self.error = error

    def checkpoint(self):
        if not self.running.is_set():
            self.parked.set()
            self.running.wait()
            self.parked.clear()

    def sleep(self, seconds):
        end = time.monotonic() + seconds
        while True:
            if not self.running.is_set():
                remaining = end - time.monotonic()
                self.checkpoint()
                end = time.monotonic() + remaining
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))

    def started_step(self, name):
        """The operator's clock (seconds since it began) when it began step `name`, or None if it has not (yet)."""
        return next((at for at, step in self.timeline if step == name), None)

    def park(self, timeout=90):
        """Stops the operator at its next safe point and returns what it was doing when asked."""
        doing = self.current
        self.running.clear()
        deadline = time.monotonic() + timeout
        while not self.parked.is_set() and self.is_alive():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.fleet.label}: the operator did not park within {timeout}s (in step '{self.current}')")
            time.sleep(0.01)
        return doing

    def resume(self):
        self.running.set()
