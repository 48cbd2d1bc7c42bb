"""The lingering grader that `dunderquest check` leaves behind: the next check reaches it and gets the
same result as a one-off check; it ends after its idle time or with `dunderquest stop`; a change to the
files it serves starts a fresh one; another user can neither reach it nor take its place; and when it
cannot answer, the check is made in the command's own process instead."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tools import NOBODY

REPO = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = REPO / "solutions"


RUNTIME_FOLDERS: list[Path] = []


def short_folder() -> Path:
    """A folder of the test's own with a short path, as a socket's must be (tmp_path can be too long)."""
    folder = Path(tempfile.mkdtemp(prefix="dq-run-", dir="/tmp"))
    RUNTIME_FOLDERS.append(folder)
    return folder


@pytest.fixture(autouse=True)
def remove_short_folders():
    yield
    while RUNTIME_FOLDERS:
        shutil.rmtree(RUNTIME_FOLDERS.pop(), ignore_errors=True)


def environment(tmp_path: Path, linger: str = "60") -> dict[str, str]:
    return dict(os.environ, DUNDERQUEST_LINGER=linger, XDG_RUNTIME_DIR=str(short_folder()))


def dunderquest(env: dict[str, str], *args: str, check: bool = False, prefix: tuple[str, ...] = (),
                python: str = sys.executable) -> subprocess.CompletedProcess:
    done = subprocess.run([*prefix, python, "-m", "dunderquest", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd="/")
    if check:
        assert done.returncode == 0, done.stderr
    return done


def graders(env: dict[str, str]) -> list[dict]:
    from dunderquest.grader.service.lingering_client import running

    return running(env)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[-1][0] != "Z"


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def workspace(tmp_path):
    """A workspace whose level 3 holds the reference solution and level 4 a wrong one."""
    from dunderquest.core.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    shutil.copyfile(SOLUTIONS / "level3_numbers.py", ws.root / "exercises" / "level3_numbers.py")
    shutil.copyfile(REPO / "course" / "wrong" / "level4_example_loader" / "iter_starts_over.py",
                    ws.root / "exercises" / "level4_example_loader.py")
    return ws


@pytest.fixture
def lingering(tmp_path):
    env = environment(tmp_path)
    yield env
    dunderquest(env, "stop")
    for grader in graders(env):
        os.kill(grader["pid"], signal.SIGKILL)


def check_json(env: dict[str, str], workspace, level: str) -> dict:
    done = dunderquest(env, "check", level, "--format", "json", "--seed", "7", "--workspace", str(workspace.root))
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    document.pop("seconds")
    return document


@pytest.mark.slow
def test_the_second_check_reaches_the_grader_the_first_left_and_agrees_with_a_one_off_check(lingering, workspace):
    assert graders(lingering) == []
    first = check_json(lingering, workspace, "level3")
    (grader,) = graders(lingering)
    second = check_json(lingering, workspace, "level3")
    wrong = check_json(lingering, workspace, "level4")
    assert [g["pid"] for g in graders(lingering)] == [grader["pid"]], "the same grader answered"
    assert graders(lingering)[0]["requests"] == 3

    one_off = dict(lingering, DUNDERQUEST_LINGER="0")
    assert first == second == check_json(one_off, workspace, "level3")
    assert first["passed"] is True
    assert wrong == check_json(one_off, workspace, "level4")
    assert wrong["passed"] is False

    doctor = dunderquest(lingering, "doctor", check=True).stdout
    assert f"Background grader: running (pid {grader['pid']}" in doctor
    stopped = dunderquest(lingering, "stop", check=True).stdout
    assert f"Stopped the background grader (process {grader['pid']}, 3 requests served)" in stopped
    assert wait_until(lambda: not alive(grader["pid"]), 10)
    assert list((Path(lingering["XDG_RUNTIME_DIR"]) / "dunderquest").glob("*.sock")) == []
    assert "Background grader: not running" in dunderquest(lingering, "doctor", check=True).stdout
    assert "No background grader was running." in dunderquest(lingering, "stop", check=True).stdout


@pytest.mark.slow
def test_it_ends_after_its_idle_time_with_its_zygote(tmp_path, workspace):
    env = environment(tmp_path, linger="1")
    check_json(env, workspace, "level3")
    (grader,) = graders(env)
    children = Path(f"/proc/{grader['pid']}/task/{grader['pid']}/children").read_text().split()
    assert children, "it holds a zygote"
    assert wait_until(lambda: not alive(grader["pid"]), 30), "it outlived its idle time"
    assert wait_until(lambda: not any(alive(int(pid)) for pid in children), 10), "its zygote outlived it"
    assert graders(env) == []


@pytest.mark.slow
def test_a_change_to_the_levels_files_starts_a_fresh_grader(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(REPO / "examples" / "packs" / "torch-containers", pack)
    env = environment(tmp_path)
    dunderquest(env, "init", str(tmp_path / "ws"), "--pack", str(pack), check=True)
    try:
        first = dunderquest(env, "check", "1", "--format", "json", "--workspace", str(tmp_path / "ws"))
        (old,) = graders(env)
        checks = next(pack.glob("levels/*/checks.py"))
        os.utime(checks, ns=(time.time_ns(), time.time_ns() + 10**9))
        second = dunderquest(env, "check", "1", "--format", "json", "--workspace", str(tmp_path / "ws"))
        assert json.loads(first.stdout)["checks"] == json.loads(second.stdout)["checks"]
        (new,) = graders(env)
        assert new["pid"] != old["pid"], "the grader that served the old files answered"
        assert new["pack"] == str(pack.resolve())
        assert wait_until(lambda: not alive(old["pid"]), 10), "the stale grader stayed"
    finally:
        dunderquest(env, "stop")


@pytest.mark.slow
def test_a_killed_grader_is_replaced_and_an_unsafe_folder_means_a_one_off_check(lingering, workspace):
    expected = check_json(lingering, workspace, "level3")
    (grader,) = graders(lingering)
    os.kill(grader["pid"], signal.SIGKILL)  # the socket file stays behind, with no one listening
    assert check_json(lingering, workspace, "level3") == expected
    (replacement,) = graders(lingering)
    assert replacement["pid"] != grader["pid"]
    dunderquest(lingering, "stop", check=True)

    folder = Path(lingering["XDG_RUNTIME_DIR"]) / "dunderquest"
    folder.chmod(0o755)  # others could reach a socket in it: no grader may listen there
    assert check_json(lingering, workspace, "level3") == expected
    assert list(folder.glob("*.sock")) == []


@pytest.mark.slow
def test_a_grader_that_hangs_is_ended_and_replaced_before_or_during_a_request(lingering, workspace, monkeypatch):
    from dunderquest.grader.service import lingering_client

    expected = check_json(lingering, workspace, "level3")
    (hung,) = graders(lingering)
    os.kill(hung["pid"], signal.SIGSTOP)  # it still accepts connections (the kernel queues them), but never answers
    assert check_json(lingering, workspace, "level3") == expected
    assert wait_until(lambda: not alive(hung["pid"]), 10), "the grader that hung was left running"
    (replacement,) = graders(lingering)

    monkeypatch.setattr(lingering_client, "SILENCE", 3.0)
    client = lingering_client.LingeringClient(workspace.pack, lingering, fallback=False)
    try:
        client._ensure()
        assert client.process.pid == replacement["pid"]
        os.kill(replacement["pid"], signal.SIGSTOP)  # it hangs with the request on its way
        results = []
        asking = threading.Thread(target=lambda: results.append(client.grade(
            workspace.catalog.get("level3"), workspace.root / "exercises" / "level3_numbers.py", seed=7)), daemon=True)
        asking.start()
        asking.join(60)
        assert results, "the request waited on a grader that hangs"
        (result,) = results
        assert result.passed, result
        assert [check.id for check in result.checks] == [check["id"] for check in expected["checks"]]
        assert wait_until(lambda: not alive(replacement["pid"]), 10), "the grader that hung was left running"
        (third,) = graders(lingering)
        assert third["pid"] not in (hung["pid"], replacement["pid"])
    finally:
        client.close()


def test_a_folder_that_is_not_this_users_own_is_not_used(tmp_path):
    from dunderquest.grader.service.address import runtime_folder

    runtime = short_folder()
    env = {"XDG_RUNTIME_DIR": str(runtime)}
    assert runtime_folder(env) == str(runtime / "dunderquest")
    assert (runtime / "dunderquest").stat().st_mode & 0o777 == 0o700
    (runtime / "dunderquest").chmod(0o711)
    assert runtime_folder(env) is None, "a folder others may enter"
    (runtime / "dunderquest").rmdir()
    (runtime / "dunderquest").symlink_to(tmp_path)
    assert runtime_folder(env) is None, "a symbolic link, which another user may have planted"
    if os.geteuid() == 0:
        (runtime / "dunderquest").unlink()
        (runtime / "dunderquest").mkdir(mode=0o700)
        os.chown(runtime / "dunderquest", NOBODY, NOBODY)
        assert runtime_folder(env) is None, "another user's folder"


def test_a_grader_that_drops_every_request_makes_check_grade_in_its_own_process(tmp_path, workspace):
    """A lingering grader that accepts a command and then fails it (as one that crashes would): the
    check falls back to a one-off check, with the same verdict."""
    env = environment(tmp_path)
    script = f"""
