"""`dunderquest pack check [DIR]`: proves a course pack (the built-in course when DIR is absent).

It holds when every `pack.toml` and `level.toml` key is known and well-formed, every level has a
lesson and at least one hint, each stub fails its level, each reference solution and each right file
passes, each wrong file fails every check it names in `# must fail:` lines (and says what its
`# says:` lines say), every check is named and failed by at least one wrong file (a check that
nothing fails proves nothing), every level's checks load, and no check crashes. Every file is graded
by the warm grader, one PyTorch import for the whole pack. Each problem is reported with its file
and line.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.catalog import FOLDER, LEVEL_KEYS, NUMBERED, Level, LevelError, read_level_toml, read_text
from ..core.file_errors import cannot_read
from ..core.mistakes import INDEX
from ..core.pack import Pack
from ..core.syntax import parse
from ..grader.result import LevelResult
from .mistakes_index import MISSING, WRITE, grade_other_seeds, index_of, stale, write_index

CRASHED = "The grader itself failed"
NOT_LOADED = "load_checks"  # the one result of a level whose checks the grader could not import
HEADER = re.compile(r"^# (must fail|says): (.+)$")


@dataclass(frozen=True)
class Problem:
    file: str  # relative to the pack
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}{f':{self.line}' if self.line else ''}: {self.message}"


@dataclass(frozen=True)
class Graded:
    """A file the pack check grades, and what it must give."""

    level: Level
    path: Path
    kind: str  # "stub", "solution", "right" or "wrong"
    must_fail: tuple[tuple[str, int], ...] = ()  # (check id, line of its `# must fail:`)
    says: tuple[str, ...] = ()


@dataclass
class PackReport:
    pack: Pack
    problems: list[Problem] = field(default_factory=list)
    graded: int = 0
    levels: int = 0
    notes: list[str] = field(default_factory=list)
    written: Path | None = None  # the index of known mistakes, when --write-mistakes wrote it

    @property
    def holds(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"pack": self.pack.name, "title": self.pack.title, "version": self.pack.version,
                "root": str(self.pack.root), "holds": self.holds, "levels": self.levels,
                "graded": self.graded, "notes": self.notes, "problems": [asdict(p) for p in self.problems]}

    def text(self) -> str:
        lines = [f"PROBLEM  {problem}" for problem in self.problems]
        lines += [f"Note: {note}" for note in self.notes]
        levels = self.levels
        if self.holds:
            lines.append(f"The pack {self.pack.name} {self.pack.version} holds: {levels} level"
                         f"{'s' if levels != 1 else ''}, {self.graded} files graded, and every check is failed "
                         "by some wrong file.")
        else:
            lines.append(f"The pack {self.pack.name} {self.pack.version} does not hold: {len(self.problems)} "
                         f"problem{'s' if len(self.problems) != 1 else ''}.")
        return "\n".join(lines)


def relative(pack: Pack, path: Path) -> str:
    """`path` as a problem names it: relative to the pack (its stubs and solutions may be beside it)."""
    return os.path.relpath(path, pack.root)


def line_of(path: Path, pattern: str) -> int | None:
    """The first line of the file that matches `pattern` (a regular expression), if any."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(pattern, line):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def unreadable(pack: Pack, path: Path) -> Problem | None:
    """The problem with a text file that is there but cannot be read (not UTF-8, say); None when it
    reads, or is missing."""
    try:
        read_text(path)
    except FileNotFoundError:
        return None
    except LevelError as err:
        return Problem(relative(pack, path), err.line, err.message)
    except OSError as err:
        return Problem(relative(pack, path), None, cannot_read(err))
    return None


# -- what can be seen without grading -------------------------------------------------------------


def level_folders(pack: Pack) -> list[Path]:
    return sorted(p for p in pack.levels_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))


