"""When work was handed in, and the late rule that may change its score.

A class file can set a deadline and a late rule (class_file.py). Where the hand-in time comes from:

- a git clone (what Classroom 50 and `gh repo clone` give): the student's last commit before the
  deadline is graded, or, when late work is taken, the last one before the last day, late by the
  days past the deadline. Its time is the commit's own (committer) date, which the student's git
  wrote: a student can forge it, as any date in a repository. Push times are not in a clone.
- a plain folder: the time cannot be told, so no late rule applies, and the report says so.
- Gradescope: `submission_metadata.json` gives the submission's time (`created_at`) and the
  assignment's `due_date` and `late_due_date`. Gradescope takes late work only until the late due
  date, so there the due date is the deadline, the late due date the last day, and the class file
  adds the penalty.

A score changed by a rule carries the sentence saying so into every report.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

DAY = timedelta(days=1)


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "unknown"


@dataclass(frozen=True)
class LateRule:
    deadline: datetime | None = None
    late: bool = False  # whether work after the deadline counts at all
    penalty: float = 0.0  # percent of the score taken off per day late (each day begun counts)
    last_day: datetime | None = None  # after it nothing counts; None: no limit (when late work counts)
    source: str = "the class file"  # where the rule was read, as a report names it

    @property
    def cutoff(self) -> datetime | None:
        """The last moment whose work counts: the deadline, the last day, or None (no limit)."""
        if self.deadline is None:
            return None
        return self.last_day if self.late else self.deadline

    def describe(self) -> str:
        if self.deadline is None:
            return "no deadline"
        said = f"deadline {when(self.deadline)}"
        if not self.late:
            return said + ", no late work"
        said += f", late work {self.penalty:g}% off a day" if self.penalty else ", late work without penalty"
        return said + (f" until {when(self.last_day)}" if self.last_day else "")


@dataclass(frozen=True)
class HandIn:
    """How and when a submission was handed in, and the rule that applies to it."""

    how: str  # "git", "folder" or "gradescope"
    time: datetime | None = None
    commit: str | None = None  # the commit graded, for a git clone
    rule: LateRule | None = None
    note: str = ""  # what else a teacher should know: later commits left out, no commit in time

    def days_late(self) -> int:
        deadline = self.rule.deadline if self.rule else None
        if self.time is None or deadline is None or self.time <= deadline:
            return 0
        return math.ceil((self.time - deadline) / DAY)

    def adjust(self, points: int) -> tuple[int, str | None]:
        """The score once the rule has applied to `points`, and the sentence saying what it changed
        (None when it changed nothing)."""
        rule, days = self.rule, self.days_late()
        if rule is None or days == 0:
            return points, None
        late = f"handed in {when(self.time)}, {days} day{'s' if days != 1 else ''} after the deadline " \
               f"({when(rule.deadline)})"
        if not rule.late or (rule.last_day is not None and self.time > rule.last_day):
            why = "takes no late work" if not rule.late else f"takes nothing after {when(rule.last_day)}"
            return 0, f"Late rule ({rule.source}): {late}; the rule {why}, so the score is 0 (was {points})."
        score = max(0, math.floor(points * (1 - rule.penalty * days / 100) + 1e-9))
        if score == points:
            return points, None
        return score, (f"Late rule ({rule.source}): {late}; {rule.penalty:g}% off a day took the score from "
                       f"{points} to {score}.")

    def line(self) -> str:
        """Where the graded work came from, in one line."""
        if self.how == "folder":
            return "A plain folder: when it was handed in cannot be told, so no deadline was applied."
        said = f"Handed in {when(self.time)}"
        if self.commit:
            said += f" (commit {self.commit[:12]})"
        if self.rule is not None and self.rule.deadline is not None:
            days = self.days_late()
            said += f", {days} day{'s' if days != 1 else ''} late" if days else ", on time"
            said += f" ({self.rule.describe()}, {self.rule.source})"
        return said + "." + (f" {self.note}" if self.note else "")

    def to_json(self) -> dict:
        return {"how": self.how, "time": self.time.isoformat() if self.time else None, "commit": self.commit,
                "days_late": self.days_late(), "rule": self.rule.describe() if self.rule else None,
                "rule_from": self.rule.source if self.rule else None, "note": self.note, "said": self.line()}


FOLDER = HandIn("folder")


# -- Gradescope ---------------------------------------------------------------------------------------


class MetadataError(ValueError):
    pass


def _moment(value: object, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise MetadataError(f"{where} is not a date and time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def gradescope_handin(path: Path, penalty: float = 0.0, last_day: datetime | None = None,
                      source: str = "Gradescope's due dates") -> HandIn:
    """The hand-in that Gradescope's `submission_metadata.json` at `path` describes: its `created_at`
    against the assignment's `due_date` (or the student's own, where Gradescope gives one for an
    extension) and `late_due_date`, with the class file's penalty."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assignment = raw.get("assignment") or {}
        users = raw.get("users") or []
        own = next((u.get("assignment") for u in users if isinstance(u, dict) and u.get("assignment")), None) or {}
        created = _moment(raw.get("created_at"), f"{path}: created_at")
        due = _moment(own.get("due_date") or assignment.get("due_date"), f"{path}: assignment.due_date")
        late_due = _moment(own.get("late_due_date") or assignment.get("late_due_date"),
                           f"{path}: assignment.late_due_date")
    except OSError as err:
        raise MetadataError(f"{path} cannot be read ({err.strerror or err}).") from None
    except (ValueError, AttributeError) as err:
        raise MetadataError(f"{path} is not Gradescope's submission_metadata.json ({err}).") from None
    rule = LateRule(due, True, penalty, late_due or last_day, source) if due else None
    return HandIn("gradescope", created, rule=rule)
