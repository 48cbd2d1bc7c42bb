"""The workspace: where the learner's files are, found one way, never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunderquest.core.workspace import NoWorkspace, Workspace, resolve_workspace


def test_create_writes_every_stub(tmp_path, catalog):
    workspace = Workspace.create(tmp_path / "ws")
    assert workspace.state_dir.is_dir()
    for level in catalog:
        assert workspace.exercise(level).read_text(encoding="utf-8") == level.stub()


def test_create_never_overwrites_a_learner_file(tmp_path, catalog):
    workspace = Workspace.create(tmp_path / "ws")
    mine = workspace.exercise(catalog.get("2"))
    mine.write_text("class Data:  # my work\n    pass\n", encoding="utf-8")
    gone = workspace.exercise(catalog.get("3"))
    gone.unlink()
    Workspace.create(tmp_path / "ws")
    assert mine.read_text(encoding="utf-8") == "class Data:  # my work\n    pass\n"
    assert gone.read_text(encoding="utf-8") == catalog.get("3").stub()


def test_find_walks_up_from_a_subfolder(tmp_path):
    workspace = Workspace.create(tmp_path / "ws")
    deep = workspace.root / "exercises" / "notes" / "more"
    deep.mkdir(parents=True)
    assert Workspace.find(deep).root == workspace.root
    assert Workspace.find(tmp_path) is None


def test_an_explicit_folder_that_is_not_a_workspace_is_refused(tmp_path):
    with pytest.raises(NoWorkspace, match="dunderquest init"):
        resolve_workspace(tmp_path / "nowhere", cwd=tmp_path)
    Workspace.create(tmp_path / "ws")
    with pytest.raises(NoWorkspace):  # inside a workspace is not the workspace itself
        resolve_workspace(tmp_path / "ws" / "exercises", cwd=tmp_path)


def test_an_explicit_workspace_is_used_as_it_is(tmp_path):
    workspace = Workspace.create(tmp_path / "ws")
    resolved = resolve_workspace(tmp_path / "ws", cwd=tmp_path)
    assert resolved.workspace.root == workspace.root and resolved.note is None


def test_the_enclosing_workspace_wins_over_the_default(tmp_path):
    workspace = Workspace.create(tmp_path / "ws")
    resolved = resolve_workspace(None, cwd=workspace.root / "exercises")
    assert resolved.workspace.root == workspace.root and resolved.note is None


def test_with_no_workspace_anywhere_the_default_is_made_and_named(tmp_path, monkeypatch, catalog):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    empty = tmp_path / "empty"
    empty.mkdir()
    first = resolve_workspace(None, cwd=empty)
    root = first.workspace.root
    assert root.is_relative_to((tmp_path / "xdg").resolve())
    assert first.note.startswith("Created your workspace at") and str(root) in first.note
    assert all(first.workspace.exercise(level).is_file() for level in catalog)
    second = resolve_workspace(None, cwd=empty)
    assert second.workspace.root == root
    assert second.note.startswith("Using your workspace at")


def test_a_missing_exercise_comes_back_when_the_workspace_is_resolved(tmp_path, catalog):
    workspace = Workspace.create(tmp_path / "ws")
    file = workspace.exercise(catalog.get("1"))
    file.unlink()
    resolve_workspace(workspace.root, cwd=tmp_path)
    assert file.read_text(encoding="utf-8") == catalog.get("1").stub()


def test_reset_restores_the_stub_and_keeps_the_learner_file(tmp_path, catalog):
    workspace = Workspace.create(tmp_path / "ws")
    level = catalog.get("1")
    file = workspace.exercise(level)
    backups = []
    for attempt in ("first try", "second try"):  # within one second: two distinct backups
        file.write_text(f"# {attempt}\n", encoding="utf-8")
        backups.append(workspace.reset(level))
        assert file.read_text(encoding="utf-8") == level.stub()
    assert [Path(b).read_text(encoding="utf-8") for b in backups] == ["# first try\n", "# second try\n"]
    assert all(b.parent == workspace.state_dir / "backups" for b in backups)


def test_reset_of_a_deleted_file_just_restores_it(tmp_path, catalog):
    workspace = Workspace.create(tmp_path / "ws")
    level = catalog.get("4")
    workspace.exercise(level).unlink()
    assert workspace.reset(level) is None
    assert workspace.exercise(level).read_text(encoding="utf-8") == level.stub()


def test_a_full_disk_leaves_no_empty_exercise_file_and_says_so(tmp_path, catalog):
    """A stub is written whole or not at all: an empty file would stay, as if it were the learner's."""
    from tools import fill, small_disk

    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        with pytest.raises(NoWorkspace, match="the disk is full. Free some space"):
            Workspace.create(disk / "ws")
        exercises = disk / "ws" / "exercises"
        assert not [path.name for path in exercises.iterdir()] if exercises.exists() else True
        (disk / "filler").unlink()
        workspace = Workspace.create(disk / "ws")
        for level in catalog:
            assert workspace.exercise(level).read_text(encoding="utf-8") == level.stub()
        (disk / "ws" / catalog.get("2").exercise_path).unlink()
        fill(disk)
        resolved = resolve_workspace(disk / "ws")  # a command in a workspace on a full disk still starts
        assert resolved.note == (f"{catalog.get('2').exercise_path} is missing, and its starting file could not be "
                                 "written again: the disk is full. Free some space on the disk, then try again.")
        assert not (disk / "ws" / catalog.get("2").exercise_path).exists()
