"""A runner's life in the warm service: a process the zygote forked (see zygote.py), the trusted
side of one request after another. It reads MNIST and collects every level's checks while it waits,
then grades (or draws an MNIST panel) for each request, with sandboxes it asks the zygote for.
The learner's code never runs in this process, so one request's file cannot reach the next one's.
"""

from __future__ import annotations

import os
import socket
import sys
import traceback
from pathlib import Path

from ...core.data import current_source
from ...core.finale import event_to_json
from ...core.pack import Pack
from .. import wire
from ..finale import finale_events
from ..panels import mnist_panel
from ..reference import Mnist
from ..result import LevelResult
from ..runner import Assignment, GraderPlugin, run_pytest
from .channel import receive, send
from .processes import ZygoteSandboxes


def preloaded_mnist() -> Mnist | None:
    """The reference MNIST, read while the runner is still a spare (None if that fails: the run
    will then read it itself and report any problem)."""
    try:
        return Mnist(current_source()).preload()
    except Exception:
        return None


RUNS_PER_RUNNER = 100  # then it exits, and the zygote forks a fresh one: its memory stays bounded


def serve_requests(ctl: socket.socket, pack: Pack) -> None:
    """A runner's life: read MNIST and collect every level's checks of `pack` while idle, then answer the
    requests the zygote sends on `ctl` (grade a level, draw an MNIST panel, run the finale), one after
    another, each with sandboxes from the zygote, until the zygote closes the channel or
    RUNS_PER_RUNNER were served. Each answer goes back as "done" (see channel.py); the learner's code
    never runs in this process, so one request's file cannot reach the next one's."""
    mnist = preloaded_mnist()
    served = 0
    in_flight = False

    def done(reply: dict) -> None:
        nonlocal served, in_flight
        served += 1
        in_flight = False
        send(ctl, {"op": "done", "reply": reply, "last": served >= RUNS_PER_RUNNER})

    def await_assignment() -> Assignment | None:
        nonlocal in_flight
        while served < RUNS_PER_RUNNER:
            try:
                request = receive(ctl)[0]["request"]
            except (EOFError, OSError, KeyError, wire.WireError):
                return None  # the zygote closed this runner: nothing more to do
            in_flight = True
            try:
                if request.get("op") == "finale":
                    files = {str(name): Path(path) for name, path in request["files"].items()}
                    events = []
                    for event in finale_events(pack, lambda level, files=files: files[level.id],
                                               ZygoteSandboxes(ctl), seed=int(request.get("seed") or 0)):
                        events.append(event_to_json(event))
                        send(ctl, {"op": "progress", "event": events[-1]})  # as it happens, for a live view
                    done({"ok": True, "events": events})
                    continue
                level = pack.catalog.find(str(request["level"]))
                if level is None:
                    raise ValueError(f"{pack.name} has no level {request['level']!r}")
                source = current_source()
                reference = mnist if mnist is not None and mnist.source == source else Mnist(source)
                if request.get("op") == "panel":
                    done({"ok": True, "panel": mnist_panel(level, request["file"], int(request.get("start", 0)),
                                                     source=source, sandboxes=ZygoteSandboxes(ctl))})
                    continue
                if request.get("op") != "grade":
                    raise ValueError(f"unknown op {request.get('op')!r}")
            except Exception as exc:  # a request we cannot serve: say so, in one line
                done({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
                continue
            seed = request.get("seed")
            return Assignment(level, Path(request["file"]), request.get("display") or level.exercise_path,
                              ZygoteSandboxes(ctl), reference,
                              seed if seed is not None else int.from_bytes(os.urandom(4), "big"))
        return None

    def on_result(result: LevelResult) -> None:
        done({"ok": True, "result": result.to_json()})

    plugin = GraderPlugin(await_assignment=await_assignment, on_result=on_result)
    try:
        run_pytest(plugin, list(pack.catalog))
    except Exception:  # a bug of ours
        traceback.print_exc(file=sys.stderr)
    if in_flight:  # pytest stopped in the middle of a run: answer it rather than leave the client waiting
        done({"ok": False, "error": "the grader's runner stopped in the middle of a run"})
