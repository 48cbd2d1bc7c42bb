"""A sandbox started as a fresh process (where there is no fork(), or with
DUNDERQUEST_SANDBOX_START=spawn): `python -I -B -m dunderquest.grader.confinement HOME OFF [READ ...]`.
It speaks the same protocol as a forked sandbox, on its stdin and stdout, and is shut in at the same
point. OFF is the protections switched off (comma-separated, maybe empty); READ the MNIST folders it
may read. Both come from the grader, which reads them before any environment is cleared."""

import os
import sys

from ..limits import CHANNEL_BROKEN
from .enter import SANDBOX_ENV, serve


def warm_imports() -> None:
    """torch maps a few GB of libraries: imported before the memory limit is set, as in a zygote."""
    os.environ.update(SANDBOX_ENV)
    import torch
    import torch.utils.data  # noqa: F401
    import torchvision.datasets  # noqa: F401
    import torchvision.transforms  # noqa: F401

    torch.set_num_threads(1)


def main() -> None:
    rfd, wfd = os.dup(0), os.dup(1)
    code = 0
    try:
        home, off, reads = sys.argv[1], {name for name in sys.argv[2].split(",") if name}, sys.argv[3:]
        warm_imports()
        serve(rfd, wfd, home, reads, off)
    except BaseException:
        code = CHANNEL_BROKEN
    finally:
        os._exit(code)


if __name__ == "__main__":
    main()
