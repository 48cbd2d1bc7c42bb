"""The game, `watch` and a notebook on one workspace at once, with one lingering grader: every pass
each of them records is kept, and when the notebook rewrites the file that the game has open with
unsaved changes, the game notices and asks which text to keep."""

from __future__ import annotations

import asyncio
import os
import selectors
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dunderquest.core.workspace import Workspace
from dunderquest.notebook import Session, run_cell
from dunderquest.tui.app import DunderquestApp
from dunderquest.tui.dialogs import ChoiceScreen

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("lingering_grader")]


def solution(level) -> str:
    return (REPO / "solutions" / level.file_name).read_text(encoding="utf-8")


class Watching:
    """`dunderquest watch LEVEL` in a process of its own, and all it printed so far."""

    def __init__(self, root: Path, level: str):
        self.process = subprocess.Popen([sys.executable, "-m", "dunderquest", "watch", level, "--workspace", str(root)],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.seen = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)

    def printed(self, text: str) -> bool:
        while self.selector.select(0):
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                break
            self.seen += chunk
        return text.encode() in self.seen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.process.stdout.close()


def test_the_game_watch_and_a_notebook_at_once_lose_no_pass_and_the_game_asks_which_text_to_keep(tmp_path):
    workspace = Workspace.create(tmp_path / "ws")
    catalog = workspace.catalog
    for number in (1, 2, 3, 4):  # passed earlier: the game plays level 5, which is open to edit
        workspace.progress.record(catalog.get(str(number)), passed=True)
    app = DunderquestApp(Workspace.find(workspace.root))  # the lingering grader, as `dunderquest play` uses it
    watching = Watching(workspace.root, "7")  # watch and the notebook check levels still locked
    session = Session()
    session.use(workspace.root)
    notebook_done = threading.Event()
    problems: list[BaseException] = []

    def notebook() -> None:
        try:
            for name in ("9", "10"):
                assert run_cell(session, f"level{name}", solution(catalog.get(name))).result.passed
        except BaseException as err:  # said by the test below
            problems.append(err)
        finally:
            notebook_done.set()

    async def wait_for(pilot, condition, seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, "timed out waiting"
            await pilot.pause(0.1)

    async def main() -> None:
        async with app.run_test(size=(110, 32)) as pilot:
            await pilot.pause()
            game = app.game
            assert game.level == catalog.get("5")
            threading.Thread(target=notebook, daemon=True).start()
            await wait_for(pilot, lambda: watching.printed("Save the file to check it"))
            for name in ("7", "8"):  # the learner saves in their own editor; watch checks each save
                shutil.copyfile(REPO / "solutions" / catalog.get(name).file_name,
                                workspace.exercise(catalog.get(name)))
                await wait_for(pilot, lambda name=name: watching.printed(f"Level {name} passed."))
            game.editor.load_text(solution(catalog.get("5")))
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: "level5_module" in workspace.progress.load().passed)
            await pilot.press("ctrl+n")  # on to level 6, with changes not saved yet
            await wait_for(pilot, lambda: game.level == catalog.get("6"))
            game.editor.insert("# mine, not saved\n", (0, 0))
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: run_cell(session, "level6", solution(catalog.get("6"))))
            await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
            assert app.screen.id == "disk-conflict"
            assert game.editor.text.startswith("# mine, not saved\n")  # nothing replaced before the answer
            # Clicked once the dialog is laid out: a click before that lands on no button.
            await wait_for(pilot, lambda: any(b.region.width for b in app.screen.query("#answer-disk")))
            await pilot.click("#answer-disk")
            await wait_for(pilot, lambda: game.editor.text == solution(catalog.get("6")))
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: "level6_parameters" in workspace.progress.load().passed)
            await wait_for(pilot, notebook_done.is_set)

    try:
        asyncio.run(main())
    finally:
        watching.stop()
        session.close()
        app.grader.close()
    assert problems == []
    assert sorted(workspace.progress.load().passed) == sorted(level.id for level in catalog)
