"""The warm grader: processes that import torch, torchvision and pytest once and then fork, so that
a check costs milliseconds instead of seconds.

- `zygote.py`: the service itself. It hands each request to a runner it forked, and forks sandboxes
  for the runners; `client.py` is the end that the game, `watch` and bulk grading hold.
- `runners.py`: a runner's life, one request after another (the trusted checking side).
- `forker.py`: forking sandboxes from a warm process.
- `processes.py`: sandbox processes as the trusted side holds them, and the sources they come from.
- `channel.py`: what a runner and the zygote tell each other.
- `lingering.py`: a zygote's client that outlives the command that started it, reached through a
  socket only its user can open; `lingering_client.py` is a command's end of it.
- `one_off.py`: a check in one process, without the service.
- `command.py`: `dunderquest check`, by the lingering grader, else in one process.
"""
