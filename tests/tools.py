"""Where the tests find programs: console scripts next to the running Python, not on PATH.

A virtualenv's Python called by path (`.venv/bin/python -m pytest`) does not put the virtualenv's
`bin/` on PATH, so `shutil.which("dunderquest")` would miss the very install under test."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest


def console_script(name: str) -> Path | None:
    """The installed console script `name` of the Python running the tests, if it is installed."""
    folders = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    for folder in folders:
        for candidate in (name, f"{name}.exe"):
            path = Path(folder) / candidate
            if path.is_file() and os.access(path, os.X_OK):
                return path
    return None


def require(program: str | None, what: str) -> str:
    """The path of a program a test needs. Outside CI a missing one skips the test; in CI
    (`CI=true`) it fails it, so a test can't silently stop running on the machine that guards main."""
    if program is not None:
        return program
    message = f"this test needs {what}, which is not installed"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message + " (in CI a missing tool is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--no-default-browser-check", "--disable-sync",
                 "--disable-extensions", "--password-store=basic"]


def chromium() -> str:
    """Debian's Chromium, for Playwright's `executable_path` (nothing is downloaded)."""
    return require(shutil.which("chromium") or shutil.which("chromium-browser"),
                   "Chromium (Debian: apt-get install chromium)")


def tmux() -> str:
    return require(shutil.which("tmux"), "tmux")


def installed(name: str) -> str:
    script = console_script(name)
    return require(str(script) if script else None, f"the installed `{name}` command")


# The cold path, as `dunderquest check` runs it (one process imports torch, forks its own zygote,
# grades), but with the imports paid once: each file is graded in a fresh fork of this process.
# Run it with `python -c COLD_GRADER`; write `[level, path, seed]` lines, read one result dict per line.
COLD_GRADER = """
import json, os, sys
from dunderquest.grader.service.forker import warm_imports
warm_imports()
from dunderquest.core.pack import builtin_pack
from dunderquest.grader.service.one_off import grade
for request in sys.stdin:
    level, path, seed = json.loads(request)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        result = grade(builtin_pack(), builtin_pack().catalog.get(level), path, seed=seed)
        os.write(w, json.dumps(result.to_json()).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    print(data.decode(), flush=True)
"""


def venv_with(wheel: Path, top: Path) -> Path:
    """A virtualenv in `top` where `wheel` (a dunderquest wheel) is installed, as `pip install`
    installs it, and whose Python also sees this test run's own packages (torch, pytest, ...)
    through a folder of links to them that leaves out this checkout's editable install: it holds one
    dunderquest, the wheel's, as a learner's or a platform's does. Returns its Python."""
    import site
    import subprocess

    venv = top / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(purelib), str(wheel)], check=True)
    view = top / "packages"
    view.mkdir(exist_ok=True)
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}:
        for entry in Path(folder).iterdir() if Path(folder).is_dir() else ():
            if "dunderquest" not in entry.name and not (view / entry.name).exists():
                (view / entry.name).symlink_to(entry)
    (purelib / "test-run-packages.pth").write_text(f"{view}\n", encoding="utf-8")
    return python


# -- another user --------------------------------------------------------------------------------------

NOBODY = 65534


def runnable_by(uid: int, python: str, env: dict[str, str]) -> bool:
    done = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", python, "-c",
                           "import torch, torchvision, pytest, dunderquest.grader.runner"],
                          env=env, capture_output=True, timeout=300, cwd="/")
    return done.returncode == 0


def world_readable_copy(folder: Path) -> tuple[str, dict[str, str]] | None:
    """A Python that `nobody` can run with this project and its packages, made by linking (or copying)
    them into `folder` when the installation under test lives where nobody can read (CI's fresh venv
    under /root, say). Returns (python, extra environment), or None if even the interpreter is
    unreadable for nobody."""
    import sysconfig

    import dunderquest

    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
             str(Path(dunderquest.__file__).resolve().parents[1])}
    copies = []
    for index, source in enumerate(sorted(paths)):
        target = folder / f"path{index}"
        try:
            shutil.copytree(source, target, copy_function=os.link, symlinks=True)
        except (OSError, shutil.Error):
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, symlinks=True)
        copies.append(str(target))
    for place in [folder, *folder.rglob("*")]:
        if place.is_dir() and not place.is_symlink():
            place.chmod(0o755)
    extra = {"PYTHONPATH": os.pathsep.join(copies)}
    return (base, extra) if runnable_by(NOBODY, base, dict(os.environ, **extra)) else None


# -- a small disk ------------------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "512k") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `folder` for the test (a disk to fill, or to make read-only), as
    root, or as the root of a user namespace (`unshare --user --map-root-user --mount`). Skips the
    test where this user may mount nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "dunderquest-test", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"this test mounts a small tmpfs as a disk to fill, which this user may not do "
                    f"({done.stderr.strip() or done.returncode}): run it as root, or under `unshare --user "
                    "--map-root-user --mount`")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(disk: Path) -> Path:
    """Fills the disk at `disk` to its last byte with a file of its own; returns that file."""
    filler = disk / "filler"
    with open(filler, "ab", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as err:
            assert err.errno == errno.ENOSPC, err
        try:  # and its last few bytes
            while True:
                out.write(b"\0")
        except OSError as err:
            assert err.errno == errno.ENOSPC, err
    return filler


def read_only(disk: Path) -> None:
    """Makes the small disk at `disk` read-only (for everyone, root too)."""
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True, capture_output=True)


def leftovers(folder: Path) -> list[str]:
    """The temporary files that a write left anywhere under `folder`."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*.tmp"))
