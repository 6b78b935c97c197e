"""A full disk, a file-size limit, a locked database and a read-only state directory: each gives a clear error
that says what to do, changes nothing, and leaves a store that `audit verify` and SQLite's integrity check pass."""
import contextlib
import json
import os
import resource
import select
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from fleet import BINARY, EXAMPLES, VERSIONS, Fleet


def run(state, *args, preexec_fn=None):
    return subprocess.run([str(BINARY), *args, "--state", str(state)], capture_output=True, text=True, preexec_fn=preexec_fn)


def history_length(state):
    result = run(state, "history", "--json")
    assert result.returncode == 0, result.stderr
    return len(json.loads(result.stdout))


def assert_intact(state):
    verify = run(state, "audit", "verify")
    assert verify.returncode == 0 and "chain intact" in verify.stdout, verify.stdout + verify.stderr
    with contextlib.closing(sqlite3.connect(f"file:{state / 'switchyard.sqlite'}?mode=ro", uri=True)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def new_state(parent):
    state = Path(parent) / "state"
    result = run(state, "registry", "add", *[str(EXAMPLES / f"support-assistant-{v}.yaml") for v in VERSIONS])
    assert result.returncode == 0, result.stderr
    return state


@contextlib.contextmanager
def small_filesystem(megabytes):
    """A tmpfs of `megabytes` mounted for the test; skipped where mounting is not allowed (needs root)."""
    point = tempfile.mkdtemp(prefix="switchyard-smallfs-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", point], capture_output=True, text=True)
    if mounted.returncode != 0:
        os.rmdir(point)
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.strip()}")
    try:
        yield Path(point)
    finally:
        subprocess.run(["umount", "-l", point], check=True)
        os.rmdir(point)


def fill(directory):
    """Writes a file until the filesystem is full; returns its path. Unbuffered, so that closing the file has
    nothing left to write (a buffered close would raise ENOSPC again, outside the loop)."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
    with contextlib.suppress(OSError):
        while True:  # the last pages a partial block left
            with open(filler, "ab", buffering=0) as out:
                out.write(b"\0" * 512)
    return filler


def output_until(process, text, timeout):
    """What `process` prints (unbuffered reads of its stdout) until a line contains `text`, or `timeout` seconds:
    for a line that comes on a timer, such as the control loop's next tick."""
    seen, deadline = b"", time.time() + timeout
    descriptor = process.stdout.fileno()
    while text.encode() not in seen and time.time() < deadline:
        if select.select([descriptor], [], [], max(0.0, deadline - time.time()))[0]:
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            seen += chunk
    return seen.decode(errors="replace")


def test_a_full_disk_refuses_changes_keeps_serving_and_recovers():
    with small_filesystem(16) as disk:
        fleet = Fleet(directory=disk)
        try:
            client = fleet.client()
            ask = lambda: client.chat.completions.with_raw_response.create(
                model="support-assistant", messages=[{"role": "user", "content": "hi"}])
            generation = fleet.status()["generation"]
            before = history_length(fleet.state)
            filler = fill(disk)

            refused = run(fleet.state, "route", "set", "support-assistant@1.1.0=100%", "--reason", "disk full")
            assert refused.returncode == 1
            assert f"the change was not saved: the filesystem holding '{fleet.state}' is full" in refused.stderr
            assert "Nothing was changed. Free space there" in refused.stderr
            for _ in range(20):
                assert ask().headers["x-switchyard-generation"] == str(generation), "the data plane needs no disk"
            time.sleep(3)  # several control-loop ticks fail meanwhile

            filler.unlink()
            assert history_length(fleet.state) == before
            new = fleet.route("support-assistant@1.1.0=100%")
            assert ask().headers["x-switchyard-bundle"] == "support-assistant@1.1.0"
            assert new == generation + 1
            assert_intact(fleet.state)
            # The control loop says it runs again at its first tick that succeeds; ticks come once a second.
            log = output_until(fleet.serve, "the control loop runs again after", timeout=5) + fleet.stop_serve()
            assert log.count("control loop tick failed") == 1, "said once, not once a second"
            assert "is full" in log
            assert "the control loop runs again after" in log
        finally:
            fleet.stop()


def test_a_file_size_limit_is_a_clear_error_and_changes_nothing(tmp_path):
    state = new_state(tmp_path)
    before = history_length(state)

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    deploy = ("pool", "set", "support-assistant@1.0.0", "--endpoint", "http://127.0.0.1:9", "--replicas", "1", "--max-concurrency", "4")
    refused = run(state, *deploy, "--reason", "ulimit", preexec_fn=limited)
    assert refused.returncode == 1, refused.stderr
    # Opening the store already writes (its -shm index), so the limit stops the command there.
    assert f"cannot open the state: the filesystem refused a write to '{state / 'switchyard.sqlite'}'" in refused.stderr
    assert "A file-size limit (`ulimit -f`), a quota or a failing disk stops SQLite from writing" in refused.stderr
    assert history_length(state) == before
    assert_intact(state)
    assert run(state, *deploy, "--reason", "no limit").returncode == 0


def test_a_database_locked_by_another_process_is_waited_for_then_refused(tmp_path):
    state = new_state(tmp_path)
    before = history_length(state)
    holder = sqlite3.connect(state / "switchyard.sqlite", isolation_level=None)
    try:
        # Like `serve`, the holder has written before, so the WAL is not empty and a reader opening the store
        # needs no write of its own.
        holder.executescript("CREATE TABLE lock_probe (x); DROP TABLE lock_probe;")
        holder.execute("BEGIN IMMEDIATE")
        shown = run(state, "route", "show", "--json")
        assert shown.returncode == 0, "reads go on while another process writes (WAL)"
        started = time.monotonic()
        refused = run(state, "route", "set", "support-assistant@1.0.0=100%", "--reason", "locked")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.returncode == 1
    assert f"the change was not saved: the store '{state / 'switchyard.sqlite'}' stayed locked by another process for 10 s" in refused.stderr
    assert f"`fuser {state / 'switchyard.sqlite'}` shows which process" in refused.stderr
    assert waited >= 9, f"a lock is waited for before giving up (gave up after {waited:.1f} s)"
    assert history_length(state) == before
    assert_intact(state)


@contextlib.contextmanager
def read_only_state(tmp_path):
    """A state directory this process cannot write: a read-only mount for root (whom permissions do not stop), a
    0555 directory for anyone else."""
    if os.geteuid() != 0:
        state = new_state(tmp_path)
        state.chmod(0o555)
        try:
            yield state
        finally:
            state.chmod(0o755)
        return
    with small_filesystem(8) as disk:
        state = new_state(disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        try:
            yield state
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert_intact(state)


def test_a_read_only_state_directory_says_so(tmp_path):
    with read_only_state(tmp_path) as state:
        refused = run(state, "route", "set", "support-assistant@1.0.0=100%", "--reason", "read-only")
        assert refused.returncode == 1
        assert f"cannot open the state: '{state}' is not writable by " in refused.stderr, refused.stderr
        assert "SQLite needs to write the database and its -wal and -shm files there, even to read" in refused.stderr
