"""What checks use to judge values and to speak to the learner.

A check fails by raising `CheckFailed` with a message in plain words: what the learner's code did,
what was expected, and where to look. `same()` compares strictly (types, dtypes, shapes and values),
because `2.0` is not what `2 * 1` gives, and a float tensor is not what doubling a byte tensor gives.
Each `expect_...` writes such a message from what it is given: the expression as the learner would
write it, and `why`, the sentence that says what to do about it. checking.py documents them for authors;
expect_code.py has those that run the learner's code themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from .remote import Remote
from .wire import Image, loaded_torch, shorten


class CheckFailed(AssertionError):
    """A check's verdict, with the message for the learner."""


def fail(message: str) -> NoReturn:
    raise CheckFailed(message)


def is_tensor(value: Any) -> bool:
    torch = loaded_torch()
    return torch is not None and isinstance(value, torch.Tensor)


def describe(value: Any) -> str:
    """A short, readable account of a value, for messages."""
    if is_tensor(value):
        dtype = str(value.dtype).removeprefix("torch.")
        if value.dim() == 0:
            return f"tensor({value.item()!r}) (dtype {dtype})"
        return f"a tensor of shape {list(value.shape)}, dtype {dtype}"
    if isinstance(value, Remote):
        article = "an" if value.type_name[:1].lower() in "aeiou" else "a"
        shown = "" if value.text.startswith("<") else f" ({value.text})"  # the default repr says nothing more
        return f"{article} {value.type_name} object{shown}"
    if isinstance(value, Image):
        return f"a PIL image (mode {value.mode}, size {value.size[0]}x{value.size[1]})"
    if isinstance(value, tuple | list):
        inner = ", ".join(describe(v) if is_tensor(v) or isinstance(v, tuple | list | Remote) else _short(v)
                          for v in value[:4])
        more = ", ..." if len(value) > 4 else ""
        if isinstance(value, tuple):
            return f"the tuple ({inner}{',' if len(value) == 1 else ''}{more})"
        return f"the list [{inner}{more}]"
    return f"{_short(value)} ({type(value).__name__})"


def _short(value: Any) -> str:
    return shorten(repr(value), 60)


def same(got: Any, expected: Any) -> bool:
    return difference(got, expected) is None


def difference(got: Any, expected: Any, path: str = "") -> str | None:
    """None when `got` is exactly `expected`; otherwise the first difference, in words."""
    at = f" at {path}" if path else ""
    if is_tensor(expected):
        if not is_tensor(got):
            return f"expected a tensor{at}, got {describe(got)}"
        if got.dtype != expected.dtype:
            return (f"the dtype{at} is {str(got.dtype).removeprefix('torch.')}, expected "
                    f"{str(expected.dtype).removeprefix('torch.')}")
        if got.shape != expected.shape:
            return f"the shape{at} is {list(got.shape)}, expected {list(expected.shape)}"
        torch = loaded_torch()
        if got.dtype.is_floating_point:
            equal = (got == expected) | (torch.isnan(got) & torch.isnan(expected))
        else:
            equal = got == expected
        if bool(equal.all()):
            return None
        wrong = (~equal).nonzero()
        first = wrong[0].tolist()
        where = f"[{', '.join(map(str, first))}]"
        return (f"{len(wrong)} of {got.numel()} values{at} differ; the first is at {where}: got "
                f"{got[tuple(first)].item()!r}, expected {expected[tuple(first)].item()!r}")
    if type(got) is not type(expected):
        return f"expected {describe(expected)}{at}, got {describe(got)}"
    if isinstance(expected, tuple | list):
        if len(got) != len(expected):
            return f"expected {len(expected)} items{at}, got {len(got)}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            found = difference(g, e, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, float):
        if got == expected or (math.isnan(got) and math.isnan(expected)):
            return None
        return f"got {got!r}{at}, expected {expected!r}"
    if got != expected:
        return f"got {_short(got)}{at}, expected {_short(expected)}"
    return None


def expect_same(got: Any, expected: Any, expr: str, why: str = "") -> None:
    """Fails unless `got` is exactly `expected`, saying what `expr` returned and what was expected."""
    found = difference(got, expected)
    if found is None:
        return
    tail = f" {why}" if why else ""
    if (is_tensor(expected) or isinstance(expected, tuple | list)) and type(got) is type(expected):
        fail(f"`{expr}` returned {describe(got)}; expected {describe(expected)}: {found}.{tail}")
    if type(got) is type(expected):  # same kind of value: the values say it all
        fail(f"`{expr}` returned {_short(got)}; expected {_short(expected)}.{tail}")
    fail(f"`{expr}` returned {describe(got)}; expected {describe(expected)}.{tail}")


