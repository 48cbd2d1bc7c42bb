"""A sandbox started as a fresh process (where there is no fork(), or with
DUNDERQUEST_SANDBOX_START=spawn): `python -I -B -m dunderquest.grader.confinement CONFIG`. It speaks
the same protocol as a forked sandbox, on its stdin and stdout, and is shut in at the same point.
CONFIG is JSON from the grader: `home` (its folder), `data` (the MNIST folders it may read), `hide`
(the folders it must never see) and `off` (the protections switched off)."""

import json
import os
import sys

from ..limits import CHANNEL_BROKEN
from .enter import SANDBOX_ENV, serve
from .landlock import read_rules


def warm_imports() -> None:
    """torch maps a few GB of libraries: imported before the memory limit is set, as in a zygote."""
    os.environ.update(SANDBOX_ENV)
    import torch
    import torch.utils.data  # noqa: F401
    import torchvision.datasets  # noqa: F401
    import torchvision.transforms  # noqa: F401

    torch.set_num_threads(1)
    torch.backends.cpu.get_cpu_capability()  # reads /proc/cpuinfo while it may (see service/forker.py)


def main() -> None:
    rfd, wfd = os.dup(0), os.dup(1)
    code = 0
    try:
        config = json.loads(sys.argv[1])
        warm_imports()
        hide = list(config["hide"])
        serve(rfd, wfd, config["home"], read_rules(tuple(config["data"]), tuple(hide)), hide, set(config["off"]))
    except BaseException:
        code = CHANNEL_BROKEN
    finally:
        os._exit(code)


if __name__ == "__main__":
    main()
