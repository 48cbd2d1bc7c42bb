"""The init of a sandbox's PID namespace, run as `python -I -S init.py LIMIT FD` (built-in modules
only: it starts in about 11 ms of processor time). It is PID 1 there: it reaps orphans, and ends the
namespace (and with it every process in it) in two cases:

- more than LIMIT processes and threads were started in the namespace: the process limit that holds
  root too, whom RLIMIT_NPROC does not hold. It exits with SAW_TOO_MANY;
- the pipe on descriptor FD closes, which happens when the supervisor closes its end to end the
  sandbox, or dies, however it dies. It then exits with SAW_TOO_MANY if that many were started,
  else 0, so the supervisor can say why a sandbox died.

Nothing in the namespace can signal it (it handles no signal), and only SIGKILL and SIGSTOP reach it
from outside.
"""

import os
import select
import sys

SAW_TOO_MANY = 3


def too_many(limit: int) -> bool:
    try:
        with open("/proc/sys/kernel/ns_last_pid") as f:
            return int(f.read()) > limit
    except (OSError, ValueError):
        return False


def main(limit: int, ending: int) -> None:
    while True:
        told = select.select([ending], [], [], 0.05)[0]
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        if told:
            os._exit(SAW_TOO_MANY if too_many(limit) else 0)
        if too_many(limit):
            os.kill(-1, 9)
            os._exit(SAW_TOO_MANY)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
