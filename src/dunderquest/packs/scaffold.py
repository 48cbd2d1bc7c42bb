"""`dunderquest pack new DIR`: a course pack with one small, complete, working level, which
`dunderquest pack check` passes as it comes. The level asks for `Square`, an object you call to
square a number or a tensor, checked on MNIST images against PyTorch's own arithmetic."""

from __future__ import annotations

from pathlib import Path

from .. import __version__

PACK_TOML = '''# A course pack: dunderquest plays and grades its levels like the built-in ones.
name = "{name}"
title = "My course"
version = "0.1.0"
dunderquest = ">={major_minor}"
levels = ["square"]            # the levels' folders, in play order
'''

LEVEL_TOML = '''title = "Objects that square"
class = "Square"
summary = "Write `class Square` whose instances square what they are called with: `Square()(x) == x * x`."
points = 10
'''

LESSON = '''# Objects that square

A class with a `__call__` method makes objects you can call like functions. `torch.nn.Module` works
this way: `model(x)` calls `Module.__call__`, which calls your `forward`.

Write `class Square` in `exercises/square.py` so that `Square()(x)` returns `x * x`, for a number
or a tensor, and leaves `x` as it was:

```python
square = Square()
square(3)           # 9
square(image)       # every pixel squared
```
'''

HINTS = '''# Hints

## Hint 1

Python looks for `__call__` on the class: define `def __call__(self, x):` in the body of `class Square`.

## Hint 2

Return a new value, `x * x`; an in-place operation such as `x.mul_(x)` changes the caller's tensor.
'''

CHECKS = '''"""Square: an object you call to square a number or an MNIST image."""

import pytest

from dunderquest.grader.checking import Named, expect_class, expect_same, expect_unchanged


@pytest.fixture
def square(sandbox, Square):
    return sandbox.new(Square)


def test_square_is_a_class_with_call(Square):
    """Square is a class written in the file, with __call__"""
    expect_class(Square, "Python looks for `__call__` on the class: define `def __call__(self, x):` in its body.",
                 methods=("__call__",), inherited=True)


def test_square_of_numbers_and_images(square, mnist, rng):
    """Square()(x) returns x * x for numbers and MNIST images"""
    for n in (0, 3, -4, rng.randint(5, 100)):
        expect_same(square(n), n * n, f"Square()({n})")
    index = rng.randrange(len(mnist.train))
    image = mnist.images()[index]
    expect_same(square(Named(image, "image")), image * image, "Square()(image)",
                f"(image is MNIST training image {index}, float32 in [0, 1].)")


def test_square_leaves_its_input_unchanged(sandbox, square, mnist, rng):
    """Square()(image) leaves image as it was"""
    image = mnist.images()[rng.randrange(len(mnist.train))]
    kept = sandbox.keep(image, "image")
    square(kept)
    expect_unchanged(kept, image, "Square()(image)", "Your `__call__` works in place (as `x.mul_(x)` does). "
                     "Return a new value instead: `x * x`.")
'''

STUB = '''"""Objects that square: write `class Square` here (see the lesson).

Read the lesson in the game, or with `dunderquest lesson square`.
Check your work with ctrl+r in the game, or `dunderquest check square`.
"""


class Square:
    pass
'''

SOLUTION = '''"""Objects that square: the reference solution."""


class Square:
    def __call__(self, x):
        return x * x
'''

RIGHT = '''"""A right solution written another way: x ** 2."""


class Square:
    def __call__(self, x):
        return x**2
'''

WRONG = {
    "doubles.py": '''# must fail: test_square_of_numbers_and_images
"""Doubles instead of squaring."""


class Square:
    def __call__(self, x):
        return x * 2
''',
    "squares_in_place.py": '''# must fail: test_square_leaves_its_input_unchanged
"""Squares the caller's tensor in place."""


class Square:
    def __call__(self, x):
        if hasattr(x, "mul_"):
            return x.mul_(x)
        return x * x
''',
    "a_function.py": '''# must fail: test_square_is_a_class_with_call
# must fail: test_square_of_numbers_and_images
"""A function where a class was asked for."""


def Square():
    return lambda x: x * x
''',
}


def scaffold(dest: Path) -> list[Path]:
    """Writes the pack into `dest` (an empty or new folder); returns the files written."""
    name = "".join(c if c.isalnum() else "-" for c in dest.resolve().name.lower()).strip("-") or "my-course"
    major_minor = ".".join(__version__.split(".")[:2])
    files = {
        "pack.toml": PACK_TOML.format(name=name, major_minor=major_minor),
        "levels/square/level.toml": LEVEL_TOML,
        "levels/square/lesson.md": LESSON,
        "levels/square/hints.md": HINTS,
        "levels/square/checks.py": CHECKS,
        "exercises/square.py": STUB,
        "solutions/square.py": SOLUTION,
        "right/square/power.py": RIGHT,
        **{f"wrong/square/{file}": text for file, text in WRONG.items()},
    }
    written = []
    for relative, text in files.items():
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
