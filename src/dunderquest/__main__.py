import os
import sys

# `python -m` puts the current folder first on sys.path. The current folder may be a learner's
# workspace, and a `torch.py` there must never be imported by the grader's trusted side.
sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != os.getcwd()]

from dunderquest.thin_client import main  # noqa: E402

raise SystemExit(main())