def check_level_toml(pack: Pack, folder: Path) -> list[Problem]:
    path = folder / "level.toml"
    where = relative(pack, path)
    if not path.exists():
        return [Problem(relative(pack, folder), None, "a level folder needs a level.toml")]
    try:
        meta = read_level_toml(folder)
    except LevelError as err:
        return [Problem(where, err.line, err.message)]
    found = []
    for key in sorted(set(meta) - set(LEVEL_KEYS)):
        found.append(Problem(where, line_of(path, rf"^\s*{re.escape(key)}\s*="),
                             f"unknown key {key!r}; a level.toml has {', '.join(LEVEL_KEYS)}"))
    for key in ("title", "class", "summary"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            found.append(Problem(where, line_of(path, rf"^\s*{key}\s*="), f"{key} is required, as text"))
    if isinstance(meta.get("class"), str) and not meta["class"].isidentifier():
        found.append(Problem(where, line_of(path, r"^\s*class\s*="), f"class {meta['class']!r} is not a Python name"))
    also = meta.get("also", [])
    if not isinstance(also, list) or not all(isinstance(name, str) and name.isidentifier() for name in also):
        found.append(Problem(where, line_of(path, r"^\s*also\s*="), "also must list class names, as "
                                                                     '["Helper"]'))
    if "panel" in meta:
        found += check_panel(pack, folder, meta["panel"], Problem(where, line_of(path, r"^\s*panel\s*="), ""))
    points = meta.get("points", 10)
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        found.append(Problem(where, line_of(path, r"^\s*points\s*="), f"points must be a whole number, 0 or more, "
                                                                       f"not {points!r}"))
    return found


def check_panel(pack: Pack, folder: Path, panel: object, at: Problem) -> list[Problem]:
    """A level.toml's `panel` names a Python file, in reach of the level, with a `draw` function."""
    said = f"panel names the file that draws the level's MNIST panel, as panel = \"panel.py\" (got {panel!r})"
    if not isinstance(panel, str) or not panel.endswith(".py"):
        return [Problem(at.file, at.line, said)]
    path = folder / panel
    try:
        tree = parse(path.read_bytes(), filename=str(path))
    except FileNotFoundError:
        return [Problem(at.file, at.line, f"panel names {panel}, which is missing")]
    except OSError as err:
        return [Problem(relative(pack, path), None, cannot_read(err))]
    except SyntaxError as err:
        return [Problem(relative(pack, path), err.lineno, f"{type(err).__name__}: {err.msg}")]
    if not any(isinstance(node, ast.FunctionDef) and node.name == "draw" for node in tree.body):
        return [Problem(relative(pack, path), None, "a panel file needs a function draw(sandbox, mnist, level, "
                                                    "start) that returns a Panel")]
    return []


def check_finale(pack: Pack) -> list[Problem]:
    """The finale's pipeline names only classes that some level teaches."""
    if pack.finale is None or not (unknown := pack.finale.unknown_names(pack.catalog)):
        return []
    return [Problem("pack.toml", line_of(pack.root / "pack.toml", rf"\b{re.escape(name)}\b"),
                    f"[finale] uses {name}, which no level's class or also names") for name in unknown]


def check_level_files(pack: Pack, level: Level) -> list[Problem]:
    found = []
    lesson, hints = level.folder / "lesson.md", level.folder / "hints.md"
    if problem := unreadable(pack, lesson):
        found.append(problem)
    elif not lesson.is_file() or not level.lesson().strip():
        found.append(Problem(relative(pack, lesson), None, "every level needs a lesson"))
    else:
        found += bare_dunders(pack, lesson)
    if problem := unreadable(pack, hints):
        found.append(problem)
    elif not hints.is_file() or not level.hints():
        found.append(Problem(relative(pack, hints), None, "every level needs at least one hint, under a `## Hint 1` "
                                                           "heading"))
    else:
        found += bare_dunders(pack, hints)
    readable = set()
    for path in (level.checks_path, level.folder / "probes.py", level.stub_path, level.solution_path):
        if path.name == "probes.py" and not path.exists():
            continue
        if path == level.solution_path and not path.exists() and pack.builtin:
            continue  # an install without the reference solutions: noted once, below
        try:
            parse(path.read_bytes(), filename=str(path))
            readable.add(path)
        except FileNotFoundError:
            found.append(Problem(relative(pack, path), None, "missing"))
        except OSError as err:
            found.append(Problem(relative(pack, path), None, cannot_read(err)))
        except SyntaxError as err:
            found.append(Problem(relative(pack, path), err.lineno, f"{type(err).__name__}: {err.msg}"))
    if level.checks_path in readable:
        found += check_count(pack, level)
    if importlib.util.find_spec(level.folder.name) is not None and not NUMBERED.match(level.folder.name):
        found.append(Problem(relative(pack, level.folder), None, f"a level folder may not be named like a module "
                                                                 f"Python can import ({level.folder.name})"))
    return found


def bare_dunders(pack: Pack, path: Path) -> list[Problem]:
    """Markdown draws `__call__` written without backticks as bold `call`: a lesson or a hint must
    quote every dunder name (outside code blocks)."""
    found, in_code = [], False
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code and (name := re.search(r"__\w+__", re.sub(r"`[^`]*`", "", line))):
            found.append(Problem(relative(pack, path), number, f"{name[0]} outside backticks is drawn as bold text "
                                                               f"({name[0].strip('_')}); write `{name[0]}`"))
    return found


def check_count(pack: Pack, level: Level) -> list[Problem]:
    """A level needs a check, and points enough for each check to be worth one: a check worth
    nothing costs nothing to fail."""
    count = len(level.checks())
    if not count:
        return [Problem(relative(pack, level.checks_path), None, "it holds no check: a function named test_...")]
    if 0 < level.points < count:
        path = level.folder / "level.toml"
        line = line_of(path, r"^\s*points\s*=")
        return [Problem(relative(pack, path), line,
                        f"points = {level.points}{'' if line else ' (the default)'} is fewer than the level's "
                        f"{count} checks, so some checks would be worth no points and failing them would cost "
                        f"nothing; give 0 or at least {count}")]
    return []


def read_headers(path: Path) -> tuple[list[tuple[str, int]], list[str]]:
    must_fail, says = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = HEADER.match(line)
        if match and match[1] == "must fail":
            must_fail.append((match[2].strip(), number))
        elif match:
            says.append(match[2].strip())
    return must_fail, says


def files_to_grade(pack: Pack, level: Level, problems: list[Problem]) -> list[Graded]:
    graded = [Graded(level, level.stub_path, "stub")]
    if level.solution_path.is_file():
        graded.append(Graded(level, level.solution_path, "solution"))
    graded += [Graded(level, path, "right") for path in sorted((pack.right_dir / level.folder.name).glob("*.py"))]
    try:
        ids = {check_id for check_id, _ in level.checks()}
    except LevelError:
        ids = None  # reported with the level's files: the names cannot be known
    for path in sorted((pack.wrong_dir / level.folder.name).glob("*.py")):
        if problem := unreadable(pack, path):
            problems.append(problem)
            continue
        must_fail, says = read_headers(path)
        if not must_fail:
            problems.append(Problem(relative(pack, path), 1, "a wrong file names the checks it must fail, one "
                                                             "`# must fail: test_...` line each"))
        if ids is None:
            continue
        for check_id, number in must_fail:
            if check_id not in ids:
                problems.append(Problem(relative(pack, path), number, f"{level.folder.name}'s checks have no "
                                                                      f"{check_id}"))
        graded.append(Graded(level, path, "wrong", tuple(m for m in must_fail if m[0] in ids), tuple(says)))
    return graded


# -- what grading shows ---------------------------------------------------------------------------


def judge(pack: Pack, item: Graded, result: LevelResult) -> list[Problem]:
    where = relative(pack, item.path)
    found = [Problem(where, None, f"{check.id} crashed: {check.message}") for check in result.checks
             if CRASHED in check.message]
    failed = {check.id: check.message for check in result.checks if not check.passed}
    if item.kind == "stub" and result.passed:
        found.append(Problem(where, None, "the untouched stub passes its level; it should fail it"))
    if item.kind in ("solution", "right") and not result.passed:
        first = result.first_failure
        found.append(Problem(where, first.line if first else None,
                             f"it should pass, but fails {first.id if first else 'the level'}: "
                             f"{first.message if first else ''}".strip()))
    if item.kind == "wrong":
        if result.passed:
            found.append(Problem(where, None, "this wrong file passes its level"))
        for check_id, number in item.must_fail:
            if check_id not in failed:
                found.append(Problem(where, number, f"it should fail {check_id}, but passes it"))
        messages = "\n".join(failed.values())
        for text in item.says:
            if text not in messages:
                found.append(Problem(where, line_of(item.path, rf"^# says: {re.escape(text)}"),
                                     f"no failing check's message says {text!r}"))
    return found


def not_loaded(pack: Pack, level: Level, items: list[Graded], results: dict[Path, LevelResult]) -> Problem | None:
    """The problem with a level whose checks.py the grader could not import, if it could not: the
    error, and the line where importing it here stops."""
    said = next((check.message for item in items if item.path in results
                 for check in results[item.path].checks if check.id == NOT_LOADED and not check.passed), None)
    if said is None:
        return None
    path = level.checks_path
    detail = re.search(r"\((.*)\)\. This is a problem", said, re.DOTALL)
    line, error = None, detail[1] if detail else said
    spec = importlib.util.spec_from_file_location(f"dunderquest_pack_check_{level.folder.name}", path)
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # whatever stops the import is what the teacher needs to read
        frames = [frame for frame in traceback.extract_tb(err.__traceback__) if frame.filename == str(path)]
        line = frames[-1].lineno if frames else getattr(err, "lineno", None)
        error = f"{type(err).__name__}: {err}"
    return Problem(relative(pack, path), line, f"the grader cannot import it: {error}")


def unproven_checks(pack: Pack, level: Level, items: list[Graded], results: dict[Path, LevelResult]) -> list[Problem]:
    """Checks that no wrong file names and fails: nothing shows they are needed. (A wrong file that
    fails every check, a function where a class was asked for, say, proves only the checks it names.)"""
    failed_somewhere = set()
    for item in items:
        if item.kind == "wrong" and item.path in results:
            failed = {check.id for check in results[item.path].checks if not check.passed}
            failed_somewhere |= {check_id for check_id, _ in item.must_fail if check_id in failed}
    return [Problem(relative(pack, level.checks_path), line_of(level.checks_path, rf"^def {check_id}\("),
                    f"no wrong file fails {check_id}; add one to wrong/{level.folder.name}/ that does, with a "
                    f"`# must fail: {check_id}` line")
            for check_id, _ in level.checks() if check_id not in failed_somewhere]


def check_files(report: PackReport) -> list[Graded] | None:
    """Puts in `report` what can be seen without grading; the files to grade, when all of it holds."""
    pack, problems = report.pack, report.problems
    folders = level_folders(pack)
    report.levels = len(folders)
    for folder in folders:
        if not FOLDER.match(folder.name):
            problems.append(Problem(relative(pack, folder), None, "a level folder's name is lower-case letters, "
                                                                  "digits and underscores"))
        problems += check_level_toml(pack, folder)
    if pack.order is not None:
        problems += [Problem("pack.toml", line_of(pack.root / "pack.toml", r"^\s*levels\s*="),
                             f"levels/{folder.name} is not in pack.toml's levels")
                     for folder in folders if folder.name not in pack.order]
    if problems:
        return None
    try:
        catalog = pack.catalog
    except LevelError as err:
        problems.append(Problem(relative(pack, err.path), err.line, err.message))
        return None
    except ValueError as err:
        problems.append(Problem("levels", None, f"the levels cannot be read: {err}"))
        return None
    report.levels = len(catalog)
    problems += check_finale(pack)
    items: list[Graded] = []
    for level in catalog:
        problems += check_level_files(pack, level)
        items += files_to_grade(pack, level, problems)
    if not pack.wrong_dir.is_dir():
        report.notes.append("This install has no wrong files (wrong/): whether each check can fail was not proven.")
    if not any(level.solution_path.is_file() for level in catalog):
        report.notes.append("This install has no reference solutions (solutions/): they were not graded.")
    return None if problems else items


def check_pack(pack: Pack, *, jobs: int | None = None, on_graded: Callable[[int, int], None] | None = None,
               client=None, write_mistakes: bool = False) -> PackReport:
    """Proves `pack`; `on_graded(done, total)` follows the grading (for a progress bar). With
    `write_mistakes`, grades the wrong files with more seeds and writes the pack's index of known
    mistakes (mistakes_index.py) when the pack holds; without, an index that is out of date is a problem."""
    from ..grader.service.client import GraderClient

    report = PackReport(pack)
    problems = report.problems
    try:
        items = check_files(report)
    except OSError as err:  # a folder or a file of the pack that cannot be read
        where = relative(pack, Path(err.filename)) if err.filename else "levels"
        problems.append(Problem(where, None, "missing" if isinstance(err, FileNotFoundError) else
                                cannot_read(err)))
        return report
    if items is None:
        return report
    catalog = pack.catalog
    own = client is None
    client = client or GraderClient(pack)
    results: dict[Path, LevelResult] = {}
    try:
        client.warm_up()

        def grade(item: Graded) -> None:
            results[item.path] = client.grade(item.level, item.path, seed=0)
            if on_graded:
                on_graded(len(results), len(items))

        with ThreadPoolExecutor(max(1, jobs or os.cpu_count() or 1)) as pool:
            list(pool.map(grade, items))
        wrong = [item for item in items if item.kind == "wrong"]
        more = None
        if write_mistakes and wrong:  # the progress bar goes on counting, over the files and the seeds
            more = grade_other_seeds(client, wrong, jobs, on_graded and (
                lambda done, total: on_graded(len(items) + done, len(items) + total)))
    finally:
        if own:
            client.close()
    report.graded = len(results)
    unloaded = set()
    for level in catalog:
        if problem := not_loaded(pack, level, [i for i in items if i.level == level], results):
            problems.append(problem)  # and nothing about its files: no check of it ran
            unloaded.add(level.folder)
    for item in items:
        if item.level.folder not in unloaded:
            problems += judge(pack, item, results[item.path])
    if wrong and not unloaded:
        report.notes.append(line_share(catalog, wrong, results))
    if pack.wrong_dir.is_dir():
        for level in catalog:
            if level.folder not in unloaded:
                problems += unproven_checks(pack, level, [i for i in items if i.level == level], results)
        _known_mistakes(report, [i for i in wrong if i.level.folder not in unloaded], results, more,
                        [i for i in items if i.kind == "stub" and i.level.folder not in unloaded])
    return report


def line_share(catalog, wrong: list[Graded], results: dict[Path, LevelResult]) -> str:
    """How many of the checks the wrong files fail point at a line of the file, over the pack and
    per level: what a learner's mistakes will be told about where to look."""
    counts: dict[str, list[int]] = {}
    for item in wrong:
        failed = [check for check in results[item.path].checks if not check.passed]
        count = counts.setdefault(item.level.id, [0, 0])
        count[0] += sum(check.line is not None for check in failed)
        count[1] += len(failed)
    lined, total = sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())
    per_level = ", ".join(f"{level.number} {100 * counts[level.id][0] / counts[level.id][1]:.0f}%"
                          for level in catalog if counts.get(level.id, [0, 0])[1])
    return (f"Of the {total} checks the wrong files fail, {lined} ({100 * lined / max(total, 1):.0f}%) point at a "
            f"line of the file (by level: {per_level}). A failed check without one tells the learner less about "
            "where to look.")


