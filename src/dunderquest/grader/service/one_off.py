"""A check (or the finale) in this very process, without the warm service: what `dunderquest check`
and `dunderquest finale` do. This process imports torch once, forks a child of its own that forks
the sandboxes, before any reference value exists here, and is then itself the runner.

Where there is no fork() (Windows), or when DUNDERQUEST_SANDBOX_START=spawn asks for it, each sandbox
is a fresh `python -I` process instead (`SpawnedSandboxes`).
"""

from __future__ import annotations

import gc
import os
import socket
from pathlib import Path

from ...core.catalog import Level
from ...core.pack import Pack
from ..confinement.enter import close_other_fds, forget_the_environment
from ..confinement.protections import switched_off
from ..confinement.system import keep_memory_private
from ..result import LevelResult
from ..runner import grade as grade_with
from .forker import SandboxForker, answer_key, data_roots, remove_stale_homes, warm_imports
from .processes import SandboxSource, SpawnedSandboxes, ZygoteSandboxes

START_VARIABLE = "DUNDERQUEST_SANDBOX_START"  # "spawn": fresh `python -I` sandboxes even where fork() exists


def one_off_sandboxes(pack: Pack) -> SandboxSource:
    """Where the sandboxes of one run of `pack`'s checks in this process come from; call it before
    any reference value exists in this process."""
    if not hasattr(os, "fork") or os.environ.get(START_VARIABLE) == "spawn":
        return SpawnedSandboxes(data_roots(None), answer_key(pack), switched_off())
    remove_stale_homes()
    warm_imports()
    gc.freeze()  # no gc.collect() first: on a one-off run that costs more than it saves
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            parent.close()
            close_other_fds({child.fileno()})
            forget_the_environment()  # this process's, tokens and all: it holds no more of it than a sandbox
            SandboxForker(answer_key(pack)).serve_one(child)
        finally:
            os._exit(0)
    child.close()
    keep_memory_private()  # this process is the runner from here on
    return ZygoteSandboxes(parent, pid)


def grade(pack: Pack, level: Level, learner_file: Path, *, seed: int | None = None) -> LevelResult:
    """The checks of `pack`'s `level` against `learner_file`, graded in this process."""
    return grade_with(level, learner_file, sandboxes=one_off_sandboxes(pack), seed=seed)