import json, os, socket, sys, threading
from dunderquest.grader.service.address import identity, runtime_folder
folder = runtime_folder()
name, fingerprint = identity()
listener = socket.socket(socket.AF_UNIX)
listener.bind(os.path.join(folder, name + ".sock"))
listener.listen(8)
def serve():
    while True:
        sock, _ = listener.accept()
        lines = sock.makefile("rb")
        lines.readline()
        sock.sendall(b'{{"ok": true}}\\n')
        lines.readline()  # a request: dropped, with the connection
        lines.close()
        sock.close()
threading.Thread(target=serve, daemon=True).start()
from dunderquest.cli import main
sys.exit(main(["check", "level3", "--format", "json", "--seed", "7", "--workspace", {str(workspace.root)!r}]))
"""
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    document.pop("seconds")
    assert document == check_json(dict(env, DUNDERQUEST_LINGER="0"), workspace, "level3")


@pytest.mark.slow
def test_another_user_can_neither_reach_it_nor_be_served_by_it(workspace, as_nobody):
    """Root's grader, reached as nobody: its folder is closed. Nobody's grader, reached as root (who
    may open any folder): it sees another user at the other end and hangs up. Each user's check works."""
    prefix, python, env, top = as_nobody
    runtime = short_folder()
    runtime.chmod(0o755)  # open to all: only the grader's own folder in it keeps others out
    mine = dict(os.environ, DUNDERQUEST_LINGER="60", XDG_RUNTIME_DIR=str(runtime))
    nobody_runtime = top / "run"
    nobody_runtime.mkdir(mode=0o700, exist_ok=True)
    os.chown(nobody_runtime, NOBODY, NOBODY)
    theirs = dict(env, DUNDERQUEST_LINGER="60", XDG_RUNTIME_DIR=str(nobody_runtime))
    try:
        check_json(mine, workspace, "level3")
        (grader,) = graders(mine)
        socket_path = next((runtime / "dunderquest").glob("*.sock"))
        probe = ("import socket, sys\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect(sys.argv[1])\n"
                 "except OSError as err:\n    print(type(err).__name__)\nelse:\n    print('connected')")
        reached = subprocess.run([*prefix, python, "-c", probe, str(socket_path)], env=env, capture_output=True,
                                 text=True, timeout=60)
        assert reached.stdout.strip() == "PermissionError", reached.stderr

        ws = top / "home" / "lingering-ws"  # nobody's home
        dunderquest(theirs, "init", str(ws), prefix=prefix, python=python, check=True)
        done = dunderquest(theirs, "check", "1", "--format", "json", "--workspace", str(ws), prefix=prefix,
                           python=python)
        assert json.loads(done.stdout)["passed"] is False, done.stderr
        their_socket = next((nobody_runtime / "dunderquest").glob("*.sock"))
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(10)
        sock.connect(str(their_socket))  # root may open the folder, but
        try:
            sock.sendall(b'{"op": "status"}\n')
            answer = sock.recv(1000)
        except (BrokenPipeError, ConnectionResetError):  # it hung up without reading what root sent
            answer = b""
        assert answer == b"", "nobody's grader answered root"
        sock.close()
        assert [g["pid"] for g in graders(mine)] == [grader["pid"]], "root's grader still serves root"
    finally:
        dunderquest(theirs, "stop", prefix=prefix, python=python)
        dunderquest(mine, "stop")


