"""Ready-made kits that run this grader on a teaching platform's own machines. Each kit carries a
wheel of this dunderquest without the reference solutions (classroom/wheel.py), so setting one up
needs no published release and puts no answer key on the platform.

- `gradescope.py`: a Gradescope autograder zip (`setup.sh`, `run_autograder`, the wheel).
- `classroom50.py`: what a Classroom 50 teacher uploads: the assignment's autograder bundle
  (`autograder.py` and the wheel), the starter repository, `runtime.json` and a README.
- `github.py`: a template repository that grades every push with GitHub Actions, for courses on
  plain GitHub repositories.

This module holds what they share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ...core.catalog import Level
from ...core.mistakes import INDEX
from ...core.pack import BUILTIN_NAME, Pack
from ..wheel import KitError

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CLASS_FILE = "classroom.toml"  # a teacher's class file, as a kit carries it
PACK_FOLDER = "pack"  # a course pack, as a kit carries it


def install_and_play(wheel: str) -> str:
    """A student README's steps to install dunderquest from the wheel at `wheel` (a path in the
    repository) and play."""
    return f"""Install dunderquest from the wheel in this repository (Python 3.11 or newer; this installs PyTorch
too), then play in this folder:

```sh
python -m pip install {wheel}
dunderquest play
```

`dunderquest play` shows each level's lesson, your file and the checks' results; `dunderquest check 1`
runs one level's checks from the command line. Use `dunderquest watch` if you prefer your own editor."""


def grading_options(levels: Sequence[Level], all_levels: Sequence[Level], class_file: Path | None,
                    pack: Pack | None = None, folder: str = "") -> str:
    """What a kit's grading command adds to `dunderquest grade`: ` --levels 1,3` when only some
    levels are graded, ` --class PATH` when the kit carries a class file, and ` --pack PATH` when it
    carries a course pack (both in `folder`, relative to where the command runs), else ` --pack builtin`."""
    options = ""
    if [level.id for level in levels] != [level.id for level in all_levels]:
        options += " --levels " + ",".join(str(level.number) for level in levels)
    if class_file is not None:
        options += f" --class {folder}{CLASS_FILE}"
    # Always named: grading a submission never takes the pack its workspace records.
    options += f" --pack {folder}{PACK_FOLDER}" if pack is not None and not pack.builtin else f" --pack {BUILTIN_NAME}"
    return options


def pack_files(pack: Pack | None) -> dict[str, bytes]:
    """A course pack as a kit carries it: what grading needs (pack.toml, levels/, exercises/, the index of
    its known mistakes), never its
    reference solutions or the files that prove its checks. Nothing for the built-in course."""
    if pack is None or pack.builtin:
        return {}
    # The kit keeps the stubs in the pack's own exercises/, wherever the pack keeps them, so pack.toml
    # loses the lines that say otherwise (and the one that names the solutions, which stay behind).
    text = (pack.root / "pack.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^\s*(exercises|solutions)\s*=.*\n?", "", text)
    files = {f"{PACK_FOLDER}/pack.toml": text.encode("utf-8")}
    if (pack.root / INDEX).is_file():  # its known mistakes: names, headers and failed checks, no code
        files[f"{PACK_FOLDER}/{INDEX}"] = (pack.root / INDEX).read_bytes()
    for part, folder in (("levels", pack.levels_dir), ("exercises", pack.exercises_dir)):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f"{PACK_FOLDER}/{part}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return files


def starter_files(levels: Sequence[Level]) -> dict[str, bytes]:
    """The files of a student's starting repository: a stub per level, in a dunderquest workspace."""
    files = {level.exercise_path: level.stub().encode() for level in levels}
    files.update({
        # Makes the repository a dunderquest workspace; progress stays on each student's machine.
        ".dunderquest/.gitignore": b"*\n!.gitignore\n",
        ".gitignore": b"__pycache__/\n",
    })
    return files


def write_new_files(dest: Path, files: dict[str, bytes], executable: Sequence[str] = ()) -> list[Path]:
    """Writes `files` under `dest` and returns their paths. It never overwrites a file: if any of
    them exists already, it writes nothing and says which."""
    dest = dest.resolve()
    if dest.exists() and not dest.is_dir():
        raise KitError(f"{dest} is a file; give a folder for the kit (a new one, or an empty one).")
    clashes = sorted(name for name in files if (dest / name).exists())
    if clashes:
        raise KitError(f"{dest} already has {', '.join(clashes)}; nothing was written. Choose an empty folder.")
    written = []
    for name, data in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if name in executable:
            path.chmod(0o755)
        written.append(path)
    return written


def copy_class_file(class_file: Path | None) -> dict[str, bytes]:
    if class_file is None:
        return {}
    try:
        return {CLASS_FILE: class_file.read_bytes()}
    except OSError as err:
        raise KitError(f"{class_file} cannot be read ({err.strerror}).") from None
