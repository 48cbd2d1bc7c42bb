"""What the game looks like, at a fixed size, compared with the committed SVGs in __snapshots__/.
After a deliberate change of the look: `python -m pytest tests/tui/test_snapshots.py --snapshot-update`, then look
at the SVGs (docs/contribute/snapshots.md)."""

from __future__ import annotations

import pytest
from fakes import failing, passing

from dunderquest.tui.app import DunderquestApp

SIZE = (100, 32)


@pytest.fixture
def snap_app(workspace, fake_grader) -> DunderquestApp:
    app = DunderquestApp(workspace, grader=fake_grader)
    app.animation_level = "none"
    return app


async def settle(pilot) -> None:
    # The workspace is a fresh temporary folder: show a fixed path, so the picture does not change.
    pilot.app.sub_title = "workspace: ~/dunderquest"
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_the_first_screen(snap_compare, snap_app):
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=settle)


def test_the_first_screen_at_80_by_24_in_a_light_theme(snap_compare, snap_app):
    async def light(pilot):
        pilot.app.theme = "textual-light"
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=light)


def test_a_failed_run(snap_compare, snap_app, fake_grader):
    fake_grader.results["level1_double"] = failing(snap_app.game.level, line=12)

    async def run(pilot):
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run)


def test_the_unlock(snap_compare, snap_app, fake_grader):
    fake_grader.results["level1_double"] = passing(snap_app.game.level)

    async def run(pilot):
        await pilot.press("ctrl+r")
        await settle(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run)


def test_the_mnist_panel(snap_compare, workspace, fake_grader):
    for name in ("1", "2"):
        workspace.progress.record(workspace.catalog.get(name), passed=True)
    app = DunderquestApp(workspace, grader=fake_grader)
    app.animation_level = "none"

    async def open_panel(pilot):
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("right", "right")  # index 2, where the fake learner's label is wrong
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_panel)


def test_the_finale_at_its_end(snap_compare, workspace, fake_grader):
    from fake_finale import FakeFinale, finale_events

    for level in workspace.catalog:
        workspace.progress.record(level, passed=True)
    app = DunderquestApp(workspace, grader=fake_grader)
    app.animation_level = "none"
    app.game.finale_run = lambda: FakeFinale(finale_events())

    async def open_finale(pilot):
        await settle(pilot)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 40), run_before=open_finale)


def test_a_later_level(snap_compare, workspace, fake_grader):
    """Level 7, reached by passing the six before it: its lesson, its stub and the whole level list."""
    level = workspace.catalog.get("7")
    for earlier in workspace.catalog.before(level):
        workspace.progress.record(earlier, passed=True)
    app = DunderquestApp(workspace, grader=fake_grader)
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
