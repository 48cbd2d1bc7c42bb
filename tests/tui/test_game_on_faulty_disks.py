"""The game where the learner's file lives on a real disk with its faults: a full disk, a read-only
workspace, a folder in the file's place, and a file that is a symbolic link. Each says in plain words
what happened and what to do, the file keeps its old text, and the game stays up."""

from __future__ import annotations

import asyncio
import time

import pytest
from fakes import passing

from dunderquest.core.workspace import Workspace
from dunderquest.tui.app import DunderquestApp
from dunderquest.tui.dialogs import ChoiceScreen
from tools import fill, leftovers, read_only, small_disk

SIZE = (100, 32)


@pytest.fixture
def disk(tmp_path):
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def play(app: DunderquestApp, steps) -> None:
    async def main():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await steps(pilot)
            assert app.is_running, "the game ended"

    asyncio.run(main())


def notes(app) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def wait_for(pilot, condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await pilot.pause(0.05)


async def run_checks(pilot) -> None:
    await pilot.press("ctrl+r")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_on_a_full_disk_a_save_says_so_and_the_file_keeps_its_text(disk, fake_grader):
    workspace = Workspace.create(disk / "ws")
    app = DunderquestApp(workspace, grader=fake_grader)
    path = workspace.exercise(workspace.catalog.get("1"))
    before = path.read_text()
    fake_grader.results["level1_double"] = passing(workspace.catalog.get("1"))

    async def steps(pilot):
        app.game.editor.insert("# mine, which does not fit\n" * 400, (0, 0))
        fill(disk)
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = notes(app)
        assert any(note.startswith("Could not save exercises/level1_double.py: the disk is full. The file keeps "
                                   "the text it had. Free some space") for note in said), said
        assert path.read_text() == before and leftovers(disk) == []
        assert "modified" in str(app.game.query_one("#status").render())
        app.game.load_from_disk(before)  # nothing left to save: ctrl+r runs the checks, which cannot be recorded
        await run_checks(pilot)
        assert fake_grader.graded, "the checks did not run"
        assert any(note.startswith(f"This result could not be recorded in {workspace.progress.path}: the disk is "
                                   "full.") for note in notes(app)), notes(app)
        (disk / "filler").unlink()
        await pilot.press("ctrl+r")  # space again: the next run is recorded
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "level1_double" in workspace.progress.load().passed

    play(app, steps)


def test_in_a_read_only_workspace_the_game_says_so_and_still_runs_the_checks(disk, fake_grader):
    workspace = Workspace.create(disk / "ws")
    path = workspace.exercise(workspace.catalog.get("1"))
    before = path.read_text()
    read_only(disk)
    app = DunderquestApp(Workspace.find(disk / "ws"), grader=fake_grader)

    async def steps(pilot):
        await run_checks(pilot)  # the file is as on disk: nothing to write
        assert fake_grader.graded == [("level1_double", before)]
        assert any("could not be recorded" in note and "the disk it is on is read-only" in note
                   for note in notes(app)), notes(app)
        app.game.editor.insert("# mine\n", (0, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(note.startswith("Could not save exercises/level1_double.py: the disk it is on is read-only. The "
                                   "file keeps the text it had. Play in a workspace you can write to: `dunderquest "
                                   "init DIR`") for note in notes(app)), notes(app)
        assert path.read_text() == before

    play(app, steps)


def test_a_folder_in_place_of_the_file_is_said_plainly_before_and_while_the_game_runs(workspace, fake_grader):
    first = workspace.exercise(workspace.catalog.get("1"))
    first.unlink()
    first.mkdir()
    app = DunderquestApp(workspace, grader=fake_grader)

    async def steps(pilot):
        assert any(note == "exercises/level1_double.py cannot be opened: it is a folder, not a file. Move the "
                           "folder away (or rename it), then try again." for note in notes(app)), notes(app)
        app.game.editor.insert("class Double:\n    pass\n", (0, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(note.startswith("Could not save exercises/level1_double.py: it is a folder, not a file.")
                   for note in notes(app)), notes(app)
        first.rmdir()  # moved away: the next save writes the file
        await pilot.pause(0.7)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert first.read_text() == "class Double:\n    pass\n"
        first.unlink()  # and a folder takes its place while the game runs
        first.mkdir()
        await wait_for(pilot, lambda: sum("cannot be opened: it is a folder" in note for note in notes(app)) == 2)
        assert app.game.editor.text == "class Double:\n    pass\n"  # kept

    play(app, steps)


def test_a_save_through_a_symbolic_link_writes_the_file_it_points_to_and_keeps_the_link(workspace, tmp_path,
                                                                                          fake_grader):
    mine = tmp_path / "my-files" / "double.py"
    mine.parent.mkdir()
    link = workspace.exercise(workspace.catalog.get("1"))
    mine.write_text(link.read_text())
    link.unlink()
    link.symlink_to(mine)
    app = DunderquestApp(workspace, grader=fake_grader)

    async def steps(pilot):
        app.game.editor.insert("# mine\n", (0, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert link.is_symlink() and link.resolve() == mine.resolve()
        assert mine.read_text().startswith("# mine\n") and leftovers(tmp_path) == []
        assert f"Saved exercises/level1_double.py, a link: the file it points to, {mine.resolve()}, holds your " \
               "text." in notes(app)
        mine.write_text("# from my own editor\n")  # a change to the file it points to is noticed
        await wait_for(pilot, lambda: app.game.editor.text == "# from my own editor\n")
        app.game.editor.insert("# and mine\n", (0, 0))
        mine.write_text("# from my own editor, again\n")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert app.screen.id == "disk-conflict"
        await pilot.pause()
        await pilot.click("#answer-disk")
        await wait_for(pilot, lambda: app.game.editor.text == "# from my own editor, again\n")
        assert link.is_symlink()

    play(app, steps)
