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
from .protections import ACCEPT_THE_RISK, OFF_VARIABLE, PROTECTIONS, switched_off


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


# -- the answer key ------------------------------------------------------------------------------------

# Either keeps a sandbox from reading the reference solutions, on its own (see protections.py).
HIDE_THE_ANSWER_KEY = ("landlock filesystem", "hidden answer key")
ANSWER_KEY = "answer key out of reach"  # how doctor and the reports name the answer key's case


@dataclass(frozen=True)
class AnswerKey:
    """Whether a learner's code could read the reference solutions on this machine: they are installed
    (`folders`, which hold them), and no protection that hides them (`hidden_by`) is in force."""

    folders: tuple[str, ...]
    hidden_by: tuple[str, ...]

    @property
    def readable(self) -> bool:
        return bool(self.folders) and not self.hidden_by

    @property
    def detail(self) -> str:
        """Which case this machine is in, in `doctor`'s words."""
        if not self.folders:
            return "no reference solutions are installed here, so no learner's code can read them"
        where = ", ".join(self.folders)
        if self.hidden_by:
            return f"the reference solutions are installed ({where}), and hidden from every sandbox by " \
                   f"{' and '.join(self.hidden_by)}"
        return (f"the reference solutions are installed ({where}), and a learner's code could read them: neither "
                f"Landlock nor a mount namespace is in force. `dunderquest grade` grades only your own workspace "
                f"here, unless you pass {ACCEPT_THE_RISK}")

    def finding(self, accepted: bool = False) -> Finding:
        """The case as a row of `doctor`'s list and of a report's protections; `accepted`: the teacher
        graded all the same, which the report says."""
        detail = self.detail
        if accepted:
            detail = (f"the reference solutions are installed ({', '.join(self.folders)}), and a learner's code "
                      f"could read them: neither Landlock nor a mount namespace was in force. The teacher accepted "
                      f"the risk ({ACCEPT_THE_RISK}): a file that copies them may have been credited")
        return Finding(ANSWER_KEY, not self.readable, detail)

    def refusal(self) -> str:
        """Why `grade` does not grade others' files here, and what to do instead."""
        return (f"grading other people's files here could credit a copied answer key. The reference solutions are "
                f"installed on this machine ({', '.join(self.folders)}), and a learner's code could read them: "
                f"neither Landlock nor a mount namespace is in force here to hide them from the sandbox "
                f"(`dunderquest doctor` says why). So `grade` grades only your own workspace on this machine. "
                f"Instead, grade with a kit (`dunderquest classroom gradescope`, `classroom50` or `github`: its "
                f"wheel carries no solutions), on a Linux machine where `dunderquest doctor` shows Landlock or the "
                f"hidden answer key in force, or from an install without the solutions (pip install the wheel "
                f"that a kit carries). Or pass {ACCEPT_THE_RISK} to grade here all the same; each report then "
                f"says so.")


def answer_key(folders: list) -> AnswerKey:
    """The answer key's case on this machine, for the solution folders of the course packs in use
    (`Pack.solution_folders()`)."""
    found = tuple(dict.fromkeys(os.path.realpath(folder) for folder in folders))
    if not found:
        return AnswerKey((), ())
    hiding = [finding.name for finding in in_force() if finding.in_force and finding.name in HIDE_THE_ANSWER_KEY]
    return AnswerKey(found, tuple(hiding))
