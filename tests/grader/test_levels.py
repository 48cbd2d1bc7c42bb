"""Every level against its reference solution, its stub and a corpus of plausible wrong solutions
(wrong/<level folder>/*.py, each naming the checks it must fail in its header)."""

from __future__ import annotations

import pytest
from grader_corpus import LEVELS, REPO, Submission, check_ids, explain, leaks, wrong_solutions

WRONG = wrong_solutions()


@pytest.mark.parametrize("folder", LEVELS)
def test_the_reference_solution_passes_every_check(grader, catalog, folder):
    level = catalog.get(folder)
    result = grader.grade(level, REPO / "solutions" / level.file_name)
    assert result.passed, explain(result)
    assert {check.id for check in result.checks} == set(check_ids(level))
    assert result.printed == ""  # nothing the grader's own processes print is shown as the learner's


@pytest.mark.parametrize("folder", LEVELS)
def test_the_untouched_stub_fails(grader, catalog, folder):
    level = catalog.get(folder)
    result = grader.grade(level, REPO / "exercises" / level.file_name)
    assert not result.passed, explain(result)
    assert not leaks(result)
    assert all(check.message for check in result.checks if not check.passed)


@pytest.mark.parametrize("wrong", [s.param(bug=s.known_bug) for s in WRONG])
def test_a_wrong_solution_fails_the_checks_it_names(grader, catalog, wrong: Submission):
    level = catalog.get(wrong.level)
    result = grader.grade(level, wrong.path)
    failed = {check.id for check in result.checks if not check.passed}
    assert not result.passed, f"{wrong.path.name} passed level {wrong.level}:\n{explain(result)}"
    missed = [check_id for check_id in wrong.must_fail if check_id not in failed]
    assert not missed, f"{wrong.path.name} passed {missed}, which it must fail:\n{explain(result)}"
    for check in result.checks:
        if not check.passed:
            assert check.message.strip(), f"{check.id} failed without a message"
            assert check.line is not None, f"{check.id} failed without pointing at a line of the file"
            lead = check.message.split("\n")[0]
            assert len(lead) <= 320, f"{check.id}'s message says what went wrong in {len(lead)} characters: {lead}"
    messages = [check.message for check in result.checks if not check.passed]
    for text in wrong.says:
        assert any(text in message for message in messages), f"no message says {text!r}:\n{explain(result)}"
    assert not leaks(result), "\n".join(leaks(result))


@pytest.mark.parametrize("folder", LEVELS)
def test_every_wrong_solution_names_real_checks(catalog, folder):
    ids = set(check_ids(catalog.get(folder)))
    files = [s for s in WRONG if s.level == folder]
    assert len(files) >= 6
    for wrong in files:
        assert wrong.must_fail, f"{wrong.path.name} names no check it must fail"
        unknown = set(wrong.must_fail) - ids
        assert not unknown, f"{wrong.path.name} names checks that {folder} does not have: {unknown}"


@pytest.mark.parametrize("folder", LEVELS)
def test_every_check_is_failed_by_some_wrong_solution(catalog, folder):
    """A check that no wrong solution fails is a check nothing shows to be needed."""
    named = {check_id for s in WRONG if s.level == folder and not s.known_bug for check_id in s.must_fail}
    assert set(check_ids(catalog.get(folder))) - named == set()
