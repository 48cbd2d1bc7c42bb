"""Faults where the learner's work lives, injected and counted: `kill -9` of the game, the lingering
grader, its zygote or a sandbox at random moments of save-and-check cycles, and many `dunderquest
check` commands at once against one lingering grader, which may be killed half way. The tests in this
folder run a few tens of cycles; `benchmarks/faults.py` runs hundreds and prints the figures.

A save-and-check cycle: the game (run headless by Textual's Pilot, in a process of its own: `python
injection.py game WORKSPACE`) gets a level's new text, saves it (ctrl+s) and runs its checks
(ctrl+r), with the real lingering grader. At a random moment of the cycle, one process is killed.
Then:

- the learner's file must hold the old text or the new one, byte for byte, never a mix or nothing
  (else a *damaged* file);
- every pass that a front end said it recorded must still be in the progress file, which must read
  (else a *lost* pass);
- the next command, `dunderquest check LEVEL` from a shell, must answer, and rightly, with nothing
  left behind for a person to clear away: no temporary file in the workspace, no socket that nobody
  listens on (else a command that *needed cleanup*).

Run by hand: `python tests/faults/injection.py kills --cycles 20` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import random
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve()
LEVELS = ("level1_double", "level2_data", "level3_numbers")  # quick to check, and each unlocks the next
WRONG = {"level1_double": "course/wrong/level1_double/returns_a_list.py",
         "level2_data": "course/wrong/level2_data/bare_x_in_getitem.py",
         "level3_numbers": "course/wrong/level3_numbers/length_one_short.py"}
TARGETS = ("game", "lingering grader", "zygote", "sandbox")
WEIGHTS = (0.3, 0.15, 0.15, 0.4)  # the grader's processes cost a torch import each time they come back
PR_SET_CHILD_SUBREAPER = 36


def line(counts: dict) -> str:
    """The figures, as the issue asks for them."""
    return (f"faults injected: {counts['faults']}, learner files damaged: {counts['damaged']}, passes lost: "
            f"{counts['lost']}, commands that needed cleanup: {counts['cleanup']}")


# -- the text of a learner's file, right or wrong, and new each time ------------------------------------------


def text_of(level: str, number: int, right: bool) -> str:
    source = REPO / "solutions" / f"{level}.py" if right else REPO / WRONG[level]
    return source.read_text(encoding="utf-8") + f"\n# version {number}: {'right' if right else 'wrong'}\n"


def is_right(text: bytes) -> bool:
    """Whether a file is a right version (one that no cycle wrote yet is the level's stub)."""
    tail = text.decode("utf-8", errors="replace").rstrip().rsplit("\n", 1)[-1]
    return tail.startswith("# version ") and tail.endswith(": right")


# -- the processes ------------------------------------------------------------------------------------------


def processes() -> dict[int, tuple[int, str, str]]:
    """Every process: pid -> (parent pid, name, state)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    text = stat.read()
            except OSError:
                continue
            name = text[text.index("(") + 1:text.rindex(")")]
            state, parent = text[text.rindex(")") + 2:].split()[:2]
            found[int(entry)] = (int(parent), name, state)
    return found


def descendants(pid: int, table: dict | None = None) -> list[tuple[int, str]]:
    """The living processes below `pid`, as (pid, name)."""
    table = processes() if table is None else table
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        if table[child][2] != "Z":
            found.append((child, table[child][1]))
        todo += children.get(child, [])
    return found


def become_subreaper() -> None:
    """Orphans of this process's descendants (a lingering grader whose game was killed) become its
    children, so that they can be found, and reaped."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans(own: set[int]) -> None:
    """Reaps the children that died and that this process did not start itself (`own`: those it did)."""
    me = os.getpid()
    for pid, (parent, _, state) in processes().items():
        if parent == me and state == "Z" and pid not in own:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)


def kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


# -- a place to play ------------------------------------------------------------------------------------------


