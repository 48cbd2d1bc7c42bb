"""Deadlines and late work (git clones, plain folders, Gradescope's submission metadata), reports that
name what they were graded with, `grade --against`, and Canvas's gradebook export round-tripped."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dunderquest.classroom.canvas import fill
from dunderquest.classroom.class_file import ClassFileError, read_class_file
from dunderquest.classroom.handin import HandIn, LateRule, gradescope_handin
from dunderquest.classroom.report import GradedLevel, Marking, Report
from dunderquest.cli import main
from dunderquest.core.pack import BUILTIN, builtin_pack
from dunderquest.core.provenance import graded_with, pack_hash
from dunderquest.grader.result import CheckResult, LevelResult

REPO = Path(__file__).resolve().parents[2]
CATALOG = builtin_pack().catalog
FIRST = CATALOG.get("level1_double")
WRONG = BUILTIN / "wrong" / FIRST.id / "float_two.py"
DEADLINE = "2026-12-01T23:59:00Z"


def commit(repo: Path, text: str, when: str) -> str:
    (repo / FIRST.file_name).write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when, "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-C", str(repo), "-c", "user.name=s", "-c", "user.email=s@example.com"]
    subprocess.run([*git, "add", "-A"], check=True, env=env)
    subprocess.run([*git, "commit", "-qm", when], check=True, env=env)
    return subprocess.run([*git, "rev-parse", "HEAD"], check=True, env=env, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def clones(tmp_path) -> tuple[Path, dict[str, str]]:
    """ann: right before the deadline, wrong after the last day; bob: wrong before, right two days late; cy: a
    plain folder; dee: a clone whose hook would write a file if anything ran it."""
    root = tmp_path / "submissions"
    shas = {}
    for name in ("ann", "bob", "dee"):
        (root / name).mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(root / name)], check=True)
    right, wrong = FIRST.solution(), WRONG.read_text(encoding="utf-8")
    shas["ann"] = commit(root / "ann", right, "2026-11-30T12:00:00Z")
    commit(root / "ann", wrong, "2026-12-06T12:00:00Z")
    commit(root / "bob", wrong, "2026-11-30T12:00:00Z")
    shas["bob"] = commit(root / "bob", right, "2026-12-03T12:00:00Z")
    shas["dee"] = commit(root / "dee", right, "2026-11-01T12:00:00Z")
    hook = root / "dee" / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {tmp_path / 'hook-ran'}\n")
    hook.chmod(0o755)
    (root / "dee" / ".git" / "config").write_text(
        f"[core]\n\tfsmonitor = touch {tmp_path / 'fsmonitor-ran'}\n\tpager = touch {tmp_path / 'pager-ran'}\n"
        "\trepositoryformatversion = 0\n", encoding="utf-8")
    (root / "cy").mkdir()
    (root / "cy" / FIRST.file_name).write_text(right, encoding="utf-8")
    return root, shas


def class_file(tmp_path: Path, late: str = "") -> Path:
    path = tmp_path / "classroom.toml"
    path.write_text(f"deadline = {DEADLINE}\n{late}", encoding="utf-8")
    return path


def grade(root: Path, out: Path, *extra: str) -> int:
    return main(["grade", "--submissions", str(root), "--output", str(out), "--levels", FIRST.id, "--seed", "3",
                 *extra])


@pytest.mark.slow
def test_a_clone_is_graded_at_its_last_commit_before_the_deadline_and_a_late_one_loses_points(clones, tmp_path,
                                                                                            capsys):
    root, shas = clones
    late = "[late]\npenalty = 10\nlast_day = 2026-12-05T00:00:00Z\n"
    assert grade(root, tmp_path / "out", "--class", str(class_file(tmp_path, late))) == 0
    said = capsys.readouterr().out
    rows = {row["student"]: row for row in csv.DictReader(open(tmp_path / "out" / "gradebook.csv"))}
    assert rows["ann"]["commit"] == shas["ann"] and rows["ann"]["total"] == "10"  # on time; the later one too late
    assert rows["bob"]["commit"] == shas["bob"] and rows["bob"][FIRST.id] == "10" and rows["bob"]["total"] == "8"
    assert "2 days after the deadline" in rows["bob"]["rule_changed"] and "took the score from 10 to 8" in said
    assert rows["cy"]["commit"] == "" and rows["cy"]["total"] == "10"
    assert "Plain folders: 1; when they were handed in cannot be told" in said
    bob = json.loads((tmp_path / "out" / "bob.json").read_text())
    assert bob["score"] == 8 and bob["points_before_rule"] == 10 and bob["handed_in"]["commit"] == shas["bob"]
    assert bob["handed_in"]["days_late"] == 2 and "class" in bob["rule_changed"]
    cy = json.loads((tmp_path / "out" / "cy.json").read_text())
    assert "cannot be told" in cy["handed_in"]["said"]
    junit = ET.parse(tmp_path / "out" / "bob.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert "took the score from 10 to 8" in properties["rule_changed"] and shas["bob"][:12] in properties["handed_in"]
    page = (tmp_path / "out" / "report.html").read_text()
    assert "took the score from 10 to 8" in page
    # Nothing of the students' repositories ran: no hook, no fsmonitor, no pager.
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith("-ran")]

    # Without [late], nothing after the deadline counts: bob's last commit in time is the wrong one.
    assert grade(root, tmp_path / "strict", "--class", str(class_file(tmp_path))) == 0
    rows = {row["student"]: row for row in csv.DictReader(open(tmp_path / "strict" / "gradebook.csv"))}
    assert rows["bob"]["commit"] != shas["bob"] and rows["bob"]["total"] == rows["bob"][FIRST.id] != "10"
    assert "1 later commit was not graded" in capsys.readouterr().out


def test_a_late_rule_s_arithmetic():
    rule = LateRule(datetime(2026, 12, 1, tzinfo=UTC), True, 25, datetime(2026, 12, 4, tzinfo=UTC), "c.toml")
    on_time = HandIn("git", datetime(2026, 11, 30, tzinfo=UTC), "abc", rule)
    assert on_time.adjust(10) == (10, None) and "on time" in on_time.line()
    a_minute = HandIn("git", datetime(2026, 12, 1, 0, 1, tzinfo=UTC), "abc", rule)
    assert a_minute.days_late() == 1 and a_minute.adjust(10)[0] == 7  # 10 x 0.75, rounded down
    too_late = HandIn("git", datetime(2026, 12, 5, tzinfo=UTC), "abc", rule)
    assert too_late.adjust(10)[0] == 0 and "takes nothing after" in too_late.adjust(10)[1]
    strict = HandIn("git", datetime(2026, 12, 2, tzinfo=UTC), "abc", LateRule(rule.deadline, source="c.toml"))
    assert strict.adjust(10) == (0, strict.adjust(10)[1]) and "no late work" in strict.adjust(10)[1]


def test_gradescope_s_metadata_gives_the_time_and_the_due_dates(tmp_path):
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps({"id": 1, "created_at": "2026-12-03T10:00:00.123456-08:00",
                                "assignment": {"due_date": "2026-12-01T23:00:00.000000-08:00",
                                               "late_due_date": "2026-12-06T23:00:00.000000-08:00"},
                                "users": [{"email": "s@example.com", "id": 1, "name": "S"}]}))
    handin = gradescope_handin(path, penalty=10)
    assert handin.days_late() == 2 and handin.adjust(20)[0] == 16
    assert "Gradescope" in handin.adjust(20)[1]
    path.write_text("{not json")
    with pytest.raises(ValueError, match="submission_metadata.json"):
        gradescope_handin(path)


@pytest.mark.slow
def test_the_gradescope_format_applies_the_metadata_and_names_what_it_was_graded_with(tmp_path, capsys):
    work = tmp_path / "submission"
    work.mkdir()
    (work / FIRST.file_name).write_text(FIRST.solution(), encoding="utf-8")
    meta = tmp_path / "submission_metadata.json"
    meta.write_text(json.dumps({"created_at": "2026-12-02T10:00:00+00:00",
                                "assignment": {"due_date": "2026-12-01T23:00:00+00:00", "late_due_date": None}}))
    late = tmp_path / "classroom.toml"
    late.write_text(f"deadline = {DEADLINE}\n[late]\npenalty = 50\n")
    results = tmp_path / "results.json"
    assert main(["grade", "--workspace", str(work), "--levels", FIRST.id, "--format", "gradescope", "--output",
                 str(results), "--seed", "5", "--class", str(late), "--submission-metadata", str(meta)]) == 0
    document = json.loads(results.read_text())
    assert document["score"] == 5 and sum(t["score"] for t in document["tests"]) == 10
    assert "took the score from 10 to 5" in document["output"]
    assert document["extra_data"]["graded_with"]["pack_hash"] == pack_hash(builtin_pack())
    assert document["extra_data"]["graded_with"]["seed"] == 5


def report_of(seed: int = 9) -> Report:
    checks = [CheckResult(check_id, name, True, "") for check_id, name in FIRST.checks()]
    result = LevelResult(FIRST.id, FIRST.title, True, "MNIST", checks)
    marking = Marking(FIRST, {check_id: 2 for check_id, _ in FIRST.checks()})
    return Report("ann", [GradedLevel(marking, result)], seed, graded_with=graded_with(builtin_pack(), seed))


@pytest.mark.parametrize("fmt", ["json", "junit", "gradescope", "classroom50", "github"])
def test_every_format_names_the_version_the_pack_its_hash_torch_and_the_seed(fmt, monkeypatch):
    for name in ("CLASSROOM", "ASSIGNMENT", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL", "OWNER"):
        monkeypatch.setenv(name, "submit/1" if name == "SUBMISSION_TAG" else "x")
    report = report_of()
    text = report.render(fmt) + (report.markdown() if fmt == "github" else "")
    fields = report.graded_with
    for value in (fields["dunderquest"], fields["pack"], fields["pack_hash"], fields["torch"], "9"):
        assert str(value) in text, (fmt, value)


def test_a_class_file_s_deadline_and_late_rule_are_checked(tmp_path):
    def refused(text: str) -> str:
        path = tmp_path / "classroom.toml"
        path.write_text(text)
        with pytest.raises(ClassFileError) as err:
            read_class_file(path, CATALOG)
        assert str(path) in str(err.value)
        return str(err.value)

    assert "no time zone" in refused("deadline = 2026-12-01T23:59:00\n")
    assert "there is no deadline" in refused("[late]\npenalty = 10\n")
    assert "from 0 to 100" in refused(f"deadline = {DEADLINE}\n[late]\npenalty = 120\n")
    assert "before the deadline" in refused(f"deadline = {DEADLINE}\n[late]\nlast_day = 2026-11-01T00:00:00Z\n")
    assert "unknown key 'grace'" in refused(f"deadline = {DEADLINE}\n[late]\ngrace = 1\n")
    path = tmp_path / "ok.toml"
    path.write_text(f"deadline = {DEADLINE}\n[late]\npenalty = 5\n")
    rule = read_class_file(path, CATALOG).rule
    assert rule.late and rule.penalty == 5 and rule.last_day is None


@pytest.mark.slow
def test_a_regrade_against_another_pack_lists_the_students_it_changes_before_writing(tmp_path, capsys):
    root = tmp_path / "submissions"
    for name, text in (("ann", FIRST.solution()), ("bob", WRONG.read_text()), ("cy", FIRST.stub())):
        (root / name).mkdir(parents=True)
        (root / name / FIRST.file_name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert grade(root, out) == 0
    # Another pack: the built-in course, its first level worth 20 points.
    pack = tmp_path / "pack"
    shutil.copytree(BUILTIN, pack, ignore=shutil.ignore_patterns("wrong", "right", "__pycache__"))
    shutil.copytree(REPO / "exercises", pack / "exercises")
    toml = (pack / "pack.toml").read_text()
    (pack / "pack.toml").write_text(toml.replace('exercises = "../exercises"\n', "").replace(
        'solutions = "../solutions"\n', ""))
    level_toml = pack / "levels" / FIRST.id / "level.toml"
    level_toml.write_text(level_toml.read_text() + "points = 20\n")
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    capsys.readouterr()
    assert main(["grade", "--submissions", str(root), "--against", str(out), "--pack", str(pack),
                 "--levels", FIRST.id]) == 0
    said = capsys.readouterr().out
    assert "Against" in said and "2 of 3 students' scores would change" in said, said
    assert "ann: 10 -> 20" in said and "the pack's checks (its hash)" in said and "out of 10 then, 20 now" in said
    assert "cy:" not in said  # the stub scores 0 with either pack
    assert "Nothing was written" in said
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    # The same pack and the earlier run's seed: nothing changes.
    assert main(["grade", "--submissions", str(root), "--against", str(out), "--levels", FIRST.id]) == 0
    assert "0 of 3 students' scores would change" in capsys.readouterr().out


def test_against_a_folder_that_is_not_a_gradebook_says_what_to_do(tmp_path, capsys):
    (tmp_path / "submissions" / "ann").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    assert main(["grade", "--submissions", str(tmp_path / "submissions"), "--against",
                 str(tmp_path / "elsewhere")]) == 2
    err = capsys.readouterr().err
    assert "no gradebook.csv in it" in err and "Traceback" not in err


EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (101),dunderquest (202),Current Score,Final Score\r\n"
    "    Points Possible,,,,,10.00,40.00,(read only),(read only)\r\n"
    ",,,,,Manual Posting,,,\r\n"
    '"Lovelace, Ada",11,S1,ada,Sec 1,9.00,,90,90\r\n'
    '"Turing, Alan",12,S2,alan@uni.example,Sec 1,7.00,,70,70\r\n'
    '"Hopper, Grace",13,S3,grace,Sec 2,,,0,0\r\n'
    '"Student, Test",14,,test123,Sec 1,,,,\r\n')


def test_canvas_s_export_round_trips_with_the_assignment_s_column_filled(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "gradebook.json").write_text(json.dumps({"students": {
        "ada": {"score": 20, "max_score": 20}, "alan": {"score": 15, "max_score": 20},
        "zed": {"score": 5, "max_score": 20}}}))
    export = tmp_path / "export.csv"
    export.write_bytes(b"\xef\xbb\xbf" + EXPORT.encode())
    assert main(["grade", "--canvas", str(export), "--output", str(out), "--canvas-column", "dunderquest"]) == 0
    said = capsys.readouterr().out
    assert "2 of 3 students' totals in 'dunderquest (202)'" in said and "so left out: zed" in said
    assert "scaled to 40" in said
    written = (out / "canvas-import.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and b"\r\n" in written
    before = list(csv.reader(io.StringIO(EXPORT)))
    after = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    column = before[0].index("dunderquest (202)")
    assert len(after) == len(before) and after[0] == before[0] and after[1:3] == before[1:3]
    for old, new in zip(before[3:], after[3:], strict=True):
        assert old[:column] + old[column + 1:] == new[:column] + new[column + 1:]  # only the column changes
    filled = {row[3]: row[column] for row in after[3:]}
    assert filled == {"ada": "40.00", "alan@uni.example": "30.00", "grace": "", "test123": ""}


def test_canvas_refuses_a_file_that_is_not_its_export_and_asks_for_the_column(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "gradebook.json").write_text(json.dumps({"students": {"ada": {"score": 1, "max_score": 2}}}))
    wrong = tmp_path / "grades.csv"
    wrong.write_text("name,score\nada,1\n")
    assert main(["grade", "--canvas", str(wrong), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "not a Canvas gradebook export" in err and str(wrong) in err and "Traceback" not in err
    export = tmp_path / "export.csv"
    export.write_text(EXPORT)
    assert main(["grade", "--canvas", str(export), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--canvas-column 'Quiz 1 (101)'" in err and "--canvas-column 'dunderquest (202)'" in err
    assert fill(export, {"ada": (1, 10)}, "dunderquest (202)").matched == {"ada": "Lovelace, Ada"}


@pytest.mark.slow
def test_the_gradescope_kit_applies_the_late_rule_to_submission_metadata(kit, tmp_path):
    from test_kits import run_gradescope

    late = tmp_path / "classroom.toml"
    late.write_text(f"deadline = {DEADLINE}\n[late]\npenalty = 30\n")
    out = tmp_path / "autograder.zip"
    assert main(["classroom", "gradescope", "--output", str(out), "--wheel", str(kit), "--class", str(late),
                 "--levels", FIRST.id]) == 0
    root = tmp_path / "autograder"
    root.mkdir()
    (root / "submission_metadata.json").write_text(json.dumps({
        "created_at": "2026-12-02T10:00:00.000000-08:00",
        "assignment": {"due_date": "2026-12-01T23:00:00.000000-08:00", "late_due_date": None}}))
    results = run_gradescope(out, root, {FIRST.file_name: FIRST.solution_path})
    assert sum(t["score"] for t in results["tests"]) == 10 and results["score"] == 7
    assert "took the score from 10 to 7" in results["output"]
