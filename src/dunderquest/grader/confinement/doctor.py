"""What `dunderquest doctor` and the reports say: which protections a sandbox started by this process
gets, found out by really entering a sandbox in a throwaway child, and for each one what it guards,
or why it is missing (from the table in protections.py)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from . import landlock
from .enter import enter_sandbox
from .protections import OFF_VARIABLE, PROTECTIONS, switched_off


@dataclass(frozen=True)
class Finding:
    """One protection as found on this machine."""

    name: str
    in_force: bool
    detail: str  # what it guards, or why it is missing

    def as_dict(self) -> dict:
        return asdict(self)


def run_in_child(body: Callable[[int], Any]) -> Any:
    """Calls `body(fd)` in a forked child, which then exits, its output going nowhere. `fd` is the
    pipe that body's answer (any JSON value) comes back through, for a body that must keep it open.
    Returns the answer, or None if none came."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.write(w, json.dumps(body(w)).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 4096):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    try:
        return json.loads(data)
    except ValueError:
        return None


def _probe() -> list[str]:
    """Enters a sandbox in a throwaway child and returns what it applied (the process it returns in
    answers; its supervisor closes the pipe before it waits)."""
    home = tempfile.mkdtemp(prefix="dunderquest-probe-")
    applied = run_in_child(lambda fd: enter_sandbox(home, [fd]))
    os.rmdir(home) if not os.listdir(home) else None
    return list(applied) if isinstance(applied, list) else []


_cache: list[Finding] | None = None


def in_force() -> list[Finding]:
    """Every protection, whether a sandbox of this process gets it (tried for real once per process),
    and what it guards or why it is missing."""
    global _cache
    if _cache is not None:
        return _cache
    forked = hasattr(os, "fork")
    applied = set(_probe()) if forked else set()
    applied |= {"separate process", "deadline per call"} | ({"forked sandbox"} if forked else set())
    off, version = switched_off(), landlock.abi()
    found = []
    for protection in PROTECTIONS:
        name = protection.name
        if name == "subreaper" and "pid namespace" in applied:
            continue
        if name in applied:
            detail = protection.guards + (f" (Landlock ABI {version})" if name.startswith("landlock") else "")
        elif protection.switch in off:
            detail = f"switched off ({OFF_VARIABLE})"
        elif name.startswith("landlock"):
            detail = f"this kernel's Landlock (ABI {version}) lacks it" if version else "no Landlock on this system"
        else:
            detail = protection.unavailable
        found.append(Finding(name, name in applied, detail))
    _cache = found
    return found
