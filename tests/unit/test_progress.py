"""The progress file: passes unlock levels in order, every write is atomic and locked, and a damaged
file is set aside, never fatal."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from dunderquest.core import progress as progress_module
from dunderquest.core.progress import Progress


@pytest.fixture
def progress(workspace):
    return workspace.progress


def statuses(progress, catalog):
    return [progress.status(level) for level in catalog]


def test_a_fresh_learner_can_play_level_one_only(progress, catalog):
    assert statuses(progress, catalog) == ["unlocked", "locked", "locked", "locked"]
    assert progress.current() is catalog.get("1")
    assert not progress.path.exists()  # reading never creates the file


def test_passing_a_level_unlocks_the_next(progress, catalog):
    progress.record_pass(catalog.get("1"))
    assert statuses(progress, catalog) == ["passed", "unlocked", "locked", "locked"]
    assert progress.current() is catalog.get("2")
    progress.record_pass(catalog.get("2"))
    assert statuses(progress, catalog) == ["passed", "passed", "unlocked", "locked"]


def test_a_level_unlocks_only_when_every_level_before_it_has_passed(progress, catalog):
    progress.record_pass(catalog.get("1"))
    progress.record_pass(catalog.get("3"))  # checked while locked, and passed
    assert statuses(progress, catalog) == ["passed", "unlocked", "passed", "locked"]
    assert progress.current() is catalog.get("2")


def test_the_first_pass_is_the_one_remembered(progress, catalog):
    level = catalog.get("1")
    progress.record_pass(level)
    when = progress.load().passed["level1"]
    progress.record_pass(level)
    assert progress.load().passed == {"level1": when}


def test_when_everything_has_passed_the_current_level_is_the_last(progress, catalog):
    for level in catalog:
        progress.record_pass(level)
    assert progress.current() is catalog.levels[-1]
    assert set(statuses(progress, catalog)) == {"passed"}


def test_hints_come_one_at_a_time_and_stop_at_the_end(progress, catalog):
    level = catalog.get("2")
    hints = level.hints()
    shown = [progress.next_hint(level) for _ in hints]
    assert shown == [(n + 1, text) for n, text in enumerate(hints)]
    assert progress.next_hint(level) is None
    assert progress.next_hint(level) is None
    assert progress.load().hints_seen == {"level2": len(hints)}


def test_failed_tries_are_counted_per_level(progress, catalog):
    assert [progress.record_failure(catalog.get("1")) for _ in range(3)] == [1, 2, 3]
    assert progress.record_failure(catalog.get("2")) == 1
    assert progress.load().failed_tries == {"level1": 3, "level2": 1}


def test_the_file_is_small_readable_json(progress, catalog):
    progress.record_pass(catalog.get("1"))
    raw = json.loads(progress.path.read_text(encoding="utf-8"))
    assert set(raw) == {"version", "passed", "hints_seen", "failed_tries"}
    assert list(raw["passed"]) == ["level1"]


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_crash_while_writing_leaves_the_old_file_whole(progress, catalog, monkeypatch):
    progress.record_pass(catalog.get("1"))
    before = progress.path.read_bytes()

    def crash(src, dst):
        raise OSError("the disk went away")

    monkeypatch.setattr(progress_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk went away"):
        progress.record_pass(catalog.get("2"))
    monkeypatch.undo()
    assert progress.path.read_bytes() == before
    assert leftovers(progress.path.parent) == []
    assert statuses(progress, catalog)[:2] == ["passed", "unlocked"]


def test_a_kill_between_write_and_rename_leaves_the_old_file_whole(progress, catalog, monkeypatch):
    """KeyboardInterrupt is not an Exception; the temp file still goes."""
    progress.record_failure(catalog.get("1"))
    before = progress.path.read_bytes()

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(progress_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        progress.record_failure(catalog.get("1"))
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
    progress.record_pass(catalog.get("1"))  # and the game goes on
    assert Progress(progress.path, catalog).status(catalog.get("1")) == "passed"


def _record_many(path, level_ids, tries):
    from dunderquest.core.catalog import default_catalog

    catalog = default_catalog()
    progress = Progress(path, catalog)
    for i in range(tries):
        progress.record_failure(catalog.get("1"))
        if i < len(level_ids):
            progress.record_pass(catalog.get(level_ids[i]))


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
    assert sorted(state.passed) == ["level1", "level2", "level3", "level4"]
    assert state.failed_tries == {"level1": 80}
    assert leftovers(progress.path.parent) == []
    assert os.path.exists(progress.path)