def _known_mistakes(report: PackReport, wrong: list[Graded], results: dict, more: dict | None,
                    stubs: list[Graded]) -> None:
    """Writes the index of known mistakes (`more`: the wrong files graded with the other seeds), or
    reports it as a problem when it no longer says what the wrong files fail."""
    pack = report.pack
    if more is None and not (pack.root / INDEX).exists():
        report.notes.append(MISSING)
    elif more is None:
        report.problems += [Problem(INDEX, None, f"{line}; write it anew: {WRITE}")
                            for line in stale(pack, index_of(pack, wrong, results, stubs=stubs))]
    elif report.problems:
        report.notes.append(f"{INDEX} was not written: the pack does not hold.")
    else:
        index = index_of(pack, wrong, results, more, stubs)
        report.written = write_index(pack, index)
        varies = [f"wrong/{f.level}/{f.file}" for f in index.files() if f.varies]
        shared = {(f.level, f.failed) for f in index.files()
                  if len(index.match(f.level, f.failed).files) > 1 and not f.varies}
        report.notes.append(f"Wrote {relative(pack, report.written)}: {len(index.files())} wrong files and the checks "
                            f"each fails, over seeds {', '.join(map(str, index.seeds))}."
                            + (f" These fail other checks with other seeds, and match any of them: {', '.join(varies)}."
                               if varies else " Each fails the same checks with every seed.")
                            + (f" Several wrong files fail the same checks ({len(shared)} such "
                               f"set{'' if len(shared) == 1 else 's'}): a class report names them together, as the "
                               "checks cannot tell those mistakes apart." if shared else ""))


