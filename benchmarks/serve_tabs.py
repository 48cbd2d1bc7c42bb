"""Many tabs of `dunderquest serve` on one workspace: the memory they hold, against one tab's.

`dunderquest serve` runs with the lingering grader on (as a learner's does). Each tab is a real
WebSocket client, as the page's script is: it connects with the token, its game draws level 1, and
it closes when the tab would. One tab grades level 1 first (ctrl+r), so the grader is warm. The
memory is the PSS (proportional set size: shared pages split among the processes sharing them) of
every process of serve's (the server, each tab's game) and of the grader's (the lingering grader,
its zygote, its spare runners and sandboxes), summed from /proc/PID/smaps_rollup.
Baseline: one tab, measured in the same run. Then ten tabs; then nine of them close, and their games
must end.
Goals: ten tabs in at most 1.6 GB; after nine close, within 10% of one tab's.
Each figure comes with the processes counted: the games, and the graders (one, the lingering one,
when the tabs share it; a tab's game that could not reach it would start one of its own).
--linger 0 runs serve as a learner who turned the background grader off (DUNDERQUEST_LINGER=0).

    python benchmarks/serve_tabs.py [--tabs 10] [--linger 600]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from common import SCRATCH, cleanup, line, ratio, scratch_workspace

GOAL_TABS_MB = 1600
SETTLE = 2.0  # seconds between two measures: the memory has settled when they differ by 1% at most


def children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
        try:
            found += [int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def tree(pid: int) -> list[int]:
    """pid and every process under it."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        found.append(parent)
        todo += children(parent)
    return found


def pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # it ended meanwhile
        return 0
    return next((int(row.split()[1]) for row in text.splitlines() if row.startswith("Pss:")), 0)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def graders(env: dict[str, str]) -> list[dict]:
    from dunderquest.grader.service.lingering_client import running

    return running(env)


