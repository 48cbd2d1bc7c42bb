"""A whole class into one gradebook: `OUTDIR/gradebook.csv` (one row per student) with each
student's JSON and JUnit reports next to it.

Everything is computed in memory first and written at the end, each file atomically and the
gradebook last, so a run that dies half way leaves the previous gradebook whole. Then the reports
that an earlier run left in the folder for students who are not in this one are removed (only files
that are such a report, by name and by content), so the folder holds this run's class and no other.
The gradebook holds no timings, so the same submissions and the same seed give the same file, byte
for byte.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.catalog import Level
from ..core.pack import Pack
from ..core.progress import write_atomically
from ..core.provenance import graded_with
from ..grader.service.client import GraderClient
from .class_file import ClassFile
from .grading import grade_submissions
from .report import Report
from .submission import Submission

GRADEBOOK = "gradebook.csv"
RUN = "gradebook.json"  # what the run was graded with; not a student's report (no "student" key)
PAGE = "report.html"


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: a folder named `=HYPERLINK(...)` must not become a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass
class Gradebook:
    levels: Sequence[Level]
    reports: list[Report]
    pack: Pack | None = None  # for the class report's title and known mistakes
    graded_with: dict | None = None  # core/provenance.py, for the run as a whole
    class_rule: str = ""  # the class file's deadline and late rule, in words ("" without one)

    def csv_text(self) -> str:
        """One row per student: the levels' points, the total (as a late rule leaves it) and the status.
        When work has hand-in times, three more columns: the time, the commit graded, and what a rule
        changed. What it was graded with is in gradebook.json beside it: a line in the CSV itself would
        break the spreadsheets and importers that read its first line as the header."""
        timed = any(report.handin is not None for report in self.reports)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", *(level.id for level in self.levels), "total", "status",
                         *(("handed_in", "commit", "rule_changed") if timed else ())])
        for report in sorted(self.reports, key=lambda r: r.student or ""):
            handin = report.handin
            more = (handin.time.isoformat() if handin and handin.time else "", handin.commit or "" if handin else "",
                    report.rule_changed or "") if timed else ()
            writer.writerow([spreadsheet_safe(report.student or ""),
                             *(graded.score for graded in report.levels), report.score, report.status, *more])
        return out.getvalue()

    def run_json(self) -> dict:
        """gradebook.json: what the whole run was graded with, for `grade --against`."""
        return {"dunderquest_gradebook": 1, "graded_with": self.graded_with,
                "levels": [level.id for level in self.levels], "class_rule": self.class_rule or None,
                "students": {report.student: {"score": report.score, "max_score": report.max_score}
                             for report in sorted(self.reports, key=lambda r: r.student or "")}}

    def page(self) -> str:
        from ..core.mistakes import MistakesError, read_index
        from .class_page import class_page

        index, note = None, ""
        if self.pack is not None:
            try:
                index = read_index(self.pack.root)
            except MistakesError as err:
                note = str(err)
            if index is None and not note:
                note = (f"The course {self.pack.title} has no index of known mistakes ({self.pack.root}/mistakes.json):"
                        " dunderquest pack check --write-mistakes writes it.")
        return class_page(self.reports, self.levels, title=self.pack.title if self.pack else "dunderquest",
                          index=index, graded_with=self.graded_with, index_note=note)

    def write(self, outdir: Path) -> tuple[Path, list[Path]]:
        """Writes every student's reports, then the gradebook, then removes the reports that an earlier
        run wrote there for students not in this one; returns the gradebook's path and those removed."""
        outdir.mkdir(parents=True, exist_ok=True)
        for report in self.reports:
            write_atomically(outdir / f"{report.student}.json", json.dumps(report.to_json(), indent=2) + "\n",
                             private=False)
            write_atomically(outdir / f"{report.student}.xml", report.to_junit(), private=False)
        write_atomically(outdir / PAGE, self.page(), private=False)
        write_atomically(outdir / RUN, json.dumps(self.run_json(), indent=2) + "\n", private=False)
        path = outdir / GRADEBOOK
        write_atomically(path, self.csv_text(), private=False)
        removed = []
        for stale in earlier_reports(outdir, {report.student or "" for report in self.reports}):
            with contextlib.suppress(OSError):
                stale.unlink()
                removed.append(stale)
        return path, removed


REPORT_SUFFIXES = (".json", ".xml")  # a student's reports, as Gradebook.write names them
JUNIT_START = '<?xml version="1.0" encoding="utf-8"?>\n<testsuites name='


def earlier_reports(outdir: Path, students: set[str]) -> list[Path]:
    """The files in `outdir` that an earlier `grade --submissions` wrote as the report of a student
    who is not in `students`: a `.json` or `.xml` file named after the student, whose text is such a
    report for that student. Nothing else is ever listed."""
    return [path for path in sorted(outdir.iterdir())
            if path.suffix in REPORT_SUFFIXES and path.stem not in students and not path.is_symlink()
            and path.is_file() and is_student_report(path)]


def is_student_report(path: Path) -> bool:
    """Whether `path` holds a report that Gradebook.write wrote for the student its name says."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError:
            return False
        return (isinstance(data, dict) and "dunderquest" in data and data.get("student") == path.stem
                and isinstance(data.get("levels"), list) and "seed" in data)
    if not text.startswith(JUNIT_START):
        return False
    try:
        root = ET.fromstring(text.split("\n", 1)[1])
    except ET.ParseError:
        return False
    suites = root.findall("testsuite")
    return root.tag == "testsuites" and root.get("name") == path.stem and bool(suites) and all(
        {"seed", "max_points"} <= {prop.get("name") for prop in suite.iter("property")} for suite in suites)


class ClassProgress:
    """The progress bar on stderr: students done, the rate, and the time left."""

    def __init__(self, students: int, show: bool):
        self.show = show and students > 0
        if not self.show:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed * 60:.0f} students/min" if speed else "", style="progress.data.speed")

        self.bar = Progress(TextColumn("Grading"), BarColumn(), MofNCompleteColumn(), TextColumn("students"),
                            Rate(), TimeRemainingColumn(), console=Console(file=sys.stderr))
        self.task = self.bar.add_task("grading", total=students)

    def __enter__(self) -> ClassProgress:
        if self.show:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.show:
            self.bar.stop()

    def student_done(self, _report: Report) -> None:
        if self.show:
            self.bar.advance(self.task)


def grade_class(submissions: Sequence[Submission], pack: Pack, levels: Sequence[Level], *, seed: int,
                jobs: int | None = None, progress: bool = True, class_file: ClassFile | None = None,
                handins: dict | None = None) -> Gradebook:
    """Grades the class; `handins` (student -> HandIn) says when each handed in, for the late rule."""
    client = GraderClient(pack)
    client.warm_up()  # the grader starts (imports torch) while the first levels are set up
    try:
        with ClassProgress(len(submissions), progress) as bar:
            reports = grade_submissions(submissions, pack, levels, seed=seed, jobs=jobs, client=client,
                                        on_student_done=bar.student_done, class_file=class_file)
    finally:
        client.close()
    for report in reports:
        report.handin = (handins or {}).get(report.student)
    rule = class_file.rule if class_file is not None else None
    return Gradebook(levels, reports, pack, graded_with(pack, seed),
                     f"{rule.describe()} ({rule.source})" if rule else "")