def said(*sentences: str) -> str:
    """The sentences of a message, those given, one after the other."""
    return " ".join(sentence.strip() for sentence in sentences if sentence and sentence.strip())


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 batch`, `3 batches`."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def expect_close(got: Any, expected: Any, expr: str, why: str = "", *, like: str = "torchvision") -> None:
    """Fails unless `got` is a tensor of `expected`'s dtype and shape whose values are `allclose` to
    it (float arithmetic done another way may differ in the last bits); `like` names who gives `expected`."""
    torch = loaded_torch()
    if not is_tensor(got):
        fail(said(f"`{expr}` returned {describe(got)}; expected a tensor of shape {list(expected.shape)}.", why))
    if got.dtype != expected.dtype:
        fail(said(f"`{expr}` returned a tensor of dtype {str(got.dtype).removeprefix('torch.')}; {like} gives "
                  f"{str(expected.dtype).removeprefix('torch.')}.", why))
    if got.shape != expected.shape:
        fail(said(f"`{expr}` returned a tensor of shape {list(got.shape)}; {like} gives {list(expected.shape)}.", why))
    if not torch.allclose(got, expected, rtol=1e-5, atol=1e-6, equal_nan=False):
        gap = (got - expected).abs().nan_to_num(float("inf"))
        where = [int(n) for n in torch.nonzero(gap == gap.max())[0]]
        fail(said(f"`{expr}` differs from {like}'s result: at {where} it is {got[tuple(where)].item():.6g}, {like} "
                  f"gives {expected[tuple(where)].item():.6g} (values from {got.min().item():.4g} to "
                  f"{got.max().item():.4g}; {like}'s from {expected.min().item():.4g} to "
                  f"{expected.max().item():.4g}).", why))


def same_form(got: Any, expected: Sequence[Any]) -> bool:
    """Whether `got` is a pair of tensors of the shapes and dtypes of the batch `expected`."""
    return (isinstance(got, list | tuple) and len(got) == 2
            and all(is_tensor(mine) and mine.shape == theirs.shape and mine.dtype == theirs.dtype
                    for mine, theirs in zip(got, expected, strict=True)))


def batch_difference(got: Any, expected: Sequence[Any]) -> str | None:
    """None when `got` is the batch `expected`, [images, labels]; otherwise the first difference, in
    words: for a batch of the right form whose images are MNIST's as ToTensor() makes them, the first
    item that is another image, or in another place."""
    if not isinstance(got, list | tuple) or len(got) != 2:
        return f"a batch should be the pair [images, labels], got {describe(got)}"
    found = difference(list(got), list(expected))
    if found is None or not same_form(got, expected):
        return found
    images, labels = got
    rows = (images == expected[0]).flatten(1).all(1) & (labels == expected[1])
    first = int((~rows).nonzero()[0])
    image = images[first]
    if not image.dtype.is_floating_point or bool(((image * 255).round() - image * 255).abs().max() > 1e-3):
        return found  # not an image as ToTensor() makes one: its values differ, and `found` says where
    return (f"item {first} of the batch is another MNIST image than torch's (label {int(labels[first])}, "
            f"expected {int(expected[1][first])}): the batch holds other items, or the same ones in another order")


def same_batches(got: Any, expected: Iterable) -> bool:
    """Whether `got`, a list of batches, is `expected` (a DataLoader, or a list of batches) batch for batch."""
    expected = [list(batch) for batch in expected]
    return len(got) == len(expected) and all(batch_difference(mine, theirs) is None
                                             for mine, theirs in zip(got, expected, strict=True))


def expect_same_batch(got: Any, expected: Sequence[Any], expr: str, setup: str, why: str = "", *,
                      like: str = "torch's DataLoader", number: int | None = None) -> None:
    """Fails unless `got`, what `expr` gave (its batch `number`, when given), is the batch `expected`,
    [images, labels], as `like` gives it; `setup` says what the data and the options are."""
    found = batch_difference(got, list(expected))
    if found is not None:
        which = f"`{expr}`" if number is None else f"Batch {number} of `{expr}`"
        fail(said(f"{which} differs from {like} ({setup}): {found}.", why))


def shown(value: Any) -> str:
    """A value as a message shows it: True, 'text' and None as Python writes them, anything else described."""
    return repr(value) if isinstance(value, bool | str) or value is None else describe(value)


def expect_same_steps(got: Any, expected: Sequence[Sequence[Any]], expr: str, why: str = "", *, like: str,
                      advice: dict[str, str] | None = None) -> None:
    """Fails unless `got`, the record a probe made of `expr` in the sandbox around the learner's class (a
    list of [what it looked at, the value it saw]), is `expected`, the record of the same probe run here
    around the reference (`like` says how: "with `torch.no_grad`"). `advice` may give a step, by its
    `what`, a `why` of its own."""
    tampered = "Running `{}` in the sandbox gave back {}: your code changed how the grader's own steps run there."
    if not isinstance(got, list):
        fail(tampered.format(expr, f"{describe(got)} instead of its steps"))
    for step, (what, value) in zip(got, expected, strict=False):
        if not isinstance(step, list) or len(step) != 2 or step[0] != what:
            fail(tampered.format(expr, "steps the grader did not take"))
        found = difference(step[1], value)
        if found is not None:
            detail = f" ({found})" if is_tensor(value) and is_tensor(step[1]) else ""
            fail(said(f"{what} was {shown(step[1])}; {like} it is {shown(value)}{detail}.",
                      (advice or {}).get(what, why)))
    if len(got) != len(expected):
        fail(said(f"`{expr}` stopped after {len(got)} of its {len(expected)} steps; {like} it takes them all.", why))
