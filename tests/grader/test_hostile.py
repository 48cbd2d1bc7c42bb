"""Broken and malicious submissions (hostile/*.py): each must get the outcome its header names, with a
message in plain words, and grading must go on to judge the next file correctly.

Each file is graded twice: through the CLI, as a learner runs it (`dunderquest check LEVEL --format
json`, a fresh process), and through the warm grader the game and `watch` share (GraderClient). Both
lay the file out the same way: a workspace with its progress, and beside it another student's folder
with a submission the file must not be able to read.

Through the CLI, nothing may be left behind: every process a check started is found by a marker in its
environment (inside a sandbox's PID namespace, the pids a case could write down are not the machine's),
and once the command has ended none of them may still run (a zombie counts as gone). No file outside
the sandbox may change, and no connection or datagram may reach a server the test runs on loopback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from grader_corpus import LEVELS, REPO, Submission, check_ids, explain, hostile_submissions, leaks

from dunderquest.core.workspace import Workspace
from dunderquest.grader.confinement.doctor import in_force
from tools import NOBODY

HOSTILE = hostile_submissions()
SECRET = "# another student's submission: SECRET-7f3a\n"
MARKER = "DUNDERQUEST_TEST_CASE"


def in_force_names() -> set[str]:
    return {p.name for p in in_force() if p.in_force}


def skip_unless_protected(submission: Submission) -> None:
    missing = [need for need in submission.needs if need not in in_force_names()]
    if missing:
        pytest.skip(f"this attack is only safe to run where {', '.join(missing)} is in force "
                    "(see `dunderquest doctor`)")


def lay_out(submission: Submission, folder: Path) -> Path:
    """`folder`/ws (a workspace holding the submission as its level's file) and `folder`/other-student.
    Returns the submission's path."""
    level = Workspace.create(folder / "ws").catalog.get(submission.level)
    copy = folder / "ws" / "exercises" / level.file_name
    shutil.copyfile(submission.path, copy)
    other = folder / "other-student" / "exercises" / "level1_double.py"
    other.parent.mkdir(parents=True)
    other.write_text(SECRET, encoding="utf-8")
    return copy


def files_outside_the_sandbox(folder: Path) -> dict[str, bytes]:
    """Every file of the layout but the progress the CLI itself records, with its content."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith("progress.json")}


@contextmanager
def listening(port: int | None):
    """A TCP server and a UDP socket on loopback `port`, recording what reaches them."""
    if port is None:
        yield []
        return
    heard: list[str] = []
    tcp = socket.create_server(("127.0.0.1", port), reuse_port=False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    for s in (tcp, udp):
        s.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            for s in (tcp, udp):
                try:
                    heard.append("tcp connection" if s is tcp and s.accept() else f"udp {s.recv(100)!r}")
                except (TimeoutError, OSError):
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield heard
    finally:
        stop.set()
        thread.join()
        tcp.close()
        udp.close()


def processes_with(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment carries `marker`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if marker.encode() not in f.read():
                    continue
            with open(f"/proc/{name}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(name))
    return found


def left_behind(marker: str) -> list[str]:
    """Processes of the case still running a while after the command ended; killed once listed."""
    deadline = time.monotonic() + 10
    while (pids := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    described = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:120]
            described.append(f"{pid}: {command!r}")
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return described


def check_through_cli(submission: Submission, folder: Path, env: dict[str, str] | None = None,
                      prefix: tuple[str, ...] = (), python: str = sys.executable, owner: int | None = None) -> dict:
    """Runs `dunderquest check` on the laid-out submission (as `prefix` says, e.g. as another user, who
    then owns the folder); returns its JSON, with what the case left behind: processes, changed files,
    what reached the loopback server."""
    path = lay_out(submission, folder)
    if owner is not None:
        for place in [folder, *folder.rglob("*")]:
            os.chown(place, owner, owner)
    before = files_outside_the_sandbox(folder)
    marker = f"{MARKER}={uuid.uuid4().hex}"
    env = dict(os.environ if env is None else env)
    env[MARKER] = marker.split("=", 1)[1]
    level = Workspace.find(folder / "ws").catalog.get(submission.level)
    began = time.monotonic()
    with listening(submission.listens) as heard:
        done = subprocess.run([*prefix, python, "-m", "dunderquest", "check", level.id, "--format", "json",
                               "--workspace", str(folder / "ws")], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=120)
        seconds = time.monotonic() - began
        behind = left_behind(marker)
    try:
        document = json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"no JSON on stdout (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    assert done.returncode == (0 if document["passed"] else 1), done.stderr[-2000:]
    document["_left_behind"] = behind
    document["_changed"] = sorted(name for name, data in files_outside_the_sandbox(folder).items()
                                  if before.get(name) != data)
    document["_heard"] = list(heard)
    document["_progress"] = (folder / "ws" / ".dunderquest" / "progress.json").read_text(encoding="utf-8") \
        if (folder / "ws" / ".dunderquest" / "progress.json").exists() else ""
    document["_seconds"] = seconds
    document["_path"] = str(path)
    return document


def judge_cli(submission: Submission, document: dict) -> None:
    level = Workspace.find(Path(document["_path"]).parents[1]).catalog.get(submission.level)
    names = dict(level.checks())
    outcome = {check["name"]: check["passed"] for check in document["checks"]}
    shown = "\n".join(f"  {'PASS' if c['passed'] else 'FAIL'} {c['name']}: {c['message'][:300]}"
                      for c in document["checks"])
    assert document["passed"] == submission.passes, shown
    assert set(outcome) == set(names.values()), "every check gets exactly one outcome"
    assert [c for c in submission.must_fail if outcome[names[c]]] == [], shown
    assert [c for c in submission.must_pass if not outcome[names[c]]] == [], shown
    failed = [c["message"] for c in document["checks"] if not c["passed"]]
    assert all(message.strip() for message in failed)
    assert not [m for m in failed if "Traceback (most recent call last)" in m or "The grader itself failed" in m]
    for text in submission.says:
        assert any(text in message for message in failed), f"no message says {text!r}:\n{shown}"
    for text in submission.notes:
        assert any(text in note for note in document["notes"]), f"no note says {text!r}: {document['notes']}"
    assert document["_left_behind"] == [], "processes outlived the check"
    assert document["_changed"] == [], "files outside the sandbox changed"
    assert document["_heard"] == [], "something reached the loopback server"
    assert "hacked" not in document["_progress"], "the workspace's progress was rewritten"


@pytest.mark.slow
@pytest.mark.parametrize("submission", [s.param(bug=s.known_bug) for s in HOSTILE])
def test_through_the_cli_a_hostile_submission_gets_its_outcome_and_leaves_nothing_behind(submission, tmp_path):
    skip_unless_protected(submission)
    judge_cli(submission, check_through_cli(submission, tmp_path))


# -- the warm grader, as the game and `watch` use it ----------------------------------------------------


@pytest.fixture(scope="session")
def graded(grader, catalog, tmp_path_factory):
    """Each hostile file is graded once per session (some wait for a 10 s deadline)."""
    done = {}

    def grade(submission: Submission):
        if submission.path not in done:
            folder = tmp_path_factory.mktemp(submission.path.stem)
            path = lay_out(submission, folder)
            before = files_outside_the_sandbox(folder)
            with listening(submission.listens) as heard:
                result = grader.grade(catalog.get(submission.level), path)
            changed = [name for name, data in files_outside_the_sandbox(folder).items() if before.get(name) != data]
            done[submission.path] = catalog.get(submission.level), result, changed, list(heard)
        return done[submission.path]

    return grade


@pytest.mark.parametrize("submission", [s.param(bug=s.known_bug) for s in HOSTILE])
def test_a_hostile_submission_gets_the_outcome_it_deserves(graded, submission):
    skip_unless_protected(submission)
    level, result, changed, heard = graded(submission)
    assert result.passed == submission.passes, explain(result)
    outcome = {check.id: check.passed for check in result.checks}
    assert set(outcome) == set(check_ids(level)), "every check gets exactly one outcome"
    assert [c for c in submission.must_fail if outcome[c]] == [], explain(result)
    assert [c for c in submission.must_pass if not outcome[c]] == [], explain(result)
    assert all(check.message.strip() for check in result.checks if not check.passed)
    assert not leaks(result), "\n".join(leaks(result))
    assert changed == [] and heard == []
    for text in submission.notes:
        assert any(text in note for note in result.notes), result.notes


@pytest.mark.parametrize("submission", [s.param(bug=s.unclear_message) for s in HOSTILE if s.says])
def test_a_hostile_submission_is_told_what_went_wrong(graded, submission):
    skip_unless_protected(submission)
    _, result, _, _ = graded(submission)
    messages = "\n".join(check.message for check in result.checks if not check.passed)
    for text in submission.says:
        assert text in messages, f"no message says {text!r}:\n{explain(result)}"


def crashing_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("import torch\nraise SystemExit('bye')\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("which", ["solution", "stub", "crash"])
@pytest.mark.parametrize("folder", LEVELS)
def test_every_check_gets_exactly_one_outcome(grader, catalog, tmp_path, folder, which):
    level = catalog.get(folder)
    path = {"solution": REPO / "solutions" / level.file_name,
            "stub": REPO / "exercises" / level.file_name,
            "crash": crashing_file(tmp_path, level.file_name)}[which]
    result = grader.grade(level, path)
    ids = [check.id for check in result.checks]
    assert sorted(ids) == sorted(check_ids(level))
    assert result.passed == (which == "solution")


def test_files_planted_beside_the_submission_never_reach_the_grader(grader, catalog, tmp_path):
    """A submission that tries to write conftest.py, torch.py and pytest.py (each of which would pass
    every check) into its folder and the sandbox's: its own grade and the next ones are still right.
    Where Landlock is in force, the files beside the submission are not even written."""
    planter = next(s for s in HOSTILE if s.path.name == "plants_conftest_and_torch.py")
    level = catalog.get(planter.level)
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    shutil.copyfile(planter.path, exercises / level.file_name)
    assert grader.grade(level, exercises / level.file_name).passed
    planted = (exercises / "torch.py").exists() and (exercises / "conftest.py").exists()
    assert planted is ("landlock filesystem" not in in_force_names()), "the attack ran only where it could"
    for wrong, should_pass in (("exercises", False), ("solutions", True)):
        other = exercises / f"other_{wrong}.py"
        shutil.copyfile(REPO / wrong / level.file_name, other)
        assert grader.grade(level, other).passed is should_pass
    assert not (exercises / "planted-was-imported").exists(), "a planted file was imported"


# -- where a protection is missing, and as an unprivileged user -----------------------------------------

SAFE_WITHOUT_PROTECTIONS = ("daemon_rewrites_progress.py", "starts_a_shell_daemon.py", "prints_40_mb.py",
                            "leaves_a_spinning_thread.py", "reads_the_environment.py", "forks_a_child_that_raises.py",
                            "borrows_the_reference_by_import.py", "borrows_the_reference_by_a_computed_import.py")


def doctor(env: dict[str, str], prefix: tuple[str, ...] = (), python: str = sys.executable) -> dict[str, dict]:
    done = subprocess.run([*prefix, python, "-m", "dunderquest", "doctor", "--format", "json"], env=env,
                          capture_output=True, text=True, timeout=120, cwd="/")
    assert done.returncode == 0, done.stderr
    return {p["name"]: p for p in json.loads(done.stdout)}


def test_doctor_tells_the_truth_when_protections_are_switched_off():
    from dunderquest.grader.confinement import landlock

    found = doctor(dict(os.environ))
    assert found["landlock filesystem"]["in_force"] is (landlock.abi() > 0)
    assert found["pid namespace"]["in_force"] is not found.get("subreaper", {"in_force": False})["in_force"]
    off = doctor(dict(os.environ, DUNDERQUEST_SANDBOX_OFF="namespaces,landlock,rlimits,output-cap"))
    for name in ("pid namespace", "network namespace", "landlock filesystem", "landlock network",
                 "landlock signal scope", "rlimit memory", "rlimit cpu time", "output cap"):
        assert off[name]["in_force"] is False and "switched off" in off[name]["detail"], off[name]
    assert off["subreaper"]["in_force"] is (sys.platform == "linux"), "the fallback takes over"


@pytest.mark.slow
def test_a_result_notes_the_protections_its_sandbox_went_without(tmp_path):
    workspace = Workspace.create(tmp_path / "ws")
    level = workspace.catalog.get("level1")
    shutil.copyfile(REPO / "solutions" / level.file_name,
                    workspace.exercise(level))

    def notes(**env: str) -> list[str]:
        done = subprocess.run([sys.executable, "-m", "dunderquest", "check", "1", "--format", "json", "--workspace",
                               str(workspace.root)], env=dict(os.environ, **env), capture_output=True, text=True,
                              timeout=300)
        result = json.loads(done.stdout)
        assert result["passed"], done.stderr
        return result["notes"]

    off = notes(DUNDERQUEST_SANDBOX_OFF="landlock,rlimits")
    assert len(off) == 1 and "landlock filesystem" in off[0] and "rlimit memory" in off[0], off
    assert "pid namespace" not in off[0] and "dunderquest doctor" in off[0]
    missing = [p.name for p in in_force() if not p.in_force and p.name != "subreaper"]
    if not missing:  # every protection is in force on this machine: nothing to note
        assert notes() == []


@pytest.mark.slow
@pytest.mark.parametrize("name", SAFE_WITHOUT_PROTECTIONS)
def test_with_every_protection_switched_off_checks_still_work_and_nothing_outlives_them(name, tmp_path):
    """Only attacks that cannot harm the machine run here: without namespaces and Landlock, the
    subreaper alone must still end every process a check started."""
    submission = next(s for s in HOSTILE if s.path.name == name)
    env = dict(os.environ, DUNDERQUEST_SANDBOX_OFF="namespaces,landlock,rlimits,output-cap")
    document = check_through_cli(submission, tmp_path, env)
    assert document["passed"] is submission.passes
    assert document["_left_behind"] == [], "processes outlived the check"


AS_NOBODY = ("daemon_rewrites_progress.py", "fork_bomb.py", "reads_a_sibling_submission.py",
             "connects_to_loopback.py", "kills_every_process_it_sees.py", "fills_its_folder.py",
             "reads_the_reference_text.py", "forks_a_child_that_raises.py", "reads_the_environment.py")


@pytest.mark.slow
@pytest.mark.parametrize("name", AS_NOBODY)
def test_as_an_unprivileged_user_a_hostile_submission_gets_its_outcome_and_leaves_nothing_behind(name, as_nobody):
    prefix, python, env, top = as_nobody
    submission = next(s for s in HOSTILE if s.path.name == name)
    protected = {n for n, p in doctor(env, prefix, python).items() if p["in_force"]}
    missing = [need for need in submission.needs if need not in protected]
    if missing:
        pytest.skip(f"as nobody, {', '.join(missing)} is not in force here (see `dunderquest doctor`)")
    folder = top / name.removesuffix(".py")
    folder.mkdir()
    document = check_through_cli(submission, folder, env, prefix, python, owner=NOBODY)
    judge_cli(submission, document)