def test_check_without_a_level_checks_the_current_one(tmp_path):
    env = dict(os.environ, DUNDERQUEST_LINGER="0")
    from dunderquest.core.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    shutil.copyfile(SOLUTIONS / "level1_double.py", ws.root / "exercises" / "level1_double.py")
    first = dunderquest(env, "check", "--workspace", str(ws.root))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.startswith("Level 1: ")
    second = dunderquest(env, "check", "--workspace", str(ws.root))
    assert second.stdout.startswith("Level 2: "), "level 1 passed: level 2 is the current one"
    assert second.returncode == 1


def test_a_request_whose_handling_fails_is_answered_not_left_waiting(tmp_path):
    """A fault in the grader's own code while it passes a request on (a bug, a zygote gone at the worst
    moment) answers the command with an error, instead of leaving it to wait with the heartbeat going."""
    from dunderquest.grader.service.lingering import LingeringGrader

    grader = LingeringGrader(short_folder(), "test", 60.0, "fingerprint")

    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'stdin'")

    grader.grader._ask = broken
    said = []
    grader._run({"id": 7, "op": "grade"}, said.append, {}, set())
    assert said == [{"ok": False, "error": "the grader failed (AttributeError: 'NoneType' object has no attribute "
                                           "'stdin')", "id": 7}]
    assert grader.running == 0


