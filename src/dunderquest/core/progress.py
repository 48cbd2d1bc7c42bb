"""What a learner has done: passed levels, hints seen, failed tries, each keyed by the level's id
(its folder's name). One small JSON file, always written atomically (temp file, fsync, rename), so
a crash or a kill never leaves half a file. A file of version 1 keyed its levels by their place in
the play order (`level3`); it is read as such and rewritten once, keyed by name.

`Progress.record` is the one place that says what a check's result changes: every front end (the
game, `check`, `watch`) records through it and only words the `Outcome` it returns."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .catalog import Catalog, Level

VERSION = 2
BY_PLACE = re.compile(r"^level(\d+)$")  # how version 1 named a level: by its place in the play order
HINT_EVERY = 3  # every third failed try of a level suggests a hint
LAST_LEVEL = "That was the last level: well done!"


class Status(StrEnum):
    """Where a level stands. A level unlocks once every level before it has passed."""

    PASSED = "passed"
    UNLOCKED = "unlocked"
    LOCKED = "locked"


@dataclass(frozen=True)
class Outcome:
    """What recording a check's result changed, for the front end to say."""

    level: Level
    passed: bool
    tries: int  # failed tries of this level so far; 0 when it passed
    unlocked: Level | None  # the next level, when this pass is what unlocked it
    following: Level | None  # the level after this one; None when this is the last

    @property
    def last_level(self) -> bool:
        """The last level passed: the game is won."""
        return self.passed and self.following is None

    @property
    def stuck(self) -> bool:
        """Time to suggest a hint: every HINT_EVERY-th failed try."""
        return not self.passed and self.tries % HINT_EVERY == 0


@dataclass(frozen=True)
class Hint:
    """A hint shown to the learner: the next unseen one, or the last one again once all were seen."""

    level: Level
    number: int  # 1-based; 0 when the level has no hints
    total: int
    text: str
    again: bool  # every hint had been shown already

    @property
    def heading(self) -> str:
        """What every front end shows above the hint."""
        if not self.total:
            return f"Level {self.level.number} has no hints"
        if self.again:
            return f"Level {self.level.number}: you have seen all {self.total} hints; the last one again"
        return f"Level {self.level.number}: hint {self.number} of {self.total}"


@dataclass
class State:
    passed: dict[str, str] = field(default_factory=dict)  # level id -> when it first passed
    hints_seen: dict[str, int] = field(default_factory=dict)
    failed_tries: dict[str, int] = field(default_factory=dict)
    version: int = VERSION  # the version of the file it was read from

    def to_json(self) -> str:
        """The file's text, always of the current version."""
        return json.dumps(
            {"version": VERSION, "passed": self.passed, "hints_seen": self.hints_seen,
             "failed_tries": self.failed_tries},
            indent=2, sort_keys=True,
        ) + "\n"

    @classmethod
    def from_json(cls, text: str) -> State:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("the top level is not a JSON object")

        def table(key: str, kind: type) -> dict:
            value = raw.get(key, {})
            if not isinstance(value, dict) or not all(well_formed(v, kind) for v in value.values()):
                raise ValueError(f"{key!r} is not a table of {'counts' if kind is int else kind.__name__}")
            return {str(k): v for k, v in value.items()}

        version = raw.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
            raise ValueError(f"version {version!r} is not one this dunderquest reads")
        return cls(table("passed", str), table("hints_seen", int), table("failed_tries", int), version)

    def keyed_by_name(self, catalog: Catalog) -> State:
        """This state with version 1's keys (`level3`: the third level in play order) made the
        levels' ids; a key that names no level is kept as it is."""

        def rename(table: dict) -> dict:
            renamed = {}
            for key, value in table.items():
                place = BY_PLACE.match(key)
                if place and 1 <= int(place[1]) <= len(catalog) and catalog.find(key) is None:
                    key = catalog.levels[int(place[1]) - 1].id
                renamed[key] = value
            return renamed

        if self.version >= 2:
            return self
        return State(rename(self.passed), rename(self.hints_seen), rename(self.failed_tries))


def well_formed(value: object, kind: type) -> bool:
    if kind is int:  # a count: a whole number, not negative (and not True or False)
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, kind)


