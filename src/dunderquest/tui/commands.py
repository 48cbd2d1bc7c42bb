"""The command palette's game commands: go to a level, reset one, see a solution, download MNIST.
The app lists them (`DunderquestApp.palette_commands`); this provider only matches them."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


class GameCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        return self.app.palette_commands()

    async def discover(self) -> Hits:
        for title, callback, help in self._commands():
            yield DiscoveryHit(title, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help)
