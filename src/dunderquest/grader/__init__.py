"""The grader, laid out by trust:

- `inside/`: what runs in a sandbox, beside the learner's code. It holds no answers and imports
  nothing of dunderquest but `wire.py` and `limits.py`.
- `confinement/`: what shuts a sandbox in before the learner's code runs, and `doctor`.
- `service/`: the warm service (zygote, client, forking, a runner's life, the channel).
- the modules here: the trusted checking side (runner, proxy, messages, expectations, reference
  objects, the learner's text, the MNIST panel, the finale's driver), with `checking.py`, the one
  module a level's checks import.
"""
