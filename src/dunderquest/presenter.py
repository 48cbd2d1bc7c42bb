"""What the learner is told about a check, in one place for every front end: the level's heading,
each check's verdict with its message, what their code printed, and what the result changed (a
pass, a level unlocked, the last level, a hint to suggest). `dunderquest check`, `watch`, the
notebook and the game say the same sentences; each names its own keys and commands in a `Front`.

The progress file decides what changed (`Progress.record` returns an `Outcome`); this module only
words it. Plain text, without Textual, Rich or torch, so every front end can import it at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .core.catalog import Level
from .core.progress import Outcome
from .grader.result import CheckResult, LevelResult

LOCKED = "This level is locked (pass the levels before it first); it was checked anyway."
LAST_LEVEL = "That was the last level: well done!"


@dataclass(frozen=True)
class Front:
    """How a front end names what the learner can do next, each given the level it is about."""

    hint: Callable[[Level], str]  # how to see a hint: "`dunderquest hint 3`", "f1"
    solution: Callable[[Level], str]  # how to compare with the reference solution
    open_level: Callable[[Level], str]  # how to start on another level: its file, "ctrl+n"
    finale: str  # how to start the finale


SHELL = Front(hint=lambda level: f"`dunderquest hint {level.number}`",
              solution=lambda level: f"dunderquest solution {level.number}",
              open_level=lambda level: level.exercise_path,
              finale="dunderquest finale")


def heading(level: Level) -> str:
    """The line above a level's result: "Level 5: Shapes (Shape)  exercises/level5_shapes.py"."""
    return f"Level {level.number}: {level.title} ({level.class_name})  {level.exercise_path}"


def check_lines(result: LevelResult, *, first_failure_only: bool = False) -> list[str]:
    """Each check's verdict, with the message of a failed one under it; with `first_failure_only`,
    the checks that passed are left out and only the first failure has its message."""
    lines = []
    shown_message = False
    for check in result.checks:
        if check.passed:
            if not first_failure_only:
                lines.append(f"  PASS  {check.name}")
            continue
        lines.append(f"  FAIL  {check.name}")
        if check.message and not (first_failure_only and shown_message):
            lines += [f"        {line}" for line in check.message.splitlines()]
            if pointer := look_at(check):
                lines.append(f"        {pointer}")
            shown_message = True
    return lines


def look_at(check: CheckResult) -> str:
    """Where in the learner's file a failed check points, when its message does not say already:
    "Look at `__getitem__`, line 12 of your file." """
    if not check.line or f"line {check.line}" in check.message:
        return ""
    return f"Look at `{check.method}`, line {check.line} of your file." if check.method else \
        f"Look at line {check.line} of your file."


def notes_and_printed(result: LevelResult) -> list[str]:
    """The known mistake the failed checks match, the result's notes, then what the learner's code
    printed."""
    return ([f"  {result.mistake}"] if result.mistake else []) + [f"  Note: {note}" for note in result.notes] + \
        ["  " + line for line in result.printed_lines()]


def summary(result: LevelResult, seconds: float | None = None) -> str:
    """"4/6 checks passed." (with the time the learner waited, when given)."""
    passed = sum(check.passed for check in result.checks)
    if seconds is None:
        return f"{passed}/{len(result.checks)} checks passed."
    return f"{passed}/{len(result.checks)} checks passed in {seconds:.2f} s." if seconds < 1 else \
        f"{passed}/{len(result.checks)} checks passed in {seconds:.1f} s."


def as_sentences(lines: list[str]) -> str:
    """Lines as one paragraph, each a sentence of its own: "... goes there. Compare ..." """
    return " ".join(line if line.endswith((".", "!", "?", ":")) else f"{line}." for line in lines)


def after_check(outcome: Outcome, front: Front, *, has_finale: bool) -> list[str]:
    """What the result changed, and what to do next: the pass and the level it unlocked, or a hint
    to ask for after a few failed tries."""
    level = outcome.level
    if not outcome.passed:
        return [f"Stuck? {front.hint(level)} shows a hint."] if outcome.stuck else []
    lines = [f"Level {level.number} passed."]
    if outcome.unlocked is not None:
        following = outcome.unlocked
        lines.append(f"Level {following.number} ({following.title}) is now unlocked: {front.open_level(following)}")
    elif outcome.last_level:
        lines.append(LAST_LEVEL)
        if has_finale:
            lines.append(f"Now watch your own classes train a model on MNIST: {front.finale}")
    elif outcome.following is not None:
        lines.append(f"Next: level {outcome.following.number} ({outcome.following.title}), "
                     f"{front.open_level(outcome.following)}")
    lines.append(f"Compare with the reference solution: {front.solution(level)}")
    return lines
