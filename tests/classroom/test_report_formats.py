"""The report formats, checked against minimal valid examples written from each platform's
specification (and Classroom 50's own validation rules), and the whole points a level is worth. No
grader runs here: the results are built by hand."""

from __future__ import annotations

import base64
import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from classroom50_rules import problems

from dunderquest.classroom.gradebook import Gradebook
from dunderquest.classroom.grading import marking as grading_marking
from dunderquest.classroom.points import split
from dunderquest.classroom.report import STATUSES, GradedLevel, Marking, Report
from dunderquest.core.catalog import load_level
from dunderquest.core.pack import builtin_pack
from dunderquest.grader.confinement.doctor import in_force
from dunderquest.grader.messages import grader_import_message, load_message
from dunderquest.grader.result import STOPPED_BY_CODE, CheckResult, LevelResult

CATALOG = builtin_pack().catalog
LEVELS = list(CATALOG)[:2]
A_CLASS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "teach" / "a-class.md"
HANG = "`import exercises/level2_data.py` did not finish within 10 s, so it was stopped. Look for a loop."

# Gradescope's autograder specification: results.json has a top-level score (or the tests' scores
# add up to it), an execution time and an output, and a list of tests, each like this one.
GRADESCOPE_EXAMPLE = {
    "score": 2.0, "execution_time": 1, "output": "text shown to the student",
    "tests": [{"score": 2.0, "max_score": 2.0, "status": "passed", "name": "Test 1", "number": "1.1",
               "output": "", "visibility": "visible"}],
}
# What `classroom-resources/autograding-grading-reporter` reads from a step's base64 `result`.
GITHUB_EXAMPLE = {
    "version": 1, "status": "pass", "max_score": 10,
    "tests": [{"name": "Test 1", "status": "pass", "score": 10, "message": None, "line_no": 0,
               "execution_time": "0.01s"}],
}


def level_result(level, passed: list[bool], message: str = "`len(Data())` returned 10; expected 3.") -> LevelResult:
    checks = [CheckResult(check_id, name, ok, "" if ok else message, None if ok else 7)
              for (check_id, name), ok in zip(level.checks(), passed, strict=False)]
    return LevelResult(level.id, level.title, all(c.passed for c in checks), "MNIST sample", checks, 0.25)


def marking(level) -> Marking:
    """The level's points over its checks, as if its stub passed only the first one."""
    ids = [check_id for check_id, _ in level.checks()]
    return Marking(level, split(level.points, ids, set(ids[1:])))


@pytest.fixture
def report() -> Report:
    """Level 1 all passed; level 2 with only its first check passed (one its stub passes too)."""
    first, second = LEVELS
    graded = [GradedLevel.of(marking(first), level_result(first, [True] * len(first.checks()))),
              GradedLevel.of(marking(second), level_result(second, [True] + [False] * (len(second.checks()) - 1)))]
    return Report(None, graded, seed=42, seconds=1.5, protections=[p.as_dict() for p in in_force()])


def same_shape(example: dict, ours: dict) -> None:
    """Every key of the example is in ours, with a value of the same JSON type."""
    for key, value in example.items():
        assert key in ours, f"missing {key!r}"
        if isinstance(value, float | int) and not isinstance(value, bool):
            assert isinstance(ours[key], float | int) and not isinstance(ours[key], bool), key
        elif value is not None:
            assert isinstance(ours[key], type(value)), key


class TestPoints:
    """Points come from level.toml, are whole, and are shared by the checks a level's stub fails."""

    def test_a_level_without_points_is_worth_ten(self):
        assert all(level.points == 10 for level in CATALOG if "points" not in
                   (level.folder / "level.toml").read_text(encoding="utf-8"))

    def test_points_in_level_toml_are_read(self, tmp_path):
        folder = tmp_path / "level9_widget"
        folder.mkdir()
        (folder / "level.toml").write_text('title = "T"\nclass = "Widget"\nsummary = "S"\npoints = 25\n')
        assert load_level(folder, 1, tmp_path, tmp_path).points == 25

    def test_points_that_are_not_whole_are_refused(self, tmp_path):
        folder = tmp_path / "level9_widget"
        folder.mkdir()
        for points in ("2.5", "-1", "true", '"ten"'):
            (folder / "level.toml").write_text(f'title = "T"\nclass = "Widget"\nsummary = "S"\npoints = {points}\n')
            with pytest.raises(ValueError, match="whole number"):
                load_level(folder, 1, tmp_path, tmp_path)

    def test_a_level_s_points_are_whole_and_add_up_exactly(self):
        for points in (0, 1, 7, 10, 25, 100):
            for count in (1, 3, 6, 9):
                ids = [f"c{n}" for n in range(count)]
                weights = split(points, ids, set(ids))
                assert sum(weights.values()) == points and all(isinstance(w, int) for w in weights.values())
                assert max(weights.values()) - min(weights.values()) <= 1  # as even as whole numbers go
        assert list(split(10, ["a", "b", "c"], {"a", "b", "c"}).values()) == [4, 3, 3]

    def test_checks_the_stub_passes_carry_no_points(self):
        assert split(10, ["a", "b", "c", "d"], {"b", "c", "d"}) == {"a": 0, "b": 4, "c": 3, "d": 3}

    def test_a_stub_that_fails_no_check_leaves_the_level_worth_0(self):
        """Handing in such a stub untouched passes every check: it must still earn nothing."""
        assert split(10, ["a", "b"], set()) == {"a": 0, "b": 0}
        level = LEVELS[0]
        marked = grading_marking(level, set())
        assert marked.points == 0 and set(marked.weights.values()) == {0}
        untouched = GradedLevel.of(marked, level_result(level, [True] * len(level.checks())))
        assert untouched.passed and untouched.score == 0 and untouched.max_score == 0

    def test_a_level_score_is_the_points_of_its_passed_checks(self, report):
        first, second = report.levels
        assert first.score == 10 and first.max_score == 10
        assert second.score == 0, "its one passed check is one the stub passes as well"
        assert report.score == 10 and report.max_score == 20


