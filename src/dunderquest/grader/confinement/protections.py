"""Every protection a sandbox may have, one entry each: what it guards, how it is applied, what the
learner reads when it stops their code, and why it may be missing. `dunderquest doctor` (doctor.py)
and the learner's messages (grader/messages.py) both read this table, so a protection is described
in one place; its limit is a number in `limits.py`, and the code that applies it is named in `how`.

DUNDERQUEST_SANDBOX_OFF=name,name switches protections off for a run (by their `switch`), to show
that the checks still work where one is missing; `doctor` then reports them switched off.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from ..limits import (
    CPU_LIMIT,
    DEFAULT_TIMEOUT,
    FOLDER_LIMIT,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    PROCESS_LIMIT,
    TOO_MANY_PROCESSES,
)
from .system import LINUX

OFF_VARIABLE = "DUNDERQUEST_SANDBOX_OFF"
# The option of `grade` that grades other people's files where their code could read the reference
# solutions (neither Landlock nor a mount namespace in force: see doctor.py, `answer_key`).
ACCEPT_THE_RISK = "--accept-answer-key-risk"
OFF_SWITCHES = ("namespaces", "landlock", "rlimits", "output-cap")

NO_PROCESSES_NEEDED = "Your class should not need os.fork(), subprocesses or many threads."
NO_NAMESPACES = "this system does not let this user make namespaces" if LINUX else "no namespaces on this system"
NETWORK = "your code tried to use the network, which a sandbox does not have ({detail})"
OUTSIDE = "your code tried to signal or trace a process outside its sandbox, which it cannot see ({detail})"


@dataclass(frozen=True)
class Sign:
    """How a protection shows in the learner's code when it stops it: an exception of one of
    `types` (any type when empty) whose message holds one of `texts`, or ends with `ending` (any
    message when neither is given)."""

    types: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    ending: str = ""

    def seen_in(self, kind: str, text: str) -> bool:
        if self.types and kind not in self.types:
            return False
        if self.ending:
            return text.endswith(self.ending)
        return not self.texts or any(t in text for t in self.texts)


@dataclass(frozen=True)
class Protection:
    name: str  # as `doctor`, the reports and enter.py name it
    guards: str  # what it guards, in `doctor`'s words
    how: str  # how and where it is applied
    switch: str | None = None  # its name in DUNDERQUEST_SANDBOX_OFF
    unavailable: str = "not available on this system"  # why it may be missing
    stops: str = ""  # what the learner reads when it stops their code ("{detail}": the error's own words)
    advice: str = ""  # where to look, after that
    signs: tuple[Sign, ...] = ()  # how it shows as an exception in the learner's code
    signal: int | None = None  # the signal it ends a sandbox's process with
    exit_code: int | None = None  # the exit code a sandbox ends with when it stopped the learner's code


PROTECTIONS = (
    Protection("separate process", "the learner's code runs in its own process; the checks never import it",
               "every call into the learner's code is a request to a sandbox process (grader/proxy.py)"),
    Protection("forked sandbox", "each sandbox is forked from a process holding no reference values",
               "the zygote, or a one-off check's own fork, forks each sandbox (service/forker.py)",
               unavailable="no fork() here: each sandbox is a fresh `python -I` process (slower, as safe)"),
    Protection("deadline per call", f"every call into the learner's code is stopped after {DEFAULT_TIMEOUT:g} s",
               "the proxy waits for each answer until its deadline, then ends the sandbox (grader/proxy.py)",
               stops="did not finish within {detail}, so it was stopped",
               advice="Look for a loop that never ends, or a call that waits forever."),
    Protection("pid namespace", "every process the learner's code starts dies with its sandbox, and it can see and "
                                "signal nothing outside",
               "unshare(CLONE_NEWPID) before the learner's process is forked (by the sandbox's supervisor, or "
               "as root by the grader itself); init.py is its PID 1 (namespaces.py, supervisor.py, enter.py)",
               switch="namespaces",
               unavailable=NO_NAMESPACES, stops=OUTSIDE, signs=(Sign(("ProcessLookupError",), ("[Errno 3]",)),)),
    Protection("subreaper", "every process the learner's code starts is killed when its sandbox ends (a fallback "
                            "for the PID namespace)",
               "PR_SET_CHILD_SUBREAPER on the supervisor, which kills every descendant (supervisor.py)"),
    Protection("network namespace", "the sandbox has no network: no connection to the internet or to this machine",
               "unshare(CLONE_NEWNET): a loopback that is down, and nothing else (namespaces.py)", switch="namespaces",
               unavailable=NO_NAMESPACES, stops=NETWORK, signs=(Sign((), ("[Errno 101]",)),)),
    Protection("folder size", f"the sandbox's folder holds at most {FOLDER_LIMIT // 2**20} MB of files in all: "
                              "code that fills the disk fails its check, and the files go with the sandbox",
               "a size-capped tmpfs over the sandbox's folder, in its own mount namespace (namespaces.py)",
               switch="namespaces", unavailable=NO_NAMESPACES,
               stops=f"your code wrote more than {FOLDER_LIMIT // 2**20} MB of files in total, so it was stopped",
               advice="Your class should not need to write files.",
               signs=(Sign(("OSError",), ("[Errno 28]",)),)),
    Protection("hidden answer key", "the reference solutions and the levels' checks are empty folders in the "
                                    "sandbox, even where Landlock is missing",
               "empty read-only folders mounted over them, in the sandbox's own mount namespace (namespaces.py)",
               switch="namespaces", unavailable=NO_NAMESPACES),
    Protection("landlock filesystem", "the sandbox writes only its own folder and reads only Python, torch, MNIST and "
                                      "the part of dunderquest that runs inside it: not the reference solutions, the "
                                      "checks, other submissions, the gradebook or a workspace's progress",
               "a Landlock ruleset on the learner's process (landlock.py)", switch="landlock",
               stops="your code tried to open a file outside the folder a sandbox may use ({detail})",
               advice="Your class should only use what it is given.",
               signs=(Sign(("PermissionError",), ("[Errno 13] Permission denied: '",)),)),
    Protection("landlock network", "no TCP connection or listening socket, even where network namespaces are missing",
               "Landlock's TCP rules, ABI 4 and later (landlock.py)", switch="landlock",
               stops=NETWORK, signs=(Sign(("PermissionError",), ending="Permission denied"),)),
    Protection("landlock signal scope", "no signal to a process outside the sandbox, and no abstract Unix socket "
                                        "outside",
               "Landlock's scopes, ABI 6 and later (landlock.py)", switch="landlock",
               stops=OUTSIDE, signs=(Sign(("PermissionError",), ("[Errno 1]",)),)),
    Protection("rlimit processes", f"a fork bomb ends as a failed check: the sandbox is stopped once {PROCESS_LIMIT} "
                                   "processes and threads were started in its PID namespace (a few hundred at most "
                                   "at once)",
               "the PID namespace's init counts them (init.py); pid_max in the namespace, and RLIMIT_NPROC in a "
               "user namespace (rlimits.py)", switch="rlimits",
               unavailable="root is not held by RLIMIT_NPROC, and without a PID namespace of its own nothing caps "
                           "the processes of a sandbox" if LINUX else "not available on this system",
               stops=f"your code started more processes or threads than a sandbox allows ({PROCESS_LIMIT}), so it "
                     "was stopped",
               advice=NO_PROCESSES_NEEDED, signs=(Sign(("BlockingIOError",), ("[Errno 11]",)),),
               exit_code=TOO_MANY_PROCESSES),
    Protection("rlimit memory", f"using more than {MEMORY_LIMIT // 2**30} GB of memory ends as a failed check",
               "RLIMIT_AS, above what the sandbox holds at its start (rlimits.py)", switch="rlimits",
               stops=f"your code used more than {MEMORY_LIMIT // 2**30} GB of memory, so it was stopped",
               advice="Look for a list or tensor that keeps growing.",
               signs=(Sign(("MemoryError",)), Sign((), ("can't allocate memory", "Cannot allocate memory")))),
    Protection("rlimit cpu time", f"more than {CPU_LIMIT} s of processor time in one sandbox ends it",
               "RLIMIT_CPU (rlimits.py)", switch="rlimits",
               stops=f"your code used more than {CPU_LIMIT} s of processor time in this sandbox, so it was stopped",
               advice="Look for a loop, or a thread, that never ends.", signal=signal.SIGXCPU),
    Protection("rlimit file size", f"no file the sandbox writes grows past {OUTPUT_LIMIT // 2**20} MB",
               "RLIMIT_FSIZE (rlimits.py)", switch="rlimits",
               stops=f"your code wrote a file larger than {OUTPUT_LIMIT // 2**20} MB, which a sandbox does not allow",
               advice="Look for a print() or write() inside a loop that never ends.",
               signs=(Sign(("OSError",), ("[Errno 27]",)),), signal=signal.SIGXFSZ),
    Protection("output cap", f"print() output past {OUTPUT_LIMIT // 2**20} MB is dropped; the check goes on and the "
                             "result says the output was cut",
               "sys.stdout and sys.stderr write into a file that stops growing at the limit (rlimits.py)",
               switch="output-cap",
               stops=f"Your code printed more than the grader keeps ({OUTPUT_LIMIT // 2**20} MB), so its output "
                     "was cut there; the checks went on."),
)
BY_NAME = {protection.name: protection for protection in PROTECTIONS}
# What a sandbox applies to itself as it is shut in (enter.py), and reports: the subreaper only stands
# in for a PID namespace, and the first three hold wherever the grader runs.
IN_THE_SANDBOX = tuple(p.name for p in PROTECTIONS
                       if p.name not in ("separate process", "forked sandbox", "deadline per call", "subreaper"))


def missing_note(applied: list[str]) -> str | None:
    """What a result notes when its sandbox lacked protections that this grader can apply."""
    missing = [name for name in IN_THE_SANDBOX if name not in applied]
    if not missing:
        return None
    return (f"Your code ran without these protections, which this machine does not offer (or which were "
            f"switched off): {', '.join(missing)}. The checks are the same; they only guard less. "
            "`dunderquest doctor` says what each one guards.")


def switched_off(environ: dict | None = None) -> set[str]:
    """The protections a test turned off with DUNDERQUEST_SANDBOX_OFF (see OFF_SWITCHES)."""
    value = (os.environ if environ is None else environ).get(OFF_VARIABLE, "")
    return {name.strip() for name in value.split(",") if name.strip()}


def stopped_by(kind: str, text: str) -> Protection | None:
    """The protection that raised this exception in the learner's code, if one did."""
    return next((p for p in PROTECTIONS if any(sign.seen_in(kind, text) for sign in p.signs)), None)


def ended_by(code: int) -> Protection | None:
    """The protection that ended a sandbox's process with this exit status (negative: a signal)."""
    return next((p for p in PROTECTIONS if (code < 0 and p.signal == -code) or (code > 0 and p.exit_code == code)),
                None)
