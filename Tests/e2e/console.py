"""Drives `switchyard console` in a real terminal: tmux starts it, sends keys and reads the screen."""
import os
import re
import shlex
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from fleet import BINARY, ROOT


class Console:
    """One console in its own tmux session, with its own state directory."""

    def __init__(self, *args, width=100, height=30, command="console", state=None, user=None, binary=BINARY, cwd=ROOT):
        self.dir = Path(tempfile.mkdtemp(prefix="switchyard-console-"))
        self.state = Path(state) if state else self.dir / "state"
        self.session = f"console-{uuid.uuid4().hex[:8]}"
        self.exit_file = self.dir / "exit-code"
        command = " ".join([*(["runuser", "-u", user, "--"] if user else []), shlex.quote(str(binary)), command, "--state", shlex.quote(str(self.state)), *map(shlex.quote, args)])
        script = f"cd {shlex.quote(str(cwd))} && {command}; echo $? > {shlex.quote(str(self.exit_file))}; sleep 600"
        env = {**os.environ, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height), script], check=True, env=env)

    def screen(self):
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True, check=True).stdout

    def wait_for(self, text, timeout=20):
        """Waits until `text` is on screen; fails with the screen as it was."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"'{text}' never appeared; the screen was:\n{self.screen()}")

    def wait_for_traffic(self, timeout=20):
        """Waits until the router has observed traffic (the header counts pinned sessions)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(r"pinned sessions [1-9]", self.screen()):
                return
            time.sleep(0.2)
        raise AssertionError(f"no traffic observed; the screen was:\n{self.screen()}")

    def keys(self, *keys, literal=False):
        subprocess.run(["tmux", "send-keys", "-t", self.session, *(["-l"] if literal else []), *keys], check=True)

    def type(self, text):
        """Types `text` and presses Enter."""
        self.keys(text, literal=True)
        self.keys("Enter")

    def resize(self, width, height):
        subprocess.run(["tmux", "resize-window", "-t", self.session, "-x", str(width), "-y", str(height)], check=True)

    def exit_code(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.exit_file.exists() and self.exit_file.read_text().strip():
                return int(self.exit_file.read_text())
            time.sleep(0.1)
        raise AssertionError(f"the console did not exit; the screen was:\n{self.screen()}")

    def cli(self, *args):
        result = subprocess.run([str(BINARY), *args, "--state", str(self.state)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def stop(self):
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)
