"""`watch`, the notebook and `dunderquest check` where the learner's files live on a real disk with
its faults: a full disk, a read-only workspace, a folder in a file's place, a file that is a symbolic
link. Each says in plain words what happened and what to do; none ends in a traceback."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from dunderquest.core.workspace import Workspace
from dunderquest.grader.result import CheckResult, LevelResult
from dunderquest.notebook import NotebookError, Session, run_cell
from dunderquest.watch import Watch
from tools import NOBODY, fill, leftovers, read_only, small_disk

REPO = Path(__file__).resolve().parent.parent.parent
FULL = "the disk is full. Free some space on the disk, then try again."


class Passes:
    """A grader that passes every file at once, for what the front ends do around a check."""

    def __init__(self):
        self.graded: list[str] = []

    def warm_up(self) -> None:
        pass

    def grade(self, level, file, **_) -> LevelResult:
        self.graded.append(Path(file).read_text(encoding="utf-8"))
        return LevelResult(level.id, level.title, True, "MNIST sample", [CheckResult("test_it", "it works", True, "")],
                           seconds=0.01)

    def close(self) -> None:
        pass


@pytest.fixture
def disk(tmp_path):
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def watched(workspace: Workspace, *, until: str, then=None) -> str:
    """What `watch` prints on level 1 with a grader that passes everything, until it printed
    `until` (after `then()`, when given, is called once it first printed "Save the file")."""
    out = io.StringIO()
    keys_read, keys_write = os.pipe()
    watch = Watch(workspace, workspace.catalog.get("1"), Passes(), out)
    with os.fdopen(keys_read) as keys:
        runner = threading.Thread(target=watch.run, args=(keys,), daemon=True)
        runner.start()
        called = then is None
        for _ in range(200):
            if not called and "Save the file" in out.getvalue():
                then()
                called = True
            if called and until in out.getvalue():
                break
            runner.join(0.05)
        os.write(keys_write, b"q")
        os.close(keys_write)
        runner.join(10)
    assert not runner.is_alive()
    return out.getvalue()


def test_watch_says_when_the_disk_is_full_and_the_result_cannot_be_recorded(disk):
    workspace = Workspace.create(disk / "ws")
    fill(disk)
    out = watched(workspace, until="could not be recorded")
    assert ("The disk is full: your editor may not have saved all of exercises/level1_double.py. Free some space "
            "on the disk, then save it again.") in out
    assert f"This result could not be recorded in {workspace.progress.path}: {FULL}" in out
    assert "Traceback" not in out and leftovers(disk) == []


def test_watch_says_when_the_file_is_a_folder_once_and_checks_it_again_once_it_is_a_file(workspace):
    path = workspace.exercise(workspace.catalog.get("1"))
    path.unlink()
    path.mkdir()

    def put_the_file_back():
        path.rmdir()
        path.write_text("class Double:\n    pass\n")

    out = watched(workspace, until="Level 1 passed", then=lambda: threading.Timer(0.3, put_the_file_back).start())
    said = "exercises/level1_double.py cannot be read: it is a folder, not a file. Move the folder away (or rename it)"
    assert out.count(said) == 1, out
    assert "Level 1 passed" in out


def test_the_notebook_says_when_a_cell_cannot_be_saved_or_its_result_recorded(disk):
    session = Session()
    session.use(disk / "ws")
    session.grader = Passes()
    workspace = session.current()
    first = workspace.exercise(workspace.catalog.get("1"))
    before = first.read_text()
    fill(disk)
    with pytest.raises(NotebookError) as raised:
        run_cell(session, "level1", "class Double:  # a cell too long for the disk\n" * 400)
    assert str(raised.value).startswith(f"Could not save exercises/level1_double.py: {FULL.split('.')[0]}. The "
                                        "file keeps the text it had.")
    assert first.read_text() == before and leftovers(disk) == []
    shown = repr(run_cell(session, "level1", before))  # the same text: saved as it was, then checked
    assert f"This result could not be recorded in {workspace.progress.path}: {FULL}" in shown
    (disk / "filler").unlink()
    second = workspace.exercise(workspace.catalog.get("2"))
    second.unlink()
    second.mkdir()
    with pytest.raises(NotebookError, match="Could not save exercises/level2_data.py: it is a folder, not a file."):
        run_cell(session, "level2", "class Data:\n    pass\n")
    read_only(disk)
    with pytest.raises(NotebookError, match="the disk it is on is read-only. The file keeps the text it had"):
        run_cell(session, "level1", "class Double:\n    pass\n")


def test_watch_says_that_the_file_it_watches_is_a_link_and_where_it_leads(workspace, tmp_path):
    path = workspace.exercise(workspace.catalog.get("1"))
    mine = tmp_path / "mine.py"
    mine.write_text(path.read_text())
    path.unlink()
    path.symlink_to(mine)
    out = watched(workspace, until="checks passed")
    assert f"Watching {path}, a link to {mine.resolve()}" in out


def test_the_notebook_writes_through_a_symbolic_link_and_keeps_it(tmp_path):
    session = Session()
    session.use(tmp_path / "ws")
    session.grader = Passes()
    link = session.current().exercise(session.current().catalog.get("1"))
    mine = tmp_path / "mine.py"
    mine.write_text("# mine\n")
    link.unlink()
    link.symlink_to(mine)
    run_cell(session, "level1", "class Double:\n    pass\n")
    assert link.is_symlink() and mine.read_text() == "class Double:\n    pass\n"


# -- `dunderquest check`, with the real grader ------------------------------------------------------------


def check(workspace: Path, *, prefix: tuple[str, ...] = (), python: str | None = None, env: dict | None = None,
          fmt: str = "text") -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([*prefix, python or sys.executable, "-m", "dunderquest", "check", "1", "--format", fmt,
                           "--workspace", str(workspace)], capture_output=True, text=True, timeout=300,
                          env=env, cwd="/")


@pytest.mark.slow
@pytest.mark.usefixtures("lingering_grader")
def test_check_on_a_full_disk_says_the_result_and_that_it_could_not_be_recorded(disk):
    workspace = Workspace.create(disk / "ws")
    shutil.copyfile(REPO / "solutions" / "level1_double.py", workspace.exercise(workspace.catalog.get("1")))
    fill(disk)
    done = check(workspace.root)
    assert done.returncode == 0, done.stderr
    assert "6/6 checks passed" in done.stdout
    assert done.stderr.strip() == f"This result could not be recorded in {workspace.progress.path}: {FULL}"
    done = check(workspace.root, fmt="json")
    assert done.returncode == 0 and json.loads(done.stdout)["passed"] is True
    assert "could not be recorded" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.usefixtures("lingering_grader")
def test_check_of_a_folder_and_through_a_symbolic_link(workspace, tmp_path):
    path = workspace.exercise(workspace.catalog.get("1"))
    mine = tmp_path / "mine.py"
    shutil.copyfile(REPO / "solutions" / "level1_double.py", mine)
    path.unlink()
    path.symlink_to(mine)
    done = check(workspace.root)
    assert done.returncode == 0 and "6/6 checks passed" in done.stdout, done.stdout + done.stderr
    path.unlink()
    path.mkdir()
    done = check(workspace.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "exercises/level1_double.py" in done.stdout and "Is a directory" in done.stdout


@pytest.mark.slow
def test_check_as_a_user_who_may_not_write_the_workspace(as_nobody, tmp_path):
    """A workspace that belongs to someone else (root), checked by `nobody`: the result, and why it was
    not recorded, in plain words."""
    prefix, python, env, top = as_nobody
    root = top / "theirs"
    workspace = Workspace.create(root)
    shutil.copyfile(REPO / "solutions" / "level1_double.py", workspace.exercise(workspace.catalog.get("1")))
    for place in [root, *root.rglob("*")]:
        place.chmod(0o755 if place.is_dir() else 0o644)
    done = check(root, prefix=prefix, python=python, env={**env, "DUNDERQUEST_LINGER": "0"})
    assert done.returncode == 0, done.stderr
    assert "6/6 checks passed" in done.stdout
    assert done.stderr.strip() == (f"This result could not be recorded in {workspace.progress.path}: you may not "
                                   "write there (permission denied). Play in a workspace of your own: `dunderquest "
                                   "init DIR` makes one; copy your exercise files into its exercises/ folder.")
    assert os.stat(root).st_uid != NOBODY
