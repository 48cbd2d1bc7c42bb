"""What a student handed in: a folder that is either a workspace (its files in `exercises/`) or just
the exercise files at its top level, which is how Gradescope and LMS downloads arrive. This module
only reads a submission; nothing here ever writes into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.catalog import Level


@dataclass(frozen=True)
class Found:
    path: Path | None  # the file to grade, or None
    problem: str | None = None  # why there is nothing to grade, for the learner


@dataclass(frozen=True)
class Submission:
    name: str  # the student, as the gradebook shows them: the folder's name
    root: Path

    def find(self, level: Level) -> Found:
        """The level's file: `exercises/<file>` first, else `<file>` at the top level."""
        for candidate in (self.root / level.exercise_path, self.root / level.file_name):
            if candidate.is_symlink():
                # A link could point at any file the teacher can read; only real files are graded.
                return Found(None, f"{candidate.relative_to(self.root)} is a link to another file, not a file "
                                   "of its own, so it was not graded. Hand in the file itself.")
            if candidate.is_file():
                return Found(candidate)
        return Found(None, f"No {level.file_name} was handed in (looked for {level.exercise_path} and "
                           f"{level.file_name} at the top level), so this level could not be graded.")


def class_folder(root: Path) -> list[Submission]:
    """One submission per student folder in `root`, by name; files and hidden folders are skipped."""
    return [Submission(child.name, child) for child in sorted(root.iterdir(), key=lambda p: p.name)
            if child.is_dir() and not child.is_symlink() and not child.name.startswith(".")]
