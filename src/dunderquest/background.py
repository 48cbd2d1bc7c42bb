"""The background grader's process (grader/service/lingering.py), started by a command that needs a
grader when none lingers:

    python -I -B -m dunderquest.background FOLDER NAME LINGER FINGERPRINT

It also runs the learner commands that thin clients hand it (thin_client.py, `run_for`)."""

from __future__ import annotations

import sys
from pathlib import Path

from .grader.confinement.system import name_process
from .grader.service.lingering import LingeringGrader
from .thin_client import run_for


def main(argv: list[str]) -> int:
    folder, name, linger, fingerprint = argv
    name_process("dq-lingering")
    return LingeringGrader(Path(folder), name, float(linger), fingerprint, run_for).serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
