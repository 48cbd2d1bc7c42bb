"""`grade --submissions DIR --against OUTDIR`: regrade a class and list every student whose score would
change against the gradebook in OUTDIR, and why, before anything is written.

Why a score changes is found by comparing what each student's report names (its `graded_with`: the
dunderquest version, the pack's hash, the torch version, the seed; each level's file hash; the late
rule's sentence) with the new run's. When none of them differs, it says so: the same files, pack,
torch and seed gave another score.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from .gradebook import GRADEBOOK, RUN, Gradebook, is_student_report

WHAT = {"dunderquest": "dunderquest", "pack": "the pack", "pack_version": "the pack's version",
        "pack_hash": "the pack's checks (its hash)", "torch": "torch", "seed": "the seed"}


class NotAGradebook(ValueError):
    """OUTDIR is not a gradebook that grade --submissions wrote: what it lacks, and what to do."""


@dataclass
class Earlier:
    folder: Path
    seed: int | None
    students: dict[str, dict] = field(default_factory=dict)  # student -> their JSON report


def read_earlier(folder: Path) -> Earlier:
    """The gradebook in `folder`: each student's JSON report, and the run's seed."""
    if not folder.is_dir():
        raise NotAGradebook(f"--against {folder}: not a folder. Give the folder an earlier grade --submissions wrote "
                            f"(--output), which holds {GRADEBOOK}.")
    if not (folder / GRADEBOOK).is_file():
        raise NotAGradebook(f"--against {folder}: there is no {GRADEBOOK} in it, so it is not a gradebook that grade "
                            "--submissions wrote. Give the folder you passed as --output then.")
    students = {}
    for path in sorted(folder.glob("*.json")):
        if path.name != RUN and is_student_report(path):
            students[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    try:
        with open(folder / GRADEBOOK, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise NotAGradebook(f"--against {folder}: {GRADEBOOK} cannot be read ({err}).") from None
    if not students or not rows or "student" not in rows[0]:
        raise NotAGradebook(f"--against {folder}: it holds no student's JSON report beside {GRADEBOOK}, so there is "
                            "nothing to compare with. Grade the class into it first: dunderquest grade --submissions "
                            f"DIR --output {folder}")
    seeds = {report.get("seed") for report in students.values()}
    return Earlier(folder, seeds.pop() if len(seeds) == 1 else None, students)


@dataclass(frozen=True)
class Change:
    student: str
    before: int | None  # None: not in the earlier gradebook
    after: int | None  # None: not in this run
    why: tuple[str, ...]

    def line(self) -> str:
        if self.before is None:
            return f"{self.student}: new, {self.after}"
        if self.after is None:
            return f"{self.student}: {self.before}, not in this run (no folder for them now)"
        return f"{self.student}: {self.before} -> {self.after} ({'; '.join(self.why)})"


def changes(earlier: Earlier, gradebook: Gradebook) -> list[Change]:
    """Every student whose score differs from the earlier gradebook's, with why."""
    found = []
    now = {report.student: report for report in gradebook.reports}
    for student in sorted(now.keys() | earlier.students.keys()):
        report, before = now.get(student), earlier.students.get(student)
        if before is None or report is None:
            found.append(Change(student, before and before.get("score"), report and report.score, ()))
            continue
        if before.get("score") == report.score:
            continue
        found.append(Change(student, before.get("score"), report.score, tuple(reasons(before, report.to_json()))))
    return found


def reasons(before: dict, after: dict) -> list[str]:
    said = []
    old, new = before.get("graded_with") or {}, after.get("graded_with") or {}
    if not old:
        said.append("the earlier report does not say what it was graded with (an older dunderquest)")
    for key, name in WHAT.items():
        if old and old.get(key) != new.get(key):
            said.append(f"{name}: {old.get(key)} then, {new.get(key)} now")
    if before.get("max_score") != after.get("max_score"):
        said.append(f"the levels' points (level.toml or the class file): out of {before.get('max_score')} then, "
                    f"{after.get('max_score')} now")
    files_before = {level["level"]: level.get("sha256") for level in before.get("levels", [])}
    changed = [level["level"] for level in after.get("levels", [])
               if level.get("sha256") != files_before.get(level["level"])]
    if changed:
        said.append(f"other files handed in: {', '.join(changed)}")
    if before.get("rule_changed") != after.get("rule_changed"):
        said.append(f"the late rule: {after.get('rule_changed') or 'no rule changes the score now'}")
    levels_before = [level["level"] for level in before.get("levels", [])]
    if levels_before != [level["level"] for level in after.get("levels", [])]:
        said.append("other levels graded")
    if not said:
        said.append("the same files, pack, torch and seed gave another score: a check that does not give the same "
                    "result every time")
    return said