class TestGradescope:
    def test_has_the_specification_fields(self, report):
        results = report.to_gradescope()
        same_shape(GRADESCOPE_EXAMPLE, results)
        for test in results["tests"]:
            same_shape(GRADESCOPE_EXAMPLE["tests"][0], test)
            assert test["status"] in ("passed", "failed")

    def test_score_is_the_sum_of_the_tests(self, report):
        results = json.loads(report.render("gradescope"))
        assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))
        assert results["score"] == pytest.approx(report.score)

    def test_one_test_per_check_and_the_learner_message_as_output(self, report):
        tests = report.to_gradescope()["tests"]
        assert len(tests) == sum(len(level.checks()) for level in LEVELS)
        failed = [test for test in tests if test["status"] == "failed"]
        assert failed and all(test["score"] == 0 and "returned 10; expected 3" in test["output"] for test in failed)


class TestJUnit:
    def test_parses_with_one_suite_per_level_and_one_case_per_check(self, report):
        root = ET.fromstring(report.render("junit").encode())
        assert root.tag == "testsuites"
        suites = root.findall("testsuite")
        assert [suite.get("name").split(":")[0] for suite in suites] == [level.id for level in LEVELS]
        for suite, level in zip(suites, LEVELS, strict=True):
            cases = suite.findall("testcase")
            assert [case.get("name") for case in cases] == [name for _, name in level.checks()]
            assert int(suite.get("tests")) == len(cases)
            assert int(suite.get("failures")) == sum(case.find("failure") is not None for case in cases)

    def test_the_message_is_in_the_failure(self, report):
        root = ET.fromstring(report.render("junit").encode())
        failures = root.findall(".//failure")
        assert failures
        assert all("returned 10; expected 3" in (f.text or "") and f.get("message") for f in failures)
        assert int(root.get("failures")) == len(failures)


class TestGitHub:
    def test_result_decodes_and_carries_version_1(self, report):
        line = report.render("github")
        assert line.startswith("result=") and line.endswith("\n") and "\n" not in line[:-1]
        decoded = json.loads(base64.b64decode(line.removeprefix("result=").strip()))
        assert decoded["version"] == 1
        same_shape(GITHUB_EXAMPLE, decoded)
        for test in decoded["tests"]:
            same_shape(GITHUB_EXAMPLE["tests"][0], test)

    def test_status_and_points_as_the_reporter_adds_them(self, report):
        decoded = report.to_github()
        assert decoded["status"] == "fail" and decoded["max_score"] == 20
        assert sum(test["score"] for test in decoded["tests"]) == pytest.approx(report.score)
        # The reporter's console table counts passed tests times max_score: the same figure.
        passed = sum(test["status"] == "pass" for test in decoded["tests"])
        assert decoded["max_score"] * passed / len(decoded["tests"]) != pytest.approx(0)
        assert {test["line_no"] for test in decoded["tests"] if test["status"] == "fail"} == {7}


class TestProductJson:
    def test_every_level_and_check_with_points_data_seed_timing_and_protections(self, report):
        document = json.loads(report.render("json"))
        assert document["seed"] == 42 and document["data"] == "MNIST sample" and document["seconds"] == 1.5
        assert [level["level"] for level in document["levels"]] == [level.id for level in LEVELS]
        assert document["score"] == pytest.approx(report.score) and document["max_score"] == 20
        # Read from the one place that decides them, so the report says what `in_force()` says.
        assert [p["name"] for p in document["protections"]] == [p.name for p in in_force()]
        assert "separate process" in [p["name"] for p in document["protections"]]
        assert all(isinstance(p["in_force"], bool) and p["detail"] for p in document["protections"])
        check = document["levels"][1]["checks"][1]
        assert check["passed"] is False and check["score"] == 0 and check["line"] == 7


