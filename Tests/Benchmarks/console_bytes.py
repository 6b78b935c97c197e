"""`make bench-console`, part 2: bytes the console writes to the terminal per second in steady state.

Runs `switchyard console --demo` in a pseudo-terminal of 200×60 (TERM=xterm-256color), lets it settle,
then counts what it writes over a window. The baseline, measured in the same run, is the first full frame:
a console that repainted everything every second would write that much per second.
Target: ≤ 4 KB/s at the default 1 s refresh, so that it stays usable over a slow SSH link.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("SWITCHYARD_BIN", ROOT / ".build" / "release" / "switchyard"))
SETTLE = float(os.environ.get("BENCH_SETTLE", "10"))
WINDOW = float(os.environ.get("BENCH_SECONDS", "30"))


def read_for(fd, seconds):
    """Bytes read from `fd` over `seconds`."""
    total = 0
    deadline = time.time() + seconds
    while (left := deadline - time.time()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                total += len(os.read(fd, 65536))
            except OSError:
                break
    return total


def main():
    state = Path(tempfile.mkdtemp(prefix="switchyard-bench-console-")) / "state"
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.environ.update(TERM="xterm-256color", LANG="C.UTF-8")
        os.execv(str(BINARY), [str(BINARY), "console", "--demo", "--state", str(state)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
    first = read_for(fd, 3)
    read_for(fd, SETTLE)
    steady = read_for(fd, WINDOW)
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    rate = steady / WINDOW
    print(f"first frame (a full repaint, the baseline): {first} bytes")
    print(f"steady state over {WINDOW:.0f} s: {steady} bytes = {rate:.0f} B/s")
    print(f"ratio steady B/s ÷ full repaint per second: {rate / max(first, 1):.3f}×   "
          f"target ≤ 4096 B/s → {'met' if rate <= 4096 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
