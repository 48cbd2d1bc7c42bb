"""The known mistakes of a pack: each wrong solution in `wrong/<level>/*.py`, named by its file (in
words) and its header line, with the checks it fails as the grader finds them. A student's failed
checks in a level that are exactly a wrong file's are that file's mistake.

The index is a data file in the pack's folder, `mistakes.json`, written from the wrong files by
`dunderquest pack check --write-mistakes` and committed with the pack; the wheel carries the
built-in course's, without the wrong files themselves, so an installed grader can match. `pack
check` reports an index that no longer says what the wrong files fail.

    {"pack": ..., "version": ..., "pack_hash": ..., "seeds": [0, 1, 2],
     "levels": {"level3_pairs": [{"file": "label_first.py", "header": "...",
                                    "failed": ["test_..."], "seen": [["test_..."]]}]}}

`failed` is what the file fails with seed 0 (as `pack check` grades it); `seen` lists every set it
failed over the seeds the index was written with, when they differ (a file whose failures depend on
the seed matches any of them). Several wrong files may fail the same checks: a match then names them
all, and says so.

This module reads JSON only, so that the CLI can import it cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

INDEX = "mistakes.json"
SEEDS = (0, 1, 2, 3, 4)  # the seeds a new index grades every wrong file with


class MistakesError(ValueError):
    """The index cannot be read: what is wrong, with the file."""


def words(file_name: str) -> str:
    """A wrong file's name in words: "label_first.py" -> "Label first"."""
    stem = Path(file_name).stem.replace("_", " ").strip()
    return stem[:1].upper() + stem[1:]


@dataclass(frozen=True)
class WrongFile:
    level: str  # the level's name (its folder's)
    file: str  # the file's name in wrong/<level>/
    header: str  # its first comment line: what the mistake is
    failed: frozenset[str]  # the checks it fails with seed 0
    seen: tuple[frozenset[str], ...] = ()  # every failed set over the index's seeds, when they differ

    @property
    def name(self) -> str:
        return words(self.file)

    @property
    def varies(self) -> bool:
        return len(self.seen) > 1

    def sets(self) -> tuple[frozenset[str], ...]:
        return self.seen or (self.failed,)

    def to_json(self) -> dict:
        out = {"file": self.file, "header": self.header, "failed": sorted(self.failed)}
        if self.varies:
            out["seen"] = [sorted(s) for s in self.seen]
        return out


@dataclass(frozen=True)
class Mistake:
    """What a set of failed checks in a level matches: one wrong file, or several that fail the same."""

    level: str
    failed: frozenset[str]
    files: tuple[WrongFile, ...]

    @property
    def key(self) -> str:
        return f"{self.level}/{'+'.join(f.file for f in self.files)}"

    @property
    def name(self) -> str:
        return " or ".join(f.name for f in self.files)

    @property
    def shared(self) -> bool:
        """Several wrong files fail exactly these checks: the match cannot tell which mistake it is."""
        return len(self.files) > 1


@dataclass(frozen=True)
class Index:
    levels: dict[str, tuple[WrongFile, ...]]
    pack: str = ""
    version: str = ""
    pack_hash: str = ""
    seeds: tuple[int, ...] = SEEDS
    stubs: dict[str, frozenset[str]] = field(default_factory=dict)  # level -> the checks its untouched stub fails

    def match(self, level_id: str, failed_check_ids: Iterable[str]) -> Mistake | None:
        """The known mistake whose failed checks are exactly `failed_check_ids`, or None (nothing
        failed, or no wrong file fails just these)."""
        failed = frozenset(failed_check_ids)
        if not failed:
            return None
        files = tuple(f for f in self.levels.get(level_id, ()) if failed in f.sets())
        return Mistake(level_id, failed, files) if files else None

    def files(self) -> list[WrongFile]:
        return [f for files in self.levels.values() for f in files]

    def to_json(self) -> dict:
        return {"about": "The wrong solutions of this pack and the checks each fails, as the grader finds them. "
                         "Written by `dunderquest pack check --write-mistakes`; `pack check` says when it is out of "
                         "date.",
                "pack": self.pack, "version": self.version, "pack_hash": self.pack_hash, "seeds": list(self.seeds),
                "levels": {level: [f.to_json() for f in files] for level, files in self.levels.items()},
                "stubs": {level: sorted(failed) for level, failed in self.stubs.items()}}

    def text(self) -> str:
        return json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n"


EMPTY = Index({})


def from_json(raw: object, where: str) -> Index:
    try:
        levels = {level: tuple(WrongFile(level, f["file"], f["header"], frozenset(f["failed"]),
                                         tuple(frozenset(s) for s in f.get("seen", ())))
                               for f in files)
                  for level, files in raw["levels"].items()}
        return Index(levels, raw.get("pack", ""), raw.get("version", ""), raw.get("pack_hash", ""),
                     tuple(raw.get("seeds", SEEDS)),
                     {level: frozenset(failed) for level, failed in raw.get("stubs", {}).items()})
    except (TypeError, KeyError, AttributeError) as err:
        raise MistakesError(f"{where}: not an index of known mistakes ({type(err).__name__}: {err}). Write it anew: "
                          "dunderquest pack check --write-mistakes") from None


def read_index(pack_root: Path) -> Index | None:
    """The pack's index, or None when it has none; MistakesError when it cannot be read."""
    return _read(Path(pack_root) / INDEX)


@cache
def _read(path: Path) -> Index | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise MistakesError(f"{path}: cannot be read as JSON ({err}). Write it anew: dunderquest pack check "
                          "--write-mistakes") from None
    return from_json(raw, str(path))


def named_in(level, checks) -> str:
    """The line a learner's result adds when its failed checks are exactly those of the pack's known
    mistakes (`level` is a catalog Level, `checks` its CheckResults): a hint, not a fix. Empty when
    nothing failed, when everything did (the untouched stub, say: nothing to tell apart), when no
    wrong file fails just these checks, when several do (the checks cannot tell those mistakes apart,
    so naming one could mislead), or when the pack has no index that can be read."""
    failed = frozenset(check.id for check in checks if not check.passed)
    if not failed or len(failed) == len(checks):
        return ""
    try:
        index = read_index(level.folder.parent.parent)  # the pack's folder: levels/<name>/ is in it
    except MistakesError:
        return ""
    mistake = index.match(level.id, failed) if index is not None else None
    if mistake is None or mistake.shared or failed == index.stubs.get(level.id):
        return ""
    wrong = mistake.files[0]
    return f'A known mistake? These failed checks are exactly those of "{wrong.name}"' + \
        (f": {wrong.header}" if wrong.header else ".")


def header_of(text: str) -> str:
    """A wrong file's header: its first run of comment lines that are not `# must fail:` or `# says:`
    lines, joined into one (a long header goes on over several lines); else the first line of its
    docstring."""
    lines = text.splitlines()
    header: list[str] = []
    for number, line in enumerate(lines):
        if not line.startswith("#"):
            if header:
                break
            rest = "\n".join(lines[number:]).lstrip()
            if rest[:3] in ('"""', "'''"):
                return rest[3:].split(rest[:3])[0].strip().splitlines()[0].strip() if rest[3:].strip() else ""
            break
        body = line[1:].strip()
        if body and not body.startswith(("must fail:", "says:")):
            header.append(body)
        elif header:
            break
    return " ".join(header)
