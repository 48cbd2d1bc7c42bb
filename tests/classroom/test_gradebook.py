"""A whole class graded through the real command, `dunderquest grade --submissions`: a class folder
that mixes good, unfinished and hostile submissions becomes exactly the expected gradebook, the
submitted files are left byte for byte as they were, and the same seed gives the same gradebook.

Two levels keep it quick; which levels a gradebook has comes from the catalog, not from this test."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dunderquest.cli import main
from dunderquest.core.pack import builtin_pack
from dunderquest.core.progress import write_atomically

REPO = Path(__file__).resolve().parent.parent.parent
CATALOG = builtin_pack().catalog
FIRST, SECOND = list(CATALOG)[:2]
SEED = 1234

HANGS = "while True:\n    pass\n"
EXITS = "import os\n\nos._exit(0)\n"
FLOODS = "line = 'x' * 1000\nfor _ in range(20_000):\n    print(line)\n"  # 20 MB, and no class


def deletes_its_neighbours(solution: str) -> str:
    """A right solution that first removes every other file in its folder that it may remove:
    graded in place, it would take the student's next level with it."""
    return ("from pathlib import Path\n\n"
            "here = Path(__file__).resolve()\n"
            "try:\n"
            "    for other in here.parent.iterdir():\n"
            "        if other != here and other.is_file():\n"
            "            other.unlink()\n"
            "except OSError:\n"
            "    pass\n\n" + solution)


def solution(level) -> str:
    return (REPO / "solutions" / level.file_name).read_text(encoding="utf-8")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("submissions")
    a, b = FIRST.exercise_path, SECOND.exercise_path
    write(root / "alice", {a: solution(FIRST), b: solution(SECOND), ".dunderquest/progress.json": "{}"})
    write(root / "bob", {a: FIRST.stub(), b: SECOND.stub()})
    write(root / "carol", {FIRST.file_name: solution(FIRST), SECOND.file_name: solution(SECOND)})  # loose files
    write(root / "dave", {a: HANGS, b: solution(SECOND)})
    write(root / "erin", {a: EXITS, b: solution(SECOND)})
    write(root / "frank", {a: deletes_its_neighbours(solution(FIRST)), b: solution(SECOND)})
    write(root / "grace", {a: solution(FIRST), b: FLOODS})
    write(root / "heidi", {a: solution(FIRST)})  # the second file is missing
    write(root / "ivan", {FIRST.file_name: EXITS, SECOND.file_name: solution(SECOND)})  # loose, and one crashes
    (root / "notes.txt").write_text("not a student")  # a loose file beside the student folders
    return root


def expected_gradebook() -> str:
    rows = [
        ("alice", 10, 10, "ok"),
        ("bob", 0, 0, "ok"),  # the untouched stubs: nothing done, nothing earned
        ("carol", 10, 10, "ok"),
        ("dave", 0, 10, f"{FIRST.id}: hang"),
        ("erin", 0, 10, f"{FIRST.id}: crash"),
        ("frank", 10, 10, "ok"),
        ("grace", 10, 0, f"{SECOND.id}: printed too much"),
        ("heidi", 10, 0, f"{SECOND.id}: missing file"),
        ("ivan", 0, 10, f"{FIRST.id}: crash"),
    ]
    lines = [f"student,{FIRST.id},{SECOND.id},total,status"]
    lines += [f"{name},{x},{y},{x + y},{status}" for name, x, y, status in rows]
    return "\n".join(lines) + "\n"


def grade(class_folder: Path, out: Path, capsys, levels=(FIRST, SECOND)) -> tuple[int, str]:
    code = main(["grade", "--submissions", str(class_folder), "--output", str(out), "--seed", str(SEED),
                 "--levels", ",".join(str(level.number) for level in levels), "--jobs", "2"])
    return code, capsys.readouterr().out


