"""The game with the real grader: the real sandbox, the real checks, the real MNIST sample."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import Static

from dunderquest.tui.app import DunderquestApp


@pytest.mark.slow
def test_solving_level_1_with_the_real_grader(workspace, grader):
    level = workspace.catalog.get("1")
    workspace.exercise(level).write_text(level.solution())
    app = DunderquestApp(workspace, grader=grader)

    async def main():
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert app.game.editor.text == level.solution()
            await pilot.press("ctrl+r")
            deadline = time.monotonic() + 90
            while app.game.running or not app.game.checks.result:
                assert time.monotonic() < deadline, "the real grader gave no result in 90 s"
                await pilot.pause(0.1)
            summary = str(app.query_one("#checks-summary", Static).render())
            assert app.game.checks.result.passed, summary
            assert "PASSED" in summary
            assert "MNIST sample" in app.game.checks.result.data
            assert app.query_one("#celebration").display

    asyncio.run(main())
    assert workspace.progress.status(level) == "passed"
    assert workspace.progress.status(workspace.catalog.get("2")) == "unlocked"
