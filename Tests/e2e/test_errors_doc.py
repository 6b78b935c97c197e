"""Docs/errors.md stays honest: every error message in Sources is in it, and every test it names exists.

The messages are read from the Swift sources, not from a list kept by hand: the string literal an error is built
from (`SwitchyardError.failure("…")`, a manifest problem `report(…, "…")`, an HTTP error's message, a console status
line, …), cut into its static fragments at each `\\(…)` interpolation. The longest fragment of each literal, if it
has 12 characters or more, must appear in errors.md, so a new or reworded message fails here, naming its file and
line, until the catalogue says what it means and what to do. Every row of the catalogue names the tests that make
its error happen, and they must exist under Tests/; a row may name none only if UNTESTED below says why.
Fast: no binary, no build.

Run `python3 Tests/e2e/test_errors_doc.py` to print every message found, with where it is and whether errors.md has it.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "Sources"
TESTS = ROOT / "Tests"
DOC = ROOT / "Docs" / "errors.md"

# A fragment shorter than this is too generic to look for ("' is ", "pool ").
MINIMUM = 12

# Where messages are built. Each rule: a name, the source files, a pattern ending at the call's opening parenthesis,
# and which argument holds the message: "first" (the first unlabelled argument), "last" (the last argument),
# "second" (the second element of a tuple) or a label ("message").
RULES = [
    ("error", "**/*.swift", r"(?<![\w.])(?:SwitchyardError)?\.(?:failure|usage|refused|targetNotWarm)\(", "first"),
    ("manifest problem", "SwitchyardManifest/*.swift", r"\breport\(", "last"),
    ("field problem", "SwitchyardCore/*.swift", r"\bout\.append\(\(", "second"),
    ("registry problem", "SwitchyardStore/Registry+Store.swift", r"problems\.append\(\.init\(", "message"),
    ("manifest issue", "SwitchyardManifest/*.swift", r"\bManifestIssue\(", "message"),
    ("HTTP error", "SwitchyardRouter/*.swift", r"\bOpenAIError(?:\.notFound|\.invalidRequest)?\(", "message|first"),
    ("field problem", "SwitchyardCore/JSONSchemaCheck.swift", r"\breturn \[\(", "second"),
    ("fake backend", "SwitchyardFakeBackend/*.swift", r"(?<![\w.])(?:FakeHTTP\.)?error\(", "second"),
    ("fake backend", "SwitchyardFakeBackend/*.swift", r"\.badRequest\(", "first"),
    ("console", "SwitchyardConsole/*.swift", r"(?<![\w.])report\(", "first"),
    ("console", "SwitchyardConsole/*.swift", r"\blet message = ", "line"),
    ("console", "SwitchyardConsole/ActionDraft.swift", r"\berror = (?=\")", "expression"),
    ("console", "switchyard/Console/*.swift", r"\blet problem = ", "line"),
    ("journal chain", "SwitchyardCore/JournalChain.swift", r"case \.\w+\([^)]*\):\s*(?=\")", "expression"),
    ("floating reference", "SwitchyardCore/FloatingReference.swift", r"\breturn (?=\")", "expression"),
    ("suggestion", "SwitchyardManifest/YAMLReader.swift", r"\bmessage \+= (?=\")", "expression"),
    ("serve log", "switchyard/*.swift", r"\blogger\.error\(", "first"),
    ("serve log", "switchyard/RoutingLoader.swift", r'\bannounce\((?="engine: \\\(SteeringGuard)', "first"),
    ("serve log", "SwitchyardEngine/SteeringGuard.swift", r"static func banner\([^)]*\) -> String \{\s*(?=\")", "expression"),
]

# The errors no test makes happen: errors.md lists them with "none" in the test column, and each needs its reason
# here. Keys are fragments of the message as errors.md writes it. Keep this short: most errors can be tested.
UNTESTED = {
    "is writable by its group or by everyone": "needs a world-writable store with a viewers group; the check is one stat",
    "--state cannot be sent over the admin socket": "only a hand-made request can carry it: the CLI strips --state",
    "does not run through the admin socket": "only a hand-made request can ask for it: the CLI runs such commands itself",
    "serve cannot enter your working directory": "needs a directory serve's user cannot read; serve runs as root in the tests",
    "serve could not start the command": "needs serve's own binary removed under it",
    "cannot enter the state directory": "needs a state directory its group cannot search; the e2e fleet's is 0755",
    "output passed 64 MiB": "needs a command printing 64 MiB: a journal of hundreds of thousands of entries",
    "did not answer on the admin socket within": "needs serve stalled for 5 s while a console asks it",
    "the command may or may not have run": "needs serve killed while it runs a command: a race",
    "the action may or may not have run": "needs serve killed while it runs a console action: a race",
    "ACTION: DETAIL ('FILE')": "any other SQLite failure",
    "was not saved: the state changed": "eight commits by other writers between one command's read and its write: a race",
    "cannot read YAML": "the YAML library failing in an unexpected way",
    "the drill 'NAME' stopped before its end": "needs `drill run --realtime` stopped in the middle (it takes the script's whole duration)",
    "the drill was stopped before its end": "needs the console quit in the middle of a real-time drill",
    "could not load routing after journal entry": "needs the store edited under a running serve (a routed bundle's pool deleted)",
    "did not answer in time": "the upstream timeout is 120 s and has no option",
    "the request was moved twice by routing changes": "needs two routing flips inside one request's life: a race",
    "is routed but not loaded": "cannot happen: the router installs every routed bundle with its generation",
    "has a negative weight": "unreachable from the CLI: a negative weight is refused as 'is not a weight' first",
    "shadow sample rate must be between": "unreachable from the CLI: a rate outside 0-100% is refused as 'is not a weight' first",
    "journal entry #": "replay reads an entry its own index just listed; only a deletion in between could hide it",
    "the simulation has no pool for": "drill scripts give every fleet version a pool; a programming error",
    "a replay changes nothing": "the replay console is read-only, so no key reaches the action that says this",
    "the evaluation router did not start": "needs the loopback listener to fail to bind port 0",
    "evaluation report #N of": "needs a stored report's JSON edited in the database",
    "is to be evaluated but has no pool": "the same check as a routed bundle without a pool, which test_error_messages covers",
}


def swift_literal(text, i):
    """Reads the Swift string literal at text[i] ('"' or '\"\"\"'); returns (static fragments, index after it)."""
    multiline = text.startswith('"""', i)
    i += 3 if multiline else 1
    fragments, current = [], []
    while i < len(text):
        if text.startswith('"""' if multiline else '"', i):
            fragments.append("".join(current))
            return fragments, i + (3 if multiline else 1)
        c = text[i]
        if c == "\\":
            n = text[i + 1]
            if n == "(":
                fragments.append("".join(current))
                current = []
                i = skip_balanced(text, i + 2, "(", ")")
                continue
            if n == "\n":  # a line continuation in a multi-line literal
                i += 2
                while text[i] in " \t":
                    i += 1
                continue
            current.append({"n": "\n", "t": "\t", "0": ""}.get(n, n))
            i += 2
            continue
        if multiline and c == "\n":  # the literal's indentation is not part of the text
            current.append(" ")
            i += 1
            while text[i] in " \t":
                i += 1
            continue
        current.append(c)
        i += 1
    raise ValueError("unterminated string literal")


