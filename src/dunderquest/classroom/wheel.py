"""The wheel of dunderquest that a kit carries to a teaching platform, which installs it to grade.

It carries no answer key: the reference solutions (`dunderquest/solutions/`) are left out unless the
teacher asks for them, so that neither a student's code nor a student reading the kit can find them.
It is built from the checkout this dunderquest runs from, if it runs from one (an editable install);
else it is packed from the installed distribution itself, so that a teacher who installed
dunderquest with `pip install` can make kits too.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

# What a wheel is built from: the project's own files, never caches or build leftovers.
CHECKOUT_PARTS = ("pyproject.toml", "README.md", "LICENSE", "src", "course", "exercises", "solutions")
SOLUTIONS = "dunderquest/solutions/"


class KitError(Exception):
    """Why no wheel could be made, in words for the teacher."""


def checkout_root() -> Path | None:
    """The source checkout this dunderquest runs from, if it runs from one (an editable install)."""
    root = Path(__file__).resolve().parents[3]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "dunderquest"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def kit_wheel(dest: Path, *, given: Path | None = None, with_solutions: bool = False) -> Path:
    """A wheel for a kit, in `dest`: `given` (a dunderquest wheel), else one built from the checkout,
    else one packed from the installed distribution; without the reference solutions unless
    `with_solutions`."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dunderquest-wheel-") as scratch:
        if given is not None:
            if not given.is_file() or not given.name.startswith("dunderquest-") or given.suffix != ".whl":
                raise KitError(f"{given} is not a dunderquest wheel (a file named dunderquest-*.whl).")
            made = given
        elif checkout_root() is not None:
            made = build_from_checkout(checkout_root(), Path(scratch))
        else:
            made = pack_installed(Path(scratch))
        names = zipfile.ZipFile(made).namelist()
        if with_solutions and not any(name.startswith(SOLUTIONS) for name in names):
            raise KitError("This dunderquest has no reference solutions to put in the kit (it was installed "
                             "without them). Leave out --with-solutions, or make the kit from a checkout.")
        return repack(made, dest / made.name, keep=lambda name: with_solutions or not name.startswith(SOLUTIONS))


def build_from_checkout(root: Path, dest: Path) -> Path:
    """Builds a wheel of the checkout `root` into `dest`, offline. The checkout itself is not
    touched: the build runs on a copy, so no `build/` or egg-info appears in it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist", "wrong", "right")
    source = dest / "dunderquest"
    source.mkdir()
    for part in CHECKOUT_PARTS:
        if (root / part).is_dir():
            shutil.copytree(root / part, source / part, ignore=ignore)
        elif (root / part).is_file():
            shutil.copy2(root / part, source / part)
    built = dest / "wheels"
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-index",
                          "--no-build-isolation", "--quiet", "--wheel-dir", str(built)], capture_output=True, text=True)
    wheels = sorted(built.glob("dunderquest-*.whl"))
    if run.returncode != 0 or not wheels:
        detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no wheel was made"]
        raise KitError(f"Building the dunderquest wheel failed: {detail[0]} (it needs setuptools installed: "
                         "python -m pip install setuptools)")
    return wheels[0]


def pack_installed(dest: Path) -> Path:
    """A wheel of the installed dunderquest, packed from its files as its RECORD lists them."""
    try:
        dist = metadata.distribution("dunderquest")
    except metadata.PackageNotFoundError:
        raise KitError("dunderquest is not installed as a package here, so there is nothing to pack.") from None
    info = f"dunderquest-{dist.version}.dist-info"
    files = {}
    for file in dist.files or []:
        name = file.as_posix()
        if name.startswith(("dunderquest/", f"{info}/")) and "__pycache__" not in name and not name.endswith(".pyc"):
            files[name] = Path(file.locate()).read_bytes()
    if not any(name.startswith("dunderquest/grader/") for name in files):
        raise KitError("The installed dunderquest lists none of its files (an editable install?), so it cannot be "
                         "packed. Make the kit from the checkout, or pass --wheel with a dunderquest wheel.")
    for name in ("INSTALLER", "REQUESTED", "direct_url.json", "RECORD"):
        files.pop(f"{info}/{name}", None)
    files[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: dunderquest {dist.version}\nRoot-Is-Purelib: true\n"
                              "Tag: py3-none-any\n").encode()
    path = dest / f"dunderquest-{dist.version}-py3-none-any.whl"
    write_wheel(path, files, info)
    return path


def repack(source: Path, dest: Path, keep) -> Path:
    """A copy of the wheel `source` at `dest` with only the files `keep(name)` accepts, and its RECORD
    made anew to match."""
    with zipfile.ZipFile(source) as wheel:
        info = next(name.split("/")[0] for name in wheel.namelist() if name.endswith(".dist-info/WHEEL"))
        files = {name: wheel.read(name) for name in wheel.namelist()
                 if keep(name) and not name.endswith("/") and name != f"{info}/RECORD"}
    write_wheel(dest, files, info)
    return dest


def write_wheel(path: Path, files: dict[str, bytes], info: str) -> None:
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in [*sorted(files.items()), (f"{info}/RECORD", record.getvalue().encode())]:
            wheel.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    partial.replace(path)
