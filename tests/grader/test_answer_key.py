"""The answer key stays out of reach of learner code, in the install where it sits closest: a
non-editable one, as learners, the Gradescope kit and CI install dunderquest (`pip install .`), with
the reference solutions in site-packages beside everything a sandbox must read.

The install is made once per test run, from a wheel of this checkout, in a virtualenv whose Python
also sees the test run's own packages (torch, pytest). Each way of borrowing the reference solution
must fail its level, forked or spawned, one check at a time or a whole class at once; and the kits'
wheels carry no answer key unless a teacher asks for one."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from grader_corpus import HOSTILE, REPO, Submission

from dunderquest.classroom.wheel import kit_wheel
from dunderquest.core.pack import builtin_pack
from tools import venv_with

pytestmark = pytest.mark.slow
CATALOG = builtin_pack().catalog
BORROWERS = [Submission.read(HOSTILE / name) for name in (
    "borrows_the_reference_by_import.py", "borrows_the_reference_by_subclass.py",
    "borrows_the_reference_by_a_computed_import.py", "reads_the_reference_text.py")]


@pytest.fixture(scope="session")
def installed(tmp_path_factory, wheel) -> str:
    """The Python of a virtualenv where dunderquest is installed from a wheel of this checkout, with
    its reference solutions, as `pip install .` installs it."""
    python = str(venv_with(wheel, tmp_path_factory.mktemp("wheel-install")))
    where = subprocess.run([python, "-c", "import dunderquest, dunderquest.solutions.level3_numbers as s; "
                            "print(dunderquest.__file__); print(s.__file__)"], capture_output=True, text=True,
                           check=True)
    package, solution = where.stdout.split()
    venv = Path(python).parents[1]
    assert package.startswith(str(venv)) and solution.startswith(str(venv)), where.stdout
    return python


def check(python: str, submission: Submission, folder: Path, **env: str) -> dict:
    subprocess.run([python, "-m", "dunderquest", "init", str(folder)], check=True, capture_output=True)
    level = CATALOG.get(submission.level)
    shutil.copyfile(submission.path, folder / level.exercise_path)
    done = subprocess.run([python, "-m", "dunderquest", "check", level.id, "--format", "json", "--workspace",
                           str(folder)], capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return json.loads(done.stdout)


def shown(document: dict) -> str:
    return "\n".join(f"  {'PASS' if c['passed'] else 'FAIL'} {c['id']}: {c['message'][:300]}"
                     for c in document["checks"])


@pytest.mark.parametrize("start", ["forked", "spawned"])
@pytest.mark.parametrize("submission", BORROWERS, ids=lambda s: s.path.stem)
def test_in_a_wheel_install_every_way_of_borrowing_the_reference_fails(installed, submission, start, tmp_path):
    env = {"DUNDERQUEST_SANDBOX_START": "spawn"} if start == "spawned" else {}
    document = check(installed, submission, tmp_path / "ws", **env)
    assert document["passed"] is False, shown(document)
    failed = {c["id"]: c["message"] for c in document["checks"] if not c["passed"]}
    assert [c for c in submission.must_fail if c not in failed] == [], shown(document)
    for text in submission.says:
        assert any(text in message for message in failed.values()), f"no message says {text!r}:\n{shown(document)}"


@pytest.mark.parametrize("off", ["landlock", "namespaces"])
def test_the_reference_text_stays_hidden_with_one_protection_of_the_two_switched_off(installed, off, tmp_path):
    """Landlock and the mount namespace each keep the answer key out of reach on their own."""
    reader = next(s for s in BORROWERS if s.path.name == "reads_the_reference_text.py")
    document = check(installed, reader, tmp_path / "ws", DUNDERQUEST_SANDBOX_OFF=off)
    assert document["passed"] is False, shown(document)
    assert any("has no `Numbers`" in c["message"] for c in document["checks"]), shown(document)


def test_a_class_s_gradebook_never_credits_a_borrowed_solution(installed, tmp_path):
    """`grade --submissions` in the wheel install: each borrower gets nothing for the level it
    borrowed, and a file written by hand gets the level's points."""
    submissions = tmp_path / "class"
    for submission in BORROWERS:
        folder = submissions / submission.path.stem
        folder.mkdir(parents=True)
        shutil.copyfile(submission.path, folder / CATALOG.get(submission.level).file_name)
    honest = submissions / "honest"
    honest.mkdir()
    for level in ("level3", "level7"):
        name = CATALOG.get(level).file_name
        shutil.copyfile(REPO / "solutions" / name, honest / name)
    done = subprocess.run([installed, "-m", "dunderquest", "grade", "--submissions", str(submissions), "--output",
                           str(tmp_path / "grades"), "--levels", "3,7", "--seed", "3"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "grades" / "gradebook.csv").open())}
    for submission in BORROWERS:
        level = CATALOG.get(submission.level)
        assert float(rows[submission.path.stem][level.id]) == 0, rows[submission.path.stem]
    assert float(rows["honest"]["level3_numbers"]) == CATALOG.get("level3").points
    assert float(rows["honest"]["level7_dataloader"]) == CATALOG.get("level7").points


