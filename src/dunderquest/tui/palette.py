"""The command palette's game commands: go to a level, reset one, see a solution, the finale, download MNIST.
`game_commands` lists them for the game's screen; `GameCommands` offers them in the palette. The
commands only the palette offers are here too; the rest are the game screen's own."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..core.catalog import Level
from ..core.data import current_source
from ..core.finale import level_to_finish_first
from ..core.progress import Status
from .saving import choice_screen

if TYPE_CHECKING:
    from .game import GameScreen


def ask_reset(game: GameScreen, level: Level) -> None:
    def answered(answer: str | None) -> None:
        if answer == "reset":
            reset(game, level)

    game.app.push_screen(choice_screen(
        f"Reset {level.exercise_path} to its starting stub? Your file is kept as a backup.",
        [("reset", "Reset it"), ("cancel", "Cancel")], id="reset-confirm"), answered)


def reset(game: GameScreen, level: Level) -> None:
    backup = game.workspace.reset(level)
    if level == game.level:
        game.load_from_disk(game.file.read())
    kept = f" Your file was kept as {backup.relative_to(game.workspace.root)}." if backup else ""
    game.notify(f"{level.exercise_path} is back to its starting stub.{kept}", timeout=8)


def show_solution(game: GameScreen, level: Level) -> None:
    path = game.workspace.exercise(level)
    mine = game.editor.text if level == game.level else path.read_text(encoding="utf-8", errors="replace")
    from .solution import SolutionScreen

    game.app.push_screen(SolutionScreen(level, mine, id="solution"))


def download_mnist(game: GameScreen) -> None:
    def finished(returncode: int | None) -> None:
        game.sidebar.show_data(current_source())

    from .dialogs import DownloadScreen

    game.app.push_screen(DownloadScreen([sys.executable, "-m", "dunderquest", "data", "download"], id="download"),
                         finished)


def game_commands(game: GameScreen) -> list[tuple[str, Callable[[], Any], str]]:
    """(title, what it does, help) for each command, from the progress as it is now."""
    catalog, progress = game.workspace.catalog, game.progress
    state = progress.load()
    commands: list[tuple[str, Callable[[], Any], str]] = []
    for level in catalog:
        status = progress.status(level, state)
        commands.append((f"Go to level {level.number}: {level.title} ({level.class_name})",
                         lambda level=level: game.switch_level(level), status))
    for level in catalog:
        commands.append((f"Reset level {level.number} to its starting file",
                         lambda level=level: ask_reset(game, level),
                         f"{level.exercise_path}; your file is kept as a backup"))
    for level in catalog:
        if progress.status(level, state) is Status.PASSED:
            commands.append((f"Show the solution to level {level.number}",
                             lambda level=level: show_solution(game, level),
                             "your file beside the reference"))
    finale = game.workspace.pack.finale
    if finale is not None:  # a course pack may have no finale
        unfinished = level_to_finish_first(finale, progress)
        commands.append(("The finale: your classes train a model on MNIST", game.show_finale,
                         f"finish level {unfinished.number} first" if unfinished else
                         "the loss falling, the test accuracy, the digits it guesses"))
    commands.append(("Download the full MNIST data set", lambda: download_mnist(game),
                     "60,000 + 10,000 digits; the embedded sample serves until then"))
    return commands


class GameCommands(Provider):
    """Matches the palette's query against the game's commands (from any screen of the game)."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        return game_commands(self.app.game)

    async def discover(self) -> Hits:
        for title, callback, help in self._commands():
            yield DiscoveryHit(title, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help)