# -- the thin client: check, list and hint handed to the grader ----------------------------------------


@pytest.mark.slow
def test_a_shell_s_check_list_and_hint_are_run_by_the_grader_as_they_would_run_here(lingering, workspace, tmp_path):
    """The thin client hands `check`, `list` and `hint` to the grader of the workspace's course, which
    runs them and sends back what they write: the same text, the same exit status, the same progress,
    as the command run in its own process (each run here on a copy of the same workspace)."""
    def run(env, *args):
        copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(workspace.root, copy)
        done = dunderquest(env, *args, "--workspace", str(copy))
        out = re.sub(r"checks passed in [0-9.]+ s", "checks passed", done.stdout).replace(str(copy), "WS")
        out = "".join(line for line in out.splitlines(keepends=True) if not line.startswith(WAITING))
        if "json" in args and "check" in args:
            out = {**json.loads(out), "seconds": 0}
        progress = (copy / ".dunderquest" / "progress.json").read_text()
        return done.returncode, out, done.stderr.replace(str(copy), "WS"), re.sub(r'"20[0-9T:+-]+"', "", progress)

    dunderquest(lingering, "check", "level3", "--workspace", str(workspace.root))  # starts the grader
    (grader,) = graders(lingering)
    one_off = dict(lingering, DUNDERQUEST_LINGER="0")
    for args in (("check", "level4", "--seed", "7"), ("check", "3", "--seed", "2"), ("list",),
                 ("list", "--format", "json"), ("check", "level12"), ("check", "--format", "json", "4", "--seed", "5"),
                 ("hint", "4"), ("hint",)):
        assert run(lingering, *args) == run(one_off, *args), args
    assert graders(lingering)[0]["requests"] >= 9, "the grader ran the commands"
    assert graders(lingering)[0]["pid"] == grader["pid"]


WAITING = ("Waiting for the grader", "Still running your code")


@pytest.mark.slow
def test_grade_of_one_workspace_is_run_by_the_grader_and_writes_where_it_was_asked(lingering, workspace, tmp_path):
    """`grade` of one workspace goes to the grader too: the same report, the same words, the same exit
    status, and --output taken from the folder the command was started in; a class is graded by the
    command itself."""
    def run(env, fmt, output):
        done = subprocess.run([sys.executable, "-m", "dunderquest", "grade", "--format", fmt, "--seed", "4",
                               "--output", output], env=env, capture_output=True, text=True, timeout=300,
                              cwd=workspace.root / "exercises")
        text = (workspace.root / "exercises" / output).read_text()
        return done.returncode, done.stdout, done.stderr, re.sub(r'"seconds": [0-9.]+|time="[0-9.]+"', "", text)

    dunderquest(lingering, "check", "level3", "--workspace", str(workspace.root))  # starts the grader
    before = graders(lingering)[0]["requests"]
    one_off = dict(lingering, DUNDERQUEST_LINGER="0")
    for fmt in ("json", "junit"):
        served, here = run(lingering, fmt, f"../served.{fmt}"), run(one_off, fmt, f"../here.{fmt}")
        assert served[0] == here[0] == 1 and served[2] == here[2] == ""
        assert served[1].replace("served", "here") == here[1] and f"Wrote ../served.{fmt}" in served[1]
        assert served[3] == here[3]
    assert graders(lingering)[0]["requests"] >= before + 2, "the grader ran both"


@pytest.mark.slow
def test_a_check_says_its_level_at_once_and_what_it_waits_for_after_a_second(lingering, workspace):
    """A check whose code hangs: the level's heading comes at once, then what the command waits for,
    long before the check's own 10 s limit; ctrl+c ends it, and the grader lets the run go."""
    dunderquest(lingering, "check", "level3", "--workspace", str(workspace.root))  # starts the grader
    stuck = workspace.root / "exercises" / "level1_double.py"
    stuck.write_text("class Double:\n    def __call__(self, x):\n        while True:\n            pass\n")
    process = subprocess.Popen([sys.executable, "-m", "dunderquest", "check", "1", "--workspace",
                                str(workspace.root)], env=lingering, stdout=subprocess.PIPE, text=True, cwd="/")
    began = time.monotonic()
    try:
        heading = process.stdout.readline()
        assert heading.startswith("Level 1: Objects you can call (Double)") and time.monotonic() - began < 5
        waiting = process.stdout.readline()
        assert waiting.startswith("Still running your code: a check that does not end is stopped after 10 s")
        assert time.monotonic() - began < 8
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 130
    finally:
        process.kill()
    assert wait_until(lambda: graders(lingering)[0]["running"] == 0, 15), "the run went on after its command"
