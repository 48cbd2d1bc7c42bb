"""A graded submission and the formats a teacher can ask for: Gradescope's `results.json`, Classroom
50's `result.json`, JUnit XML, the product's own JSON, and the result a GitHub Actions step hands to
the grading reporter.

Points are whole numbers: each level is worth its points (level.toml, or the teacher's class file),
split across the checks that its untouched stub fails (see points.py), so starter code scores 0.
"""

from __future__ import annotations

import base64
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import __version__
from ..core.catalog import Level
from ..core.provenance import graded_with_line
from ..grader.result import STOPPED_BY_CODE, CheckResult, LevelResult
from .handin import HandIn

FORMATS = ("gradescope", "classroom50", "junit", "json", "github")
# What a Classroom 50 runner passes an autograder, which its result.json must repeat.
CLASSROOM50_NEEDS = ("CLASSROOM", "ASSIGNMENT", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL")
CLASSROOM50_SCHEMA = "classroom50/result/v1"

# What went wrong in a level, for the gradebook's `status` column, told apart by the grader's own
# messages to the learner (grader/messages.py, confinement/protections.py). The first match wins.
PROBLEMS = (
    (STOPPED_BY_CODE, "stopped the grader"),
    ("did not finish within", "hang"),
    ("printed more than", "printed too much"),
    ("File too large", "printed too much"),  # output past the size limit while the file is imported
    ("ended the Python process", "crash"),
    ("the process running your code crashed", "crash"),
    ("the process running your code was killed", "crash"),
    ("cut the sandbox off from the grader", "crash"),
    ("Python cannot read", "syntax error"),
    ("the grader's own package", "imports dunderquest"),  # grader_import_message, or the sandbox's guard
    ("must run without errors", "error at import"),
    ("did not run to the end", "incomplete run"),
)
MISSING = "missing file"
UNREADABLE = "unreadable file"  # the submitted file could not be copied to be graded
GRADER_ERROR = "grader error"  # the grader itself could not run the level
STATUSES = (*dict.fromkeys(name for _, name in PROBLEMS), MISSING, UNREADABLE, GRADER_ERROR)  # besides "ok"


VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")  # as Gradescope defines them


@dataclass(frozen=True)
class Marking:
    """How a level is marked in a grading run: each check's whole points (points.split), and how
    Gradescope shows its tests to the student."""

    level: Level
    weights: dict[str, int]
    visibility: str = "visible"

    @property
    def points(self) -> int:
        return sum(self.weights.values())


@dataclass(frozen=True)
class GradedLevel:
    marking: Marking
    result: LevelResult
    problem: str | None = None  # what went wrong beyond failed checks: "hang", "missing file", ...
    sha256: str | None = None  # of the file graded, so that a regrade can tell whether it changed

    @classmethod
    def of(cls, marking: Marking, result: LevelResult, problem: str | None = None,
           sha256: str | None = None) -> GradedLevel:
        if problem is None:
            messages = [check.message for check in result.checks if not check.passed]
            messages += getattr(result, "notes", [])  # what the grader noted even when checks passed
            problem = next((name for needle, name in PROBLEMS if any(needle in m for m in messages)), None)
        return cls(marking, result, problem, sha256)

    @property
    def level(self) -> Level:
        return self.marking.level

    @property
    def max_score(self) -> int:
        return self.marking.points

    def check_points(self, check: CheckResult) -> int:
        return self.marking.weights.get(check.id, 0)

    def check_score(self, check: CheckResult) -> int:
        return self.check_points(check) if check.passed else 0

    @property
    def score(self) -> int:
        return sum(self.check_score(check) for check in self.result.checks)

    @property
    def passed(self) -> bool:
        return self.result.passed


@dataclass
class Report:
    """One submission graded: a student's folder, or the teacher's own workspace (`student` None)."""

    student: str | None
    levels: list[GradedLevel]
    seed: int
    seconds: float = 0.0
    protections: list[dict] = field(default_factory=list)
    finale: tuple[float | None, str] | None = None  # the finale's test accuracy (%) or why none, for a leaderboard
    graded_with: dict | None = None  # core/provenance.py: what the grade can be reproduced with
    handin: HandIn | None = None  # when and how the work was handed in, and its late rule

    @property
    def points(self) -> int:
        """The levels' points, before any late rule."""
        return sum(graded.score for graded in self.levels)

    @property
    def score(self) -> int:
        """The score: the levels' points, as the late rule leaves them."""
        return self.handin.adjust(self.points)[0] if self.handin else self.points

    @property
    def rule_changed(self) -> str | None:
        """The sentence saying which rule changed the score, and how; None when none did."""
        return self.handin.adjust(self.points)[1] if self.handin else None

    def provenance_lines(self) -> list[str]:
        """The hand-in, the rule that changed the score, and what it was graded with, for text reports."""
        lines = [self.handin.line()] if self.handin else []
        lines += [self.rule_changed] if self.rule_changed else []
        return lines + ([graded_with_line(self.graded_with)] if self.graded_with else [])

    @property
    def max_score(self) -> int:
        return sum(graded.max_score for graded in self.levels)

    @property
    def passed(self) -> bool:
        return all(graded.passed for graded in self.levels)

    @property
    def data(self) -> str:
        return next((graded.result.data for graded in self.levels if graded.result.data), "")

    @property
    def status(self) -> str:
        """"ok", or what went wrong in which level: "level2: hang; level4: missing file"."""
        problems = [f"{graded.level.id}: {graded.problem}" for graded in self.levels if graded.problem]
        return "; ".join(problems) or "ok"

    # -- the product's own JSON ------------------------------------------------------------------

    def to_json(self) -> dict:
        out: dict = {"dunderquest": __version__}
        if self.student is not None:
            out["student"] = self.student
        out.update({
            "passed": self.passed, "score": self.score, "max_score": self.max_score,
            "status": self.status, "seed": self.seed, "data": self.data, "seconds": round(self.seconds, 3),
            "protections": self.protections,
            "graded_with": self.graded_with,
            "points_before_rule": self.points, "rule_changed": self.rule_changed,
            "handed_in": self.handin.to_json() if self.handin else None,
            "levels": [{
                "level": graded.level.id, "title": graded.level.title, "file": graded.level.exercise_path,
                "passed": graded.passed, "score": graded.score, "max_score": graded.max_score,
                "problem": graded.problem, "seconds": graded.result.seconds, "sha256": graded.sha256,
                "checks": [{"id": check.id, "name": check.name, "passed": check.passed,
                            "score": graded.check_score(check),
                            "max_score": graded.check_points(check),
                            "message": check.message, "line": check.line} for check in graded.result.checks],
            } for graded in self.levels],
        })
        return out

    # -- Gradescope ------------------------------------------------------------------------------

    def to_gradescope(self) -> dict:
        """Gradescope's autograder `results.json`: the top-level score is the sum of the tests'."""
        tests = []
        for graded in self.levels:
            for number, check in enumerate(graded.result.checks, start=1):
                tests.append({
                    "name": f"Level {graded.level.number} ({graded.level.class_name}): {check.name}",
                    "number": f"{graded.level.number}.{number}",
                    "score": graded.check_score(check),
                    "max_score": graded.check_points(check),
                    "status": "passed" if check.passed else "failed",
                    "output": check.message,
                    "visibility": graded.marking.visibility,
                })
        document = {
            "score": self.score,  # the tests' points, as the late rule leaves them
            "execution_time": max(1, round(self.seconds)),
            # Shown to students at once: it speaks only of the levels whose tests they may see now.
            "output": self.summary(shown_now_only=True),
            "output_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"graded_with": self.graded_with, "points_before_rule": self.points,
                           "rule_changed": self.rule_changed,
                           "handed_in": self.handin.to_json() if self.handin else None},
        }
        if self.finale is not None:  # the class file asked for a leaderboard
            accuracy, why = self.finale
            document["leaderboard"] = [{"name": "Finale test accuracy (%)", "value": accuracy or 0, "order": "desc"}]
            if accuracy is None:
                document["output"] += f"\nLeaderboard: {why}"
        return document

    # -- Classroom 50 ----------------------------------------------------------------------------

    def to_classroom50(self, environ: Mapping[str, str], now: datetime | None = None) -> dict:
        """Classroom 50's `result.json` (schema classroom50/result/v1): the submission's identity as
        the runner passes it in `environ`, and one test per check, in whole points."""
        tests = [{
            "test-name": f"Level {graded.level.number} ({graded.level.class_name}): {check.name}",
            "passed": check.passed,
            "score": graded.check_score(check),
            "max-score": graded.check_points(check),
            "level": graded.level.id,
            "message": check.message,
            **({"graded-with": graded_with_line(self.graded_with)} if self.graded_with else {}),
        } for graded in self.levels for check in graded.result.checks]
        when = (now or datetime.now(UTC)).astimezone(UTC)
        return {
            "schema": CLASSROOM50_SCHEMA,
            "classroom": environ["CLASSROOM"],
            "assignment": environ["ASSIGNMENT"],
            "assignment_type": environ.get("ASSIGNMENT_TYPE") or "individual",
            "owner": environ.get("OWNER") or environ["USERNAME"],
            "submission": environ["SUBMISSION_TAG"],
            "commit": environ["COMMIT_URL"],
            "release": environ["RELEASE_URL"],
            "review": environ.get("REVIEW_URL") or environ["COMMIT_URL"],
            "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "score": self.score,
            "max-score": sum(test["max-score"] for test in tests),
            "tests": tests,
        }

    # -- JUnit -----------------------------------------------------------------------------------

    def to_junit(self) -> str:
        """One `testsuite` per level and one `testcase` per check; a failed check has a `failure`."""
        failures = sum(not check.passed for graded in self.levels for check in graded.result.checks)
        total = sum(len(graded.result.checks) for graded in self.levels)
        root = ET.Element("testsuites", name=self.student or "dunderquest", tests=str(total),
                          failures=str(failures), errors="0", time=f"{self.seconds:.3f}")
        for graded in self.levels:
            checks = graded.result.checks
            suite = ET.SubElement(root, "testsuite", name=f"{graded.level.id}: {graded.level.title}",
                                  tests=str(len(checks)), failures=str(sum(not c.passed for c in checks)),
                                  errors="0", skipped="0", time=f"{graded.result.seconds:.3f}")
            properties = ET.SubElement(suite, "properties")
            for name, value in (("file", graded.level.exercise_path), ("seed", str(self.seed)),
                                ("data", graded.result.data), ("points", str(graded.score)),
                                ("max_points", str(graded.max_score)), *self._junit_provenance()):
                ET.SubElement(properties, "property", name=name, value=value)
            for check in checks:
                case = ET.SubElement(suite, "testcase", classname=graded.level.folder.name, name=check.name,
                                     time="0")
                if not check.passed:
                    first_line = check.message.splitlines()[0] if check.message else "failed"
                    failure = ET.SubElement(case, "failure", message=first_line, type="CheckFailed")
                    failure.text = check.message
        ET.indent(root)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    def _junit_provenance(self) -> list[tuple[str, str]]:
        found = [(key, str(value)) for key, value in (self.graded_with or {}).items() if key != "seed"]
        if self.handin:
            found.append(("handed_in", self.handin.line()))
        if self.rule_changed:
            found.append(("rule_changed", self.rule_changed))
        return found

    # -- GitHub Classroom ------------------------------------------------------------------------

    def to_github(self) -> dict:
        """What `classroom-resources/autograding-grading-reporter` decodes from a step's `result`
        output. It adds up the tests' scores against `max_score` into "Points X/Y"."""
        return {
            "version": 1,
            "status": "pass" if self.passed else "fail",
            "max_score": self.max_score,
            "tests": [{
                "name": f"Level {graded.level.number} ({graded.level.class_name}): {check.name}",
                "status": "pass" if check.passed else "fail",
                "score": graded.check_score(check),
                "message": check.message,
                "line_no": check.line or 0,
                "execution_time": f"{graded.result.seconds / max(1, len(graded.result.checks)):.2f}s",
            } for graded in self.levels for check in graded.result.checks],
        }

    def github_output_line(self) -> str:
        """The line a grading step appends to `$GITHUB_OUTPUT`."""
        encoded = base64.b64encode(json.dumps(self.to_github()).encode()).decode()
        return f"result={encoded}\n"

    # -- for people ------------------------------------------------------------------------------

    def summary(self, shown_now_only: bool = False) -> str:
        """A few readable lines: each level's points and its first failure. With `shown_now_only`,
        only the levels whose visibility shows them to students now, and their total."""
        lines = []
        levels = [graded for graded in self.levels
                  if not shown_now_only or graded.marking.visibility == "visible"]
        for graded in levels:
            passed = sum(check.passed for check in graded.result.checks)
            mark = "PASS" if graded.passed else "FAIL"
            problem = f" ({graded.problem})" if graded.problem else ""
            lines.append(f"{mark}  Level {graded.level.number}: {graded.level.title} ({graded.level.class_name}): "
                         f"{passed}/{len(graded.result.checks)} checks, {str(graded.score)}/"
                         f"{str(graded.max_score)} points{problem}")
            failure = graded.result.first_failure
            if failure is not None and failure.message:
                lines.extend(f"        {line}" for line in f"{failure.name}: {failure.message}".splitlines())
        later = len(self.levels) - len(levels)
        if later:
            score, most = sum(graded.score for graded in levels), sum(graded.max_score for graded in levels)
            total = (f"Total of the levels shown: {score}/{most} points. {later} more "
                     f"{'level is' if later == 1 else 'levels are'} graded but not shown here.")
        else:
            total = f"Total: {self.score}/{self.max_score} points."
        lines.append(f"{total} Seed {self.seed} (repeat this run with --seed {self.seed}). Data: {self.data}")
        return "\n".join(lines + self.provenance_lines())

    def markdown(self) -> str:
        """Each level's checks and points as Markdown, for a GitHub Actions run's summary."""
        lines = []
        for graded in self.levels:
            lines += [f"### Level {graded.level.number}: {graded.level.title} ({graded.level.class_name}): "
                      f"{graded.score}/{graded.max_score} points", "", "| | check | points |", "| --- | --- | --- |"]
            for check in graded.result.checks:
                lines.append(f"| {'✅' if check.passed else '❌'} | {check.name.replace('|', '&#124;')} | "
                             f"{graded.check_score(check)}/{graded.check_points(check)} |")
            failure = graded.result.first_failure
            if failure is not None and failure.message:
                lines += ["", "```", f"{failure.name}:", failure.message, "```"]
            lines.append("")
        lines += [f"{line}  " for line in self.provenance_lines()]
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        """The document for `fmt`, as text (the github format's is the `result=...` line)."""
        if fmt == "gradescope":
            return json.dumps(self.to_gradescope(), indent=2) + "\n"
        if fmt == "junit":
            return self.to_junit()
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2) + "\n"
        if fmt == "github":
            return self.github_output_line()
        if fmt == "classroom50":
            return json.dumps(self.to_classroom50(os.environ), indent=2) + "\n"
        raise ValueError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
