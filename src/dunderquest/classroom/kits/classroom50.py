"""The Classroom 50 kit: what a teacher uploads to grade dunderquest levels there.

Classroom 50 (`foundation50/classroom50`, the open-source successor of GitHub Classroom) grades each
submission by running the assignment's `autograder.py` with `python3` in the student's checkout, with
the submission's identity in the environment; the autograder must write `./result.json`
(classroom50/result/v1). Ours installs dunderquest from the wheel in its bundle (without the reference
solutions: the bundle is public) into a virtualenv of its own, then runs `dunderquest grade --format
classroom50`. When that cannot happen, it still writes a valid result that says why, so the student
sees it instead of an empty error.

The kit's folder holds `autograder/` (the bundle), `starter/` (the student repository's template),
`runtime.json` (the runtime to choose) and `README.md` (the teacher's steps).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ...core.catalog import Level
from ...core.pack import BUILTIN_NAME, Pack
from ..wheel import kit_wheel
from . import (
    CLASS_FILE,
    PACK_FOLDER,
    TORCH_CPU_INDEX,
    copy_class_file,
    grading_options,
    install_and_play,
    pack_files,
    starter_files,
    write_new_files,
)

WHEEL_FOLDER = "install"  # where the starter repository carries the wheel students install
RUNTIME = {"runs-on": "ubuntu-latest", "python": "3.12"}  # a Python that torch has wheels for

AUTOGRADER = '''#!/usr/bin/env python3
"""dunderquest's autograder for Classroom 50.

Classroom 50 runs this with python3 in the student's checkout. It installs dunderquest from the wheel
beside it (into a virtualenv of its own, outside the checkout: DUNDERQUEST_AUTOGRADER_VENV names
another), grades the student's files with `dunderquest grade --format classroom50`, and leaves
./result.json. When dunderquest cannot be installed or run, the result it writes says why, with the
assignment's points, so the student sees the reason. Only Python's standard library is used here,
and every command runs isolated (python -I) outside the student's folder, where a student's own
`pip` or `dunderquest` folder could otherwise stand in for the real one.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

OPTIONS = __OPTIONS__
MAX_SCORE = __MAX_SCORE__
TORCH_INDEX = "__TORCH_INDEX__"
BUNDLE = os.environ.get("CLASSROOM50_BUNDLE_DIR") or os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.getcwd()
RESULT = os.path.join(CHECKOUT, "result.json")