class TestStatus:
    def test_what_went_wrong_is_named_per_level(self, report):
        second = report.levels[1]
        hung = GradedLevel.of(second.marking, level_result(second.level, [False] * 20, HANG))
        stopped = GradedLevel.of(second.marking, level_result(second.level, [False] * 20, STOPPED_BY_CODE))
        assert replace(report, levels=[report.levels[0], hung]).status == "level2_data: hang"
        assert stopped.problem == "stopped the grader"
        assert report.status == "ok"  # failed checks are a score, not a problem

    def test_a_file_that_imports_dunderquest_has_a_status_of_its_own(self, report):
        """Not "ok", as an untouched stub is: the grader refused the file, and the status says why."""
        second = report.levels[1]
        path = second.level.exercise_path
        refused = grader_import_message(path, [3])
        guarded = load_message({"type": "ModuleNotFoundError", "message": "No module named 'dunderquest.course': a "
                                "sandbox cannot import the grader's own package"}, path)
        for message in (refused, guarded):
            graded = GradedLevel.of(second.marking, level_result(second.level, [False] * 20, message))
            assert graded.problem == "imports dunderquest", message
            status = replace(report, levels=[report.levels[0], graded]).status
            assert status == f"{second.level.id}: imports dunderquest"

    def test_the_class_page_names_every_gradebook_status(self):
        page = A_CLASS_PAGE.read_text(encoding="utf-8")
        missing = [status for status in STATUSES if f"| `{status}` |" not in page]
        assert not missing, f"docs/teach/a-class.md's statuses leave out {missing}"

    def test_gradebook_columns_follow_the_levels_graded(self, report):
        other = replace(report, student="=cmd|' /C calc'!A0")
        book = Gradebook(LEVELS, [replace(report, student="bo"), other])
        rows = list(csv.reader(io.StringIO(book.csv_text())))
        assert rows[0] == ["student", *(level.id for level in LEVELS), "total", "status"]
        assert rows[1][0] == "'=cmd|' /C calc'!A0"  # a spreadsheet shows it as text, not a formula
        assert rows[2] == ["bo", "10", "0", "10", "ok"]


CLASSROOM50_RUN = {"CLASSROOM": "cs-principles", "ASSIGNMENT": "dunderquest", "OWNER": "alice",
                   "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d",
                   "COMMIT_URL": "https://github.com/org/cs-principles-dunderquest-alice/commit/abc",
                   "RELEASE_URL": "https://github.com/org/cs-principles-dunderquest-alice/releases/tag/submit%2Fx",
                   "REVIEW_URL": "https://github.com/org/cs-principles-dunderquest-alice/compare/a...b"}


class TestClassroom50:
    def test_the_result_is_one_classroom_50_accepts(self, report):
        result = report.to_classroom50(CLASSROOM50_RUN)
        assert problems(json.loads(json.dumps(result)), CLASSROOM50_RUN) == []
        assert result["score"] == report.score == 10 and result["max-score"] == 20

    def test_one_test_per_check_named_after_its_level_with_its_message(self, report):
        tests = report.to_classroom50(CLASSROOM50_RUN)["tests"]
        assert len(tests) == sum(len(level.checks()) for level in LEVELS)
        assert len({test["test-name"] for test in tests}) == len(tests)
        assert all(test["test-name"].startswith(f"Level {LEVELS[0].number} (") for test in tests[:3])
        failed = [test for test in tests if not test["passed"]]
        assert failed and all("returned 10; expected 3" in test["message"] for test in failed)
        assert sum(test["score"] for test in tests) == 10 and sum(test["max-score"] for test in tests) == 20

    def test_the_rules_refuse_what_classroom_50_refuses(self, report):
        """The validator is no rubber stamp: each broken rule is caught."""
        good = report.to_classroom50(CLASSROOM50_RUN)

        def broken(change) -> list[str]:
            result = json.loads(json.dumps(good))
            change(result)
            return problems(result, CLASSROOM50_RUN)

        assert broken(lambda r: r.update(score=True))
        assert broken(lambda r: r.update(score=1.0))
        assert broken(lambda r: r.update(score=-1))
        assert broken(lambda r: r.update(score=r["max-score"] + 1))
        assert broken(lambda r: r["tests"][0].update(passed=1))
        assert broken(lambda r: r["tests"][0].update(score=r["tests"][0]["max-score"] + 1))
        assert broken(lambda r: r["tests"][0].update({"test-name": ""}))
        assert broken(lambda r: r.pop("tests"))
        assert broken(lambda r: r.update(submission="main"))
        assert broken(lambda r: r.update(schema="classroom50/result/v2"))
        assert broken(lambda r: r.update(classroom="another"))
        assert broken(lambda r: r.update(extra=1))
        assert broken(lambda r: r.update(datetime="2026-06-01 14:32:01"))
        assert broken(lambda r: r.update(submitted_by={"username": "a", "id": "7"}))
