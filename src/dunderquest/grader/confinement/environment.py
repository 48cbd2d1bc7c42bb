"""What of the environment the grader's own processes keep: where the data and the user's folders
are, the locale, the temporary folder, and the grader's own switches. Nothing else (no token of a
CI run or a teacher's shell) reaches a process that learner code runs in or is forked from: the
zygote and spawned sandboxes start with only these (`sandbox_environment`), and a sandbox wipes the
rest from its memory (enter.py, `forget_the_environment`). Built-in modules only: the game's
process reads it too."""

from __future__ import annotations

import os

PACK_VARIABLE = "DUNDERQUEST_PACK"  # the course pack a grader process grades, named where it is started
KEPT_VARIABLES = ("HOME", "PATH", "TMPDIR", "TMP", "TEMP", "LANG", "LC_ALL", "LC_CTYPE", "USER", "LOGNAME",
                  "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "SYSTEMROOT")


def kept(name: str) -> bool:
    return name in KEPT_VARIABLES or name.startswith("DUNDERQUEST_")


def sandbox_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a spawned sandbox or the zygote starts with: of `environ` (this process's by
    default), only the variables the grader keeps."""
    return {name: value for name, value in (os.environ if environ is None else environ).items() if kept(name)}
