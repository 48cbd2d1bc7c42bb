"""Which protections a sandbox gets on this machine, decided in one place so that every report says
the same thing. Trusted side; imports neither torch nor pytest.

Each protection is a `Protection`: a short name, whether it is in force here, and what it means in
plain words. A new layer (a namespace, Landlock, another rlimit) adds one entry to `in_force()`.
"""

from __future__ import annotations

import os
import resource
from dataclasses import asdict, dataclass

from .sandbox import DEFAULT_TIMEOUT, MEMORY_LIMIT, OUTPUT_LIMIT


@dataclass(frozen=True)
class Protection:
    name: str
    in_force: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def _memory_limit() -> int | None:
    """What `limit_resources` leaves as the address-space limit (it never raises a lower hard limit)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT:
        return MEMORY_LIMIT
    return hard


def in_force() -> list[Protection]:
    """The protections every sandbox of this process gets (see sandbox.limit_resources and zygote.py)."""
    forked = hasattr(os, "fork")
    memory = _memory_limit()
    return [
        Protection("separate process", True,
                   "the learner's code runs in its own process; the checks never import it"),
        Protection("forked sandbox", forked,
                   "each sandbox is forked from a process holding no reference values" if forked
                   else "no fork() on this system"),
        Protection("deadline per call", True, f"every call into the learner's code is stopped after "
                                              f"{DEFAULT_TIMEOUT:g} s"),
        Protection("rlimit output size", True, f"output beyond {OUTPUT_LIMIT // 2**20} MB stops the sandbox"),
        Protection("rlimit memory", memory is not None,
                   f"address space limited to {memory // 2**30} GB" if memory else "no memory limit"),
        Protection("rlimit core dumps", True, "a crash writes no core file"),
    ]
