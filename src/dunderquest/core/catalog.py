"""The levels of a course pack, in order (see pack.py for the pack). Each level is one folder under
the pack's `levels/`, plus one stub in `exercises/` and one reference solution in `solutions/`,
all named after the folder."""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

FOLDER = re.compile(r"^[a-z][a-z0-9_]*$")  # a level's folder: its files are named after it
NUMBERED = re.compile(r"^level(?P<number>\d+)_(?P<slug>[a-z0-9_]+)$")  # level7_shapes: played seventh
LEVEL_KEYS = ("title", "class", "also", "summary", "panel", "points")
REQUIRED = ("title", "class", "summary")
TOML_WHERE = re.compile(r" \(at line (\d+), column (\d+)\)$")


class LevelError(ValueError):
    """What is wrong with a level's file: the file, the line when there is one, and what is wrong."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")


def toml_problem(err: ValueError) -> tuple[int | None, str]:
    """The line and the words of a TOML error (`tomllib` puts them at the end of its message)."""
    text = str(err)
    where = TOML_WHERE.search(text)
    if where is None:
        return None, f"not valid TOML: {text}"
    return int(where[1]), f"not valid TOML: {text[:where.start()]} (column {where[2]})"


def cannot_read(err: OSError) -> str:
    """The words for a file or folder that is there but cannot be read."""
    return f"it cannot be read ({err.strerror or err})"


def not_utf8(raw: bytes, err: UnicodeDecodeError) -> tuple[int, str]:
    """The line and the words for a file that is not UTF-8 text, from the first byte that is not."""
    return (raw.count(b"\n", 0, err.start) + 1,
            f"not UTF-8 text: byte {err.start + 1} of the file (0x{raw[err.start]:02x}) cannot be read; save it "
            "as UTF-8")


def read_text(path: Path) -> str:
    """The file's text; LevelError, with the line, when it is not UTF-8 text."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LevelError(path, *not_utf8(raw, err)) from None


@dataclass(frozen=True)
class Level:
    """One level, read from its folder `levels/<name>/` in a course pack: `levels/level7_shapes/`, say.

    Its number is its place in the pack's play order; its slug is the folder's name without a
    `level<N>_` in front ("numbers"). Its `level.toml` has these keys:

    - `title` (required): the level's name in the game, the list and the reports: "Objects you can call".
    - `class` (required): the class the learner writes, as the checks and the lesson name it.
    - `also` (optional): more classes the learner writes in the same file (`["ToTensor", "Normalize"]`).
    - `summary` (required): one line saying what the learner is asked to build.
    - `panel` (optional): the kind of MNIST panel the game draws for this level (`f5`); one of the
      kinds registered in `grader/mnist_panel.py`. Without it the level has no panel.
    - `points` (optional, 10 when absent): what passing the level is worth when a teacher grades.

    Beside it: `lesson.md`, `hints.md` (one `## ` section per hint), `checks.py` (the pytest checks,
    written against `dunderquest.grader.checking`), and, when the checks need helpers inside the
    sandbox, `probes.py`.
    """

    number: int
    slug: str  # the folder's name after `level<N>_`: "shapes" for level5_shapes
    title: str
    class_name: str  # what the learner writes: the `class` key
    summary: str
    panel: str | None  # the MNIST panel's kind, or None for a level without one
    folder: Path
    points: int = 10
    also: tuple[str, ...] = ()  # more classes the learner writes in the same file: the `also` key

    @property
    def classes(self) -> tuple[str, ...]:
        """Every class the learner writes in this level's file, the main one first."""
        return (self.class_name, *self.also)

    @property
    def id(self) -> str:
        return f"level{self.number}"

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
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except OSError as err:
            raise LevelError(path, None, cannot_read(err)) from None
        except SyntaxError as err:
            raise LevelError(path, err.lineno, f"{type(err).__name__}: {err.msg}") from None
        return [(node.name, check_title(node.name, ast.get_docstring(node)))
                for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]

    @property
    def pack_root(self) -> Path:
        return self.folder.parent.parent

    @property
    def stub_path(self) -> Path:
        return self.pack_root / "exercises" / self.file_name

    @property
    def solution_path(self) -> Path:
        return self.pack_root / "solutions" / self.file_name

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
    """All levels in play order. Found by scanning `levels/`: adding a folder adds a level."""

    def __init__(self, levels: list[Level]):
        self.levels = sorted(levels, key=lambda level: level.number)

    def __iter__(self):
        return iter(self.levels)

    def __len__(self) -> int:
        return len(self.levels)

    def get(self, name: str) -> Level:
        """Accepts the id (`level5`), the number (`5`), the slug (`shapes`, with `-` or without `_`
        for two words), the class name, or the folder name (`level5_shapes`)."""
        key = str(name).strip().lower().replace("-", "_")
        for level in self.levels:
            names = {level.id, str(level.number), level.slug, level.slug.replace("_", ""),
                     level.class_name.lower(), level.folder.name}
            if key in names:
                return level
        raise UnknownLevel(str(name), self)

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
        return tomllib.loads(read_text(path))
    except OSError as err:
        raise LevelError(path, None, cannot_read(err)) from None
    except tomllib.TOMLDecodeError as err:
        raise LevelError(path, *toml_problem(err)) from None


def load_level(folder: Path, number: int | None = None) -> Level:
    """The level in `folder`, played `number`th (from a `level<N>_` folder name when not given)."""
    numbered = NUMBERED.match(folder.name)
    if number is None:
        if numbered is None:
            raise ValueError(f"level folder {folder.name!r} is not named like level<N>_<name>")
        number = int(numbered["number"])
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
        panel=meta.get("panel"),
        folder=folder,
        points=whole_points(meta.get("points", 10), folder),
        also=tuple(meta.get("also", ())),
    )


def scan(levels_dir: Path, order: list[str] | None = None) -> Catalog:
    """The catalog of the level folders in `levels_dir`: those `order` names, in that order, or
    else every folder named `level<N>_<name>`, by N."""
    if order is not None:
        return Catalog([load_level(levels_dir / name, number) for number, name in enumerate(order, start=1)])
    try:
        folders = [p for p in levels_dir.iterdir() if p.is_dir() and NUMBERED.match(p.name)]
    except OSError as err:
        raise LevelError(levels_dir, None, cannot_read(err)) from None
    return Catalog([load_level(folder) for folder in folders])


def default_catalog() -> Catalog:
    """The levels of the course pack in use (pack.py, `default_pack`): the built-in course unless
    DUNDERQUEST_PACK names another."""
    from .pack import default_pack

    return default_pack().catalog
