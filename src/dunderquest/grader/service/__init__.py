"""The warm grader: processes that import torch, torchvision and pytest once and then fork, so that
a check costs milliseconds instead of seconds.

- `zygote.py`: the service itself. It hands each request to a runner it forked, and forks sandboxes
  for the runners; `client.py` is the end that the game, `watch` and bulk grading hold.
- `runners.py`: a runner's life, one request after another (the trusted checking side).
- `forker.py`: forking sandboxes from a warm process.
- `processes.py`: sandbox processes as the trusted side holds them, and the sources they come from.
- `channel.py`: what a runner and the zygote tell each other.
- `one_off.py`: a check in one process, without the service (`dunderquest check`).
"""
