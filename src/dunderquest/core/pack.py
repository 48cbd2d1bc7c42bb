"""Course packs: a folder of levels that a teacher can write, prove with `dunderquest pack check`,
and play or grade like the built-in course, which is a pack itself (`dunderquest.course`).

    pack.toml             name, title, version, the dunderquest versions it works with, and
                          (optionally) its levels' play order
    levels/<level>/       level.toml, lesson.md, hints.md, checks.py, and probes.py if the checks
                          need helpers inside the sandbox
    exercises/<level>.py  the stub a learner starts from
    solutions/<level>.py  the reference solution
    wrong/<level>/*.py    wrong solutions, each naming in `# must fail:` lines the checks it fails
    right/<level>/*.py    right solutions written differently from the reference

A pack's code (its checks and probes) is trusted like the built-in checks: it runs in the grader's
trusted runner, and in the sandbox only as helpers that the checks hand to the learner's code. The
learner's code runs in the sandbox alone, and never sees a pack's solutions or checks.

The pack in use is the built-in course, unless DUNDERQUEST_PACK names another: a workspace made from
a pack records it, and every command on that workspace (and every grader process it starts) uses it.
"""

from __future__ import annotations

import importlib
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .catalog import FOLDER, Catalog, LevelError, cannot_read, not_utf8, scan, toml_problem

PACK_VARIABLE = "DUNDERQUEST_PACK"
BUILTIN = Path(importlib.import_module("dunderquest.course").__file__).resolve().parent  # course/ in a checkout
BUILTIN_NAME = "builtin"  # how --pack names the built-in course
PACK_KEYS = ("name", "title", "version", "dunderquest", "levels")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class PackError(ValueError):
    """What is wrong with a pack, with the file (and the line or key) where it is."""

    def __init__(self, message: str, file: str = "pack.toml"):
        super().__init__(message)
        self.file = file  # the file it is about, for `pack check --format json`


@dataclass(frozen=True)
class Pack:
    root: Path
    name: str
    title: str
    version: str
    requires: str  # the dunderquest versions it works with: a version specifier, such as ">=0.1"
    order: tuple[str, ...] | None  # the levels' folders in play order; None: by their level<N>_ numbers

    @property
    def levels_dir(self) -> Path:
        return self.root / "levels"

    @property
    def wrong_dir(self) -> Path:
        return self.root / "wrong"

    @property
    def right_dir(self) -> Path:
        return self.root / "right"

    @property
    def builtin(self) -> bool:
        return self.root == BUILTIN

    @property
    def catalog(self) -> Catalog:
        return _catalog(self.root, self.order)

    def answer_key(self) -> list[Path]:
        """The folders a sandbox must never see: the checks, the reference solutions, and the files
        that prove the checks."""
        return [folder for folder in (self.levels_dir, self.root / "solutions", self.wrong_dir, self.right_dir)
                if folder.is_dir()]


@cache
def _catalog(root: Path, order: tuple[str, ...] | None) -> Catalog:
    return scan(root / "levels", list(order) if order is not None else None)


def read_pack(root: Path, *, levels: bool = True) -> Pack:
    """The pack in the folder `root`; PackError, with the file and the key, when pack.toml is wrong,
    or (unless `levels` is False, as for `pack check`, which reports each) with the file and the line
    when a level's level.toml or checks.py cannot be read."""
    root = Path(root).resolve()
    path = root / "pack.toml"
    try:
        data = path.read_bytes()
        raw = tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise PackError(f"{root} is not a course pack: it has no pack.toml. `dunderquest pack new DIR` "
                        "makes one.", str(root)) from None
    except NotADirectoryError:
        raise PackError(f"{root} is a file, not a folder: a course pack is a folder that holds pack.toml and "
                        "levels/. `dunderquest pack new DIR` makes one.", str(root)) from None
    except OSError as err:
        raise PackError(f"{path}: {cannot_read(err)}.") from None
    except UnicodeDecodeError as err:
        line, message = not_utf8(data, err)
        raise PackError(f"{path}:{line}: {message}") from None
    except tomllib.TOMLDecodeError as err:
        line, message = toml_problem(err)
        raise PackError(f"{path}{f':{line}' if line else ''}: {message}") from None
    unknown = sorted(set(raw) - set(PACK_KEYS))
    if unknown:
        raise PackError(f"{path}: unknown key {unknown[0]!r}; the keys are {', '.join(PACK_KEYS)}.")
    for key in ("name", "title", "version", "dunderquest"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise PackError(f"{path}: {key} is required, as text.")
    if not NAME.match(raw["name"]):
        raise PackError(f"{path}: name {raw['name']!r} must be lower-case letters, digits and dashes.")
    order = raw.get("levels")
    if order is not None:
        if not isinstance(order, list) or not order or not all(isinstance(n, str) and FOLDER.match(n) for n in order):
            raise PackError(f"{path}: levels must list the level folders in play order, as "
                            '["first_level", "second_level"].')
        try:
            missing = [name for name in order if not (root / "levels" / name / "level.toml").is_file()]
        except OSError as err:
            raise PackError(f"{err.filename}: {cannot_read(err)}.") from None
        if missing:
            raise PackError(f"{path}: levels names {missing[0]!r}, but levels/{missing[0]}/level.toml does not exist.")
        order = tuple(order)
    requires = raw["dunderquest"]
    if not works_with(requires):
        from .. import __version__

        raise PackError(f"{path}: this pack works with dunderquest {requires}, and this is dunderquest "
                        f"{__version__}.")
    pack = Pack(root, raw["name"], raw["title"], raw["version"], requires, order)
    if levels and not pack.builtin:
        readable_levels(pack)
    return pack


def readable_levels(pack: Pack) -> None:
    """PackError, with the file and the line, when a level's level.toml or checks.py cannot be read
    (what grading needs of a level before it starts)."""
    try:
        for level in pack.catalog:
            level.checks()
    except LevelError as err:
        raise PackError(str(err), str(err.path)) from None


def works_with(requires: str) -> bool:
    """Whether this dunderquest's version meets the specifier `requires` (">=0.1", "==0.1.*", ...)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from .. import __version__

    try:
        return __version__ in SpecifierSet(requires)
    except InvalidSpecifier:
        raise PackError(f"dunderquest = {requires!r} is not a version specifier (try \">=0.1\").") from None


@cache
def _read(root: str) -> Pack:
    return read_pack(Path(root))


def builtin_pack() -> Pack:
    return _read(str(BUILTIN))


def default_pack() -> Pack:
    """The pack in use: the one DUNDERQUEST_PACK names, else the built-in course."""
    chosen = os.environ.get(PACK_VARIABLE)
    return _read(str(Path(chosen).resolve())) if chosen else builtin_pack()


def use_pack(pack: Pack) -> None:
    """Makes `pack` the one in use in this process and in every process it starts (the grader's)."""
    if pack.builtin:
        os.environ.pop(PACK_VARIABLE, None)
    else:
        os.environ[PACK_VARIABLE] = str(pack.root)
