"""The limits a sandbox runs under, and the exit codes a sandbox ends with.

Plain numbers that both sides of the trust boundary read: the confinement applies them, the inside
obeys them, and the trusted side names them in its messages and in `dunderquest doctor`. What each
limit guards, and what the learner reads when one stops their code, is in
`confinement/protections.py`.
"""

from __future__ import annotations

DEFAULT_TIMEOUT = 10.0  # seconds for each call into the learner's code
STARTUP_TIMEOUT = 60.0  # a forked sandbox is ready in milliseconds; a spawned one imports torch first
OUTPUT_LIMIT = 16 * 1024 * 1024  # bytes of print() output kept, and the largest file a sandbox may write
# What the learner's code may use above what a sandbox holds when it starts: torch alone maps about
# 3.4 GB of address space; the finale's training and the MNIST checks use a few hundred MB more.
MEMORY_LIMIT = 2 * 1024**3
CPU_LIMIT = 120  # seconds of processor time in one sandbox (the finale's training uses well under that)
PROCESS_LIMIT = 64  # processes and threads started in a sandbox's PID namespace (pid_max caps it near 300)
FOLDER_LIMIT = 64 * 1024 * 1024  # bytes of files in a sandbox's folder, all of them together

CHANNEL_BROKEN = 70  # a sandbox's exit code when it can no longer talk to the grader
TOO_MANY_PROCESSES = 71  # a sandbox's exit code when its PID namespace was ended for starting too many
