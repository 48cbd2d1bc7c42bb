# ruff: noqa
# level: level1_double
# passes: true
# A correct Double whose module forks a child that then raises: the child unwinds into the sandbox's
# own loop, where it must end silently instead of answering the grader in the sandbox's place.
import os

if os.fork() == 0:
    raise RuntimeError("the child of a learner's module")


class Double:
    def __call__(self, x):
        return 2 * x