@dataclass
class Place:
    """A workspace, and an environment whose lingering grader is this run's own."""

    root: Path
    env: dict[str, str]
    runtime: Path

    @classmethod
    def make(cls, top: Path) -> Place:
        from dunderquest.core.workspace import Workspace

        runtime = Path(tempfile.mkdtemp(prefix="dq-f-", dir="/tmp"))  # short: a socket's path must be
        env = dict(os.environ, DUNDERQUEST_LINGER="600", XDG_RUNTIME_DIR=str(runtime), PYTHONUNBUFFERED="1")
        workspace = Workspace.create(top / "ws")
        return cls(workspace.root, env, runtime)

    @property
    def workspace(self):
        from dunderquest.core.workspace import Workspace

        return Workspace.find(self.root)

    def file(self, level: str) -> Path:
        return self.root / "exercises" / f"{level}.py"

    def check(self, level: str, timeout: float = 300) -> tuple[dict | None, str]:
        """`dunderquest check LEVEL --format json` from a shell: the result, or None and why not."""
        try:
            done = subprocess.run([sys.executable, "-m", "dunderquest", "check", level, "--format", "json", "--seed",
                                   "7", "--workspace", str(self.root)], capture_output=True, text=True,
                                  env=self.env, timeout=timeout, cwd="/")
        except subprocess.TimeoutExpired:
            return None, f"`dunderquest check {level}` did not answer within {timeout:.0f} s"
        try:
            return json.loads(done.stdout), done.stderr
        except ValueError:
            return None, f"`dunderquest check {level}` exited {done.returncode}: {done.stderr[-2000:]}"

    def lingering(self) -> int | None:
        from dunderquest.grader.service.lingering_client import running

        graders = running(self.env)
        return graders[0]["pid"] if graders else None

    def stale_sockets(self) -> list[str]:
        """Sockets in the runtime folder that nobody listens on."""
        stale = []
        for path in self.runtime.glob("*.sock"):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(str(path))
            except OSError:
                stale.append(path.name)
            finally:
                probe.close()
        return stale

    def leftovers(self) -> list[str]:
        return sorted(str(path.relative_to(self.root)) for path in self.root.rglob("*.tmp"))

    def stop(self) -> None:
        from dunderquest.grader.service.lingering_client import stop_all

        stop_all(self.env)

    def remove(self) -> None:
        shutil.rmtree(self.runtime, ignore_errors=True)


# -- the game, in a process of its own -----------------------------------------------------------------------


