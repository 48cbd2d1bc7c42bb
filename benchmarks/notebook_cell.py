"""A notebook cell to its result, for every level: `%%dunderquest LEVEL` with the level's reference
solution, run through a real IPython kernel (ipykernel, driven by jupyter_client as Jupyter drives
it), from sending the cell to the result's display arriving from the kernel.

Baseline: a cold `dunderquest check` of the same level, in the same run.
Goal: a median of at most 150 ms on every level, and at least 30x faster than a cold check.

    python benchmarks/notebook_cell.py [--runs 7]
"""

from __future__ import annotations

import argparse
import time

from common import by_level, cleanup, cold_checks, scratch_workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from jupyter_client.manager import start_new_kernel

    from dunderquest.core.workspace import Workspace

    root = scratch_workspace()
    workspace = Workspace.find(root)
    manager, kernel = start_new_kernel(kernel_name="python3")
    times: dict[str, list[float]] = {}
    try:
        kernel.execute_interactive(f"%load_ext dunderquest\n%dunderquest workspace {root}", timeout=120)

        def run(cell: str) -> float:
            began = time.perf_counter()
            shown: list[float] = []

            def output(message: dict) -> None:
                if message["msg_type"] in ("display_data", "execute_result") and not shown:
                    shown.append(time.perf_counter())

            reply = kernel.execute_interactive(cell, output_hook=output, timeout=120)
            assert reply["content"]["status"] == "ok" and shown, reply
            return shown[0] - began

        for level in workspace.catalog:
            cell = f"%%dunderquest {level.id}\n{level.solution()}"
            run(cell)  # the level's first (the first level's starts the warm grader)
            times[level.id] = []
            for _ in range(args.runs):
                time.sleep(0.3)
                times[level.id].append(run(cell))
    finally:
        kernel.stop_channels()
        manager.shutdown_kernel(now=True)
    cold = cold_checks(root, workspace.catalog)
    by_level(f"a notebook cell to its result, {args.runs} runs a level", times, cold, at_most=0.150, at_least=30)
    cleanup()


if __name__ == "__main__":
    main()