class Served:
    """`dunderquest serve` on a free port for `workspace`, with the lingering grader of `env`."""

    def __init__(self, workspace: Path, env: dict[str, str]):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env = env
        self.token = env["DUNDERQUEST_SERVE_TOKEN"]
        self.log = SCRATCH / "serve.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dunderquest", "serve", "--port", str(self.port), "--workspace",
                 str(workspace)], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        deadline = time.monotonic() + 60
        while not self.listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dunderquest serve did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def listening(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def games(self) -> list[int]:
        return [pid for pid in tree(self.process.pid)[1:] if " -m dunderquest play " in cmdline(pid)]

    def processes(self) -> dict[str, list[int]]:
        """serve's processes and the graders', by kind. The lingering grader has a session of its own
        but stays the child of the game that started it while that game runs; a game that has no
        lingering grader to reach starts a grader of its own (its zygote, a child)."""
        lingering = [found["pid"] for found in graders(self.env)]
        games = self.games()
        own = [pid for game in games for pid in children(game)
               if pid not in lingering and "dunderquest.grader" in cmdline(pid)]
        grader = {pid for root in lingering + own for pid in tree(root)}
        ours = [pid for pid in tree(self.process.pid)[1:] if pid not in grader and pid not in games]
        return {"server": [self.process.pid], "games": games, "other": ours, "graders": lingering + own,
                "graders' processes": sorted(grader)}

    def memory_mb(self) -> tuple[float, dict[str, list[int]]]:
        kinds = self.processes()
        pids = {pid for kind, found in kinds.items() if kind != "graders" for pid in found}
        return sum(pss_kb(pid) for pid in pids) / 1024, kinds

    async def settled_memory_mb(self, seconds: float = 90) -> tuple[float, dict[str, list[int]]]:
        """The memory once it stops changing (a grader that starts imports torch for seconds)."""
        deadline = time.monotonic() + seconds
        before, _ = self.memory_mb()
        while True:
            await asyncio.sleep(SETTLE)
            now, kinds = self.memory_mb()
            if abs(now - before) <= 0.01 * before or time.monotonic() > deadline:
                return now, kinds
            before = now

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if Path(self.env["XDG_RUNTIME_DIR"]).is_relative_to(SCRATCH):  # never another run's grader
            subprocess.run([sys.executable, "-m", "dunderquest", "stop"], env=self.env, capture_output=True)


class Tab:
    """A browser tab's WebSocket: its game's screen arrives as bytes; keys go as the page sends them."""

    def __init__(self, session, served: Served):
        self.session, self.served = session, served
        self.screen = bytearray()
        self.socket = None
        self.reader: asyncio.Task | None = None

    async def open(self, drawn: bytes, seconds: float = 120) -> None:
        url = f"ws://127.0.0.1:{self.served.port}/ws?token={self.served.token}&width=100&height=32"
        self.socket = await self.session.ws_connect(url, origin=f"http://127.0.0.1:{self.served.port}")
        await self.socket.send_json(["resize", {"width": 100, "height": 32}])
        self.reader = asyncio.create_task(self._read())
        await self.wait_for(drawn, seconds)

    async def _read(self) -> None:
        async for message in self.socket:
            if isinstance(message.data, bytes):
                self.screen += message.data
            elif isinstance(message.data, str):
                self.screen += message.data.encode()

    async def wait_for(self, text: bytes, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.screen:
            if time.monotonic() > deadline or (self.reader is not None and self.reader.done()):
                raise RuntimeError(f"the tab's game did not show {text!r} within {seconds} s")
            await asyncio.sleep(0.1)

    async def press(self, keys: str) -> None:
        await self.socket.send_json(["stdin", keys])

    async def close(self) -> None:
        await self.socket.close()
        if self.reader is not None:
            await self.reader


async def until(condition, seconds: float, what: str) -> float:
    """Waits until condition() holds; returns how long that took."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > seconds:
            raise RuntimeError(f"{what} within {seconds} s")
        await asyncio.sleep(0.2)
    return time.monotonic() - began


async def run(tabs: int, linger: str) -> int:
    import aiohttp

    root = scratch_workspace("tabs")
    drawn = b"exercises/"  # the current level's file, named on the game's screen (level 1, then level 2)
    runtime = SCRATCH / "run"  # the grader's socket, apart from any other grader of this user's
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, DUNDERQUEST_LINGER=linger, XDG_RUNTIME_DIR=str(runtime),
               DUNDERQUEST_SERVE_TOKEN=secrets.token_hex(24))
    served = Served(root, env)
    try:
        async with aiohttp.ClientSession() as session:
            first = Tab(session, served)
            await first.open(drawn)
            await first.press("\x12")  # ctrl+r: grade level 1 with the real grader, which warms it up
            await first.wait_for(b"checks passed", 180)
            one, kinds_one = await served.settled_memory_mb()
            print(f"dunderquest serve, one workspace, {tabs} tabs (WebSocket clients, 100x32), "
                  f"DUNDERQUEST_LINGER={linger}, PSS of serve's processes and the grader's:")
            describe("one tab (baseline)", one, kinds_one)
            others = [Tab(session, served) for _ in range(tabs - 1)]
            for tab in others:  # one at a time, as a learner opens them
                await tab.open(drawn)
            many, kinds_many = await served.settled_memory_mb()
            describe(f"{tabs} tabs", many, kinds_many, goal=f"<= {GOAL_TABS_MB} MB")
            line("each tab past the first", (many - one) / (tabs - 1), "MB")
            for tab in others:
                await tab.close()
            waited = await until(lambda: len(served.games()) == 1, 60, f"the games of {tabs - 1} closed tabs "
                                 "did not end")
            after, kinds_after = await served.settled_memory_mb()
            describe(f"after {tabs - 1} tabs closed (their games ended in {waited:.1f} s)", after, kinds_after)
            ratio("after closing / one tab", after / one, "<= 1.10 x")
            await first.close()
    finally:
        served.stop()
    met = many <= GOAL_TABS_MB and after <= 1.10 * one
    print(f"  goals {'met' if met else 'NOT met'}")
    return 0 if met else 1


def describe(label: str, mb: float, kinds: dict[str, list[int]], goal: str | None = None) -> None:
    line(label, mb, "MB", goal)
    counts = ", ".join(f"{kind} {len(pids)}" for kind, pids in kinds.items())
    print(f"      processes: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--linger", default="600", help="DUNDERQUEST_LINGER for serve (0: the learner turned the "
                                                       "background grader off)")
    args = parser.parse_args()
    if args.tabs < 2:
        parser.error("--tabs: at least 2")
    try:
        status = asyncio.run(run(args.tabs, args.linger))
    except RuntimeError as err:
        sys.exit(f"serve_tabs: {err}")
    finally:
        cleanup()
    sys.exit(status)


if __name__ == "__main__":
    main()
