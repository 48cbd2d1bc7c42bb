"""The levels of a course pack, in play order (see pack.py for the pack). Each level is one folder
under the pack's `levels/`, plus one stub and one reference solution named after the folder, in the
folders the pack names for them (`exercises/` and `solutions/` unless pack.toml says otherwise).

A level is known by its folder's name (its `id`): progress, class files and gradebooks are keyed by
it, so inserting a level into a pack moves nobody's passes or points. Its number is only its place
in the play order, for people to type and read."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .file_errors import FileProblem, cannot_read, read_toml, read_utf8
from .syntax import parse

FOLDER = re.compile(r"^[a-z][a-z0-9_]*$")  # a level's folder: its files are named after it
NUMBERED = re.compile(r"^level(?P<number>\d+)_(?P<slug>[a-z0-9_]+)$")  # level7_shapes: "shapes", 7th by number
LEVEL_KEYS = ("title", "class", "also", "summary", "panel", "points")
REQUIRED = ("title", "class", "summary")


class LevelError(FileProblem):
    """What is wrong with a level's file: the file, the line when there is one, and what is wrong."""


def read_text(path: Path) -> str:
    """A level's text file; LevelError, with the line, when it is not UTF-8 text."""
    try:
        return read_utf8(path)
    except FileProblem as err:
        raise LevelError(err.path, err.line, err.message) from None


@dataclass(frozen=True)
class Level:
    """One level, read from its folder `levels/<name>/` in a course pack: `levels/shapes/`, say.

    Its `id` is the folder's name; its number is its place in the pack's play order; its slug is the
    folder's name without a `level<N>_` in front, if it has one ("shapes" for `level5_shapes`).
    Its `level.toml` has these keys:

    - `title` (required): the level's name in the game, the list and the reports: "Objects you can call".
    - `class` (required): the class the learner writes, as the checks and the lesson name it.
    - `also` (optional): more classes the learner writes in the same file (`["Helper", "Other"]`).
    - `summary` (required): one line saying what the learner is asked to build.
    - `panel` (optional): the file, in the level's folder, that draws the level's MNIST panel in the
      game (`f5`): `panel = "panel.py"`, whose `draw` function builds the panel with the checking
      module (see grader/checking.py). Without it the level has no panel.
    - `points` (optional, 10 when absent): what passing the level is worth when a teacher grades.

    Beside it: `lesson.md`, `hints.md` (one `## ` section per hint), `checks.py` (the pytest checks,
    written against `dunderquest.grader.checking`), and, when the checks need helpers inside the
    sandbox, `probes.py`.
    """

    number: int  # its place in the play order, from 1
    slug: str  # the folder's name after `level<N>_`: "shapes" for level5_shapes
    title: str
    class_name: str  # what the learner writes: the `class` key
    summary: str
    panel: str | None  # the file that draws its MNIST panel, in its folder; None for a level without one
    folder: Path
    stub_path: Path  # the stub a learner starts from, in the pack
    solution_path: Path  # the reference solution, in the pack (missing in an install without them)
    points: int = 10
    also: tuple[str, ...] = ()  # more classes the learner writes in the same file: the `also` key

    @property
    def classes(self) -> tuple[str, ...]:
        """Every class the learner writes in this level's file, the main one first."""
        return (self.class_name, *self.also)

    @property
    def id(self) -> str:
        """What the level is known by, in progress files, class files and reports: its folder's name."""
        return self.folder.name

    @property
    def file_name(self) -> str:
        return f"{self.folder.name}.py"

    @property
    def exercise_path(self) -> str:
        """Where the learner's file sits, relative to the workspace."""
        return f"exercises/{self.file_name}"

    @property
    def checks_path(self) -> Path:
        return self.folder / "checks.py"

    @property
    def probes_path(self) -> Path | None:
        """The level's helpers that run in the sandbox beside the learner's code, if it has any."""
        path = self.folder / "probes.py"
        return path if path.is_file() else None

    @property
    def panel_path(self) -> Path | None:
        """The file that draws the level's MNIST panel, if it has one."""
        return (self.folder / self.panel).resolve() if self.panel else None

    def lesson(self) -> str:
        return read_text(self.folder / "lesson.md")

    def hints(self) -> list[str]:
        """The hints, from a nudge to almost the answer: sections of hints.md split on `## ` headings."""
        text = read_text(self.folder / "hints.md")
        parts = re.split(r"^## .*$", text, flags=re.MULTILINE)
        return [part.strip() for part in parts[1:] if part.strip()]

    def checks(self) -> list[tuple[str, str]]:
        """(id, sentence) of each check, in order, read from checks.py as text (not imported); a
        LevelError, with the line, when Python cannot read it."""
        path = self.checks_path
        try:
            tree = parse(path.read_bytes(), filename=str(path))
        except OSError as err:
            raise LevelError(path, None, cannot_read(err)) from None
        except SyntaxError as err:
            raise LevelError(path, err.lineno, f"{type(err).__name__}: {err.msg}") from None
        return [(node.name, check_title(node.name, ast.get_docstring(node)))
                for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]

    def stub(self) -> str:
        return self.stub_path.read_text(encoding="utf-8")

    def solution(self) -> str | None:
        """The reference solution's text, or None in an install made without the answer key (the
        kits' installs, for grading)."""
        try:
            return self.solution_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None


