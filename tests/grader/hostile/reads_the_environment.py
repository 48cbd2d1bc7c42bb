# ruff: noqa
# level: level1_double
# passes: true
# A correct Double, but only while it finds no token of the grader's environment (the tests run the
# grader with GITHUB_TOKEN set, as a CI run has it): in its variables, or in /proc/self/environ, where
# a process's starting environment stays in memory.
import os


def leaked() -> bool:
    found = any("dunderquest-test-secret" in value for value in os.environ.values())
    try:
        with open("/proc/self/environ", "rb") as f:
            found = found or b"dunderquest-test-secret" in f.read()
    except OSError:
        pass
    return found


LEAKED = leaked()


class Double:
    def __call__(self, x):
        return "the grader's token" if LEAKED else 2 * x
