"""The post-conditions a crash trial checks, each raising `Violation` with what was expected and what was seen.

Committed generations come from the store (the journal via `history --json`, the `routing_generations`
table read-only through sqlite3), never from the server's own answers.
"""
import json
import sqlite3
import time

FULL = 10_000


class Violation(AssertionError):
    """A post-condition did not hold."""


def ref(bundle):
    return f"{bundle['name']}@{bundle['version']}"


def weights_of(route):
    """A route's weights as {NAME@VERSION: basis points}, zero weights left out."""
    return {ref(w["bundle"]): w["basis_points"] for w in route["weights"] if w["basis_points"] > 0}


# -- journal ---------------------------------------------------------------------------------------

def audit_ok(fleet, when):
    """`audit verify --json` exits 0 and reports an intact chain and registry."""
    result = fleet.run("audit", "verify", "--json")
    report = json.loads(result.stdout) if result.stdout.strip() else None
    if result.returncode != 0 or not report or not report.get("intact"):
        raise Violation(f"{fleet.label}: `audit verify` {when} failed (exit {result.returncode}): {result.stdout}{result.stderr}")
    return report


def journal(fleet):
    return fleet.json("history")


def journal_generations(entries):
    """{generation: journal entry} for every entry that committed a routing generation, checking that they only grow."""
    generations = {}
    last = 0
    for entry in entries:
        generation = (entry.get("payload") or {}).get("generation") if isinstance(entry.get("payload"), dict) else None
        if not isinstance(generation, int):
            continue
        if generation <= last:
            raise Violation(f"journal entry #{entry['seq']} ({entry['kind']}) commits generation {generation} after generation {last}")
        generations[generation] = entry
        last = generation
    return generations


