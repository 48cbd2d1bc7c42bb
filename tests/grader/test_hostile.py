"""Broken and malicious submissions (hostile/*.py): each must get the outcome its header names, with a
message in plain words, and grading must go on to judge the next file correctly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from grader_corpus import LEVELS, REPO, Submission, check_ids, explain, hostile_submissions, leaks

HOSTILE = hostile_submissions()


def grade_copy(grader, catalog, submission: Submission, folder: Path):
    """Grades a copy, so nothing a submission writes beside itself lands in the repository."""
    level = catalog.get(submission.level)
    copy = folder / "exercises" / level.file_name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(submission.path, copy)
    return level, grader.grade(level, copy)


@pytest.fixture(scope="session")
def graded(grader, catalog, tmp_path_factory):
    """Each hostile file is graded once per session (some wait for a 10 s deadline)."""
    done = {}

    def grade(submission: Submission):
        if submission.path not in done:
            folder = tmp_path_factory.mktemp(submission.path.stem)
            done[submission.path] = grade_copy(grader, catalog, submission, folder)
        return done[submission.path]

    return grade


@pytest.mark.parametrize("submission", [s.param(bug=s.known_bug) for s in HOSTILE])
def test_a_hostile_submission_gets_the_outcome_it_deserves(graded, submission):
    level, result = graded(submission)
    assert result.passed == submission.passes, explain(result)
    outcome = {check.id: check.passed for check in result.checks}
    assert set(outcome) == set(check_ids(level)), "every check gets exactly one outcome"
    assert [c for c in submission.must_fail if outcome[c]] == [], explain(result)
    assert [c for c in submission.must_pass if not outcome[c]] == [], explain(result)
    assert all(check.message.strip() for check in result.checks if not check.passed)
    assert not leaks(result), "\n".join(leaks(result))


@pytest.mark.parametrize("submission", [s.param(bug=s.unclear_message) for s in HOSTILE if s.says])
def test_a_hostile_submission_is_told_what_went_wrong(graded, submission):
    _, result = graded(submission)
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
    path = {"solution": REPO / "solutions" / level.file_name, "stub": REPO / "exercises" / level.file_name,
            "crash": crashing_file(tmp_path, level.file_name)}[which]
    result = grader.grade(level, path)
    ids = [check.id for check in result.checks]
    assert sorted(ids) == sorted(check_ids(level))
    assert result.passed == (which == "solution")


def test_files_planted_beside_the_submission_never_reach_the_grader(grader, catalog, tmp_path):
    """A submission that writes conftest.py, torch.py and pytest.py (each of which would pass every
    check) into its folder and the sandbox's: its own grade and the next ones are still right."""
    planter = next(s for s in HOSTILE if s.path.name == "plants_conftest_and_torch.py")
    level, result = grade_copy(grader, catalog, planter, tmp_path)
    assert result.passed, explain(result)
    exercises = tmp_path / "exercises"
    assert (exercises / "torch.py").exists() and (exercises / "conftest.py").exists(), "the attack ran"
    for wrong, should_pass in (("exercises", False), ("solutions", True)):
        other = exercises / f"other_{wrong}.py"
        shutil.copyfile(REPO / wrong / level.file_name, other)
        assert grader.grade(level, other).passed is should_pass
    assert not (exercises / "planted-was-imported").exists(), "a planted file was imported"