def check_title(function_name: str, docstring: str | None) -> str:
    """What the learner reads for a check: its docstring's first line, else its name as words."""
    lines = (docstring or "").strip().splitlines()
    if lines:
        return lines[0].strip()
    return function_name.removeprefix("test_").replace("_", " ").capitalize()


class UnknownLevel(LookupError):
    def __init__(self, name: str, catalog: Catalog):
        known = ", ".join(f"{level.number} ({level.slug})" for level in catalog)
        super().__init__(f"There is no level called {name!r}. The levels are: {known}.")


class Catalog:
    """All levels of a pack, in play order."""

    def __init__(self, levels: list[Level]):
        self.levels = sorted(levels, key=lambda level: level.number)

    def __iter__(self):
        return iter(self.levels)

    def __len__(self) -> int:
        return len(self.levels)

    def get(self, name: str) -> Level:
        """The level `name` names: its id (the folder's name, `level5_shapes`), its slug (`shapes`,
        with `-` or without `_` for two words), its class's name, or its place in the play order
        (`5` or `level5`)."""
        key = str(name).strip().lower().replace("-", "_")
        by_name = (lambda level: key == level.id,
                   lambda level: key in (level.slug, level.slug.replace("_", "")),
                   lambda level: key == level.class_name.lower())
        for matches in by_name:
            for level in self.levels:
                if matches(level):
                    return level
        place = key.removeprefix("level")
        if place.isdigit() and 1 <= int(place) <= len(self.levels):
            return self.levels[int(place) - 1]
        raise UnknownLevel(str(name), self)

    def find(self, level_id: str) -> Level | None:
        """The level whose id is `level_id`, or None when this pack has none."""
        return next((level for level in self.levels if level.id == level_id), None)

    def before(self, level: Level) -> list[Level]:
        return [other for other in self.levels if other.number < level.number]

    def after(self, level: Level) -> Level | None:
        later = [other for other in self.levels if other.number > level.number]
        return later[0] if later else None


def whole_points(value: object, folder: Path) -> int:
    """A level's points: a whole number, 0 or more (Classroom 50 and the reporters take no fractions)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LevelError(folder / "level.toml", None, f"points must be a whole number, 0 or more (got {value!r})")
    return value


def read_level_toml(folder: Path) -> dict:
    """The keys of the level's level.toml; LevelError, with the line, when it cannot be read."""
    path = folder / "level.toml"
    try:
        return read_toml(path)
    except FileNotFoundError as err:
        raise LevelError(path, None, cannot_read(err)) from None
    except FileProblem as err:
        raise LevelError(err.path, err.line, err.message) from None


def panel_file(value: object, folder: Path) -> str | None:
    """A level's `panel`: the file, in its folder, that draws its MNIST panel."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.endswith(".py"):
        raise LevelError(folder / "level.toml", None, f"panel names the file that draws the level's MNIST panel, "
                                                       f'as panel = "panel.py" (got {value!r})')
    return value


def load_level(folder: Path, number: int, exercises: Path, solutions: Path) -> Level:
    """The level in `folder`, played `number`th, with its stub in `exercises` and its reference
    solution in `solutions`."""
    numbered = NUMBERED.match(folder.name)
    meta = read_level_toml(folder)
    for key in REQUIRED:
        if not isinstance(meta.get(key), str):
            raise LevelError(folder / "level.toml", None, f"{key} is required, as text")
    return Level(
        number=number,
        slug=numbered["slug"] if numbered else folder.name,
        title=meta["title"],
        class_name=meta["class"],
        summary=meta["summary"],
        panel=panel_file(meta.get("panel"), folder),
        folder=folder,
        stub_path=exercises / f"{folder.name}.py",
        solution_path=solutions / f"{folder.name}.py",
        points=whole_points(meta.get("points", 10), folder),
        also=tuple(meta.get("also", ())),
    )


def level_folders(levels_dir: Path, order: list[str] | None = None) -> list[Path]:
    """The level folders in `levels_dir`, in play order: those `order` names, in that order, or else
    every folder named `level<N>_<name>`, by N."""
    if order is not None:
        return [levels_dir / name for name in order]
    try:
        folders = [p for p in levels_dir.iterdir() if p.is_dir() and NUMBERED.match(p.name)]
    except OSError as err:
        raise LevelError(levels_dir, None, cannot_read(err)) from None
    return sorted(folders, key=lambda folder: int(NUMBERED.match(folder.name)["number"]))


def scan(levels_dir: Path, order: list[str] | None = None, *, exercises: Path | None = None,
         solutions: Path | None = None) -> Catalog:
    """The catalog of the level folders in `levels_dir` (see `level_folders`), with their stubs in
    `exercises` and their solutions in `solutions` (by default, those folders beside `levels_dir`)."""
    exercises = exercises or levels_dir.parent / "exercises"
    solutions = solutions or levels_dir.parent / "solutions"
    return Catalog([load_level(folder, number, exercises, solutions)
                    for number, folder in enumerate(level_folders(levels_dir, order), start=1)])
