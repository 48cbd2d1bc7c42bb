"""`grade --canvas EXPORT.csv`: the gradebook's totals in the CSV that Canvas's gradebook exports, so
that Canvas's own import (Grades, Import) takes them back.

Canvas's export has the columns Student, ID, SIS User ID, SIS Login ID (and, in some schools,
Integration ID or an e-mail column), Section, then one column per assignment, named "Title (id)",
then read-only totals. Below the header, a "Points Possible" row (and sometimes a "Manual Posting"
row) before the students. The copy keeps every row and column as they are and fills only the chosen
assignment's column, for the students it can match: a student's folder name is matched to the SIS
Login ID, or to an e-mail (a column named so, or a login that is one), as a whole or by the part
before the @, without regard to case. A student matched by none, and a row matched by two students,
is listed, never guessed. Scores are scaled to the column's points possible when it differs from
the gradebook's maximum, and the teacher is told.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

ASSIGNMENT = re.compile(r"^(?P<title>.*\S)\s*\((?P<id>\d+)\)$")
LOGIN_COLUMNS = ("SIS Login ID", "Login ID")
EMAIL_COLUMNS = ("Email", "E-mail", "Email Address", "SIS Email")
NOT_STUDENTS = ("points possible", "manual posting")


class CanvasError(ValueError):
    """The file is not a Canvas gradebook export, or its column cannot be chosen: what to do."""


@dataclass
class Filled:
    text: str  # the CSV to import
    column: str
    matched: dict[str, str] = field(default_factory=dict)  # student -> the Canvas name of the row it filled
    unmatched: list[str] = field(default_factory=list)  # students matched to no row
    ambiguous: list[str] = field(default_factory=list)  # students matched to more than one row
    scaled: str = ""  # a sentence when the scores were scaled to the column's points


def _keys(value: str) -> set[str]:
    value = value.strip().lower()
    if not value:
        return set()
    return {value, value.split("@", 1)[0]} if "@" in value else {value}


def assignment_columns(header: list[str]) -> list[str]:
    return [name for name in header if ASSIGNMENT.match(name) and not name.lower().startswith(("current", "final",
                                                                                                 "unposted"))]


def fill(export: Path, totals: dict[str, tuple[int, int]], column: str | None) -> Filled:
    """`export` with `column` filled from `totals` (student -> (score, max score))."""
    try:
        raw = export.read_bytes()
    except OSError as err:
        raise CanvasError(f"--canvas {export}: cannot be read ({err.strerror or err}).") from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CanvasError(f"--canvas {export}: not UTF-8 text. Give the CSV that Canvas's Grades page exports "
                          "(Export, Export Entire Gradebook), as it downloads.") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0] if rows else []
    needed = ("Student", "ID", "Section")
    if not rows or not all(name in header for name in needed) or not any(n in header for n in LOGIN_COLUMNS):
        raise CanvasError(f"--canvas {export}: not a Canvas gradebook export: its first line should name the columns "
                          "Student, ID, SIS User ID, SIS Login ID and Section, then the assignments. In Canvas: "
                          "Grades, Export, Export Entire Gradebook.")
    choices = assignment_columns(header)
    if column is None:
        if len(choices) != 1:
            listed = "\n".join(f"  --canvas-column {name!r}" for name in choices) or "  (none)"
            raise CanvasError(f"--canvas {export}: choose the assignment to fill, one of its columns:\n{listed}"
                              + ("\nIt has no assignment column: create the assignment in Canvas first, then export "
                                 "the gradebook again." if not choices else ""))
        column = choices[0]
    matches = [name for name in header if name == column] or [name for name in choices
                                                              if ASSIGNMENT.match(name)["title"] == column]
    if len(matches) != 1:
        raise CanvasError(f"--canvas-column {column!r}: {export} has no such assignment column; its assignments are "
                          f"{', '.join(repr(c) for c in choices) or 'none'}.")
    column = matches[0]
    at = header.index(column)
    logins = [header.index(n) for n in LOGIN_COLUMNS + EMAIL_COLUMNS if n in header]
    possible = None
    students = []
    for number, row in enumerate(rows[1:], start=1):
        first = row[0].strip().lower() if row else ""
        if first in NOT_STUDENTS:
            if first == "points possible" and len(row) > at:
                possible = row[at]
            continue
        if any(cell.strip() for cell in row):
            students.append(number)
    most = max((most for _, most in totals.values()), default=0)
    factor, scaled = 1.0, ""
    try:
        points = float(possible) if possible not in (None, "") else None
    except ValueError:
        points = None
    if points is not None and most and abs(points - most) > 1e-9:
        factor = points / most
        scaled = (f"The column {column!r} is worth {points:g} points and the gradebook's total is out of {most}: "
                  f"the scores were scaled to {points:g}.")
    by_key: dict[str, list[int]] = {}
    for number in students:
        keys = set().union(*(_keys(rows[number][i]) for i in logins if i < len(rows[number])))
        for key in keys:
            by_key.setdefault(key, []).append(number)
    filled = Filled("", column, scaled=scaled)
    claims: dict[str, list[int]] = {}
    for student in sorted(totals):
        claims[student] = sorted(set().union(*(by_key.get(key, []) for key in _keys(student)))) if _keys(
            student) else []
    claimed = [number for found in claims.values() for number in found]
    taken: dict[int, str] = {}
    for student, found in claims.items():
        if not found:
            filled.unmatched.append(student)
        elif len(found) > 1 or claimed.count(found[0]) > 1:
            filled.ambiguous.append(student)
        else:
            taken[found[0]] = student
    for number, student in taken.items():
        row = rows[number]
        row += [""] * (at + 1 - len(row))
        score = totals[student][0] * factor
        row[at] = f"{score:g}" if factor == 1 else f"{score:.2f}"
        filled.matched[student] = row[0]
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    filled.text = ("\ufeff" if bom else "") + out.getvalue()
    return filled
