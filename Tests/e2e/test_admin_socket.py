"""Who may steer: serve's admin socket (mode 0660, a group, a read-only viewers group) runs the commands of users
who cannot write the state files, and journals them under the user the kernel names (SO_PEERCRED).

Needs root, to create the users and groups and run commands as them (runuser), as CI does."""
import json
import os
import shutil
import signal
import stat
import subprocess
import grp

import pytest

from console import Console
from fleet import BINARY, ROOT, Fleet

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="creates users and groups: run as root (CI does)")

OPERATORS, VIEWERS = "sy-ops", "sy-viewers"
USERS = {"sy-oncall": [OPERATORS], "sy-viewer": [OPERATORS, VIEWERS], "sy-stranger": []}


@pytest.fixture(scope="module")
def fleet():
    for group in (OPERATORS, VIEWERS):
        subprocess.run(["groupadd", "-f", group], check=True)
    for user, groups in USERS.items():
        if subprocess.run(["id", user], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user], check=True)
        subprocess.run(["usermod", "-G", ",".join(groups), user], check=True)
    fleet = Fleet(serve_options=["--admin-group", OPERATORS, "--viewers-group", VIEWERS], policy="drain: {stages: [60, 0]}\n")
    os.chmod(fleet.dir, 0o755)  # others may reach the socket; the store stays writable by root alone
    # The binary and the themes, copied where the other users can read them wherever the checkout lives (a clone
    # in a 0700 directory, such as `mktemp -d` makes, would refuse them the build's own).
    fleet.users_binary = fleet.dir / "switchyard"
    shutil.copy2(BINARY, fleet.users_binary)
    os.chmod(fleet.users_binary, 0o755)
    shutil.copytree(ROOT / "Themes", fleet.dir / "Themes")
    yield fleet
    fleet.stop()


def as_user(fleet, user, *args):
    """`switchyard ARGS` run as `user` from the fleet's directory, with a relative --state."""
    return subprocess.run(["runuser", "-u", user, "--", str(fleet.users_binary), *args, "--state", "state"],
                          cwd=fleet.dir, capture_output=True, text=True)


def journal_head(fleet):
    return json.loads(fleet.cli("history", "--limit", "1", "--json"))[-1]


