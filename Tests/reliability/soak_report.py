"""The soak's verdict: what one run recorded (`SoakRun`), the report it prints and the criteria it failed.

Each `check_*` prints its part of the report and returns the criteria it failed, each a sentence with the
numbers behind it. Times are wall-clock seconds (`time.time()`), the same clock in every process.
"""
import bisect
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from soak_load import NOT_SENT

RELOAD_WORK_MS = 50  # what the freshness check allows for a reload's own work, beyond its interval

WARM_UP_FRACTION = 0.2     # RSS is compared from the end of warm-up (this much of the run) to the end
MAX_RSS_GROWTH = 0.10      # issue 7: resident memory flat after warm-up, at most 10% growth
MIN_RATE_FRACTION = 0.95   # the generator must send this much of the target rate, or the soak proves nothing
MAX_FLIP_SLOWDOWN = 1.10   # flips may come on average this much slower than asked


@dataclass
class Commit:
    """One committed routing generation: the bundle it routes 100% to, when the CLI started and exited, and
    the journal entry's time (the transaction's start, so the earliest the commit can have completed)."""
    generation: int
    bundle: str
    started: float
    done: float
    journal_time: float = None


@dataclass
class RssSample:
    """serve's resident memory once a second, from /proc (KiB): all of it, and its anonymous and file-backed parts."""
    time: float
    kib: int
    cpu: float                     # CPU seconds used so far
    anon_kib: int
    file_kib: int


@dataclass
class SoakRun:
    """Everything one soak recorded."""
    rps: float
    seconds: float
    flip_ms: int
    reload_ms: int
    allowance_ms: int
    started: float                 # when the first request was due
    records: list                  # soak_load.Record, one per request due
    commits: list                  # Commit: the initial route, then every flip, in generation order
    flip_failures: list            # messages of flips whose CLI failed
    installs: list                 # (time serve's "generation N in force" line was read, N)
    rss: list                      # RssSample of serve, once a second
    journal: list                  # `history --kind route --json`
    audit_exit: int
    audit_output: str
    load_summary: dict = field(default_factory=dict)

    @property
    def flips(self):
        return self.commits[1:]