def run(command, timeout):
    """Runs `command` outside the checkout; (whether it worked, the last lines it printed)."""
    try:
        done = subprocess.run(command, cwd=BUNDLE, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, str(err)
    output = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, "\\n".join(output[-15:])


def error_result(why):
    """A valid result.json, worth nothing, that tells the student why there is no grade."""
    environ = os.environ
    result = {
        "schema": "classroom50/result/v1",
        "classroom": environ.get("CLASSROOM", ""),
        "assignment": environ.get("ASSIGNMENT", ""),
        "assignment_type": environ.get("ASSIGNMENT_TYPE") or "individual",
        "owner": environ.get("OWNER") or environ.get("USERNAME", ""),
        "submission": environ.get("SUBMISSION_TAG", ""),
        "commit": environ.get("COMMIT_URL", ""),
        "release": environ.get("RELEASE_URL", ""),
        "review": environ.get("REVIEW_URL") or environ.get("COMMIT_URL", ""),
        "datetime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "score": 0,
        "max-score": MAX_SCORE,
        "tests": [{"test-name": "The grader could run", "passed": False, "score": 0, "max-score": MAX_SCORE,
                   "message": "Your files could not be graded, through no fault of yours: " + why}],
    }
    with open(RESULT, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
    print(why, file=sys.stderr)


def main():
    os.environ["DUNDERQUEST_LINGER"] = "0"  # one grading per run: no grader stays in the background
    if os.path.lexists(RESULT):
        os.remove(RESULT)  # a result.json in the student's files is not a grade
    venv = os.environ.get("DUNDERQUEST_AUTOGRADER_VENV") or os.path.join(
        os.environ.get("RUNNER_TEMP") or tempfile.gettempdir(), "dunderquest-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        made, said = run([sys.executable, "-I", "-m", "venv", venv], 300)
        if not made:
            return error_result("a virtualenv for the grader could not be made:\\n" + said)
    if not run([python, "-I", "-c", "import torch, torchvision"], 300)[0]:
        installed, said = run([python, "-I", "-m", "pip", "install", "--quiet", "torch", "torchvision",
                               "--index-url", TORCH_INDEX], 900)
        if not installed:
            return error_result("PyTorch could not be installed:\\n" + said)
    wheels = sorted(glob.glob(os.path.join(BUNDLE, "dunderquest-*.whl")))
    if not wheels:
        return error_result("the autograder's bundle holds no dunderquest wheel; tell your teacher.")
    installed, said = run([python, "-I", "-m", "pip", "install", "--quiet", wheels[-1]], 600)
    if not installed:
        return error_result("dunderquest could not be installed:\\n" + said)
    graded, said = run([python, "-I", "-m", "dunderquest", "grade", "--workspace", CHECKOUT,
                        "--format", "classroom50", "--output", RESULT, *OPTIONS], 600)
    print(said)
    if not os.path.isfile(RESULT):
        return error_result("dunderquest wrote no result:\\n" + said)
    return None


if __name__ == "__main__":
    main()
    sys.exit(0)  # a failed check is a score, not a failure of the autograder
'''


def autograder_py(levels: Sequence[Level], all_levels: Sequence[Level], class_file: Path | None,
                  pack: Pack | None, points: int) -> str:
    """The bundle's autograder.py, with the options its `dunderquest grade` takes written in."""
    options = [json.dumps(option) for option in grading_options(levels, all_levels, None).split()
               if option != "--pack" and option != BUILTIN_NAME]
    if class_file is not None:
        options += ['"--class"', f'os.path.join(BUNDLE, "{CLASS_FILE}")']
    # Always named: grading the student's checkout never takes the pack its workspace records.
    if pack is not None and not pack.builtin:
        options += ['"--pack"', f'os.path.join(BUNDLE, "{PACK_FOLDER}")']
    else:
        options += ['"--pack"', json.dumps(BUILTIN_NAME)]
    return (AUTOGRADER.replace("__OPTIONS__", f"[{', '.join(options)}]").replace("__MAX_SCORE__", str(points))
            .replace("__TORCH_INDEX__", TORCH_CPU_INDEX))


def student_readme(levels: Sequence[Level], wheel_name: str) -> str:
    rows = "\n".join(f"| {level.number} | {level.title} | `{level.class_name}` in `{level.exercise_path}` |"
                     for level in levels)
    return f"""# dunderquest assignment

Write a small Python class in each file under `exercises/`. Each level teaches one piece of the
Python magic behind PyTorch, and a grader checks your class against the real PyTorch objects.

| level | title | what you write |
| --- | --- | --- |
{rows}

{install_and_play(f"{WHEEL_FOLDER}/{wheel_name}")}

Submit with `gh student submit` (or as your teacher says). Every submission is graded by the same
checks; the grade and each check's message are in the submission's release.
"""


def teacher_readme(levels: Sequence[Level], total: int, wheel_name: str) -> str:
    numbers = ", ".join(str(level.number) for level in levels)
    return f"""# dunderquest on Classroom 50

This kit grades dunderquest levels {numbers} ({total} points) on Classroom 50. It holds:

- `autograder/`: the assignment's autograder bundle: `autograder.py` and `{wheel_name}` (a
  dunderquest without its reference solutions: the bundle is public on your classroom's Pages site).
- `starter/`: the students' starting repository: a file to complete for each level, and the same
  wheel in `starter/{WHEEL_FOLDER}/`, which its README tells students to install dunderquest from.
- `runtime.json`: the runtime to choose: a Python that PyTorch has wheels for (Classroom 50's
  default, 3.14, may have none yet).

Replace ORG with your GitHub organisation, CLASSROOM with your classroom's short name and SLUG
with the assignment's (lower-case letters, digits and dashes), then:

```sh
# 1. The starting repository, as a template repository of your organisation:
cd starter && git init -b main && git add . && git commit -m "Starter code"
gh repo create ORG/dunderquest-starter --private --source . --push
gh repo edit ORG/dunderquest-starter --template
cd ..

# 2. The assignment, with the runtime to grade on:
gh teacher assignment add ORG CLASSROOM SLUG --name "dunderquest" \\
    --template ORG/dunderquest-starter --runtime runtime.json

# 3. The autograder bundle, in your classroom's configuration repository:
git clone https://github.com/ORG/classroom50 && mkdir -p classroom50/CLASSROOM/autograders/SLUG
cp autograder/* classroom50/CLASSROOM/autograders/SLUG/
cd classroom50 && git add . && git commit -m "dunderquest autograder for SLUG" && git push
```

Every submission is then graded in one run (one PyTorch import for all its levels, within
Classroom 50's 15 minutes: installing PyTorch takes one or two of them). Its `result.json` has one
test per check, named after its level, with the check's message, and whole points that add up to
each level's points; untouched starting files score 0. Scores reach your classroom's gradebook
when Classroom 50 collects them (`gh teacher download ORG CLASSROOM SLUG`, or "Collect now").

To try the autograder on your own machine, from a folder holding a student's files:

```sh
CLASSROOM=CLASSROOM ASSIGNMENT=SLUG SUBMISSION_TAG=submit/try OWNER=me \\
  COMMIT_URL=https://example.org/c RELEASE_URL=https://example.org/r \\
  CLASSROOM50_BUNDLE_DIR=/path/to/kit/autograder python3 /path/to/kit/autograder/autograder.py
cat result.json
```
"""


def classroom50_kit(dest: Path, levels: Sequence[Level], all_levels: Sequence[Level], wheel: Path | None = None,
                    with_solutions: bool = False, class_file: Path | None = None, pack: Pack | None = None,
                    total: int | None = None) -> list[Path]:
    """Writes the kit into `dest` (never over a file that exists: then nothing is written); returns
    the files it wrote. `total` is the assignment's points (the levels' own by default)."""
    total = sum(level.points for level in levels) if total is None else total
    with tempfile.TemporaryDirectory(prefix="dunderquest-kit-") as scratch:
        built = kit_wheel(Path(scratch), given=wheel, with_solutions=with_solutions)
        files = {f"starter/{name}": data for name, data in starter_files(levels).items()}
        files.update({
            "starter/README.md": student_readme(levels, built.name).encode(),
            f"starter/{WHEEL_FOLDER}/{built.name}": built.read_bytes(),
            "autograder/autograder.py": autograder_py(levels, all_levels, class_file, pack, total).encode(),
            f"autograder/{built.name}": built.read_bytes(),
            "runtime.json": (json.dumps(RUNTIME, indent=2) + "\n").encode(),
            "README.md": teacher_readme(levels, total, built.name).encode(),
        })
        extra = {**copy_class_file(class_file), **pack_files(pack)}
        files.update({f"autograder/{name}": data for name, data in extra.items()})
    return write_new_files(dest, files, executable=["autograder/autograder.py"])
