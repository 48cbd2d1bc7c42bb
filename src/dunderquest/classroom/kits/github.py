"""The GitHub Actions kit, for courses on plain GitHub repositories: a template repository whose
workflow grades every push, one step per level, and shows the points in the run's summary (the job
summary lists each level's checks, and the grading reporter adds them up into "Points X/Y"). Nothing
collects the grades: GitHub Classroom, which did, was retired on 28 August 2026. For a gradebook,
use the Classroom 50 or Gradescope kits."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ...core.catalog import Level
from ...core.pack import Pack
from ..wheel import kit_wheel
from . import (
    TORCH_CPU_INDEX,
    copy_class_file,
    grading_options,
    install_and_play,
    pack_files,
    starter_files,
    write_new_files,
)

REPORTER = "classroom-resources/autograding-grading-reporter@v1"
KIT_FOLDER = ".github/dunderquest"


def workflow(levels: Sequence[Level], wheel_name: str, class_file: Path | None, pack: Pack | None) -> str:
    """`.github/workflows/dunderquest.yml`: one grading step per level, each with an `id`, then the
    reporter, which reads each step's `result` output from `<ID>_RESULTS` (ids as in `runners`)."""
    options = grading_options(levels, levels, class_file, pack, f"{KIT_FOLDER}/")
    steps = []
    for level in levels:
        steps.append(f"""      - name: {json.dumps(f"Level {level.number}: {level.title} ({level.class_name})")}
        id: {level.id}
        # A failed check makes the step fail; the reporter below still runs and counts the points.
        continue-on-error: true
        run: dunderquest grade --workspace . --levels {level.number} --format github{options}""")
    env = "\n".join(f"          {level.id.upper()}_RESULTS: \"${{{{ steps.{level.id}.outputs.result }}}}\""
                    for level in levels)
    runners = ",".join(level.id for level in levels)
    return f"""name: dunderquest
on:
  push:
  workflow_dispatch:
permissions:
  contents: read
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - name: Check out the code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install dunderquest
        run: |
          python -m pip install torch torchvision --index-url {TORCH_CPU_INDEX}
          python -m pip install {KIT_FOLDER}/{wheel_name}
{chr(10).join(steps)}
      - name: Points
        uses: {REPORTER}
        env:
{env}
        with:
          runners: {runners}
"""


def student_readme(levels: Sequence[Level], wheel_name: str, points: Mapping[str, int]) -> str:
    """The students' README: each level with its points as the workflow grades it (`points`, by level id)."""
    rows = "\n".join(f"| {level.number} | {level.title} | `{level.class_name}` in `{level.exercise_path}` | "
                     f"{points[level.id]} |" for level in levels)
    total = sum(points[level.id] for level in levels)
    return f"""# dunderquest assignment

Write a small Python class in each file under `exercises/`. Each level teaches one piece of the
Python magic behind PyTorch, and a grader checks your class against the real PyTorch objects.

| level | title | what you write | points |
| --- | --- | --- | --- |
{rows}

Total: {total} points.

## Work on it

{install_and_play(f"{KIT_FOLDER}/{wheel_name}")}

## How it is graded

Every push runs the same checks on GitHub (the Actions tab, workflow "dunderquest"); the run's
summary shows each level's checks and your points. Each level is worth its points, shared by the
checks that the starting file does not pass already. Commit and push your files in `exercises/`; do
not change `.github/`.
"""


def github_template(dest: Path, levels: Sequence[Level], all_levels: Sequence[Level], wheel: Path | None = None,
                    with_solutions: bool = False, class_file: Path | None = None,
                    pack: Pack | None = None, points: Mapping[str, int] | None = None) -> list[Path]:
    """Writes the template repository into `dest` and returns the files it wrote (never over a file
    that exists: then nothing is written). `points` is each level's points by id, as the class file
    gives them (the levels' own by default)."""
    points = {level.id: level.points for level in levels} if points is None else points
    with tempfile.TemporaryDirectory(prefix="dunderquest-kit-") as scratch:
        built = kit_wheel(Path(scratch), given=wheel, with_solutions=with_solutions)
        files = starter_files(levels)
        files.update({
            "README.md": student_readme(levels, built.name, points).encode(),
            ".github/workflows/dunderquest.yml": workflow(levels, built.name, class_file, pack).encode(),
            f"{KIT_FOLDER}/{built.name}": built.read_bytes(),
        })
        extra = {**copy_class_file(class_file), **pack_files(pack)}
        files.update({f"{KIT_FOLDER}/{name}": data for name, data in extra.items()})
    return write_new_files(dest, files)
