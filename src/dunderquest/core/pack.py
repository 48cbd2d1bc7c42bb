"""Course packs: a folder of levels that a teacher can write, prove with `dunderquest pack check`,
and play or grade like the built-in course, which is a pack itself (`dunderquest.course`).

    pack.toml             name, title, version, the dunderquest versions it works with, its levels
                          in play order, where its stubs and solutions are, and its finale
    levels/<level>/       level.toml, lesson.md, hints.md, checks.py, and probes.py if the checks
                          need helpers inside the sandbox (panel.py if it draws an MNIST panel)
    exercises/<level>.py  the stub a learner starts from (pack.toml's `exercises` may name another folder)
    solutions/<level>.py  the reference solution (pack.toml's `solutions` may name another folder)
    wrong/<level>/*.py    wrong solutions, each naming in `# must fail:` lines the checks it fails
    right/<level>/*.py    right solutions written differently from the reference

A pack's code (its checks, probes and panels) is trusted like the built-in checks: it runs in the
grader's trusted runner, and in the sandbox only as helpers that the checks hand to the learner's
code. The learner's code runs in the sandbox alone, and never sees a pack's solutions or checks.

A pack is read once, where a command starts (from the workspace's record, or `--pack`), and handed
down to everything that needs it. A grader process learns its pack from the process that starts it
(`grader_environment`), and reads it once when it starts (`pack_of_grader_process`).
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..grader.confinement.environment import PACK_VARIABLE  # how a grader process learns its pack
from .catalog import FOLDER, Catalog, LevelError, scan
from .file_errors import FileProblem, cannot_read, read_toml
from .finale import Finale, FinaleError, read_finale

BUILTIN = Path(importlib.import_module("dunderquest.course").__file__).resolve().parent  # course/ in a checkout
BUILTIN_NAME = "builtin"  # how --pack names the built-in course
PACK_KEYS = ("name", "title", "version", "dunderquest", "levels", "exercises", "solutions", "finale")
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
    exercises_dir: Path  # the stubs
    solutions_dir: Path  # the reference solutions
    finale: Finale | None = None  # what the finale trains with; None: the pack has no finale

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
        return _catalog(self.root, self.order, self.exercises_dir, self.solutions_dir)

    def solution_folders(self) -> list[Path]:
        """The folders on this machine that hold working solutions to the levels, which a learner's file
        could hand in as its own: the reference solutions, and the right ones that prove the checks."""
        return [folder for folder in (self.solutions_dir, self.right_dir)
                if folder.is_dir() and next(folder.rglob("*.py"), None) is not None]

    def answer_key(self) -> list[Path]:
        """The folders a sandbox must never see: the checks, the reference solutions, and the files
        that prove the checks."""
        return [folder for folder in (self.levels_dir, self.solutions_dir, self.wrong_dir, self.right_dir)
                if folder.is_dir()]


@cache
def _catalog(root: Path, order: tuple[str, ...] | None, exercises: Path, solutions: Path) -> Catalog:
    return scan(root / "levels", list(order) if order is not None else None, exercises=exercises,
                solutions=solutions)


def folder_key(raw: dict, key: str, root: Path, path: Path) -> Path:
    """`exercises` or `solutions`: a folder, relative to the pack (the key's own name by default)."""
    value = raw.get(key, key)
    if not isinstance(value, str) or not value.strip() or Path(value).is_absolute():
        raise PackError(f'{path}: {key} names a folder relative to the pack, as {key} = "{key}".')
    return (root / value).resolve()


def read_pack(root: Path, *, levels: bool = True) -> Pack:
    """The pack in the folder `root`; PackError, with the file and the key, when pack.toml is wrong,
    or (unless `levels` is False, as for `pack check`, which reports each) with the file and the line
    when a level's level.toml or checks.py cannot be read."""
    root = Path(root).resolve()
    path = root / "pack.toml"
    try:
        raw = read_toml(path)
    except FileNotFoundError:
        raise PackError(f"{root} is not a course pack: it has no pack.toml. `dunderquest pack new DIR` "
                        "makes one.", str(root)) from None
    except NotADirectoryError:
        raise PackError(f"{root} is a file, not a folder: a course pack is a folder that holds pack.toml and "
                        "levels/. `dunderquest pack new DIR` makes one.", str(root)) from None
    except FileProblem as err:
        raise PackError(str(err)) from None
    except OSError as err:
        raise PackError(f"{path}: {cannot_read(err)}.") from None
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
        if len(set(order)) != len(order):
            twice = next(name for name in order if order.count(name) > 1)
            raise PackError(f"{path}: levels names {twice!r} twice; a level is played once.")
        try:
            missing = [name for name in order if not (root / "levels" / name / "level.toml").is_file()]
        except OSError as err:
            raise PackError(f"{err.filename}: {cannot_read(err)}.") from None
        if missing:
            raise PackError(f"{path}: levels names {missing[0]!r}, but levels/{missing[0]}/level.toml does not exist.")
        order = tuple(order)
    requires = raw["dunderquest"]
    # The built-in course ships with this dunderquest (a test holds it to its own specifier), so the
    # game's first paint does not wait for the specifier's parser.
    if root.resolve() != BUILTIN.resolve() and not works_with(requires):
        from .. import __version__

        raise PackError(f"{path}: this pack works with dunderquest {requires}, and this is dunderquest "
                        f"{__version__}.")
    try:
        finale = read_finale(raw.get("finale"))
    except FinaleError as err:
        raise PackError(f"{path}: [finale]: {err}") from None
    pack = Pack(root, raw["name"], raw["title"], raw["version"], requires, order,
                folder_key(raw, "exercises", root, path), folder_key(raw, "solutions", root, path), finale)
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


def pack_at(root: Path) -> Pack:
    """The pack in `root`, read once per process (later calls give the same Pack)."""
    return _read(str(Path(root).resolve()))


def grader_environment(pack: Pack, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment to start a grader process with, so that it grades `pack`'s levels: `env`
    (this process's by default) with the pack named, or unnamed for the built-in course."""
    env = dict(os.environ if env is None else env)
    env.pop(PACK_VARIABLE, None)
    if not pack.builtin:
        env[PACK_VARIABLE] = str(pack.root)
    return env


def pack_of_grader_process() -> Pack:
    """The pack a grader process grades, as the process that started it named it (see
    `grader_environment`); read once, where the grader process starts."""
    chosen = os.environ.get(PACK_VARIABLE)
    return pack_at(Path(chosen)) if chosen else builtin_pack()
