"""Gradescope shows a report's top-level output to the student at once: a level whose tests the class
file hides (or shows only after the due date) must not appear there, nor count in its total."""

from __future__ import annotations

from dunderquest.classroom.points import split
from dunderquest.classroom.report import GradedLevel, Marking, Report
from dunderquest.core.pack import builtin_pack
from dunderquest.grader.result import CheckResult, LevelResult

SECRET = "the hidden level's message"


def graded(level, passed: bool, visibility: str) -> GradedLevel:
    ids = [check_id for check_id, _ in level.checks()]
    checks = [CheckResult(check_id, name, passed, "" if passed else SECRET) for check_id, name in level.checks()]
    result = LevelResult(level.id, level.title, passed, "MNIST sample", checks, 0.5)
    return GradedLevel.of(Marking(level, split(level.points, ids, set(ids)), visibility), result)


def test_the_top_level_output_speaks_only_of_the_levels_shown_now():
    first, second, third = list(builtin_pack().catalog)[:3]
    report = Report(None, [graded(first, True, "visible"), graded(second, False, "hidden"),
                           graded(third, True, "after_due_date")], seed=7)
    document = report.to_gradescope()
    output = document["output"]
    assert f"Level {first.number}:" in output
    assert f"Level {second.number}:" not in output and SECRET not in output
    assert f"Level {third.number}:" not in output
    assert (f"Total of the levels shown: {first.points}/{first.points} points. 2 more levels are graded but not "
            "shown here.") in output
    # The tests keep their own visibility, and the score still counts every level.
    assert {test["visibility"] for test in document["tests"]} == {"visible", "hidden", "after_due_date"}
    assert document["score"] == first.points + third.points


def test_with_every_level_visible_the_output_gives_the_whole_total():
    first, second = list(builtin_pack().catalog)[:2]
    report = Report(None, [graded(first, True, "visible"), graded(second, False, "visible")], seed=7)
    output = report.to_gradescope()["output"]
    assert SECRET in output and f"Total: {first.points}/{first.points + second.points} points." in output
