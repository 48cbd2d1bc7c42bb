"""A teacher's class file (`classroom.toml`, given to `grade` and the kits with `--class FILE`): how
each level counts in this course, and whether Gradescope shows a leaderboard.

    leaderboard = true            # Gradescope: the finale's test accuracy on the assignment's leaderboard
    deadline = 2026-12-01T23:59:00-05:00  # when the work is due, with its time zone (or Z for UTC)

    [late]                        # late work counts (without this table, nothing after the deadline does)
    penalty = 10                  # percent of the score taken off per day late, each day begun counting
    last_day = 2026-12-04T23:59:00-05:00  # after it nothing counts (default: no limit)

    [levels.shapes]               # a level, by its name (its folder's); its number, level<N> or its
                                  # short name are read too, and the file is rewritten with its name
    points = 12                   # what the level is worth here (a whole number; level.toml's otherwise):
                                  # 0, or at least the level's number of checks, so each check counts
    visibility = "after_due_date" # when Gradescope shows its tests: visible (the default), hidden,
                                  # after_due_date or after_published

The deadline applies where the hand-in time can be told (handin.py): a git clone's commits, and
Gradescope's submission metadata (whose due dates stand in for the deadline and the last day).

Every key is checked: an unknown one, a level that does not exist, a value of the wrong kind, or
points that some checks would get none of, is refused with the file and the key, before anything
is graded.

Levels are known by name, so that a level added to a pack moves no level's points onto another. A
file that names a level by its number (`[levels.3]`, as class files did before) is read with the
pack's order of today, and rewritten once with the levels' names.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core.catalog import Catalog, Level, UnknownLevel
from ..core.file_errors import FileProblem, cannot_read, read_toml
from .handin import LateRule
from .report import VISIBILITIES

LEVEL_KEYS = ("points", "visibility")
TOP_KEYS = ("leaderboard", "deadline", "late", "levels")
LATE_KEYS = ("penalty", "last_day")


class ClassFileError(ValueError):
    """What is wrong in a class file, with the file and the key."""


@dataclass(frozen=True)
class LevelSettings:
    points: int | None = None  # None: the level's own points
    visibility: str = "visible"


@dataclass(frozen=True)
class ClassFile:
    levels: dict[str, LevelSettings] = field(default_factory=dict)  # level id -> its settings
    leaderboard: bool = False
    renamed: dict[str, str] = field(default_factory=dict)  # a key the file named a level by -> the level's name
    rule: LateRule | None = None  # the deadline and the late rule, if the file sets a deadline

    def settings(self, level: Level) -> LevelSettings:
        return self.levels.get(level.id, LevelSettings())

    def points(self, level: Level) -> int:
        chosen = self.settings(level).points
        return level.points if chosen is None else chosen


def read_class_file(path: Path, catalog: Catalog) -> ClassFile:
    try:
        raw = read_toml(path)
    except FileProblem as err:
        raise ClassFileError(str(err)) from None
    except OSError as err:
        raise ClassFileError(f"{path}: {cannot_read(err)}.") from None
    unknown = sorted(set(raw) - set(TOP_KEYS))
    if unknown:
        raise ClassFileError(f"{path}: unknown key {unknown[0]!r}; the keys are leaderboard, deadline, [late] and "
                             "[levels.NAME].")
    leaderboard = raw.get("leaderboard", False)
    if not isinstance(leaderboard, bool):
        raise ClassFileError(f"{path}: leaderboard must be true or false, not {leaderboard!r}.")
    tables = raw.get("levels", {})
    if not isinstance(tables, dict):
        raise ClassFileError(f"{path}: levels must be tables, as [levels.{catalog.levels[0].id}].")
    levels: dict[str, LevelSettings] = {}
    for name, table in tables.items():
        try:
            level = catalog.get(name)
        except UnknownLevel as err:
            raise ClassFileError(f"{path}: [levels.{name}]: {err}") from None
        if not isinstance(table, dict):
            raise ClassFileError(f"{path}: levels.{name} must be a table, as [levels.{name}].")
        wrong = sorted(set(table) - set(LEVEL_KEYS))
        if wrong:
            raise ClassFileError(f"{path}: [levels.{name}]: unknown key {wrong[0]!r}; a level has points and "
                                 "visibility.")
        points = table.get("points")
        if points is not None and (isinstance(points, bool) or not isinstance(points, int) or points < 0):
            raise ClassFileError(f"{path}: [levels.{name}] points must be a whole number, 0 or more, not {points!r}.")
        if points and points < (checks := len(level.checks())):
            raise ClassFileError(
                f"{path}: [levels.{name}] points = {points} is too few: level {level.number} has {checks} checks, "
                f"so some of them would be worth 0 points and a student could fail them and lose nothing. Give "
                f"it 0 points, or {checks} or more.")
        visibility = table.get("visibility", "visible")
        if visibility not in VISIBILITIES:
            raise ClassFileError(f"{path}: [levels.{name}] visibility must be one of {', '.join(VISIBILITIES)}, "
                                 f"not {visibility!r}.")
        levels[level.id] = LevelSettings(points, visibility)
    renamed = {name: catalog.get(name).id for name in tables if name != catalog.get(name).id}
    if renamed:
        rename_levels(path, renamed)
    return ClassFile(levels, leaderboard, renamed, late_rule(raw, path))


def _moment(value: object, path: Path, key: str) -> datetime:
    example = f"{key} = 2026-12-01T23:59:00-05:00 (or ...Z for UTC)"
    if not isinstance(value, datetime):
        raise ClassFileError(f"{path}: {key} must be a date and time, as {example}, not {value!r}.")
    if value.tzinfo is None:
        raise ClassFileError(f"{path}: {key} = {value.isoformat()} has no time zone, so it could be any of 24 "
                             f"hours; add one, as {example}.")
    return value


def late_rule(raw: dict, path: Path) -> LateRule | None:
    """The file's deadline and late rule; None without a deadline (a [late] table needs one)."""
    late = raw.get("late")
    if late is not None and not isinstance(late, dict):
        raise ClassFileError(f"{path}: late must be a table, as [late] with penalty and last_day.")
    if "deadline" not in raw:
        if late is not None:
            raise ClassFileError(f"{path}: [late] says how late work counts, but there is no deadline; add one, as "
                                 "deadline = 2026-12-01T23:59:00-05:00.")
        return None
    deadline = _moment(raw["deadline"], path, "deadline")
    if late is None:
        return LateRule(deadline, source=path.name)
    wrong = sorted(set(late) - set(LATE_KEYS))
    if wrong:
        raise ClassFileError(f"{path}: [late]: unknown key {wrong[0]!r}; [late] has penalty and last_day.")
    penalty = late.get("penalty", 0)
    if isinstance(penalty, bool) or not isinstance(penalty, int | float) or not 0 <= penalty <= 100:
        raise ClassFileError(f"{path}: [late] penalty is the percent of the score taken off per day late, from 0 to "
                             f"100, not {penalty!r}.")
    last_day = _moment(late["last_day"], path, "[late] last_day") if "last_day" in late else None
    if last_day is not None and last_day < deadline:
        raise ClassFileError(f"{path}: [late] last_day ({last_day.isoformat()}) is before the deadline "
                             f"({deadline.isoformat()}); it is the last moment late work counts.")
    return LateRule(deadline, True, float(penalty), last_day, path.name)


def rename_levels(path: Path, renamed: dict[str, str]) -> None:
    """Rewrites the class file's `[levels.KEY]` headings with the levels' names, keeping the rest of its
    text (comments too). A file that cannot be written is left as it is: it is read the same way."""
    from ..core.progress import write_atomically

    text = path.read_text(encoding="utf-8")

    def heading(match: re.Match) -> str:
        key = match["key"].strip().strip('"\'')
        return f"{match['open']}{renamed[key]}{match['close']}" if key in renamed else match[0]

    new = re.sub(r"(?m)^(?P<open>\s*\[\s*levels\s*\.\s*)(?P<key>\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)(?P<close>\s*\])",
                 heading, text)
    if new != text:
        with contextlib.suppress(OSError):
            write_atomically(path, new, private=False)
