# ruff: noqa
# level: level1_double
# passes: true
# A correct Double whose module, at import, forks twice with os.setsid() in between; the daemon it
# leaves waits a little, then rewrites the workspace's progress.json. Nothing may outlive the check.
import json
import os
import time
from pathlib import Path

PROGRESS = Path(__file__).resolve().parents[1] / ".dunderquest" / "progress.json"

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(60):
            time.sleep(0.5)
            try:
                PROGRESS.write_text(json.dumps({"hacked": True}))
            except OSError:
                pass
    os._exit(0)


class Double:
    def __call__(self, x):
        return 2 * x