def test_the_socket_is_0660_and_belongs_to_the_admin_group(fleet):
    info = os.stat(fleet.state / "admin.sock")
    assert stat.S_ISSOCK(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o660
    assert grp.getgrgid(info.st_gid).gr_name == OPERATORS


def test_an_operator_steers_through_the_socket_and_is_the_journals_actor(fleet):
    cannot_write = subprocess.run(["runuser", "-u", "sy-oncall", "--", "test", "-w", str(fleet.state / "switchyard.sqlite")])
    assert cannot_write.returncode != 0, "sy-oncall could write the store itself: the test would not go through the socket"
    result = as_user(fleet, "sy-oncall", "route", "set", "support-assistant@1.1.0=100%", "--reason", "INC-12: move off 1.0.0")
    assert result.returncode == 0, result.stderr
    assert "committed: default → support-assistant@1.1.0 100%" in result.stdout
    entry = journal_head(fleet)
    assert (entry["kind"], entry["actor"], entry["reason"]) == ("route.set", "sy-oncall", "INC-12: move off 1.0.0")
    fleet.route("support-assistant@1.0.0=100%")
    assert journal_head(fleet)["actor"] == "root", "the state's owner runs its commands itself, as itself"


def test_a_viewer_may_look_but_not_steer(fleet):
    shown = as_user(fleet, "sy-viewer", "route", "show")
    assert shown.returncode == 0, shown.stderr
    assert "support-assistant@1.0.0 100%" in shown.stdout
    before = journal_head(fleet)
    refused = as_user(fleet, "sy-viewer", "freeze", "--reason", "just looking")
    assert refused.returncode == 3
    assert "sy-viewer may only look: sy-viewer is in the viewers group 'sy-viewers'" in refused.stderr
    assert journal_head(fleet) == before, "a refused command changes nothing"
    switched = subprocess.run(["runuser", "-u", "sy-viewer", "-g", OPERATORS, "--", str(fleet.users_binary), "freeze", "--reason", "sg", "--state", "state"],
                              cwd=fleet.dir, capture_output=True, text=True)
    assert switched.returncode == 3, "running with the operators group as primary does not shed the viewers group"


def test_files_and_serves_environment_stay_the_owners(fleet):
    secret = fleet.dir / "root-only.yaml"
    secret.write_text("tier0: {burn_threshold: 1}\n")
    os.chmod(secret, 0o600)
    for arguments, says in [(["pool", "apply", str(secret), "--reason", "x"], "reads files, which serve would open with its own rights"),
                            (["rollback", "start", "--policy", str(secret), "--reason", "x"], "--policy names a file"),
                            (["pool", "set", "support-assistant@1.0.0", "--api-key-env", "HOME", "--reason", "x"], "--api-key-env would send")]:
        result = as_user(fleet, "sy-oncall", *arguments)
        assert result.returncode == 3 and says in result.stderr, (arguments, result.stderr)


def test_someone_outside_the_group_is_told_which_group_opens_the_socket(fleet):
    result = as_user(fleet, "sy-stranger", "status")
    assert result.returncode == 3
    assert "you cannot use the admin socket" in result.stderr and "Permission denied" in result.stderr
    assert f"members of group '{OPERATORS}'" in result.stderr


def test_without_serve_an_operator_is_told_to_start_it_and_a_second_serve_is_refused(fleet):
    second = subprocess.run([str(BINARY), *fleet.serve_arguments], capture_output=True, text=True, timeout=30)
    assert second.returncode == 3 and "already listens on" in second.stderr, second.stderr
    fleet.serve.send_signal(signal.SIGKILL)
    fleet.serve.wait()
    assert (fleet.state / "admin.sock").exists(), "a killed serve leaves its socket behind"
    result = as_user(fleet, "sy-oncall", "freeze", "--reason", "serve is down")
    assert result.returncode == 3
    assert "no serve answers on" in result.stderr and "cannot write the state files" in result.stderr
    fleet.cli("route", "show")  # the owner works on the files while serve is down
    fleet.start_serve()  # replaces the dead serve's socket
    assert as_user(fleet, "sy-oncall", "route", "show").returncode == 0
    fleet.serve.send_signal(signal.SIGTERM)
    fleet.serve.wait(timeout=30)
    assert not (fleet.state / "admin.sock").exists(), "a serve that stops removes its socket"
    fleet.start_serve()


def test_an_operators_console_steers_through_the_socket_and_a_viewers_only_looks(fleet):
    operator = Console(width=120, height=40, state=fleet.state, user="sy-oncall", binary=fleet.users_binary, cwd=fleet.dir)
    try:
        operator.wait_for("attached through")
        operator.wait_for("gen ")
        operator.keys("f")
        operator.wait_for("Reason (goes into the journal)")
        operator.type("INC-13 from the console")
        operator.wait_for("Scope:")
        operator.keys("Enter")
        operator.wait_for("Expires after")
        operator.type("30m")
        operator.keys("y")
        operator.wait_for("FROZEN (all) by sy-oncall")
    finally:
        operator.stop()
    declared = json.loads(fleet.cli("history", "--kind", "freeze.declared", "--json"))[-1]
    assert (declared["actor"], declared["reason"]) == ("sy-oncall", "INC-13 from the console")

    viewer = Console(width=120, height=40, state=fleet.state, user="sy-viewer", binary=fleet.users_binary, cwd=fleet.dir)
    try:
        screen = viewer.wait_for("attached through")
        assert "as sy-viewer, read-only" in screen and "READ-ONLY" in screen
        viewer.wait_for("FROZEN (all) by sy-oncall")
        viewer.keys("u")
        viewer.wait_for("sy-viewer is in serve's viewers group: looking only")
    finally:
        viewer.stop()
    fleet.cli("unfreeze", "--reason", "test over")
    assert json.loads(fleet.cli("history", "--limit", "1", "--json"))[-1]["actor"] == "root"


def test_a_rollback_through_the_socket_drains_by_serves_own_policy(fleet):
    fleet.route("support-assistant@1.0.0=50%", "support-assistant@1.1.0=50%")
    result = as_user(fleet, "sy-oncall", "rollback", "start", "--from", "support-assistant@1.1.0", "--to", "support-assistant@1.0.0",
                     "--staged", "--yes", "--reason", "INC-14")
    assert result.returncode == 0, result.stderr
    start = json.loads(fleet.cli("history", "--kind", "rollback.start", "--json"))[-1]
    assert start["actor"] == "sy-oncall"
    assert (start["payload"]["stages"], start["payload"]["remaining_basis_points"]) == (2, 6000), \
        "serve's policy (stages 60%, 0%), not the default four stages"