def stored_tables(fleet):
    """{generation: routing table} from the store's routing_generations table, opened read-only."""
    connection = sqlite3.connect(f"file:{fleet.state / 'switchyard.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        rows = connection.execute("SELECT generation, routing FROM routing_generations ORDER BY generation").fetchall()
    finally:
        connection.close()
    return {generation: json.loads(text) for generation, text in rows}


def generations_consistent(fleet, entries, tables):
    """The journal and the routing_generations table name the same generations, 1…N without a gap."""
    from_journal = set(journal_generations(entries))
    from_table = set(tables)
    if from_journal != from_table:
        raise Violation(f"{fleet.label}: generations in the journal {sorted(from_journal)} differ from routing_generations {sorted(from_table)}")
    if from_table and from_table != set(range(1, max(from_table) + 1)):
        raise Violation(f"{fleet.label}: committed generations have a gap: {sorted(from_table)}")


# -- answers ---------------------------------------------------------------------------------------

def stamps_committed(fleet, answers, tables):
    """Every answer stamped with a generation names a committed one whose route for the tenant gives weight to the bundle that answered."""
    stamped = [a for a in answers if a.generation is not None]
    for answer in stamped:
        table = tables.get(answer.generation)
        if table is None:
            raise Violation(f"{fleet.label}: a response was stamped x-switchyard-generation {answer.generation}, which was never committed "
                            f"(committed: {sorted(tables)}); tenant {answer.tenant}, bundle {answer.bundle}, status {answer.status}")
        routes = table["routes"]
        route = routes.get(answer.tenant) if answer.tenant in routes else routes.get("*")
        if route is None or answer.bundle not in weights_of(route):
            raise Violation(f"{fleet.label}: generation {answer.generation} routes tenant {answer.tenant or 'default'} to "
                            f"{weights_of(route) if route else 'nothing'}, but {answer.bundle} answered with that stamp")
    return len(stamped)


# -- the generation in force -----------------------------------------------------------------------

def in_force_matches_store(fleet, timeout=5.0):
    """After a restart the router serves the newest committed generation: each sample reads the store, then serve's
    /status, then the store again, and passes when serve has at least what was committed before it was asked (and no
    more than what was committed after). A served generation newer than the store's is a violation at once; one
    older than a generation committed before the question is a violation if it lasts `timeout` seconds."""
    deadline = time.time() + timeout
    seen = []
    while True:
        before = fleet.committed_generation()
        served = fleet.served_generation()
        after = fleet.committed_generation()
        seen.append((before, served, after))
        if served > after:
            raise Violation(f"{fleet.label}: serve has generation {served} in force but the store's newest is {after}")
        if served >= before:
            return served
        if time.time() > deadline and len(seen) >= 3:
            raise Violation(f"{fleet.label}: the generation in force stayed behind the store for {timeout}s "
                            f"(store before, served, store after): {seen[-5:]}")
        time.sleep(0.05)


# -- drains ----------------------------------------------------------------------------------------

def describe(rollback):
    """A drain in a line: `A → B (staged): warming at stage 0/4`."""
    if rollback is None:
        return "no drain active"
    return (f"{ref(rollback['from'])} → {ref(rollback['to'])} ({rollback['mode']}): {status_key(rollback)} at stage "
            f"{rollback['stages_applied']}/{len(rollback['plan']['stages'])}")


def status_key(rollback):
    status = rollback["status"]
    return next(iter(status)) if isinstance(status, dict) else status


def expected_route_weights(rollback, tenant):
    """What `Rollback.route(from:)` gives `tenant` after `stages_applied` stages (Sources/SwitchyardCore/Control/Rollback.swift)."""
    original = rollback["original_routes"][tenant]
    source, target = ref(rollback["from"]), ref(rollback["to"])
    applied = rollback["stages_applied"]
    if applied == 0:
        return weights_of(original)
    remaining = rollback["plan"]["stages"][applied - 1]["remaining_basis_points"]
    weights = weights_of(original)
    bad = weights.get(source, 0)
    kept = bad * remaining // FULL
    out = {b: w for b, w in weights.items() if b not in (source, target)}
    moved = weights.get(target, 0) + bad - kept
    if moved > 0:
        out[target] = moved
    if kept > 0:
        out[source] = kept
    return out


def routing_matches_drain(fleet, rollback, table):
    """The committed routing of every drained tenant is the drain's last committed stage, no more, no less."""
    for tenant in rollback["original_routes"]:
        expected = expected_route_weights(rollback, tenant)
        actual = weights_of(table["routes"][tenant]) if tenant in table["routes"] else None
        if actual != expected:
            raise Violation(f"{fleet.label}: the drain is at stage {rollback['stages_applied']} ({status_key(rollback)}) but tenant "
                            f"{tenant}'s committed route is {actual}, expected {expected}")


def drain_resumes(fleet, rollback, head_seq, target_capacity, move_within=15.0, hold_for=3.0):
    """After a restart, an interrupted drain goes on from its last committed stage: it never goes back; one whose next
    stage the target can carry moves within `move_within` seconds; one that cannot (target cold or too small) and
    a held one stay where they were for `hold_for` seconds and `rollback status` says so; and each later rollback
    entry is the next stage, never a repeat or a skip. `target_capacity` is the target pool's usable concurrency
    (replicas × max_concurrency × 0.8) as the store records it now."""
    stage = rollback["stages_applied"]
    stages = len(rollback["plan"]["stages"])
    state = status_key(rollback)
    pending = rollback["plan"]["stages"][stage] if stage < stages else None
    # No stage lands on a target without a replica, even one that needs no concurrency (nothing observed yet).
    can_move = pending is not None and target_capacity > 0 and target_capacity >= pending["target_concurrency"]
    wait = move_within if can_move and state != "held" else hold_for
    deadline = time.time() + wait
    while True:
        now = fleet.json("rollback", "status")
        if now is not None and now["stages_applied"] < stage:
            raise Violation(f"{fleet.label}: the drain went back from stage {stage} to {now['stages_applied']} after the restart")
        expired = time.time() > deadline
        if state == "held":
            if now is None or now["stages_applied"] != stage or status_key(now) != "held":
                shown = "gone" if now is None else f"{status_key(now)} at stage {now['stages_applied']}"
                raise Violation(f"{fleet.label}: a drain held at stage {stage}/{stages} before the crash is now {shown} without `rollback continue`")
            if expired:
                shows(fleet, f"held at stage {stage}/{stages}")
                break
        elif now is None or now["stages_applied"] > stage:
            break
        elif not can_move:
            if expired:
                shows(fleet, "warming the target" if status_key(now) == "warming" else f"draining (stage {stage}/{stages})")
                break
        elif expired:
            raise Violation(f"{fleet.label}: the drain interrupted at stage {stage}/{stages} ({state}) did not move within {wait}s "
                            f"of the restart although its target's pool now allows {target_capacity} concurrent (the next stage "
                            f"needs {pending['target_concurrency']}), and nothing shows it as interrupted; now: {describe(now)}")
        time.sleep(0.2)
    stages_in_sequence(fleet, [e for e in journal(fleet) if e["seq"] > head_seq and e["kind"].startswith("rollback.")], stage,
                       held=state == "held")


def shows(fleet, text):
    """`rollback status` (text) tells the operator `text`."""
    out = fleet.cli("rollback", "status").stdout
    if text not in out:
        raise Violation(f"{fleet.label}: `rollback status` does not say '{text}':\n{out}")


def stages_in_sequence(fleet, entries, stage=0, held=False):
    """Rollback journal entries advance one stage at a time: a `start` begins a drain at stage 0 or 1; a `stage` or
    `complete` entry is the previous stage + 1 with its routing generation, and never comes between a `hold` and
    the next `continue`; other entries (`hold`, `continue`, `warm`) keep the stage."""
    for entry in entries:
        event = entry["kind"].split(".", 1)[1]
        seen = entry["payload"]["stage"]
        where = f"{fleet.label}: journal #{entry['seq']} ({entry['kind']})"
        if event == "start":
            if seen not in (0, 1):
                raise Violation(f"{where} starts a drain at stage {seen}")
            held = False
        elif event in ("stage", "complete"):
            if held:
                raise Violation(f"{where} applies stage {seen} while the drain is held (a `rollback hold` was overwritten)")
            if seen != stage + 1:
                raise Violation(f"{where} applies stage {seen} after stage {stage}: "
                                f"{'a stage applied twice' if seen <= stage else 'a stage skipped'}")
            if not isinstance(entry["payload"].get("generation"), int):
                raise Violation(f"{where} moved traffic without a routing generation")
        else:
            if seen != stage:
                raise Violation(f"{where} records stage {seen}, but the drain was at stage {stage} (a stage was lost)")
            if event in ("hold", "continue"):
                held = event == "hold"
        stage = seen


# -- rollouts --------------------------------------------------------------------------------------

def latest_rollout(fleet):
    """`rollout status --json`: the newest rollout, or None before the first (that command then exits 1)."""
    result = fleet.run("rollout", "status", "--json")
    return json.loads(result.stdout) if result.returncode == 0 else None


def rollout_active(rollout):
    return rollout is not None and status_key(rollout) not in ("completed", "aborted")


def routing_matches_rollout(fleet, rollout, table):
    """While a rollout runs, each tenant it sets is split baseline/canary exactly as its committed state says."""
    if not rollout_active(rollout):
        return
    canary, baseline = ref(rollout["canary"]), ref(rollout["baseline"])
    for tenant, points in rollout["canary_weights"].items():
        expected = {b: w for b, w in ((baseline, FULL - points), (canary, points)) if w > 0}
        actual = weights_of(table["routes"][tenant]) if tenant in table["routes"] else None
        if actual != expected:
            raise Violation(f"{fleet.label}: the rollout is at step {rollout['step_index']} ({status_key(rollout)}) with {canary} at "
                            f"{points} bp for {tenant}, but the committed route is {actual}, expected {expected}")


def rollout_resumes(fleet, rollout, frozen, move_within=15.0, hold_for=3.0):
    """After a restart a rollout never goes back a step; one running at a timed pause (1 s in the harness's plan, so
    elapsed by then) moves on within `move_within` seconds unless a freeze holds it; a frozen one does not move
    for `hold_for` seconds."""
    if not rollout_active(rollout):
        return
    step = rollout["step_index"]
    steps = rollout["plan"]["steps"]
    current = steps[step] if step < len(steps) else {}
    timed = "pause" in current and current["pause"].get("seconds") is not None
    should_move = status_key(rollout) == "running" and timed and not frozen
    wait = move_within if should_move else hold_for
    deadline = time.time() + wait
    while True:
        now = latest_rollout(fleet)
        if now["step_index"] < step:
            raise Violation(f"{fleet.label}: the rollout went back from step {step} to {now['step_index']} after the restart")
        moved = now["step_index"] > step or status_key(now) != status_key(rollout)
        if should_move and moved:
            return
        if frozen and moved:
            raise Violation(f"{fleet.label}: a frozen rollout moved from step {step} ({status_key(rollout)}) to step "
                            f"{now['step_index']} ({status_key(now)}) after the restart")
        if time.time() > deadline:
            if should_move:
                raise Violation(f"{fleet.label}: the rollout at an elapsed timed pause (step {step}) did not move within {wait}s "
                                f"of the restart")
            return
        time.sleep(0.2)
