"""Shared fixtures. Every test runs with its own data and user folders, never the real ones, and
nothing downloads: the embedded MNIST sample serves."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Set before anything resolves a folder, so the grader processes inherit them too.
_HOME = Path(tempfile.mkdtemp(prefix="dunderquest-tests-"))
os.environ["XDG_DATA_HOME"] = str(_HOME / "xdg-data")
os.environ["DUNDERQUEST_DATA"] = str(_HOME / "mnist")
# A token in the environment, as a CI run has one: no sandbox may ever see it (see the hostile corpus).
os.environ["GITHUB_TOKEN"] = "dunderquest-test-secret"
# No grader stays in the background after a test's command: tests of the lingering grader turn it on.
os.environ["DUNDERQUEST_LINGER"] = "0"

from dunderquest.core.pack import builtin_pack  # noqa: E402
from dunderquest.grader.service.client import GraderClient  # noqa: E402
from tools import NOBODY, runnable_by, world_readable_copy  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalog():
    return builtin_pack().catalog


@pytest.fixture(scope="session")
def grader():
    """One warm grader for the whole session: `grader.grade(level, path) -> LevelResult`."""
    client = GraderClient()
    client.warm_up()
    yield client
    client.close()


@pytest.fixture(scope="module")
def lingering_grader():
    """For a module whose commands are not about how the grader starts: they share one background
    grader, as a learner's commands do (see grader/service/lingering.py), instead of each importing
    torch. It is stopped when the module ends."""
    from dunderquest.grader.service.lingering_client import stop_all

    runtime = Path(tempfile.mkdtemp(prefix="dq-run-", dir="/tmp"))  # short: a socket's path must be
    saved = {name: os.environ.get(name) for name in ("DUNDERQUEST_LINGER", "XDG_RUNTIME_DIR")}
    os.environ.update(DUNDERQUEST_LINGER="120", XDG_RUNTIME_DIR=str(runtime))
    try:
        yield
    finally:
        stop_all(dict(os.environ))
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def workspace(tmp_path):
    from dunderquest.core.workspace import Workspace

    return Workspace.create(tmp_path / "ws")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """A wheel of this checkout with its reference solutions, as `pip install .` builds it (building
    it is the slow part, so the session shares one, and so do the workers of a parallel run)."""
    import fcntl

    from dunderquest.classroom.wheel import kit_wheel

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return kit_wheel(tmp_path_factory.mktemp("wheel"), with_solutions=True)
    shared = tmp_path_factory.getbasetemp().parent / "shared-wheel"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds it; the others wait, then take it
        built = sorted(shared.glob("dunderquest-*.whl"))
        return built[0] if built else kit_wheel(shared, with_solutions=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The documentation site, built once with `mkdocs build --strict` (see docs_site.py): whether it
    built, what mkdocs said, and its pages. The workers of a parallel run share one build."""
    import fcntl

    from docs_site import CONFIG, Site

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return Site.build(CONFIG, tmp_path_factory.mktemp("site") / "site")
    shared = tmp_path_factory.getbasetemp().parent / "shared-site"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds it; the others wait, then read it
        record = shared / "build.json"
        if record.exists():
            return Site.shared(record)
        site = Site.build(CONFIG, shared / "site")
        site.keep(record)
        return site


@pytest.fixture(scope="session")
def as_nobody(tmp_path_factory):
    """How to run the CLI as `nobody`: (setpriv prefix, python, environment, folder nobody may use)."""
    if sys.platform != "linux" or shutil.which("setpriv") is None:
        pytest.skip("switching to an unprivileged user needs Linux and setpriv")
    if os.geteuid() != 0:
        pytest.skip(f"already unprivileged (uid {os.geteuid()}): every other test here runs as this user")
    top = Path(tempfile.mkdtemp(prefix="dunderquest-nobody-", dir="/tmp"))
    top.chmod(0o755)
    # Made once for the session, maybe while a module's `lingering_grader` has changed os.environ: what
    # lingering takes is set here, so that no grader of nobody's outlives a test that did not ask for one.
    env = {k: v for k, v in os.environ.items()
           if k not in ("XDG_DATA_HOME", "DUNDERQUEST_DATA", "HOME", "XDG_RUNTIME_DIR")}
    env.update(HOME=str(top / "home"), XDG_DATA_HOME=str(top / "home" / "xdg"), DUNDERQUEST_DATA=str(top / "mnist"),
               DUNDERQUEST_LINGER="0")
    python = sys.executable
    if not runnable_by(NOBODY, python, env):
        made = world_readable_copy(top / "install")
        if made is None:
            shutil.rmtree(top, ignore_errors=True)
            pytest.skip("nobody cannot run this Python at all, not even a world-readable copy of its packages")
        python, extra = made
        env.update(extra)
    for place in (top / "home", top / "mnist"):
        place.mkdir()
        os.chown(place, NOBODY, NOBODY)
    yield ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"), python, env, top
    shutil.rmtree(top, ignore_errors=True)
