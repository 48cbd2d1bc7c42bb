"""Right solutions written differently from the reference must pass too: a right solution that
fails is the grader's second-worst bug. Each file in right/<level folder>/ is one such solution."""

from pathlib import Path

import pytest

RIGHT = Path(__file__).resolve().parents[2] / "course" / "right"
FILES = sorted(RIGHT.glob("*/*.py"))


def test_every_level_has_other_right_solutions(catalog):
    assert {path.parent.name for path in FILES} == {level.folder.name for level in catalog}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_a_right_solution_written_differently_passes(grader, catalog, path):
    level = next(level for level in catalog if level.folder.name == path.parent.name)
    result = grader.grade(level, path)
    assert result.passed, "\n".join(f"{c.name}: {c.message}" for c in result.checks if not c.passed)