def skip_balanced(text, i, opening, closing):
    """The index just after the `closing` that balances an `opening` before text[i]; string literals are skipped."""
    depth = 1
    while depth:
        c = text[i]
        if c == '"':
            _, i = swift_literal(text, i)
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
        i += 1
    return i


def arguments(text, i):
    """The top-level arguments of the call whose opening parenthesis is just before text[i], as (label, span) pairs."""
    out, start, depth = [], i, 0
    while True:
        c = text[i]
        if c == '"':
            _, i = swift_literal(text, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                out.append((start, i))
                break
            depth -= 1
        elif c == "," and depth == 0:
            out.append((start, i))
            start = i + 1
        i += 1
    labelled = []
    for a, b in out:
        match = re.match(r"\s*(\w+):(?!:)\s*", text[a:b])
        labelled.append((match.group(1) if match else None, (a + match.end(), b) if match else (a, b)))
    return labelled


def literals_in(text, a, b):
    """The static fragments of each string literal in text[a:b] that is not inside an interpolation."""
    found, i = [], a
    while i < b:
        if text[i] == '"':
            fragments, i = swift_literal(text, i)
            found.append(fragments)
        else:
            i += 1
    return found


def expression_end(text, i):
    """The end of a message expression that is not a call argument (`return "…"`, `error = "…"`)."""
    _, end = swift_literal(text, i)
    while True:
        more = re.match(r'\s*\+\s*(?=")', text[end:])
        if not more:
            return end
        _, end = swift_literal(text, end + more.end())


def message_span(text, start, which):
    if which == "expression":
        return start, expression_end(text, start)
    if which == "line":
        return start, text.index("\n", start)
    args = arguments(text, start)
    if not args:
        return None
    for choice in which.split("|"):
        if choice == "first":
            unlabelled = [span for label, span in args if label is None]
            if unlabelled:
                return unlabelled[0]
        elif choice == "last":
            return args[-1][1]
        elif choice == "second" and len(args) >= 2:
            return args[1][1]
        else:
            for label, span in args:
                if label == choice:
                    return span
    return None


def key_fragment(fragments):
    """The longest line of static text in a literal, stripped; what errors.md must contain."""
    pieces = [piece.strip() for fragment in fragments for piece in fragment.split("\n")]
    return max(pieces, key=len, default="")


def messages():
    """Every message literal in Sources: (rule name, file, line, key fragment, the literal with … for interpolations)."""
    seen = set()
    for name, pattern, call, which in RULES:
        for path in sorted(SOURCES.glob(pattern)):
            text = path.read_text()
            for match in re.finditer(call, text):
                if re.search(r"\bcase\s*$", text[max(0, match.start() - 20):match.start()]):
                    continue  # a pattern (`case .failure(let x)`), not a constructor
                span = message_span(text, match.end(), which)
                if span is None:
                    continue
                line = text.count("\n", 0, match.start()) + 1
                for fragments in literals_in(text, *span):
                    key = key_fragment(fragments)
                    if len(key) < MINIMUM or (path, line, key) in seen:
                        continue
                    seen.add((path, line, key))
                    yield name, path.relative_to(ROOT), line, key, "…".join(fragments)


def doc_rows():
    """The rows of errors.md's catalogue tables (those headed `| message | exit | … | test |`) as
    (line number, message cell, test cell)."""
    rows, catalogue = [], False
    for number, line in enumerate(DOC.read_text().splitlines(), 1):
        if not line.startswith("|"):
            catalogue = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if cells[0] == "message" and cells[-1] == "test":
            catalogue = True
        elif catalogue and not set(cells[0]) <= set("- "):
            rows.append((number, cells[0], cells[-1]))
    return rows


def named_tests(cell):
    """The tests a test cell names: `test_x`, `Suite.method` or `method`, each in backticks."""
    return re.findall(r"`([^`]+)`", cell)


def index_of_tests():
    """Every test under Tests/: pytest functions by name, and Swift `func`s by name with the suites of their file."""
    python = {name for path in TESTS.rglob("*.py") for name in re.findall(r"^def (test_\w+)\(", path.read_text(), re.M)}
    swift = {}
    for path in TESTS.rglob("*.swift"):
        text = path.read_text()
        suites = set(re.findall(r"\b(?:struct|class) (\w+)", text))
        for method in re.findall(r"\bfunc (\w+)\(", text):
            swift.setdefault(method, set()).update(suites)
    return python, swift


def exists_in_tests(name, index):
    python, swift = index
    if name.startswith("test_"):
        return name in python
    suite, _, method = name.rpartition(".")
    return method in swift and (not suite or suite in swift[method])


def test_every_error_message_is_in_the_catalogue():
    doc = DOC.read_text()
    found = list(messages())
    assert len(found) > 150, f"only {len(found)} messages found: is the extraction broken?"
    missing = [f"{path}:{line}: {kind} '{literal}' (looked for '{key}')" for kind, path, line, key, literal in found if key not in doc]
    assert not missing, f"{len(missing)} message(s) are not in Docs/errors.md; add each with what it means and what to do:\n" + "\n".join(missing)


def test_every_test_the_catalogue_names_exists():
    index = index_of_tests()
    rows = doc_rows()
    assert len(rows) > 100, f"only {len(rows)} rows read from Docs/errors.md: is its table format changed?"
    problems = []
    for number, message, cell in rows:
        names = named_tests(cell)
        if not names:
            if not any(fragment in message for fragment in UNTESTED):
                problems.append(f"errors.md:{number}: {message} names no test (and is not in UNTESTED with a reason)")
            continue
        problems += [f"errors.md:{number}: test '{name}' does not exist under Tests/" for name in names if not exists_in_tests(name, index)]
    assert not problems, "\n".join(problems)


def test_every_untested_message_is_still_in_the_catalogue():
    rows = doc_rows()
    stale = [fragment for fragment in UNTESTED if not any(fragment in message and not named_tests(cell) for _, message, cell in rows)]
    assert not stale, f"UNTESTED names messages errors.md no longer lists as untested: {stale}"


if __name__ == "__main__":
    doc = DOC.read_text() if DOC.exists() else ""
    for kind, path, line, key, literal in messages():
        print(f"{'ok  ' if key in doc else 'MISS'} {path}:{line}  [{kind}]  {literal!r}")
    sys.exit(0)
