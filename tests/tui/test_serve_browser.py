"""`dunderquest serve` in a real browser: headless Chromium (Debian's, driven by Playwright through
`executable_path`; nothing is downloaded) opens the address serve printed, with its token (which then
leaves the address bar and the history), the game draws, ctrl+r grades level 1 with the real grader,
and the workspace's progress says it passed. The grader's processes never hold the game's stdout,
over which Textual's web driver speaks. On failure the test keeps a screenshot."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from serving import start_serve

from dunderquest.core.progress import Status
from dunderquest.core.workspace import Workspace
from tools import CHROMIUM_ARGS, chromium

pytestmark = [pytest.mark.e2e]

REPO = Path(__file__).resolve().parent.parent.parent
def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in os.listdir(f"/proc/{parent}/task") if os.path.isdir(f"/proc/{parent}/task") else []:
            try:
                children = [int(c) for c in Path(f"/proc/{parent}/task/{task}/children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def stdout_of(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/fd/1")
    except OSError:
        return None


@pytest.fixture
def served(tmp_path):
    """`dunderquest serve` on a free port, for a workspace whose level 1 holds the reference solution."""
    playwright = pytest.importorskip("playwright.sync_api", reason="the test extra installs Playwright")
    browser_path = chromium()
    workspace = Workspace.create(tmp_path / "ws")
    level = workspace.catalog.get("level1")
    shutil.copyfile(REPO / "solutions" / level.file_name, workspace.exercise(level))
    served = start_serve(workspace.root, tmp_path / "server.log")
    try:
        yield playwright, browser_path, served.address, workspace, served.process
    finally:
        served.stop()


def test_a_browser_plays_level_1_and_ctrl_r_grades_it(served, tmp_path):
    playwright, browser_path, address, workspace, server = served
    level = workspace.catalog.get("level1")
    frames: list[bytes] = []
    screenshot = tmp_path / "browser.png"
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=browser_path, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("https://fonts.googleapis.com/**", lambda route: route.abort())  # offline: no web fonts
        page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(
            data if isinstance(data, bytes) else data.encode())))

        def wait_for(condition, seconds: float, what: str) -> None:
            deadline = time.monotonic() + seconds
            while not condition():
                if time.monotonic() > deadline:
                    page.screenshot(path=str(screenshot))
                    pytest.fail(f"{what} within {seconds} s. The browser's screen: {screenshot}")
                page.wait_for_timeout(100)

        try:
            page.goto(address)  # the address serve printed, with its token
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            assert "token" not in page.url and page.evaluate("history.length") == 2, \
                "the token stays in the address bar or the history"
            wait_for(lambda: level.exercise_path.encode() in b"".join(frames), 60, "the game did not draw level 1")
            games = [pid for pid in descendants(server.pid) if b"play" in Path(f"/proc/{pid}/cmdline").read_bytes()]
            assert len(games) == 1, "one tab, one game"
            page.focus("textarea.xterm-helper-textarea")
            page.keyboard.press("Control+r")
            wait_for(lambda: workspace.progress.status(level) is Status.PASSED, 120,
                     "ctrl+r did not grade level 1 to a pass")
            wait_for(lambda: b"checks passed" in b"".join(frames), 30, "the result was not shown")
            game_stdout = stdout_of(games[0])
            grader = descendants(games[0])
            assert grader, "the game started its grader"
            assert game_stdout.startswith("pipe:") and all(stdout_of(pid) != game_stdout for pid in grader), \
                "a grader process holds the game's stdout, the web driver's channel"
            page.wait_for_timeout(500)  # the last frames drawn, for the picture
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
