"""The Gradescope kit: an autograder zip with `setup.sh` and `run_autograder` at its root, the wheel,
and the teacher's class file if there is one. Gradescope runs `setup.sh` once to build the
autograder's image, then `run_autograder` for every submission."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ...core.catalog import Level
from ...core.pack import Pack
from ..wheel import KitError, kit_wheel
from . import TORCH_CPU_INDEX, copy_class_file, grading_options, pack_files

AUTOGRADER_ROOT_VARIABLE = "DUNDERQUEST_AUTOGRADER_ROOT"


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


def run_autograder(options: str) -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades the files in /autograder/submission (a
# workspace, or the exercise files at its top level) into /autograder/results/results.json.
# {AUTOGRADER_ROOT_VARIABLE} moves the /autograder root, for a trial run on your own machine.
ROOT="${{{AUTOGRADER_ROOT_VARIABLE}:-/autograder}}"
DUNDERQUEST="$ROOT/dunderquest-venv/bin/dunderquest"
[ -x "$DUNDERQUEST" ] || DUNDERQUEST=dunderquest
mkdir -p "$ROOT/results"
cd "$ROOT/source"
export DUNDERQUEST_LINGER=0  # one grading per container: no grader stays in the background after it
# Gradescope's submission time and due dates, for the class file's late rule (docs/teach/deadlines.md).
METADATA=()
[ -f "$ROOT/submission_metadata.json" ] && METADATA=(--submission-metadata "$ROOT/submission_metadata.json")
"$DUNDERQUEST" grade --workspace "$ROOT/submission" --format gradescope --output "$ROOT/results/results.json" \\
    "${{METADATA[@]}}"{options}
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


def gradescope_zip(output: Path, levels: Sequence[Level], all_levels: Sequence[Level], wheel: Path | None = None,
                   with_solutions: bool = False, class_file: Path | None = None, pack: Pack | None = None) -> Path:
    """Writes the autograder zip to `output` (atomically) and returns its path."""
    output = output.resolve()
    if output.is_dir():
        raise KitError(f"{output} is a folder; give the zip file to write, such as {output / 'autograder.zip'}.")
    with tempfile.TemporaryDirectory(prefix="dunderquest-kit-") as scratch:
        built = kit_wheel(Path(scratch), given=wheel, with_solutions=with_solutions)
        partial = Path(scratch) / "autograder.zip"
        with zipfile.ZipFile(partial, "w") as archive:
            _add_file(archive, "setup.sh", setup_sh(built.name).encode(), executable=True)
            _add_file(archive, "run_autograder",
                      run_autograder(grading_options(levels, all_levels, class_file, pack)).encode(), executable=True)
            _add_file(archive, built.name, built.read_bytes())
            for name, data in {**copy_class_file(class_file), **pack_files(pack)}.items():
                _add_file(archive, name, data)
        output.parent.mkdir(parents=True, exist_ok=True)
        beside = output.with_name(output.name + ".partial")
        try:
            shutil.copyfile(partial, beside)
            os.replace(beside, output)
        except BaseException:
            with contextlib.suppress(OSError):
                beside.unlink()
            raise
    return output
