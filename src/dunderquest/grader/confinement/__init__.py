"""What shuts a sandbox in, and what `dunderquest doctor` reports about it.

- `enter.py`: `shut_in`, the one point every sandbox passes before any learner code runs, and
  `serve`, a sandbox's whole life (shut in, then the inside's loop).
- `protections.py`: the table of protections: what each guards, how it is applied, what the
  learner reads when it stops their code, and why it may be missing.
- `namespaces.py`, `landlock.py`, `rlimits.py`: the protections themselves; `supervisor.py` and
  `init.py`: the processes that make sure nothing outlives a sandbox.
- `doctor.py`: which protections are in force on this machine, tried for real.
- `system.py`: the C library calls (prctl, raw system calls) used for all of this.
- `__main__.py`: a sandbox started as a fresh `python -I` process, where there is no fork().

Everything here may run inside a sandbox: it imports nothing of dunderquest but the limits, and the
inside package it hands over to once the sandbox is shut in.
"""