class Game:
    """The game run headless in its own process, driven by JSON lines (see `drive_game`)."""

    def __init__(self, place: Place):
        self.process = subprocess.Popen([sys.executable, str(HERE), "game", str(place.root)], env=place.env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        cwd="/")
        self.pid = self.process.pid
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.pending = b""

    def send(self, message: dict) -> None:
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        self.process.stdin.flush()

    def events(self, timeout: float) -> list[dict]:
        """What the game said within `timeout` seconds (at most; less once it said something)."""
        said = []
        if self.selector.select(timeout):
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return [{"ended": True}]
            self.pending += chunk
            while b"\n" in self.pending:
                raw, self.pending = self.pending.split(b"\n", 1)
                with contextlib.suppress(ValueError):
                    said.append(json.loads(raw))
        return said

    def wait_for(self, key: str, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            for event in self.events(min(left, 1.0)):
                if key in event or "ended" in event:
                    return event
        return None

    def end(self) -> None:
        if self.process.poll() is None:
            kill(self.process.pid)
        self.process.wait()
        self.selector.close()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def drive_game(root: str) -> None:
    """The game's process: the real game with the real lingering grader, under Textual's Pilot. It reads
    {"level": ID, "text": TEXT} lines: it opens the level, puts the text in the editor, saves (ctrl+s),
    says {"saved": ID}, runs the checks (ctrl+r) and says {"graded": ID, "passed": ..., "recorded": ...}
    once the result is recorded (recorded: the pass is in the progress file)."""
    import asyncio

    from dunderquest.core.workspace import Workspace
    from dunderquest.tui.app import DunderquestApp
    from dunderquest.tui.game import GameScreen

    def say(message: dict) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    class Driven(GameScreen):
        def on_graded(self, message) -> None:
            super().on_graded(message)
            result = message.result
            recorded = bool(result and result.passed and message.level.id in self.progress.load().passed)
            say({"graded": message.level.id, "passed": bool(result and result.passed), "recorded": recorded,
                 "problem": message.problem})

    class Driving(DunderquestApp):
        def __init__(self, workspace):
            super().__init__(workspace)
            self.game = Driven(self.workspace, self.grader)

    app = Driving(Workspace.find(Path(root)))

    async def main() -> None:
        async with app.run_test(size=(110, 32)) as pilot:
            await pilot.pause()
            say({"ready": True, "pid": os.getpid()})
            loop = asyncio.get_running_loop()
            while line := await loop.run_in_executor(None, sys.stdin.readline):
                order = json.loads(line)
                level = app.workspace.catalog.get(order["level"])
                if app.game.level != level:
                    app.game.open_level(level)  # nothing unsaved: the last text was saved
                app.game.editor.load_text(order["text"])
                await pilot.press("ctrl+s")
                await pilot.pause()
                say({"saved": level.id, "ok": app.game.file.saved_text == order["text"]})
                await pilot.press("ctrl+r")
                await pilot.pause()

    try:
        asyncio.run(main())
    finally:
        app.grader.close()


# -- kill -9 at random moments of save-and-check cycles ------------------------------------------------------


@dataclass
class Tally:
    cycles: int = 0
    faults: Counter = field(default_factory=Counter)  # by target
    damaged: int = 0
    lost: int = 0
    cleanup: int = 0
    wrong_under_fault: int = 0  # a game's check that the fault itself made fail (a killed sandbox)
    left_behind: int = 0  # processes of this run still there once it stopped its grader
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    quiet_cycle: float = 0.0  # a cycle with no fault, for the baseline

    def counts(self) -> dict:
        return {"cycles": self.cycles, "faults": sum(self.faults.values()), "by_target": dict(self.faults),
                "damaged": self.damaged, "lost": self.lost, "cleanup": self.cleanup,
                "wrong_under_fault": self.wrong_under_fault, "left_behind": self.left_behind,
                "problems": self.problems, "seconds": round(self.seconds, 1), "quiet_cycle": self.quiet_cycle}


def find_target(target: str, place: Place, game: Game, rng: random.Random) -> int | None:
    if target == "game":
        return game.pid if game.process.poll() is None else None
    lingering = place.lingering()
    if lingering is None:
        return None
    if target == "lingering grader":
        return lingering
    table = processes()
    below = descendants(lingering, table)
    if target == "zygote":  # the lingering grader's child: a runner or a sandbox just forked has its name too
        return next((pid for pid, name in below if name == "dq-zygote" and table[pid][0] == lingering), None)
    sandboxes = [pid for pid, name in below if name in ("dq-learner", "dq-sandbox")]
    return rng.choice(sandboxes) if sandboxes else None


def set_progress(place: Place, level: str) -> set[str]:
    """Before a cycle: every level of the cycles passed but `level`, whose pass the cycle earns again.
    Returns the passes the progress file now holds."""
    workspace = place.workspace
    with workspace.progress.change() as state:
        for other in LEVELS:
            state.passed.setdefault(other, "2026-01-01T00:00:00+0000")
        state.passed.pop(level, None)
        return set(state.passed)


def one_cycle(number: int, place: Place, game: Game, rng: random.Random, window: float, expected: set[str],
              tally: Tally, target: str | None) -> Game:
    """One save-and-check cycle with one fault (none when `target` is None); returns the game to go on
    with (a new one if it was killed)."""
    level = rng.choice(LEVELS)
    path = place.file(level)
    old = path.read_bytes()
    right = rng.random() < 0.8
    text = text_of(level, number, right)
    expected.intersection_update(set_progress(place, level))
    began = time.monotonic()
    game.send({"level": level, "text": text})
    graded = None
    fault_at = began + rng.uniform(0, window)
    while target is not None and time.monotonic() < fault_at and graded is None:
        for event in game.events(max(0.0, fault_at - time.monotonic())):
            graded = event if "graded" in event else graded
    killed = None
    if target is not None:
        deadline = time.monotonic() + 0.2  # a sandbox may be between two forks: look again, briefly
        while killed is None and time.monotonic() < deadline:
            pid = find_target(target, place, game, rng)
            if pid is not None and kill(pid):
                killed = pid
                tally.faults[target] += 1
            elif pid is None:
                time.sleep(0.01)
    game_killed = killed is not None and target == "game"
    if game_killed:
        game.end()
    elif graded is None:
        graded = game.wait_for("graded", 300)
        if graded is None or "ended" in graded:
            lingering = place.lingering()
            tally.problems.append(f"cycle {number}: the game never gave the result of {level} after a fault "
                                  f"on the {target}; the lingering grader {lingering} and below it: "
                                  f"{descendants(lingering) if lingering else None}")

            tally.cleanup += 1
            game.end()
            game_killed = True
    if graded and graded.get("recorded"):
        expected.add(level)
    if graded and "graded" in graded and graded["passed"] != right:
        tally.wrong_under_fault += 1
        if target not in ("sandbox",):
            tally.problems.append(f"cycle {number}: the game said {level} {'passed' if graded['passed'] else 'failed'}"
                                  f" after a fault on the {target}: {graded.get('problem')}")
    if target is None:
        tally.quiet_cycle = time.monotonic() - began

    now = path.read_bytes()
    if now not in (old, text.encode("utf-8")):
        tally.damaged += 1
        tally.problems.append(f"cycle {number}: {level}'s file holds neither its old text nor its new one "
                              f"({len(now)} bytes)")
    verify_passes(place, expected, tally, f"cycle {number}, after the fault on the {target}")
    result, said = place.check(level)
    if result is None or result["passed"] != is_right(now):
        tally.cleanup += 1
        tally.problems.append(f"cycle {number}: after the fault on the {target}, the next command "
                              f"{'did not answer' if result is None else 'answered wrongly'}: {said[-1500:]}")
    elif result["passed"]:
        expected.add(level)
    left = place.leftovers() + place.stale_sockets()
    if left:
        tally.cleanup += 1
        tally.problems.append(f"cycle {number}: after the next command, still there: {', '.join(left)}")
    verify_passes(place, expected, tally, f"cycle {number}, after the next command")
    tally.cycles += 1
    if game_killed:
        game = start_game(place, tally)
    return game


def verify_passes(place: Place, expected: set[str], tally: Tally, when: str) -> None:
    from dunderquest.core.progress import State

    progress = place.root / ".dunderquest" / "progress.json"
    set_aside = list(progress.parent.glob("progress.json.damaged-*"))
    try:
        passed = set(State.from_json(progress.read_text(encoding="utf-8")).passed)
    except (OSError, ValueError) as err:
        passed = set()
        set_aside.append(f"unreadable: {err}")
    missing = expected - passed
    if missing or set_aside:
        tally.lost += len(missing)
        tally.problems.append(f"{when}: passes lost: {sorted(missing)}; set aside: {set_aside}")
        expected.difference_update(missing)


def start_game(place: Place, tally: Tally) -> Game:
    game = Game(place)
    if game.wait_for("ready", 120) in (None, {"ended": True}):
        tally.problems.append("the game did not start")
        raise RuntimeError("the game did not start: " + "; ".join(tally.problems[-3:]))
    return game


def kill_cycles(top: Path, cycles: int, seed: int = 0, targets: list[str] | None = None,
                progress=None) -> Tally:
    """`cycles` save-and-check cycles, each with one `kill -9` at a random moment. `targets`: the
    process to kill in each cycle, in turn (by default a random one of TARGETS, by WEIGHTS)."""
    become_subreaper()
    rng = random.Random(seed)
    place = Place.make(top)
    tally = Tally()
    expected: set[str] = set()
    began = time.monotonic()
    game = start_game(place, tally)
    try:
        for warm in range(2):  # no fault: the grader warms up, and a quiet cycle is the window's measure
            game = one_cycle(-1 - warm, place, game, rng, 0, expected, tally, None)
        tally.cycles = 0
        window = max(0.3, 1.5 * tally.quiet_cycle)
        for number in range(cycles):
            target = targets[number % len(targets)] if targets else rng.choices(TARGETS, WEIGHTS)[0]
            game = one_cycle(number, place, game, rng, window, expected, tally, target)
            reap_orphans({game.pid})
            if progress is not None:
                progress(number + 1, tally)
    finally:
        game.end()
        place.stop()
        deadline = time.monotonic() + 30
        while descendants(os.getpid()) and time.monotonic() < deadline:
            reap_orphans(set())
            time.sleep(0.2)
        left = descendants(os.getpid())
        tally.left_behind = len(left)
        if left:
            tally.problems.append(f"still running once the grader stopped: {left}")
            for pid, _ in left:
                kill(pid)
        reap_orphans(set())
        place.remove()
    tally.seconds = time.monotonic() - began
    return tally


# -- many `dunderquest check` at once --------------------------------------------------------------------------


def at_once(top: Path, count: int = 40, kill_halfway: bool = False) -> dict:
    """`count` `dunderquest check` commands started at once against one warm lingering grader (killed
    with -9 once half of them answered, with `kill_halfway`). Returns each one's wall time, and the
    commands that went unanswered or answered wrongly."""
    become_subreaper()
    place = Place.make(top)
    plan = {}  # level -> whether its file is right
    for number, level in enumerate(LEVELS):
        right = number != 1
        place.file(level).write_text(text_of(level, number, right), encoding="utf-8")
        plan[level] = right
    try:
        first, said = place.check(LEVELS[0])  # starts the lingering grader and warms it
        assert first is not None, said
        single = []
        for level in LEVELS:
            began = time.monotonic()
            place.check(level)
            single.append(time.monotonic() - began)
        grader = place.lingering()
        commands = []
        began = time.monotonic()
        for number in range(count):
            level = LEVELS[number % len(LEVELS)]
            process = subprocess.Popen([sys.executable, "-m", "dunderquest", "check", level, "--format", "json",
                                        "--seed", "7", "--workspace", str(place.root)], env=place.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/")
            commands.append((level, process))
        ended: dict[int, float] = {}
        killed = None
        while len(ended) < count:
            for number, (_, process) in enumerate(commands):
                if number not in ended and process.poll() is not None:
                    ended[number] = time.monotonic() - began
            if kill_halfway and killed is None and len(ended) >= count // 2:
                killed = kill(grader) and grader
            if time.monotonic() - began > 600:
                break
            time.sleep(0.005)
        wrong = []
        for number, (level, process) in enumerate(commands):
            try:
                out, err = process.communicate(timeout=1 if number in ended else 0.1)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
                wrong.append(f"{level}: no answer within 600 s")
                continue
            try:
                passed = json.loads(out)["passed"]
            except (ValueError, KeyError):
                wrong.append(f"{level}: exit {process.returncode}, {err[-800:]}")
                continue
            if passed != plan[level]:
                wrong.append(f"{level}: {'passed' if passed else 'failed'}, {err[-400:]}")
        times = sorted(ended.values())
        return {"count": count, "answered": len(times) - len(wrong), "wrong": wrong, "times": times,
                "p95": percentile(times, 95), "median": statistics.median(times) if times else 0.0,
                "single": statistics.median(single), "killed": bool(killed),
                "leftovers": place.leftovers() + place.stale_sockets()}
    finally:
        place.stop()
        deadline = time.monotonic() + 30
        while descendants(os.getpid()) and time.monotonic() < deadline:
            reap_orphans(set())
            time.sleep(0.2)
        for pid, _ in descendants(os.getpid()):
            kill(pid)
        reap_orphans(set())
        place.remove()


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * pct // 100) - 1))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    game = sub.add_parser("game", help="the game's process (see drive_game)")
    game.add_argument("workspace")
    kills = sub.add_parser("kills", help="save-and-check cycles with kill -9; prints the tally as JSON")
    kills.add_argument("--cycles", type=int, default=20)
    kills.add_argument("--seed", type=int, default=0)
    kills.add_argument("--targets", help="the processes to kill in turn, comma-separated (default: at random)")
    many = sub.add_parser("at-once", help="many `dunderquest check` at once; prints the figures as JSON")
    many.add_argument("--count", type=int, default=40)
    many.add_argument("--kill-halfway", action="store_true")
    args = parser.parse_args(argv)
    if args.what == "game":
        drive_game(args.workspace)
        return 0
    with tempfile.TemporaryDirectory(prefix="dunderquest-faults-") as top:
        if args.what == "kills":
            targets = args.targets.split(",") if args.targets else None
            print(json.dumps(kill_cycles(Path(top), args.cycles, args.seed, targets).counts()))
        else:
            print(json.dumps(at_once(Path(top), args.count, args.kill_halfway)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
