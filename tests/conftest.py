"""Shared fixtures. Every test runs with its own data and user folders, never the real ones, and
nothing downloads: the embedded MNIST sample serves."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before anything resolves a folder, so the grader processes inherit them too.
_HOME = Path(tempfile.mkdtemp(prefix="dunderquest-tests-"))
os.environ["XDG_DATA_HOME"] = str(_HOME / "xdg-data")
os.environ["DUNDERQUEST_DATA"] = str(_HOME / "mnist")
# A token in the environment, as a CI run has one: no sandbox may ever see it (see the hostile corpus).
os.environ["GITHUB_TOKEN"] = "dunderquest-test-secret"

from dunderquest.core.catalog import default_catalog  # noqa: E402
from dunderquest.grader.service.client import GraderClient  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalog():
    return default_catalog()


@pytest.fixture(scope="session")
def grader():
    """One warm grader for the whole session: `grader.grade(level, path) -> LevelResult`."""
    client = GraderClient()
    client.warm_up()
    yield client
    client.close()


@pytest.fixture
def workspace(tmp_path):
    from dunderquest.core.workspace import Workspace

    return Workspace.create(tmp_path / "ws")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """A wheel of this checkout with its reference solutions, as `pip install .` builds it (building
    it is the slow part, so the session shares one)."""
    from dunderquest.classroom.wheel import kit_wheel

    return kit_wheel(tmp_path_factory.mktemp("wheel"), with_solutions=True)
