# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: outside the folder a sandbox may use
# Marks every level as passed in the workspace's progress.json, then answers correctly.
import json
from pathlib import Path


class Double:
    def __call__(self, x):
        progress = Path(__file__).resolve().parents[1] / ".dunderquest" / "progress.json"
        progress.write_text(json.dumps({"hacked": True}))
        return 2 * x
