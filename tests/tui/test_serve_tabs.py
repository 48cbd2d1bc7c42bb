"""The tabs of `dunderquest serve` share one grader: each tab's game reaches the workspace's lingering
grader instead of starting one of its own (a gigabyte each), even with DUNDERQUEST_LINGER=0, the
tests' setting. A tab that closes ends its game. benchmarks/serve_tabs.py measures the memory."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from serving import Served, start_serve

from dunderquest.core.workspace import Workspace
from dunderquest.grader.service.lingering_client import running

pytestmark = [pytest.mark.slow]
aiohttp = pytest.importorskip("aiohttp", reason="the test extra installs textual-serve, which needs aiohttp")


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def games(served: Served) -> list[int]:
    return [pid for pid in children(served.process.pid) if " -m dunderquest play " in cmdline(pid)]


async def until(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        await asyncio.sleep(0.2)


async def drain(tab) -> None:
    """Reads the screens the tab's game draws, as a page does (a game that nobody reads stops drawing)."""
    async for _ in tab:
        pass


async def tabs_share_one_grader(served: Served) -> None:
    token = served.address.split("?token=")[1]
    url = f"ws://127.0.0.1:{served.port}/ws?token={token}&width=100&height=32"
    async with aiohttp.ClientSession() as session:
        tabs = [await session.ws_connect(url) for _ in range(2)]
        readers = [asyncio.create_task(drain(tab)) for tab in tabs]

        def connected() -> int:
            graders = running(served.env)  # this status request is a connection too
            return graders[0]["connections"] - 1 if len(graders) == 1 else 0

        def graders_of_their_own() -> list[int]:
            return [pid for game in games(served) for pid in children(game) if "service.zygote" in cmdline(pid)]

        await until(lambda: connected() == 2 or graders_of_their_own(),
                    "the two tabs' games did not both reach one lingering grader")
        assert graders_of_their_own() == [], "a tab's game started a grader of its own"
        assert len(games(served)) == 2
        await tabs[1].close()
        await until(lambda: len(games(served)) == 1, "the closed tab's game did not end")
        await until(lambda: connected() == 1, "the closed tab's game did not let go of the grader")
        await tabs[0].close()
        await asyncio.gather(*readers)


def test_two_tabs_share_one_grader_and_a_closed_tabs_game_ends(tmp_path):
    workspace = Workspace.create(tmp_path / "ws")
    served = start_serve(workspace.root, tmp_path / "server.log")
    try:
        asyncio.run(tabs_share_one_grader(served))
    finally:
        served.stop()
