"""The pack's index of known mistakes (core/mistakes.py), written and kept current by `pack check`.

`pack check` grades every wrong file with seed 0; the failed checks it finds are what the index must
say. When they differ from the index (a wrong file added, removed or changed, a check changed), or
the pack has none, `pack check --write-mistakes` writes it anew: it grades the wrong files again with
the other seeds of `SEEDS`, so that a file whose failures depend on the seed is recorded with every
set it was seen to fail, and matched by any of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.mistakes import INDEX, SEEDS, Index, MistakesError, WrongFile, header_of, read_index
from ..core.pack import Pack
from ..core.provenance import pack_hash
from ..grader.result import LevelResult

WRITE = "dunderquest pack check --write-mistakes"
MISSING = (f"The pack has no {INDEX}, so a class report cannot name its known mistakes. Write it: {WRITE} "
           "(and commit it with the pack).")


def failed_ids(result: LevelResult) -> frozenset[str]:
    return frozenset(check.id for check in result.checks if not check.passed)


def index_of(pack: Pack, wrong: Sequence, results: dict[Path, LevelResult],
             more: dict[Path, list[LevelResult]] | None = None, stubs: Sequence = ()) -> Index:
    """The index the wrong files' results give: `results` graded with seed 0, `more` with the other
    seeds; with what each level's untouched stub fails (`stubs`, graded with seed 0), which a
    learner's result is never matched to a mistake by."""
    levels: dict[str, list[WrongFile]] = {}
    for item in wrong:
        failed = failed_ids(results[item.path])
        sets = [failed] + [failed_ids(r) for r in (more or {}).get(item.path, [])]
        distinct = tuple(dict.fromkeys(sets))
        levels.setdefault(item.level.id, []).append(WrongFile(
            item.level.id, item.path.name, header_of(item.path.read_text(encoding="utf-8")), failed,
            distinct if len(distinct) > 1 else ()))
    order = [level.id for level in pack.catalog if level.id in levels]
    return Index({level: tuple(levels[level]) for level in order}, pack.name, pack.version, pack_hash(pack),
                 SEEDS if more is not None else (0,),
                 {item.level.id: failed_ids(results[item.path]) for item in stubs if item.path in results})


def grade_other_seeds(client, wrong: Sequence, jobs: int | None,
                      on_graded: Callable[[int, int], None] | None = None) -> dict[Path, list[LevelResult]]:
    tasks = [(item, seed) for item in wrong for seed in SEEDS if seed != 0]
    found: dict[Path, list[LevelResult]] = {item.path: [] for item in wrong}

    def grade(task) -> None:
        item, seed = task
        found[item.path].append(client.grade(item.level, item.path, seed=seed))
        if on_graded:
            on_graded(sum(map(len, found.values())), len(tasks))

    with ThreadPoolExecutor(max(1, jobs or os.cpu_count() or 1)) as pool:
        list(pool.map(grade, tasks))
    return found


def stale(pack: Pack, found: Index) -> list[str]:
    """What the committed index says wrongly of the wrong files, as `found` (seed 0) has them; [] when
    it is current, or when the pack has none (MISSING says so)."""
    try:
        committed = read_index(pack.root)
    except MistakesError as err:
        return [str(err)]
    if committed is None:
        return []
    said = {(f.level, f.file): f for f in committed.files()}
    now = {(f.level, f.file): f for f in found.files()}
    lines = []
    for key in sorted(now.keys() | said.keys()):
        where = f"wrong/{key[0]}/{key[1]}"
        if key not in said:
            lines.append(f"{where} is not in {INDEX}")
        elif key not in now:
            lines.append(f"{INDEX} names {where}, which is gone")
        elif now[key].failed != said[key].failed:
            lines.append(f"{where} fails {', '.join(sorted(now[key].failed)) or 'no check'}, where {INDEX} says "
                         f"{', '.join(sorted(said[key].failed)) or 'no check'}")
        elif now[key].header != said[key].header:
            lines.append(f"{where}'s header changed")
    for level in sorted(found.stubs.keys() | committed.stubs.keys()):
        if found.stubs.get(level) != committed.stubs.get(level):
            lines.append(f"{INDEX} does not say which checks the stub of {level} fails" if level not in committed.stubs
                         else f"the stub of {level} fails other checks than {INDEX} says")
    return lines


def write_index(pack: Pack, index: Index) -> Path:
    from ..core.progress import write_atomically

    path = pack.root / INDEX
    write_atomically(path, index.text(), private=False)
    from ..core import mistakes

    mistakes._read.cache_clear()
    return path
