"""Ready-made kits that run this grader on a teaching platform's own machines:

- `gradescope_zip()`: a Gradescope autograder zip, with `setup.sh` and `run_autograder` at its root
  and a wheel of this dunderquest (classroom/wheel.py), so setting it up needs no published release.
- `github_template()`: a template repository for a GitHub Classroom assignment: `exercises/`, a
  README for students, and a workflow with one grading step per level and the grading reporter.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ..core.catalog import Level
from .report import points_text
from .wheel import KitError, kit_wheel

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
AUTOGRADER_ROOT_VARIABLE = "DUNDERQUEST_AUTOGRADER_ROOT"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def levels_option(levels: Sequence[Level], all_levels: Sequence[Level]) -> str:
    """` --levels 1,3` when only some levels are graded; nothing when all are."""
    if [level.id for level in levels] == [level.id for level in all_levels]:
        return ""
    return " --levels " + ",".join(str(level.number) for level in levels)


# -- Gradescope ------------------------------------------------------------------------------------


def setup_sh(wheel_name: str) -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. It installs
# dunderquest from the wheel in this zip into its own virtual environment.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="${{{AUTOGRADER_ROOT_VARIABLE}:-/autograder}}"
VENV="$ROOT/dunderquest-venv"
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "dunderquest needs Python 3.11 or newer. In Gradescope's autograder settings, choose the" >&2
    echo "Ubuntu 24.04 base image (Python 3.12)." >&2
    exit 1
fi
if ! python3 -m venv "$VENV"; then
    apt-get update && apt-get install -y python3-venv
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --upgrade pip
# The CPU build of torch: much smaller than the default one, and grading needs no GPU.
"$VENV/bin/python" -m pip install torch torchvision --index-url {TORCH_CPU_INDEX}
"$VENV/bin/python" -m pip install "./{wheel_name}"
# Unpack the MNIST sample now, once, rather than in every student's run.
"$VENV/bin/dunderquest" data
"""


def run_autograder(levels: str) -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades the files in /autograder/submission (a
# workspace, or the exercise files at its top level) into /autograder/results/results.json.
# {AUTOGRADER_ROOT_VARIABLE} moves the /autograder root, for a trial run on your own machine.
ROOT="${{{AUTOGRADER_ROOT_VARIABLE}:-/autograder}}"
DUNDERQUEST="$ROOT/dunderquest-venv/bin/dunderquest"
[ -x "$DUNDERQUEST" ] || DUNDERQUEST=dunderquest
mkdir -p "$ROOT/results"
"$DUNDERQUEST" grade --workspace "$ROOT/submission" --format gradescope --output "$ROOT/results/results.json"{levels}
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
    printf '{{"score": 0, "tests": [], "output": "%s"}}\\n' \\
        "The autograder could not grade this submission (dunderquest exited with status $status). Tell your teacher." \\
        > "$ROOT/results/results.json"
fi
# A failed check is a score, not a failure of the autograder.
exit 0
"""


def _add_file(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def gradescope_zip(output: Path, levels: Sequence[Level], all_levels: Sequence[Level],
                   wheel: Path | None = None, with_solutions: bool = False) -> Path:
    """Writes the autograder zip to `output` (atomically) and returns its path."""
    output = output.resolve()
    with tempfile.TemporaryDirectory(prefix="dunderquest-kit-") as scratch:
        built = kit_wheel(Path(scratch), given=wheel, with_solutions=with_solutions)
        partial = Path(scratch) / "autograder.zip"
        with zipfile.ZipFile(partial, "w") as archive:
            _add_file(archive, "setup.sh", setup_sh(built.name).encode(), executable=True)
            _add_file(archive, "run_autograder", run_autograder(levels_option(levels, all_levels)).encode(),
                      executable=True)
            _add_file(archive, built.name, built.read_bytes())
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(partial, output.with_name(output.name + ".partial"))
        os.replace(output.with_name(output.name + ".partial"), output)
    return output


# -- GitHub Classroom ------------------------------------------------------------------------------


def workflow(levels: Sequence[Level], wheel_name: str) -> str:
    """`.github/workflows/classroom.yml`: one grading step per level, each with an `id`, then the
    reporter, which reads each step's `result` output from `<ID>_RESULTS` (ids as in `runners`)."""
    steps = []
    for level in levels:
        steps.append(f"""      - name: {json.dumps(f"Level {level.number}: {level.title} ({level.class_name})")}
        id: {level.id}
        # A failed check makes the step fail; the reporter below still runs and counts the points.
        continue-on-error: true
        run: dunderquest grade --workspace . --levels {level.number} --format github""")
    env = "\n".join(f"          {level.id.upper()}_RESULTS: \"${{{{ steps.{level.id}.outputs.result }}}}\""
                    for level in levels)
    runners = ",".join(level.id for level in levels)
    return f"""name: Autograding
on:
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
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
          python -m pip install .github/dunderquest/{wheel_name}
{chr(10).join(steps)}
      - name: Autograding Reporter
        uses: {REPORTER}
        env:
{env}
        with:
          runners: {runners}
"""


def student_readme(levels: Sequence[Level], wheel_name: str) -> str:
    rows = "\n".join(f"| {level.number} | {level.title} | `{level.class_name}` in `{level.exercise_path}` | "
                     f"{points_text(level.points)} |" for level in levels)
    total = points_text(sum(level.points for level in levels))
    return f"""# dunderquest assignment

Write a small Python class in each file under `exercises/`. Each level teaches one piece of the
Python magic behind PyTorch, and a grader checks your class against the real PyTorch objects.

| level | title | what you write | points |
| --- | --- | --- | --- |
{rows}

Total: {total} points.

## Work on it

Install dunderquest (Python 3.11 or newer; this installs PyTorch too), then play in this folder:

```sh
python -m pip install .github/dunderquest/{wheel_name}
dunderquest play
```

`dunderquest play` shows each level's lesson, your file and the checks' results; `dunderquest check 1`
runs one level's checks from the command line. Use `dunderquest watch` if you prefer your own editor.

## How it is graded

Every push runs the same checks on GitHub (the Actions tab, workflow "Autograding"). Each level is
worth its points, split evenly across its checks. Commit and push your files in `exercises/`; do not
change `.github/`.
"""


def github_template(dest: Path, levels: Sequence[Level], wheel: Path | None = None,
                    with_solutions: bool = False) -> list[Path]:
    """Writes the template repository into `dest` and returns the files it wrote. It never
    overwrites a file: if any of them already exists, it writes nothing and says which."""
    dest = dest.resolve()
    with tempfile.TemporaryDirectory(prefix="dunderquest-kit-") as scratch:
        built = kit_wheel(Path(scratch), given=wheel, with_solutions=with_solutions)
        files: dict[str, bytes] = {level.exercise_path: level.stub().encode() for level in levels}
        files.update({
            "README.md": student_readme(levels, built.name).encode(),
            ".github/workflows/classroom.yml": workflow(levels, built.name).encode(),
            f".github/dunderquest/{built.name}": built.read_bytes(),
            # Makes the repository a dunderquest workspace; progress stays on each student's machine.
            ".dunderquest/.gitignore": b"*\n!.gitignore\n",
            ".gitignore": b"__pycache__/\n",
        })
    clashes = sorted(name for name in files if (dest / name).exists())
    if clashes:
        raise KitError(f"{dest} already has {', '.join(clashes)}; nothing was written. Choose an empty folder.")
    written = []
    for name, data in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
