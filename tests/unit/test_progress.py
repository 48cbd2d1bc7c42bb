"""The progress file: passes unlock levels in order, recording a check says what it changed, every
write is atomic and locked, and a damaged file is set aside, never fatal."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dunderquest.core import progress as progress_module
from dunderquest.core.progress import Progress, Status
from dunderquest.core.workspace import resolve_workspace
from dunderquest.presenter import LAST_LEVEL
from tools import fill, small_disk


@pytest.fixture
def progress(workspace):
    return workspace.progress


def statuses(progress, catalog):
    return [progress.status(level) for level in catalog]


def then_locked(catalog, *first):
    """`first`, then every later level locked."""
    return [*first, *[Status.LOCKED] * (len(catalog) - len(first))]


def test_a_fresh_learner_can_play_level_one_only(progress, catalog):
    assert statuses(progress, catalog) == then_locked(catalog, Status.UNLOCKED)
    assert all(type(status) is Status for status in statuses(progress, catalog))
    assert progress.current() is catalog.get("1")
    assert not progress.path.exists()  # reading never creates the file


def test_passing_a_level_unlocks_the_next(progress, catalog):
    progress.record(catalog.get("1"), passed=True)
    assert statuses(progress, catalog) == then_locked(catalog, "passed", "unlocked")
    assert progress.current() is catalog.get("2")
    progress.record(catalog.get("2"), passed=True)
    assert statuses(progress, catalog) == then_locked(catalog, "passed", "passed", "unlocked")


def test_a_level_unlocks_only_when_every_level_before_it_has_passed(progress, catalog):
    progress.record(catalog.get("1"), passed=True)
    progress.record(catalog.get("3"), passed=True)  # checked while locked, and passed
    assert statuses(progress, catalog) == then_locked(catalog, "passed", "unlocked", "passed")
    assert progress.current() is catalog.get("2")


def test_the_first_pass_is_the_one_remembered(progress, catalog):
    level = catalog.get("1")
    progress.record(level, passed=True)
    when = progress.load().passed["level1_double"]
    progress.record(level, passed=True)
    assert progress.load().passed == {"level1_double": when}


def test_when_everything_has_passed_the_current_level_is_the_last(progress, catalog):
    for level in catalog:
        progress.record(level, passed=True)
    assert progress.current() is catalog.levels[-1]
    assert set(statuses(progress, catalog)) == {"passed"}


def test_hints_come_one_at_a_time_and_stop_at_the_end(progress, catalog):
    level = catalog.get("2")
    hints = level.hints()
    shown = [progress.next_hint(level) for _ in hints]
    assert [(hint.number, hint.text, hint.again) for hint in shown] == [(n + 1, text, False)
                                                                      for n, text in enumerate(hints)]
    assert shown[0].heading == f"Level 2: hint 1 of {len(hints)}"
    for _ in range(2):  # then the last one, again, and nothing more is counted
        again = progress.next_hint(level)
        assert (again.number, again.text, again.again) == (len(hints), hints[-1], True)
        assert again.heading == f"Level 2: you have seen all {len(hints)} hints; the last one again"
    assert progress.load().hints_seen == {"level2_data": len(hints)}


def test_failed_tries_are_counted_per_level(progress, catalog):
    assert [progress.record(catalog.get("1"), passed=False).tries for _ in range(3)] == [1, 2, 3]
    assert progress.record(catalog.get("2"), passed=False).tries == 1
    assert progress.load().failed_tries == {"level1_double": 3, "level2_data": 1}


def test_every_third_failed_try_suggests_a_hint(progress, catalog):
    level = catalog.get("1")
    outcomes = [progress.record(level, passed=False) for _ in range(7)]
    assert [outcome.stuck for outcome in outcomes] == [False, False, True, False, False, True, False]
    assert not any(outcome.passed or outcome.unlocked or outcome.last_level for outcome in outcomes)
    passed = progress.record(level, passed=True)
    assert (passed.tries, passed.stuck) == (0, False)


def test_a_pass_says_which_level_it_unlocked(progress, catalog):
    one, two, three, four, *_ = catalog
    outcome = progress.record(one, passed=True)
    assert (outcome.level, outcome.passed, outcome.unlocked, outcome.following) == (one, True, two, two)
    assert not outcome.last_level
    assert progress.record(one, passed=True).unlocked is None  # level 2 was open already
    assert progress.record(three, passed=True).unlocked is None  # level 4 waits for level 2 too
    assert progress.record(two, passed=True).unlocked is None  # level 3 passed already: nothing new to open
    assert progress.status(four) is Status.UNLOCKED


def test_passing_the_last_level_wins_the_game(progress, catalog):
    *earlier, last = catalog
    for level in earlier:
        progress.record(level, passed=True)
    assert progress.record(last, passed=False).last_level is False  # a failure never wins
    outcome = progress.record(last, passed=True)
    assert (outcome.following, outcome.unlocked, outcome.last_level) == (None, None, True)
    assert LAST_LEVEL == "That was the last level: well done!"


def test_the_file_is_small_readable_json(progress, catalog):
    progress.record(catalog.get("1"), passed=True)
    raw = json.loads(progress.path.read_text(encoding="utf-8"))
    assert set(raw) == {"version", "passed", "hints_seen", "failed_tries"}
    assert list(raw["passed"]) == ["level1_double"]
    assert raw["version"] == 2


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_crash_while_writing_leaves_the_old_file_whole(progress, catalog, monkeypatch):
    progress.record(catalog.get("1"), passed=True)
    before = progress.path.read_bytes()

    def crash(src, dst):
        raise OSError("the disk went away")

    monkeypatch.setattr(progress_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk went away"):
        progress.record(catalog.get("2"), passed=True)
    monkeypatch.undo()
    assert progress.path.read_bytes() == before
    assert leftovers(progress.path.parent) == []
    assert statuses(progress, catalog)[:2] == ["passed", "unlocked"]


def test_a_kill_between_write_and_rename_leaves_the_old_file_whole(progress, catalog, monkeypatch):
    """KeyboardInterrupt is not an Exception; the temp file still goes."""
    progress.record(catalog.get("1"), passed=False)
    before = progress.path.read_bytes()

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(progress_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        progress.record(catalog.get("1"), passed=False)
    monkeypatch.undo()
    assert progress.path.read_bytes() == before
    assert leftovers(progress.path.parent) == []


@pytest.mark.parametrize("content", [
    b"this is not json",
    b"",
    pytest.param(b"\xff\xfe\x00garbage", id="not-utf-8"),
    b"[1, 2, 3]",
    b'{"passed": ["level1"]}',
    b'{"passed": {"level1": 5}}',
    b'{"hints_seen": {"level1": "two"}}',
    b'{"failed_tries": {"level1": null}}',
    b'{"hints_seen": {"level1": -5}}',
    b'{"failed_tries": {"level1": true}}',
])
def test_a_damaged_file_is_set_aside_and_progress_restarts(workspace, catalog, content):
    progress = workspace.progress
    progress.path.parent.mkdir(parents=True, exist_ok=True)
    progress.path.write_bytes(content)
    exercises = {level.id: workspace.exercise(level).read_bytes() for level in catalog}
    state = progress.load()
    assert (state.passed, state.hints_seen, state.failed_tries) == ({}, {}, {})
    assert progress.warning and "starts afresh" in progress.warning and "untouched" in progress.warning
    kept = [p for p in progress.path.parent.iterdir() if p.name.startswith("progress.json.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert kept[0].name in progress.warning
    assert {level.id: workspace.exercise(level).read_bytes() for level in catalog} == exercises
    progress.record(catalog.get("1"), passed=True)  # and the game goes on
    assert Progress(progress.path, catalog).status(catalog.get("1")) == "passed"


def _record_many(path, level_ids, tries):
    from dunderquest.core.pack import builtin_pack

    catalog = builtin_pack().catalog
    progress = Progress(path, catalog)
    for i in range(tries):
        progress.record(catalog.get("1"), passed=False)
        if i < len(level_ids):
            progress.record(catalog.get(level_ids[i]), passed=True)


def test_two_processes_recording_at_once_lose_nothing(progress, catalog):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_record_many, args=(progress.path, ids, 40))
               for ids in (["1", "3"], ["2", "4"])]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    state = progress.load()
    assert sorted(state.passed) == ["level1_double", "level2_data", "level3_numbers", "level4_example_loader"]
    assert state.failed_tries == {"level1_double": 80}
    assert leftovers(progress.path.parent) == []
    assert os.path.exists(progress.path)


# -- files of version 1, which keyed levels by their place in the play order --------------------------

VERSION_1 = {"version": 1, "passed": {"level1": "2026-11-30T10:00:00+0000", "level2": "2026-11-30T10:20:00+0000"},
             "hints_seen": {"level3": 2}, "failed_tries": {"level3": 4, "level12": 1}}


def test_a_file_of_version_1_keeps_every_pass_and_is_rewritten_once_by_name(progress, catalog):
    progress.path.parent.mkdir(parents=True, exist_ok=True)
    progress.path.write_text(json.dumps(VERSION_1), encoding="utf-8")
    state = progress.load()
    assert state.passed == {"level1_double": "2026-11-30T10:00:00+0000", "level2_data": "2026-11-30T10:20:00+0000"}
    assert (state.hints_seen, state.failed_tries) == ({"level3_numbers": 2}, {"level3_numbers": 4, "level12": 1})
    raw = json.loads(progress.path.read_text(encoding="utf-8"))
    assert raw["version"] == 2 and raw["passed"] == state.passed and raw["failed_tries"] == state.failed_tries
    assert progress.warning is None and statuses(progress, catalog)[:3] == ["passed", "passed", "unlocked"]
    rewritten = progress.path.stat().st_mtime_ns
    progress.load()
    assert progress.path.stat().st_mtime_ns == rewritten  # once


def test_a_file_of_version_1_in_a_read_only_workspace_is_read_as_it_is(progress, catalog):
    progress.path.parent.mkdir(parents=True, exist_ok=True)
    progress.path.write_text(json.dumps(VERSION_1), encoding="utf-8")
    before = progress.path.read_bytes()

    def refused(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    original = progress_module.Progress.change
    try:
        progress_module.Progress.change = refused
        assert progress.load().passed.keys() == {"level1_double", "level2_data"}
    finally:
        progress_module.Progress.change = original
    assert progress.path.read_bytes() == before


def test_a_level_inserted_into_a_pack_moves_no_pass(tmp_path):
    """In a copy of the built-in pack with a new level played first, a workspace made today keeps its
    passes, hints and tries on the levels they were earned on."""
    import shutil

    from dunderquest.core.pack import builtin_pack, read_pack
    from dunderquest.core.workspace import Workspace

    workspace = Workspace.create(tmp_path / "ws")
    workspace.progress.path.write_text(json.dumps(VERSION_1), encoding="utf-8")  # today's format
    before = workspace.progress.load()
    copy = tmp_path / "pack"
    shutil.copytree(builtin_pack().root, copy, ignore=shutil.ignore_patterns("wrong", "right", "__pycache__"))
    for part in ("exercises", "solutions"):
        shutil.copytree(getattr(builtin_pack(), f"{part}_dir"), copy / part)
    first = copy / "levels" / "warm_up"
    first.mkdir()
    (first / "level.toml").write_text('title = "Warm up"\nclass = "WarmUp"\nsummary = "Write WarmUp."\n')
    (first / "checks.py").write_text('def test_warm_up():\n    """WarmUp is a class"""\n')
    (copy / "exercises" / "warm_up.py").write_text("class WarmUp:\n    pass\n")
    toml = (copy / "pack.toml").read_text(encoding="utf-8")
    toml = toml.replace('levels = [\n', 'levels = [\n    "warm_up",\n').replace('"../exercises"', '"exercises"')
    (copy / "pack.toml").write_text(toml.replace('"../solutions"', '"solutions"'), encoding="utf-8")
    inserted = read_pack(copy)
    moved = Workspace.create(workspace.root, inserted)
    progress = moved.progress
    state = progress.load()
    assert (state.passed, state.hints_seen, state.failed_tries) == (before.passed, before.hints_seen,
                                                                    before.failed_tries)
    catalog = moved.catalog
    assert catalog.get("1").id == "warm_up" and catalog.get("double").number == 2
    assert [progress.status(level) for level in list(catalog)[:4]] == ["unlocked", "passed", "passed", "locked"]
    assert progress.current() is catalog.get("warm_up")
    assert (moved.root / "exercises" / "warm_up.py").is_file()  # the new level's stub, added


# -- the faults of real disks: a link, a kill half way, a full disk --------------------------------------


def test_a_write_through_a_symbolic_link_replaces_the_file_it_points_to_and_keeps_the_link(tmp_path):
    """A learner who keeps their exercise files elsewhere and links them into the workspace."""
    real = tmp_path / "elsewhere" / "mine.py"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "exercises" / "level1_double.py"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "elsewhere" / "mine.py")  # relative, as `ln -s` makes it
    chain = tmp_path / "chain.py"
    chain.symlink_to(link)
    progress_module.write_atomically(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "elsewhere" / "mine.py")
    assert real.read_text() == "new\n"
    progress_module.write_atomically(chain, "newer\n")  # through a link to a link
    assert chain.is_symlink() and link.is_symlink() and real.read_text() == "newer\n"
    assert leftovers(real.parent) == [] and leftovers(link.parent) == []
    dangling = tmp_path / "exercises" / "level2_data.py"
    dangling.symlink_to(tmp_path / "elsewhere" / "later.py")
    progress_module.write_atomically(dangling, "first\n")
    assert dangling.is_symlink() and (tmp_path / "elsewhere" / "later.py").read_text() == "first\n"


def test_a_write_through_links_that_go_round_in_a_circle_is_refused_and_keeps_them(tmp_path):
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.symlink_to(second)
    second.symlink_to(first)
    with pytest.raises(OSError) as raised:
        progress_module.write_atomically(first, "text\n")
    assert raised.value.errno == errno.ELOOP
    assert first.is_symlink() and second.is_symlink() and leftovers(tmp_path) == []


def test_the_temporary_file_of_a_write_killed_half_way_is_removed_by_the_next_write_or_command(tmp_path):
    """Its name says which process wrote it: one whose process is gone is removed; one whose process
    still runs (a write in progress) is left alone."""
    context = multiprocessing.get_context("fork")
    target = tmp_path / "ws" / "exercises" / "level1_double.py"
    target.parent.mkdir(parents=True)
    target.write_text("old\n")

    def killed_half_way():
        real_replace = os.replace

        def never(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)  # between the write and the rename
            real_replace(src, dst)

        os.replace = never
        progress_module.write_atomically(target, "new\n")

    child = context.Process(target=killed_half_way)
    child.start()
    child.join(30)
    assert child.exitcode == -signal.SIGKILL
    (stale,) = leftovers(target.parent)
    assert target.read_text() == "old\n"
    in_progress = target.parent / f".{target.name}.{os.getpid()}-0123abcd.tmp"  # this process: alive
    in_progress.write_text("half")
    progress_module.write_atomically(target, "new\n")
    assert target.read_text() == "new\n"
    assert leftovers(target.parent) == [in_progress.name], f"{stale} was not removed"

    other = target.parent / "level2_data.py"  # a file that no later write touches: the next command tidies
    other.write_text("mine\n")
    (target.parent / f".{other.name}.{child.pid}-89abcdef.tmp").write_text("half")
    (tmp_path / "ws" / ".dunderquest").mkdir()
    resolve_workspace(tmp_path / "ws")
    assert leftovers(target.parent) == [in_progress.name]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="tells a zombie by /proc")
def test_a_temporary_file_of_a_killed_writer_not_yet_reaped_is_removed(tmp_path):
    """A writer killed half way whose parent has not reaped it yet (a background grader's parent may
    be an init that reaps late) still answers signal 0: it is gone all the same."""
    target = tmp_path / "progress.json"
    target.write_text("old\n")
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".{target.name}.{writer.pid}-0123abcd.tmp").write_text("half")
        os.kill(writer.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{writer.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the writer never became a zombie"
            time.sleep(0.01)
        progress_module.write_atomically(target, "new\n")  # the writer is a zombie: not reaped yet
        assert target.read_text() == "new\n" and leftovers(tmp_path) == []
    finally:
        writer.wait()


def test_a_full_disk_leaves_the_old_text_and_no_temporary_file(tmp_path, catalog):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "exercises" / "level1_double.py"
        path.parent.mkdir()
        path.write_text("old\n")
        fill(disk)
        with pytest.raises(OSError) as raised:
            progress_module.write_atomically(path, "new text, longer than the old one\n" * 200)
        assert raised.value.errno == errno.ENOSPC
        assert path.read_text() == "old\n" and leftovers(disk) == []
        progress = Progress(disk / ".dunderquest" / "progress.json", catalog)
        with pytest.raises(OSError):
            progress.record(catalog.get("1"), passed=True)
        assert not progress.path.exists() and leftovers(disk) == []
        hint = progress.next_hint(catalog.get("1"))  # shown all the same, not counted as seen
        assert hint.number == 1 and progress.next_hint(catalog.get("1")).number == 1