def test_a_kit_s_wheel_carries_no_answer_key_unless_asked(wheel, tmp_path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"dunderquest/solutions/{level.file_name}" for level in CATALOG} <= names
    plain = zipfile.ZipFile(kit_wheel(tmp_path / "plain", given=wheel))
    assert not [name for name in plain.namelist() if name.startswith("dunderquest/solutions/")]
    assert [name for name in plain.namelist()
            if name.startswith("dunderquest/course/levels/") and name.endswith("checks.py")]
    record = plain.read(next(name for name in plain.namelist() if name.endswith(".dist-info/RECORD"))).decode()
    assert "dunderquest/solutions/" not in record
    full = zipfile.ZipFile(kit_wheel(tmp_path / "full", given=wheel, with_solutions=True)).namelist()
    assert {f"dunderquest/solutions/{level.file_name}" for level in CATALOG} <= set(full)


def test_an_install_without_the_answer_key_says_so_and_can_still_make_kits(wheel, tmp_path):
    """A teacher's install from a kit's wheel: `dunderquest solution` says the reference solutions
    are not installed, and a kit made from this install (not a checkout) is packed from it."""
    python = str(venv_with(kit_wheel(tmp_path / "kit", given=wheel), tmp_path / "install"))
    ws = tmp_path / "ws"
    subprocess.run([python, "-m", "dunderquest", "init", str(ws)], check=True, capture_output=True)
    level = CATALOG.get("1")
    progress = ws / ".dunderquest" / "progress.json"
    progress.write_text(json.dumps({"version": 1, "passed": {"level1": "2026-12-07T00:00:00"}}), encoding="utf-8")
    done = subprocess.run([python, "-m", "dunderquest", "solution", level.id, "--workspace", str(ws)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "reference solutions are not installed" in done.stderr, done.stderr
    out = tmp_path / "autograder.zip"
    made = subprocess.run([python, "-m", "dunderquest", "classroom", "gradescope", "--output", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    inner = next(name for name in zipfile.ZipFile(out).namelist() if name.endswith(".whl"))
    (tmp_path / inner).write_bytes(zipfile.ZipFile(out).read(inner))
    names = zipfile.ZipFile(tmp_path / inner).namelist()
    assert "dunderquest/grader/inside/server.py" in names and "dunderquest/cli.py" in names
    assert not [name for name in names if name.startswith("dunderquest/solutions/")]
    asked = subprocess.run([python, "-m", "dunderquest", "classroom", "gradescope", "--output", str(out),
                            "--with-solutions"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert asked.returncode == 1 and "no reference solutions" in asked.stderr


# -- where neither Landlock nor a mount namespace hides the answer key ------------------------------------

EXPOSED = {"DUNDERQUEST_SANDBOX_OFF": "namespaces,landlock"}  # as on macOS, Windows, some containers
REFUSED = "grading other people's files here could credit a copied answer key"


def dunderquest(python: str, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "dunderquest", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env}, cwd=cwd)


def answer_key_row(python: str, **env: str) -> dict:
    done = dunderquest(python, "doctor", "--format", "json", **env)
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)[-1]
    assert row["name"] == "answer key out of reach"
    return row


def a_class(top: Path) -> Path:
    """A class of two: one reads the reference solution's text and runs it, one wrote level 3 by hand."""
    reader = next(s for s in BORROWERS if s.path.name == "reads_the_reference_text.py")
    for student, source in (("borrower", reader.path), ("honest", REPO / "solutions" / "level3_numbers.py")):
        (top / student).mkdir(parents=True)
        shutil.copyfile(source, top / student / "level3_numbers.py")
    return top


def test_where_a_sandbox_could_read_the_answer_key_grade_refuses_other_people_s_files_unless_told(installed,
                                                                                               tmp_path):
    shown = answer_key_row(installed)
    assert shown["in_force"] is True and "hidden from every sandbox by" in shown["detail"], shown
    exposed = answer_key_row(installed, **EXPOSED)
    solutions = str(Path(installed).parents[1])
    assert exposed["in_force"] is False and solutions in exposed["detail"], exposed
    assert "a learner's code could read them" in exposed["detail"]

    submissions = a_class(tmp_path / "class")
    out = tmp_path / "grades"
    done = dunderquest(installed, "grade", "--submissions", str(submissions), "--output", str(out), "--levels", "3",
                       **EXPOSED)
    assert done.returncode == 2 and REFUSED in done.stderr, done.stderr
    for advice in ("with a kit", "on a Linux machine", "from an install without the solutions",
                   "--accept-answer-key-risk"):
        assert advice in done.stderr
    assert not out.exists()
    done = dunderquest(installed, "grade", "--workspace", str(submissions / "borrower"), "--levels", "3", "--format",
                       "json", **EXPOSED)
    assert done.returncode == 2 and REFUSED in done.stderr and done.stdout == "", done.stderr

    done = dunderquest(installed, "grade", "--submissions", str(submissions), "--output", str(out), "--levels", "3",
                       "--seed", "3", "--accept-answer-key-risk", **EXPOSED)
    assert done.returncode == 0, done.stderr
    assert "Grading all the same (--accept-answer-key-risk)" in done.stderr
    for student in ("borrower", "honest"):
        said = json.loads((out / f"{student}.json").read_text())["protections"][-1]
        assert said["name"] == "answer key out of reach" and said["in_force"] is False
        assert "The teacher accepted the risk (--accept-answer-key-risk)" in said["detail"]

    own = tmp_path / "mine"  # a learner's own workspace is graded (and checked) as ever
    dunderquest(installed, "init", str(own))
    shutil.copyfile(REPO / "solutions" / "level3_numbers.py", own / "exercises" / "level3_numbers.py")
    done = dunderquest(installed, "grade", "--levels", "3", "--format", "json", cwd=own, **EXPOSED)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["protections"][-1]["name"] != "answer key out of reach"


def test_an_install_without_the_answer_key_grades_a_class_with_the_protections_off(wheel, tmp_path):
    """A kit's wheel: nothing to borrow, so nothing to refuse, and the borrower finds nothing."""
    python = str(venv_with(kit_wheel(tmp_path / "kit", given=wheel), tmp_path / "install"))
    shown = answer_key_row(python, **EXPOSED)
    assert shown["in_force"] is True and shown["detail"].startswith("no reference solutions are installed here")
    submissions = a_class(tmp_path / "class")
    done = dunderquest(python, "grade", "--submissions", str(submissions), "--output", str(tmp_path / "grades"),
                       "--levels", "3", "--seed", "3", **EXPOSED)
    assert done.returncode == 0, done.stderr
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "grades" / "gradebook.csv").open())}
    assert float(rows["borrower"]["level3_numbers"]) == 0 and float(rows["honest"]["level3_numbers"]) == 10
