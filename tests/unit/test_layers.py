"""The layers stay apart: the domain and the grader never import Textual, and the game's process
never imports torch or pytest (the grader has processes of its own). The contracts are in
pyproject.toml; import-linter checks them here."""

import subprocess
from pathlib import Path

from tools import installed

REPO = Path(__file__).resolve().parent.parent.parent


def test_the_import_contracts_hold():
    lint_imports = installed("lint-imports")  # import-linter is part of the test extra
    done = subprocess.run([lint_imports], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
