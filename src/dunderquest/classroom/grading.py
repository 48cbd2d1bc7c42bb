"""Grading submissions with the warm grader: one zygote, many forked runners, `jobs` runs at a time.

Every level of every student is graded from a pristine copy of the submitted file, alone in a fresh
temporary folder, so nothing a file does there (deleting its neighbours, writing files) can reach
the submission, another level or another student. The submitted files are only ever read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

from ..core.catalog import Level
from ..core.finale import Accuracy, Problem
from ..core.pack import Pack
from ..core.provenance import graded_with
from ..grader.confinement.doctor import in_force
from ..grader.result import LevelResult
from ..grader.service.client import GraderClient, GraderUnavailable
from .class_file import ClassFile
from .points import split
from .report import GRADER_ERROR, MISSING, UNREADABLE, GradedLevel, Marking, Report
from .submission import Submission


def new_seed() -> int:
    """A seed for a whole grading run, chosen once so that every report can name it."""
    return int.from_bytes(os.urandom(4), "big")


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def stub_failures(client: GraderClient, level: Level, seed: int) -> set[str]:
    """The checks that the level's untouched stub fails, graded with this run's seed: the checks that
    carry the level's points (points.py). If the stub cannot be graded, every check counts."""
    with tempfile.TemporaryDirectory(prefix="dunderquest-stub-") as folder:
        stub = Path(folder) / level.file_name
        stub.write_text(level.stub(), encoding="utf-8")
        try:
            result = client.grade(level, stub, seed=seed)
        except GraderUnavailable:
            return {check_id for check_id, _ in level.checks()}
    return {check.id for check in result.checks if not check.passed}


def marking(level: Level, stub_fails: set[str], class_file: ClassFile | None = None) -> Marking:
    """How a level is marked in this run: its points (the class file's, else its own) split across
    the checks its stub fails, and how Gradescope shows it."""
    class_file = class_file or ClassFile()
    return Marking(level, split(class_file.points(level), [c for c, _ in level.checks()], stub_fails),
                   class_file.settings(level).visibility)


def grade_level(client: GraderClient, submission: Submission, level: Level, seed: int,
                marking_of: Callable[[Level], Marking]) -> GradedLevel:
    """One level of one submission, marked as `marking_of(level)` says once it is graded."""
    found = submission.find(level)
    if found.path is None:
        return GradedLevel(marking_of(level), LevelResult.not_run(level, found.problem or ""), MISSING)
    with tempfile.TemporaryDirectory(prefix="dunderquest-grade-", ignore_cleanup_errors=True) as folder:
        copy = Path(folder) / level.file_name
        try:
            shutil.copyfile(found.path, copy)  # the bytes only: no link, mode or owner comes along
            digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        except OSError as err:
            message = f"{level.file_name} could not be read ({err.strerror or err}), so it was not graded."
            return GradedLevel(marking_of(level), LevelResult.not_run(level, message), UNREADABLE)
        try:
            # Messages name the file as the student handed it in: in exercises/, or at the top level.
            result = client.grade(level, copy, seed=seed, display=found.path.relative_to(submission.root).as_posix())
        except GraderUnavailable as err:
            message = f"The grader could not run this level ({err}). This is not a problem in your code."
            return GradedLevel(marking_of(level), LevelResult.not_run(level, message), GRADER_ERROR)
    return GradedLevel.of(marking_of(level), result, sha256=digest)


def finale_accuracy(client: GraderClient, pack: Pack, submission: Submission) -> tuple[float | None, str]:
    """The test accuracy (in %) that `pack`'s finale reaches with the submission's classes, run in the
    sandbox as `dunderquest finale` runs it; or None, and why."""
    if pack.finale is None:
        return None, f"The course {pack.title} has no finale."
    files = {}
    for level in pack.finale.levels(pack.catalog):
        found = submission.find(level)
        if found.path is None:
            return None, f"The finale needs {level.exercise_path}: {found.problem}"
        files[level.id] = found.path
    try:
        events = client.finale(files)
    except GraderUnavailable as err:
        return None, f"The finale could not run ({err})."
    accuracy = next((event for event in events if isinstance(event, Accuracy)), None)
    if accuracy is None:
        problem = next((event.message for event in events if isinstance(event, Problem)), "it did not finish")
        return None, f"The finale stopped: {problem}"
    return round(100 * accuracy.fraction, 1), ""


def grade_submissions(submissions: Sequence[Submission], pack: Pack, levels: Sequence[Level], *, seed: int,
                      jobs: int | None = None, client: GraderClient | None = None,
                      on_student_done: Callable[[Report], None] | None = None,
                      class_file: ClassFile | None = None) -> list[Report]:
    """Grades every level (of `pack`'s `levels`) of every submission; returns one report per
    submission, in their order. `on_student_done` is called (from a worker thread) as each
    submission's last level finishes."""
    own_client = client is None
    client = client or GraderClient(pack)
    client.warm_up()
    protections = [protection.as_dict() for protection in in_force()]
    provenance = graded_with(pack, seed)
    graded: dict[str, dict[str, GradedLevel]] = {submission.name: {} for submission in submissions}
    lock = threading.Lock()
    by_name = {submission.name: submission for submission in submissions}

    stub_runs: dict[str, Future] = {}  # each level's stub, graded first and alongside the submissions

    @cache
    def marking_of(level: Level) -> Marking:
        return marking(level, stub_runs[level.id].result(), class_file)

    def run(task: tuple[Submission, Level]) -> None:
        submission, level = task
        result = grade_level(client, submission, level, seed, marking_of)
        with lock:
            done = graded[submission.name]
            done[level.id] = result
            finished = len(done) == len(levels)
        if finished and on_student_done is not None:
            on_student_done(report_of(by_name[submission.name]))

    leaderboard: dict[str, tuple[float | None, str]] = {}

    def report_of(submission: Submission) -> Report:
        levels_done = [graded[submission.name][level.id] for level in levels]
        return Report(submission.name, levels_done, seed, sum(g.result.seconds for g in levels_done), protections,
                      leaderboard.get(submission.name), provenance)

    # Student by student, so that the progress bar counts whole students early on.
    tasks = [(submission, level) for submission in submissions for level in levels]
    try:
        with ThreadPoolExecutor(max(1, jobs or default_jobs())) as pool:
            # First in the pool's queue, so no submission's level waits for a stub that waits for a worker.
            stub_runs.update({level.id: pool.submit(stub_failures, client, level, seed) for level in levels})
            if class_file is not None and class_file.leaderboard:
                accuracies = pool.map(lambda s: finale_accuracy(client, pack, s), submissions)
                leaderboard.update(zip([s.name for s in submissions], accuracies, strict=True))
            list(pool.map(run, tasks))
    finally:
        if own_client:
            client.close()
    return [report_of(submission) for submission in submissions]


def grade_one(submission: Submission, pack: Pack, levels: Sequence[Level], *, seed: int, jobs: int | None = None,
              class_file: ClassFile | None = None, client: GraderClient | None = None) -> Report:
    """One workspace: its levels graded side by side; the report's time is the wall time."""
    began = time.monotonic()
    report = grade_submissions([submission], pack, levels, seed=seed, jobs=jobs, class_file=class_file,
                               client=client)[0]
    report.seconds = time.monotonic() - began
    return report