def percentile(values, fraction):
    """The value at `fraction` (0–1) of the values, nearest rank; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def spread(values):
    """p50 / p99 / max of durations in seconds, in milliseconds."""
    if not values:
        return "none"
    return f"p50 {ms(percentile(values, 0.5))}, p99 {ms(percentile(values, 0.99))}, max {ms(max(values))}"


def error_kind(error):
    """A transport error without its details, for counting."""
    if error.startswith(NOT_SENT):
        return NOT_SENT
    return error.split(":")[0] + (" (reused connection)" if "reused keep-alive" in error else "")


def journal_times(journal):
    """{generation: time of its route.set journal entry (wall seconds)}."""
    times = {}
    for entry in journal:
        generation = (entry.get("payload") or {}).get("generation")
        if generation is not None:
            times[generation] = datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()
    return times


def analyse(run):
    """Prints the report; returns every failed criterion."""
    times = journal_times(run.journal)
    for commit in run.commits:
        commit.journal_time = times.get(commit.generation)
    return (check_load(run) + check_errors(run) + check_flips(run) + report_installs(run) + check_freshness(run)
            + check_memory(run) + check_journal(run))


def check_load(run):
    records = run.records
    sent = [r for r in records if r.sent is not None]
    answered = [r for r in records if r.status is not None]
    span = max(r.sent for r in sent) - min(r.sent for r in sent) if len(sent) > 1 else 0
    rate = (len(sent) - 1) / span if span else 0.0
    print(f"\nload: {len(records)} requests due, {len(sent)} sent at {rate:.1f} req/s (target {run.rps:g}); {len(answered)} answered; "
          f"status counts {dict(sorted(Counter(r.status for r in answered).items()))}")
    print(f"  send lateness against the schedule: {spread([r.sent - r.due for r in sent])}; latency "
          f"{spread([r.done - r.sent for r in answered])}; peak connections {run.load_summary.get('peak_connections')}; "
          f"generator CPU {run.load_summary.get('cpu_seconds')} s")
    if rate < MIN_RATE_FRACTION * run.rps:
        return [f"load: the generator sent {rate:.1f} req/s, under {MIN_RATE_FRACTION:.0%} of the target {run.rps:g} req/s"]
    return []


def check_errors(run):
    """5xx (made by the router, or passed on from a backend: those carry x-switchyard-bundle) and requests
    that got no answer."""
    failures = []
    answered = [r for r in run.records if r.status is not None]
    server_errors = [r for r in answered if r.status >= 500]
    made = Counter(f"{r.status} {r.code}" for r in server_errors if r.bundle is None)
    passed = Counter(f"{r.status} {r.code} from {r.bundle}" for r in server_errors if r.bundle is not None)
    other = Counter(f"{r.status} {r.code}" for r in answered if 300 <= r.status < 500)
    errors = Counter(error_kind(r.error) for r in run.records if r.error)
    print(f"5xx: {len(server_errors)} (made by the router: {dict(made) or 0}; passed on from a backend: {dict(passed) or 0}); "
          f"other non-2xx: {dict(other) or 0}; no answer: {dict(errors) or 0}")
    if server_errors:
        first = min(server_errors, key=lambda r: r.sent)
        failures.append(f"5xx: {len(server_errors)} answers were 5xx (made by the router {sum(made.values())}: {dict(made)}; "
                        f"passed on from a backend {sum(passed.values())}: {dict(passed)}); the first at "
                        f"{first.sent - run.started:.2f}s into the run")
    not_sent = errors.pop(NOT_SENT, 0)
    if errors:
        failures.append(f"transport: {sum(errors.values())} requests got no answer: {dict(errors)}")
    if not_sent:
        failures.append(f"load: {not_sent} requests were not sent because every one of the generator's connections was "
                        f"waiting for an answer (the router fell that far behind)")
    return failures


def check_flips(run):
    failures = []
    flips = run.flips
    intervals = [b.done - a.done for a, b in zip(flips, flips[1:])]
    mean_interval = statistics.fmean(intervals) if intervals else None
    print(f"flips: {len(flips)} committed, {len(run.flip_failures)} failed; between commits mean {ms(mean_interval)} "
          f"(target {run.flip_ms} ms), {spread(intervals)}; each `route set` took {spread([c.done - c.started for c in flips])}; "
          f"from its journal time to the CLI's exit {spread([c.done - c.journal_time for c in flips if c.journal_time])}")
    if run.flip_failures:
        failures.append(f"flips: {len(run.flip_failures)} of {len(run.flip_failures) + len(flips)} commits failed; the first: "
                        f"{run.flip_failures[0]}")
    if mean_interval is None or mean_interval > MAX_FLIP_SLOWDOWN * run.flip_ms / 1000:
        failures.append(f"flips: the harness committed one every {ms(mean_interval)} on average ({len(flips)} commits), slower "
                        f"than {MAX_FLIP_SLOWDOWN:.0%} of the {run.flip_ms} ms asked for: `route set` took too long on this machine")
    missing = [c.generation for c in run.commits if c.journal_time is None]
    if missing:
        failures.append(f"journal: {len(missing)} committed generations have no route.set entry, e.g. {missing[:5]}")
    return failures


def report_installs(run):
    """How long serve took to announce each flip (or a newer one) in force. Information only: the freshness
    check below judges what clients saw."""
    announced = [generation for _, generation in run.installs]
    lags = []
    for commit in run.flips:
        index = bisect.bisect_left(announced, commit.generation)
        if index < len(run.installs):
            lags.append(run.installs[index][0] - commit.done)
    periods = [b[0] - a[0] for a, b in zip(run.installs, run.installs[1:])]
    print(f"router: {len(run.installs)} generations announced in force for {len(run.flips)} flips (each reload installs the "
          f"newest); from a flip's commit to it or a newer one in force {spread(lags)}; between two reloads that installed "
          f"something {spread(periods)}")
    return []


@dataclass
class Freshness:
    """The 2xx answers classified against the commits."""
    checked: int = 0
    stale_within: list = field(default_factory=list)   # ages (s) of answers stamped with a superseded generation
    stale_beyond: list = field(default_factory=list)   # the same, beyond the allowance
    unknown: list = field(default_factory=list)        # records stamped with a generation nobody committed
    wrong_bundle: list = field(default_factory=list)   # records answered by a bundle their generation does not route to
    unstamped: list = field(default_factory=list)      # 2xx records without x-switchyard-generation


def classify_freshness(records, commits, allowance):
    """For each 2xx answer: the newest generation whose commit completed (CLI exit) before the request was sent;
    an answer stamped older is stale, by the time between the commit of the generation after its own and the
    send. Stale by more than `allowance` seconds is beyond it."""
    result = Freshness()
    generations = [c.generation for c in commits]
    done_times = [c.done for c in commits]
    route_of = {c.generation: c.bundle for c in commits}
    for r in records:
        if r.status is None or not 200 <= r.status < 300:
            continue
        if r.generation is None:
            result.unstamped.append(r)
            continue
        result.checked += 1
        if r.generation not in route_of:
            result.unknown.append(r)
            continue
        if r.bundle != route_of[r.generation]:
            result.wrong_bundle.append(r)
        newest = bisect.bisect_left(done_times, r.sent) - 1
        if newest >= 0 and generations[newest] > r.generation:
            superseded_at = done_times[bisect.bisect_right(generations, r.generation)]
            age = r.sent - superseded_at
            (result.stale_beyond if age > allowance else result.stale_within).append(age)
    return result


def check_freshness(run):
    failures = []
    result = classify_freshness(run.records, run.commits, run.allowance_ms / 1000)
    stale = result.stale_within + result.stale_beyond
    documented = ", one reload interval and its work, as Docs/router.md promises" if run.allowance_ms == run.reload_ms + RELOAD_WORK_MS else ""
    print(f"freshness ({result.checked} stamped 2xx answers; allowance {run.allowance_ms} ms{documented}): {len(stale)} "
          f"({len(stale) / max(result.checked, 1):.1%}) carried a generation older than the newest committed before they were "
          f"sent; a newer one had been committed for {spread(stale)}; beyond the allowance: {len(result.stale_beyond)}")
    if result.stale_beyond:
        failures.append(f"freshness: {len(result.stale_beyond)} answers carried a generation superseded more than "
                        f"{run.allowance_ms} ms before their request was sent ({spread(result.stale_beyond)})")
    if result.unknown:
        failures.append(f"consistency: {len(result.unknown)} answers carried a generation nobody committed, e.g. "
                        f"{sorted({r.generation for r in result.unknown})[:5]}")
    if result.wrong_bundle:
        example = result.wrong_bundle[0]
        route = {c.generation: c.bundle for c in run.commits}[example.generation]
        failures.append(f"consistency: {len(result.wrong_bundle)} answers came from a bundle their generation does not "
                        f"route to, e.g. generation {example.generation} ({route}) answered by {example.bundle}")
    if result.unstamped:
        failures.append(f"consistency: {len(result.unstamped)} 2xx answers had no x-switchyard-generation header")
    return failures


def check_memory(run):
    end = run.started + run.seconds
    during = [sample for sample in run.rss if run.started <= sample.time <= end + 2]
    warm_at = run.started + WARM_UP_FRACTION * run.seconds
    after = [sample for sample in during if sample.time >= warm_at]
    if len(after) < 2:
        return [f"memory: only {len(after)} RSS samples after warm-up"]
    warm, final = after[0], after[-1]
    growth = (final.kib - warm.kib) / warm.kib
    cpu = run.rss[-1].cpu - run.rss[0].cpu
    wall = run.rss[-1].time - run.rss[0].time
    slope = statistics.linear_regression([s.time for s in after], [s.kib / 1024 for s in after]).slope * 60
    print(f"memory: serve RSS {during[0].kib / 1024:.1f} MiB at the start, {warm.kib / 1024:.1f} MiB at the end of warm-up "
          f"({warm_at - run.started:.0f}s), {final.kib / 1024:.1f} MiB at the end: {growth:+.1%} (limit +{MAX_RSS_GROWTH:.0%}); "
          f"after warm-up min {min(s.kib for s in after) / 1024:.1f}, max {max(s.kib for s in after) / 1024:.1f} MiB, "
          f"trend {slope:+.2f} MiB/min; anonymous {warm.anon_kib / 1024:.1f} → {final.anon_kib / 1024:.1f} MiB, "
          f"file-backed {warm.file_kib / 1024:.1f} → {final.file_kib / 1024:.1f} MiB; serve CPU {cpu:.1f} s ({cpu / wall:.0%} of a core)")
    if growth > MAX_RSS_GROWTH:
        return [f"memory: serve RSS grew {growth:+.1%} after warm-up ({warm.kib / 1024:.1f} → {final.kib / 1024:.1f} MiB), over the "
                f"{MAX_RSS_GROWTH:.0%} limit"]
    return []


def check_journal(run):
    print(f"journal: {len(run.journal)} route.set entries; audit verify exited {run.audit_exit}")
    if run.audit_exit != 0:
        return [f"journal: audit verify exited {run.audit_exit}: {run.audit_output.strip()[:300]}"]
    return []
