"""The command palette's game commands: go to a level, reset one, see a solution, the finale, download MNIST.
`game_commands` lists them for the game's screen; `GameCommands` offers them in the palette."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..core.finale import level_to_finish_first, missing_classes
from ..core.progress import Status

if TYPE_CHECKING:
    from .game import GameScreen


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
                         lambda level=level: game.ask_reset(level),
                         f"{level.exercise_path}; your file is kept as a backup"))
    for level in catalog:
        if progress.status(level, state) is Status.PASSED:
            commands.append((f"Show the solution to level {level.number}",
                             lambda level=level: game.show_solution(level),
                             "your file beside the reference"))
    unfinished = level_to_finish_first(progress)
    if not missing_classes(catalog):  # a course pack may have no finale
        commands.append(("The finale: your classes train a model on MNIST", game.show_finale,
                         f"finish level {unfinished.number} first" if unfinished else
                         "the loss falling, the test accuracy, the digits it guesses"))
    commands.append(("Download the full MNIST data set", game.download_mnist,
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
