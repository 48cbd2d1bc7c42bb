"""A submission never chooses the checks it is graded by: a course pack's checks run outside the
sandbox, so `grade` refuses a pack that lies inside the workspace it grades, and every kit names its
pack (`--pack builtin` for the built-in course) instead of taking the one a checkout records."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dunderquest.classroom.kits import grading_options
from dunderquest.classroom.kits.classroom50 import autograder_py
from dunderquest.cli import main
from dunderquest.core.pack import builtin_pack, read_pack

pytestmark = pytest.mark.usefixtures("lingering_grader")


def dq(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dunderquest", *args], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ), timeout=600)


@pytest.fixture
def submission(tmp_path) -> tuple[Path, Path]:
    """A handed-in workspace that records a pack of its own, whose checks leave a mark when they run
    and whose one level its file solves: (the workspace, the mark)."""
    workspace, mark = tmp_path / "submission", tmp_path / "checks-ran"
    workspace.mkdir()
    assert main(["pack", "new", str(workspace / "mypack")]) == 0
    checks = workspace / "mypack" / "levels" / "square" / "checks.py"
    checks.write_text(f"import pathlib\npathlib.Path({str(mark)!r}).write_text('ran')\n" + checks.read_text())
    assert main(["init", "--pack", str(workspace / "mypack"), str(workspace)]) == 0
    shutil.copyfile(workspace / "mypack" / "solutions" / "square.py", workspace / "exercises" / "square.py")
    return workspace, mark


@pytest.mark.parametrize("recorded", ["absolute", "relative"])
def test_grade_refuses_a_pack_inside_the_workspace_it_grades(submission, recorded, tmp_path):
    workspace, mark = submission
    if recorded == "relative":
        (workspace / ".dunderquest" / "workspace.toml").write_text('pack = "mypack"\n')
    done = dq("grade", "--workspace", str(workspace), "--format", "json", cwd=tmp_path)
    assert done.returncode == 2
    assert "inside the workspace itself" in done.stderr and "--pack builtin" in done.stderr
    assert "Traceback" not in done.stderr
    assert not mark.exists()


def test_grade_with_pack_builtin_grades_the_built_in_course_whatever_the_workspace_records(submission):
    workspace, mark = submission
    done = dq("grade", "--workspace", str(workspace), "--pack", "builtin", "--levels", "1", "--format", "json")
    assert done.returncode == 1, done.stderr  # the built-in level 1's file is missing: not passed
    graded = json.loads(done.stdout)
    assert [level["level"] for level in graded["levels"]] == ["level1_double"] and graded["score"] == 0
    assert not mark.exists()


def test_a_pack_outside_the_workspace_is_still_the_one_it_plays(tmp_path):
    assert main(["pack", "new", str(tmp_path / "course")]) == 0
    workspace = tmp_path / "ws"
    assert main(["init", "--pack", str(tmp_path / "course"), str(workspace)]) == 0
    done = dq("grade", "--workspace", str(workspace), "--format", "json")
    assert [level["title"] for level in json.loads(done.stdout)["levels"]] == ["Objects that square"]


def test_every_kit_names_the_pack_it_grades_with(tmp_path):
    levels = list(builtin_pack().catalog)
    assert grading_options(levels, levels, None, builtin_pack()).endswith(" --pack builtin")
    assert grading_options(levels, levels, None, None).endswith(" --pack builtin")
    assert main(["pack", "new", str(tmp_path / "course")]) == 0
    own = read_pack(tmp_path / "course")
    assert grading_options(list(own.catalog), list(own.catalog), None, own, "kit/").endswith(" --pack kit/pack")
    assert '"--pack", "builtin"' in autograder_py(levels, levels, None, builtin_pack(), 100)
    assert '"--pack", os.path.join(BUNDLE, "pack")' in autograder_py(list(own.catalog), list(own.catalog), None,
                                                                     own, 10)
