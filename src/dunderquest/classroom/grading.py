"""Grading submissions with the warm grader: one zygote, many forked runners, `jobs` runs at a time.

Every level of every student is graded from a pristine copy of the submitted file, alone in a fresh
temporary folder, so nothing a file does there (deleting its neighbours, writing files) can reach
the submission, another level or another student. The submitted files are only ever read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.catalog import Level
from ..grader.confinement.doctor import in_force
from ..grader.result import LevelResult
from ..grader.service.client import GraderClient, GraderUnavailable
from .report import MISSING, GradedLevel, Report
from .submission import Submission


def new_seed() -> int:
    """A seed for a whole grading run, chosen once so that every report can name it."""
    return int.from_bytes(os.urandom(4), "big")


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def grade_level(client: GraderClient, submission: Submission, level: Level, seed: int) -> GradedLevel:
    found = submission.find(level)
    if found.path is None:
        return GradedLevel(level, LevelResult.not_run(level, found.problem or ""), MISSING)
    with tempfile.TemporaryDirectory(prefix="dunderquest-grade-", ignore_cleanup_errors=True) as folder:
        copy = Path(folder) / level.file_name
        try:
            shutil.copyfile(found.path, copy)  # the bytes only: no link, mode or owner comes along
        except OSError as err:
            message = f"{level.file_name} could not be read ({err.strerror or err}), so it was not graded."
            return GradedLevel(level, LevelResult.not_run(level, message), "unreadable file")
        try:
            result = client.grade(level, copy, seed=seed)
        except GraderUnavailable as err:
            message = f"The grader could not run this level ({err}). This is not a problem in your code."
            return GradedLevel(level, LevelResult.not_run(level, message), "grader error")
    return GradedLevel.of(level, result)


def grade_submissions(submissions: Sequence[Submission], levels: Sequence[Level], *, seed: int,
                      jobs: int | None = None, client: GraderClient | None = None,
                      on_student_done: Callable[[Report], None] | None = None) -> list[Report]:
    """Grades every level of every submission; returns one report per submission, in their order.
    `on_student_done` is called (from a worker thread) as each submission's last level finishes."""
    own_client = client is None
    client = client or GraderClient()
    client.warm_up()
    protections = [protection.as_dict() for protection in in_force()]
    graded: dict[str, dict[str, GradedLevel]] = {submission.name: {} for submission in submissions}
    lock = threading.Lock()
    by_name = {submission.name: submission for submission in submissions}

    def run(task: tuple[Submission, Level]) -> None:
        submission, level = task
        result = grade_level(client, submission, level, seed)
        with lock:
            done = graded[submission.name]
            done[level.id] = result
            finished = len(done) == len(levels)
        if finished and on_student_done is not None:
            on_student_done(report_of(by_name[submission.name]))

    def report_of(submission: Submission) -> Report:
        levels_done = [graded[submission.name][level.id] for level in levels]
        return Report(submission.name, levels_done, seed, sum(g.result.seconds for g in levels_done), protections)

    # Student by student, so that the progress bar counts whole students early on.
    tasks = [(submission, level) for submission in submissions for level in levels]
    try:
        with ThreadPoolExecutor(max(1, jobs or default_jobs())) as pool:
            list(pool.map(run, tasks))
    finally:
        if own_client:
            client.close()
    return [report_of(submission) for submission in submissions]


def grade_one(submission: Submission, levels: Sequence[Level], *, seed: int,
              jobs: int | None = None) -> Report:
    """One workspace: its levels graded side by side; the report's time is the wall time."""
    began = time.monotonic()
    report = grade_submissions([submission], levels, seed=seed, jobs=jobs)[0]
    report.seconds = time.monotonic() - began
    return report