def write_atomically(path: Path, text: str, *, private: bool = True) -> None:
    """The one way the project replaces a file: readers see the old file or the new one, and a write
    that fails (a full disk) or is killed leaves the old one. `private` files (state, progress) are
    readable by their owner only; a report for others to read (`private=False`) gets the mode any new
    file gets, 0666 less the umask. A symbolic link at `path` is kept: the file it points to is the
    one replaced, by a new file beside that one."""
    path = where_to_write(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(path.parent, path.name)
    fd, tmp = _new_file_beside(path, 0o600 if private else 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def create_atomically(path: Path, text: str) -> bool:
    """Writes a file that is not there yet, whole or not at all (a full disk, a kill leave no file),
    and never over a file that appeared in the meantime. Returns False when `path` exists already."""
    fd, tmp = _new_file_beside(path, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)  # fails if `path` exists, as a rename would not
        except FileExistsError:
            return False
        except OSError as err:  # a file system without hard links: exclusive creation, at least
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            try:
                with open(path, "x", encoding="utf-8") as out:
                    out.write(text)
            except FileExistsError:
                return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def where_to_write(path: Path) -> Path:
    """The file that a write of `path` replaces: `path`, or the file that a symbolic link there points
    to (through every link on the way), which need not exist yet. OSError (ELOOP) for links that go
    round in a circle."""
    if not os.path.islink(path):
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:  # a link to a file not written yet: it is written where the link points
        return Path(os.path.realpath(path))


# A temporary file of `write_atomically`: `.NAME.PID-RANDOM.tmp`, beside the file NAME it will replace.
TEMP_FILE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")
STALE_AFTER = 600  # seconds: a temporary file this old is stale even if its pid is taken (another machine's)


def remove_stale_temp_files(folder: Path, name: str | None = None) -> list[Path]:
    """Removes the temporary files that a write killed half way left in `folder` (of the file `name`
    only, when given): those whose process is gone, or that are older than STALE_AFTER. A write in
    progress is never touched. Returns what it removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = TEMP_FILE.match(entry.name)
        if found is None or (name is not None and found["name"] != name):
            continue
        try:
            if _alive(int(found["pid"])) and time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs. A zombie does not: it was killed, and its parent has not
    reaped it yet (a background grader's parent may be an init that reaps late, or never)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc here (macOS): it answered the signal, so it runs
        return True
    return state not in (b"Z", b"X")


def _new_file_beside(path: Path, mode: int) -> tuple[int, str]:
    """A new, empty file in `path`'s folder, open for writing, created with `mode` (the umask is
    taken off it, as for any new file); never an existing file or a link. Its name says which
    process writes it, so that one left by a killed process can be told apart and removed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


class Progress:
    """The progress file of one workspace. Every change is a locked read-modify-write, so the game
    and the CLI can both record passes at the same time without losing one."""

    def __init__(self, path: Path, catalog: Catalog):
        self.path = path
        self.catalog = catalog
        self.warning: str | None = None  # set when a damaged file had to be set aside

    def load(self) -> State:
        state = self._read()
        if state.version < VERSION:  # a file of an earlier version: rewritten once, keyed by name
            state = state.keyed_by_name(self.catalog)
            with contextlib.suppress(OSError), self.change():  # a read-only workspace is read as it is
                pass
        return state

    def _read(self) -> State:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return State()
        try:
            return State.from_json(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            kept = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            n = 1
            while kept.exists():
                kept = kept.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
                n += 1
            try:
                os.replace(self.path, kept)
            except FileNotFoundError:  # another process set it aside first
                return self._read()
            self.warning = (
                f"The progress file {self.path} could not be read ({err}). It was kept as {kept.name} "
                "and progress starts afresh; your exercise files are untouched."
            )
            return State()

    @contextlib.contextmanager
    def change(self) -> Iterator[State]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self._read().keyed_by_name(self.catalog)
            yield state
            write_atomically(self.path, state.to_json())

    def record(self, level: Level, passed: bool) -> Outcome:
        """Records a check of `level` that passed (the first pass is the one remembered) or failed
        (one more failed try), and says what that changed."""
        following = self.catalog.after(level)
        with self.change() as state:
            was_locked = following is not None and self.status(following, state) is Status.LOCKED
            if passed:
                state.passed.setdefault(level.id, time.strftime("%Y-%m-%dT%H:%M:%S%z"))
                tries = 0
            else:
                tries = state.failed_tries[level.id] = state.failed_tries.get(level.id, 0) + 1
            unlocked = following if was_locked and self.status(following, state) is Status.UNLOCKED else None
        return Outcome(level, passed, tries, unlocked, following)

    def next_hint(self, level: Level) -> Hint:
        """The next unseen hint, which counts as seen from now on; once every hint has been shown,
        the last one again. The one place that decides which hint a learner gets."""
        hints = level.hints()
        try:
            with self.change() as state:
                return self._hint(level, hints, state)
        except OSError:  # a read-only workspace, a full disk: the hint is shown all the same, not counted
            return self._hint(level, hints, self.load())

    @staticmethod
    def _hint(level: Level, hints: list[str], state: State) -> Hint:
        seen = state.hints_seen.get(level.id, 0)
        if seen >= len(hints):
            return Hint(level, len(hints), len(hints), hints[-1] if hints else "", again=True)
        state.hints_seen[level.id] = seen + 1
        return Hint(level, seen + 1, len(hints), hints[seen], again=False)

    def status(self, level: Level, state: State | None = None) -> Status:
        state = state or self.load()
        if level.id in state.passed:
            return Status.PASSED
        if all(earlier.id in state.passed for earlier in self.catalog.before(level)):
            return Status.UNLOCKED
        return Status.LOCKED

    def current(self) -> Level:
        """The first level not yet passed (the last level when all have passed)."""
        state = self.load()
        for level in self.catalog:
            if level.id not in state.passed:
                return level
        return self.catalog.levels[-1]
