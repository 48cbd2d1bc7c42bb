"""The game behind `dunderquest play`. The app holds the collaborators and the game's screen
(game.py), which owns what the game does; the palette's commands are in palette.py.

The grader is a collaborator (`DunderquestApp(workspace, grader=GraderClient())`), so tests pass a
fake one. It runs in a warm process of its own: this process never imports torch or pytest, which
keeps the first paint fast. Every grader call runs in a thread worker, so the UI never freezes.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.widget import AwaitMount

from ..core.workspace import Workspace
from .game import GameScreen
from .grading import Grader


def game_commands_provider() -> type:
    from .palette import GameCommands

    return GameCommands


def warm_grader(workspace: Workspace) -> Grader:
    """The lingering grader of the workspace's pack that `dunderquest check` uses, when there is one
    (see grader/service)."""
    from ..grader.service.lingering_client import warm_grader as lingering_or_own

    return lingering_or_own(workspace.pack)


class DunderquestApp(App[None]):
    """The game in the terminal, for one workspace. `game` is its one screen of its own (the
    dialogs, the solution and the MNIST panel open on top of it). The grader is started after the
    first paint and its runs are cancelled when the app ends."""

    # Absolute: Textual resolves a relative CSS_PATH against the file of the app's (sub)class.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "dunderquest"
    COMMANDS = App.COMMANDS | {lambda: game_commands_provider()}  # imported when the palette opens
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True)]

    def __init__(self, workspace: Workspace, grader: Grader | None = None):
        super().__init__()
        self.workspace = workspace
        self.grader: Grader = grader if grader is not None else warm_grader(workspace)
        self.game = GameScreen(workspace, self.grader)

    def get_default_screen(self) -> GameScreen:
        return self.game

    async def on_mount(self) -> None:
        self.sub_title = f"workspace: {self.workspace.root}"
        # Textual mounts a default screen without waiting for it. Wait, so that the app is ready
        # (and `on_ready` warms the grader up) once the game is on screen and takes keys.
        await AwaitMount(self.game, [self.game])

    async def on_ready(self) -> None:
        # After the first paint: the grader's process imports torch, and would compete with it for
        # the CPU. warm_up() returns at once; the first run then finds torch imported.
        self.grader.warm_up()
        await self.game.first_paint_done()

    async def action_quit(self) -> None:
        self.game.quit()

    def on_unmount(self) -> None:
        self.grader.cancel()  # a run in a worker thread stops at once instead of holding the exit


def run_game(workspace: Workspace) -> int:
    grader = warm_grader(workspace)  # the lingering one that `dunderquest check` uses, when there is one
    try:
        DunderquestApp(workspace, grader=grader).run()
    finally:
        grader.close()
    return 0
