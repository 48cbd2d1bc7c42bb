"""Faults where the learner's work lives, injected and counted (tests/faults/injection.py says how).

1. `kill -9` of the game, the lingering grader, its zygote or a sandbox, at a random moment of each of
   N save-and-check cycles (the game saves a level's new text with ctrl+s and runs its checks with
   ctrl+r, on the real grader). After each fault, the learner's file must hold its old text or its new
   one, every pass a front end said it recorded must still be in the progress file, and the next
   `dunderquest check` must answer rightly with nothing to clear away by hand. It prints
   "faults injected: N, learner files damaged: 0, passes lost: 0, commands that needed cleanup: 0"
   with the counts. Baseline: a cycle with no fault, in the same run.
2. 40 `dunderquest check` at once from one user against the lingering grader: each must be answered,
   and rightly; the 95th percentile of their wall times, then the same with the grader killed (-9)
   once half of them have answered. Baseline: one check at a time, in the same run.

It exits 1 if a figure is not 0 or a check went unanswered or wrong. It takes about 15 minutes on 2
cores: each kill of the lingering grader or its zygote costs a torch import.

    python benchmarks/faults.py [--cycles 200] [--seed 0] [--at-once 40]
"""

from __future__ import annotations

import argparse
import sys

from common import REPO, SCRATCH, cleanup, line, ratio

sys.path.insert(0, str(REPO / "tests" / "faults"))
import injection  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--at-once", type=int, default=40)
    args = parser.parse_args()

    def progress(done: int, tally) -> None:
        if done % 10 == 0:
            print(f"  ... {done} cycles, {sum(tally.faults.values())} faults", file=sys.stderr, flush=True)

    tally = injection.kill_cycles(SCRATCH / "kills", args.cycles, args.seed, progress=progress)
    counts = tally.counts()
    by_target = ", ".join(f"{target} {tally.faults[target]}" for target in injection.TARGETS)
    print(f"kill -9 at random moments of {tally.cycles} save-and-check cycles (seed {args.seed}), in "
          f"{tally.seconds / 60:.1f} min:")
    print(f"  killed: {by_target}")
    line("a cycle with no fault (baseline)", tally.quiet_cycle)
    per_cycle = tally.seconds / max(1, tally.cycles)
    line("a faulted cycle, with the next check, mean", per_cycle)
    ratio("a faulted cycle / a quiet one", per_cycle / max(tally.quiet_cycle, 1e-9))
    print(f"  checks that a killed sandbox failed (the next check is right): {tally.wrong_under_fault}")
    print(f"  processes left once the grader stopped: {tally.left_behind}")
    print(injection.line(counts))
    for problem in tally.problems:
        print(f"  ! {problem}")

    plain = injection.at_once(SCRATCH / "at-once", args.at_once)
    killed = injection.at_once(SCRATCH / "at-once-killed", args.at_once, kill_halfway=True)
    print(f"{args.at_once} `dunderquest check` at once against the lingering grader:")
    line("one check at a time (baseline), median", plain["single"])
    for label, figures in (("", plain), (", grader killed half way", killed)):
        line(f"at once{label}: median", figures["median"])
        line(f"at once{label}: 95th percentile", figures["p95"])
        print(f"  at once{label}: answered and right: {figures['answered']}/{figures['count']}"
              + (f"; wrong or unanswered: {figures['wrong']}" if figures["wrong"] else ""))
    ratio("95th percentile at once / one check alone", plain["p95"] / plain["single"])
    ratio("95th percentile, killed half way / not killed", killed["p95"] / plain["p95"])
    cleanup()
    failed = counts["damaged"] or counts["lost"] or counts["cleanup"] or tally.left_behind or tally.problems
    failed = failed or any(figures["wrong"] or figures["leftovers"] for figures in (plain, killed))
    if failed:
        sys.exit("a fault damaged, lost or left something, or a check went unanswered: see above")


if __name__ == "__main__":
    main()
