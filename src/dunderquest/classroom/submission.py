"""What a student handed in: a folder that is either a workspace (its files in `exercises/`) or just
the exercise files at its top level, which is how Gradescope and LMS downloads arrive. This module
only reads a submission; nothing here ever writes into it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.catalog import Level

ARCHIVES = {".zip": "a zip file: unzip it into a folder named after the student",
            ".tar": "an archive: unpack it into a folder named after the student",
            ".tgz": "an archive: unpack it into a folder named after the student",
            ".gz": "an archive: unpack it into a folder named after the student",
            ".7z": "an archive: unpack it into a folder named after the student",
            ".rar": "an archive: unpack it into a folder named after the student"}
WORKSPACE_MARKS = ("exercises", ".dunderquest")  # what a workspace holds at its top level


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


@dataclass(frozen=True)
class ClassFolder:
    """A class folder as read: the students' folders, and what else is in it that is not graded."""

    root: Path
    submissions: list[Submission]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why it is not graded)

    def not_graded(self) -> str:
        """One line naming what was not graded and why; "" when everything was."""
        return ", ".join(f"{name} ({why})" for name, why in self.skipped)

    def problem(self, levels: Sequence[Level]) -> str | None:
        """Why this folder cannot be graded as a class, with the layout it needs; None when it can."""
        marks = [mark for mark in WORKSPACE_MARKS if (self.root / mark).is_dir()]
        if marks:
            return (f"{self.root} is one workspace (it has {marks[0]}/), not a folder of students: --submissions "
                    f"would grade a student called {marks[0]!r}. Grade it with dunderquest grade --workspace "
                    f"{self.root} --format json (or another format).")
        if self.submissions:
            return None
        python = [name for name, _ in self.skipped if name.endswith(".py")]
        if python:
            shown = ", ".join(python[:4]) + (", ..." if len(python) > 4 else "")
            said = (f"{self.root} holds no student folders, only Python files at its top level ({shown}). If they "
                    f"are one student's files, grade them with dunderquest grade --workspace {self.root} --format "
                    "json. If they are a whole class's files in one folder, as some LMS downloads arrive, put each "
                    "student's files in a folder named after the student.")
        else:
            said = f"{self.root} holds no student folders, so there is no one to grade."
            if self.skipped:
                said += f" Not graded: {self.not_graded()}."
        return said + "\n" + layout(levels)


def layout(levels: Sequence[Level]) -> str:
    """The class folder that --submissions takes, drawn with these levels' files."""
    names = [level.file_name for level in levels[:2]] or ["exercise.py"]
    first = "\n".join(f"      {name}" for name in names)
    return ("--submissions takes a folder with one folder per student, named after the student, each holding\n"
            "the student's exercise files (or their workspace, with the files in exercises/):\n"
            f"  submissions/\n    alice/\n{first}\n    bob/\n      exercises/{names[0]}\n      ...")


def _why_not(path: Path) -> str | None:
    """Why an entry of a class folder is not a student's folder; None for a student's folder."""
    if path.is_symlink():
        return "a link, not a folder of its own: only real folders are graded"
    if path.is_dir():
        return None
    if path.is_file():
        return ARCHIVES.get(path.suffix.lower(), "a file, not a student's folder")
    return "not a folder"


def read_class_folder(root: Path) -> ClassFolder:
    """One submission per student folder in `root`, by name, and the other entries with why they are
    not graded. Hidden entries (`.DS_Store`, `.git`) are passed over without a word."""
    submissions, skipped = [], []
    for child in sorted(root.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        why = _why_not(child)
        if why is None:
            submissions.append(Submission(child.name, child.absolute()))
        else:
            skipped.append((child.name, why))
    return ClassFolder(root, submissions, skipped)

