# ruff: noqa
# level: level1_double
# passes: true
# A correct class whose module starts `sleep` in a session of its own, as a daemon would.
import subprocess

subprocess.Popen(["sleep", "300"], start_new_session=True, stdin=subprocess.DEVNULL,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Double:
    def __call__(self, x):
        return 2 * x