@pytest.mark.slow
def test_a_mixed_class_gives_exactly_the_expected_gradebook_and_is_left_untouched(class_folder, tmp_path, capsys):
    before = snapshot(class_folder)
    code, out = grade(class_folder, tmp_path / "out", capsys)
    assert code == 0, out

    gradebook = (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8")
    assert gradebook == expected_gradebook()
    assert snapshot(class_folder) == before, "a submitted file was changed, added or removed"
    assert "dave: level1: hang" in out.replace(FIRST.id, "level1")

    # Each student's own reports sit next to the gradebook.
    report = json.loads((tmp_path / "out" / "grace.json").read_text())
    assert report["student"] == "grace" and report["seed"] == SEED
    assert report["status"] == f"{SECOND.id}: printed too much"
    assert report["levels"][1]["passed"] is False and report["levels"][0]["passed"] is True
    junit = ET.parse(tmp_path / "out" / "heidi.xml").getroot()
    assert "could not be graded" in junit.find(".//failure").text
    # Messages name each file as the student handed it in: in a workspace, or loose.
    messages = {name: [check["message"] for check in json.loads((tmp_path / "out" / f"{name}.json").read_text())
                       ["levels"][0]["checks"] if not check["passed"]] for name in ("erin", "ivan")}
    assert any(FIRST.exercise_path in message for message in messages["erin"])
    assert any(f"in {FIRST.file_name}" in message for message in messages["ivan"])
    assert not any(FIRST.exercise_path in message for message in messages["ivan"])


@pytest.mark.slow
def test_the_same_seed_gives_the_same_gradebook_byte_for_byte(class_folder, tmp_path, capsys):
    calm = tmp_path / "calm"  # the students who finish fast: a rerun of the whole class is the test above
    for name in ("alice", "bob", "carol", "frank", "grace", "heidi"):
        shutil.copytree(class_folder / name, calm / name)
    grade(calm, tmp_path / "first", capsys)
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "gradebook.csv").write_text("the previous gradebook\n")
    grade(calm, tmp_path / "second", capsys)
    first = (tmp_path / "first" / "gradebook.csv").read_bytes()
    second = (tmp_path / "second" / "gradebook.csv").read_bytes()
    assert first.decode().splitlines() == second.decode().splitlines()
    assert first == second
    assert len(list(csv.reader(io.StringIO(first.decode())))) == 7


def test_usage_errors_say_what_to_do(tmp_path, capsys):
    assert main(["grade", "--submissions", str(tmp_path)]) == 2
    assert "--output OUTDIR" in capsys.readouterr().err
    assert main(["grade", "--submissions", str(tmp_path), "--output", str(tmp_path / "out")]) == 2
    assert "outside the submissions folder" in capsys.readouterr().err
    assert main(["grade", "--workspace", str(tmp_path)]) == 2
    assert "--format" in capsys.readouterr().err
    assert main(["grade", "--workspace", str(tmp_path), "--format", "json", "--levels", "99"]) == 2
    assert "There is no level called '99'" in capsys.readouterr().err


@pytest.mark.slow
def test_right_solutions_get_full_marks_on_every_level_when_runs_overlap(tmp_path, capsys):
    """Every level graded side by side, as for a class: sandboxes forked on demand read MNIST too."""
    for name in ("ann", "ben"):
        write(tmp_path / "class" / name, {level.exercise_path: solution(level) for level in CATALOG})
    code, out = grade(tmp_path / "class", tmp_path / "out", capsys, levels=list(CATALOG))
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "gradebook.csv").read_text())))
    full = str(sum(level.points for level in CATALOG))
    assert [(row["student"], row["total"], row["status"]) for row in rows] == [("ann", full, "ok"), ("ben", full, "ok")]


# -- what a class folder holds besides students, and what an output folder held before ---------------


