"""Everything that runs in a sandbox, beside the learner's code.

A sandbox is a process the learner's code controls once their file is imported, so nothing here
holds an answer, and the trusted side believes nothing it says beyond plain values, which it judges
against references it computed itself. This package imports nothing of dunderquest but the wire
format and the limits (a test holds it to that), so a sandbox never even loads the trusted grader:

- `server.py`: the loop a sandbox runs, one operation per request (load a file, call, index, ...).
- `watch.py`: the note of where the learner's code is, shortly before a request's deadline.
- `makers.py`: what the checks may have built in the sandbox by name (`sandbox.make("mnist_dataset", ...)`):
  real PyTorch objects over MNIST, and small helpers any level may use. A level's own helpers live
  in its folder (`levels/<level>/probes.py`) and are sent here by the level.
- `mnist.py`: MNIST as tensors, and a seeded DataLoader, the same on both sides.
- `finale_training.py`: the finale's training loop, run with the learner's classes.
"""
