"""After a pass: the learner's file beside the reference solution, as a unified diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .catalog import Level

NOT_INSTALLED = ("The reference solutions are not installed here: this dunderquest was installed for grading, "
                 "without its answer key. Install it with `pip install dunderquest` (or from its checkout) to "
                 "compare your file with the reference.")


@dataclass
class SolutionDiff:
    same: bool
    heading: str
    lines: list[str]  # the reference itself when the files are the same, else the diff's lines
    installed: bool = True  # False in an install without the reference solutions


def solution_diff(level: Level, mine: str) -> SolutionDiff:
    reference = level.solution()
    if reference is None:
        return SolutionDiff(False, NOT_INSTALLED, [], installed=False)
    if mine.strip() == reference.strip():
        return SolutionDiff(True, f"Your {level.exercise_path} is the same as the reference solution.",
                            reference.splitlines())
    diff = difflib.unified_diff(mine.splitlines(), reference.splitlines(),
                                f"yours: {level.exercise_path}", "reference solution", lineterm="")
    return SolutionDiff(False, "Lines starting with - are yours only; lines with + are the reference's only.",
                        list(diff))