def one_level(root: Path, out: Path, capsys) -> tuple[int, str, str]:
    code = main(["grade", "--submissions", str(root), "--output", str(out), "--seed", str(SEED),
                 "--levels", str(FIRST.number), "--jobs", "2"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.slow
def test_what_is_not_a_student_folder_is_named_after_grading(tmp_path, capsys):
    root = tmp_path / "class"
    write(root / "ann", {FIRST.file_name: solution(FIRST)})
    write(root, {FIRST.file_name: FIRST.stub(), "zoe.zip": "PK", ".DS_Store": ""})
    code, out, err = one_level(root, tmp_path / "out", capsys)
    assert code == 0, err
    assert (f"Not graded: {FIRST.file_name} (a file, not a student's folder), zoe.zip (a zip file: unzip it into "
            "a folder named after the student)\n") in out
    assert ".DS_Store" not in out
    rows = (tmp_path / "out" / "gradebook.csv").read_text().splitlines()[1:]
    assert rows == [f"ann,{FIRST.points},{FIRST.points},ok"]


def test_a_folder_of_loose_files_or_one_workspace_is_refused_with_the_layout_it_needs(tmp_path, capsys):
    """Nothing is graded and nothing is written: these are mistakes about what --submissions takes."""
    flat = tmp_path / "export"  # one student's files, or a flat LMS export
    write(flat, {FIRST.file_name: FIRST.stub(), f"ann_{SECOND.file_name}": SECOND.stub(), "zoe.zip": "PK"})
    code, out, err = one_level(flat, tmp_path / "out", capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"{flat} holds no student folders, only Python files at its top level" in err
    assert FIRST.file_name in err and f"ann_{SECOND.file_name}" in err
    assert f"dunderquest grade --workspace {flat}" in err and "a folder named after the student" in err
    assert "one folder per student" in err and f"    alice/\n      {FIRST.file_name}" in err

    for mark in ("exercises", ".dunderquest"):
        workspace = tmp_path / f"workspace-{mark}"
        write(workspace / mark, {FIRST.file_name: FIRST.stub()})
        code, out, err = one_level(workspace, tmp_path / "out", capsys)
        assert code == 2 and out == ""
        assert f"{workspace} is one workspace (it has {mark}/)" in err and f"called {mark!r}" in err
        assert f"dunderquest grade --workspace {workspace}" in err

    archives = tmp_path / "archives"
    write(archives, {"zoe.zip": "PK"})
    code, _, err = one_level(archives, tmp_path / "out", capsys)
    assert code == 2 and "holds no student folders" in err and "zoe.zip (a zip file: unzip it" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_reports_get_the_usual_mode_for_new_files(tmp_path, capsys):
    """0666 less the umask, as any file the teacher writes, not the 0600 of a private state file."""
    root = tmp_path / "class"
    write(root / "ann", {FIRST.file_name: solution(FIRST)})
    previous = os.umask(0o022)
    try:
        code, _, err = one_level(root, tmp_path / "out", capsys)
        assert code == 0, err
        assert main(["grade", "--workspace", str(root / "ann"), "--levels", str(FIRST.number), "--format", "json",
                     "--output", str(tmp_path / "one.json"), "--seed", str(SEED)]) == 0
        capsys.readouterr()
        os.umask(0o027)
        write_atomically(tmp_path / "group.csv", "a report\n", private=False)
        write_atomically(tmp_path / "progress.json", "{}\n")
    finally:
        os.umask(previous)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "out").iterdir()}
    assert modes == {"gradebook.csv": 0o644, "gradebook.json": 0o644, "report.html": 0o644, "ann.json": 0o644,
                     "ann.xml": 0o644}
    assert stat.S_IMODE((tmp_path / "one.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "group.csv").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "progress.json").stat().st_mode) == 0o600  # state stays private
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".tmp")]


@pytest.mark.slow
def test_an_earlier_run_s_reports_of_students_not_in_this_one_are_removed_and_nothing_else(tmp_path, capsys):
    root, out = tmp_path / "class", tmp_path / "out"
    for name in ("ann", "bob", "cy.d"):
        write(root / name, {FIRST.file_name: solution(FIRST)})
    assert one_level(root, out, capsys)[0] == 0
    shutil.rmtree(root / "bob")  # bob left the class; cy.d's folder was renamed
    shutil.move(root / "cy.d", root / "cyd")
    kept = {
        "notes.json": '{"student": "notes"}\n',  # JSON, but no report of ours
        "bobby.xml": "<testsuites name='bobby'/>\n",  # XML, but no report of ours
        "bob.txt": "not a report's suffix\n",
        "bob.csv": "student,total\n",
        "results.json": (out / "ann.json").read_text(),  # a report, but not under its student's name
    }
    write(out, kept)
    (out / "link.json").symlink_to(out / "ann.json")
    code, said, err = one_level(root, out, capsys)
    assert code == 0, err
    assert sorted(path.name for path in out.iterdir()) == sorted(
        ["gradebook.csv", "gradebook.json", "report.html", "ann.json", "ann.xml", "cyd.json", "cyd.xml", "link.json",
         *kept])
    assert all((out / name).read_text() == text for name, text in kept.items())
    assert ("Removed the reports that an earlier run left there for students not in this one: bob.json, bob.xml, "
            "cy.d.json, cy.d.xml\n") in said


@pytest.mark.slow
def test_a_file_that_imports_dunderquest_has_its_own_status_in_the_gradebook(tmp_path, capsys):
    root = tmp_path / "class"
    module = f"dunderquest.solutions.{FIRST.file_name.removesuffix('.py')}"
    write(root / "mallory", {FIRST.exercise_path: f"from {module} import {FIRST.class_name}\n"})
    write(root / "sam", {FIRST.exercise_path: FIRST.stub()})
    code, out, err = one_level(root, tmp_path / "out", capsys)
    assert code == 0, err
    rows = (tmp_path / "out" / "gradebook.csv").read_text().splitlines()[1:]
    assert rows == [f"mallory,0,0,{FIRST.id}: imports dunderquest", "sam,0,0,ok"]
    assert f"  mallory: {FIRST.id}: imports dunderquest" in out
