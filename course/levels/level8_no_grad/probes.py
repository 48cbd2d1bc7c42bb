"""Level 8's probes: autograd scenarios for a `no_grad` class (the learner's in the sandbox,
`torch.no_grad` in the checks), which record what they see step by step, as plain data, so the
learner's class is judged by what the real one does in the very same scenario."""

from __future__ import annotations

from typing import Any

import torch

_on = torch.is_grad_enabled  # read when the probes load, before the learner's file: theirs cannot stand in for it


class ProbeError(Exception):
    """The grader's own exception, raised inside a `with` block or a decorated function to see
    whether it comes out."""


def grad_steps(no_grad: Any, scenario: str, seed: int) -> list:
    """One autograd scenario, run with a `no_grad` class: the learner's in the sandbox, and
    `torch.no_grad` in the grader, which compares the two. Each step is [what was looked at, value]."""
    x = torch.randn(3, generator=torch.Generator().manual_seed(seed)).requires_grad_()
    steps: list = []
    before = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    try:
        GRAD_SCENARIOS[scenario](no_grad, x, lambda what, value: steps.append([what, value]))
    finally:
        torch.set_grad_enabled(before)
    return steps


def _grad_with(no_grad: Any, x: Any, look: Any) -> None:
    context = no_grad()
    look("`torch.is_grad_enabled()` after `no_grad()` is made, before the `with`", _on())
    with context:
        look("`torch.is_grad_enabled()` inside `with no_grad():`", _on())
        look("`torch.is_inference_mode_enabled()` inside `with no_grad():`", torch.is_inference_mode_enabled())
        look("`(x * 2).requires_grad` inside `with no_grad():` (x requires grad)", (x * 2).requires_grad)
        look("`x.sum().requires_grad` inside `with no_grad():`", x.sum().requires_grad)
    look("`torch.is_grad_enabled()` after the `with` block", _on())
    look("`(x * 2).requires_grad` after the `with` block", (x * 2).requires_grad)


def _grad_already_off(no_grad: Any, x: Any, look: Any) -> None:
    torch.set_grad_enabled(False)
    with no_grad():
        look("`torch.is_grad_enabled()` inside `with no_grad():`, entered with autograd already off", _on())
    look("`torch.is_grad_enabled()` after a `with no_grad():` block entered with autograd off", _on())
    torch.set_grad_enabled(True)
    context = no_grad()
    torch.set_grad_enabled(False)
    with context:
        pass
    look("`torch.is_grad_enabled()` after `with context:`, where `context = no_grad()` was made while "
         "autograd was on and entered while it was off", _on())


def _grad_nested(no_grad: Any, x: Any, look: Any) -> None:
    with no_grad():
        with no_grad():
            look("`torch.is_grad_enabled()` inside the inner of two nested `with no_grad():` blocks", _on())
        look("`torch.is_grad_enabled()` after the inner block ends, still inside the outer one", _on())
        look("`(x * 2).requires_grad` there", (x * 2).requires_grad)
    look("`torch.is_grad_enabled()` after both blocks", _on())


def _callable_step(decorated: Any, look: Any) -> bool:
    usable = callable(decorated)
    look("`callable(no_grad()(f))`", usable)
    return usable


def _grad_raises(no_grad: Any, x: Any, look: Any) -> None:
    came_out = False
    try:
        with no_grad():
            raise ProbeError("raised inside the block")
    except ProbeError:
        came_out = True
    look("whether an exception raised inside `with no_grad():` came out of the block", came_out)
    look("`torch.is_grad_enabled()` after an exception left a `with no_grad():` block", _on())

    def fails(t: Any) -> Any:
        raise ProbeError("raised inside the decorated function")

    decorated = no_grad()(fails)
    if not _callable_step(decorated, look):
        return
    came_out = False
    try:
        decorated(x)
    except ProbeError:
        came_out = True
    look("whether an exception raised inside a function decorated with `@no_grad()` came out of the call",
         came_out)
    look("`torch.is_grad_enabled()` after an exception left a decorated function", _on())


def _grad_decorator(no_grad: Any, x: Any, look: Any) -> None:
    def scaled(t: Any, scale: int = 2) -> Any:
        look("`torch.is_grad_enabled()` inside the decorated function", _on())
        return t * scale

    decorated = no_grad()(scaled)
    look("`torch.is_grad_enabled()` after decorating a function, before calling it", _on())
    if not _callable_step(decorated, look):
        return
    result = decorated(x, scale=3)
    look("what the decorated `f(x, scale=3)` returned (it returns `x * scale`)", result)
    look("`f(x, scale=3).requires_grad`", getattr(result, "requires_grad", None))
    look("`torch.is_grad_enabled()` after the call", _on())

    def again(n: int) -> Any:
        return calls[0](n - 1) if n else (x * 2).requires_grad

    calls = [no_grad()(again)]
    look("`(x * 2).requires_grad` inside a decorated function that called itself twice", calls[0](2))
    look("`torch.is_grad_enabled()` after a decorated function that called itself returned", _on())
    torch.set_grad_enabled(False)
    decorated(x)
    look("`torch.is_grad_enabled()` after calling the decorated function while autograd was off", _on())


def _grad_wraps(no_grad: Any, x: Any, look: Any) -> None:
    def scaled(t: Any) -> Any:
        """Multiplies t by 2."""
        return t * 2

    decorated = no_grad()(scaled)
    look("`f.__name__` of the decorated function", getattr(decorated, "__name__", None))
    look("`f.__doc__` of the decorated function", getattr(decorated, "__doc__", None))


GRAD_SCENARIOS = {"with": _grad_with, "already_off": _grad_already_off, "nested": _grad_nested,
                  "raises": _grad_raises, "decorator": _grad_decorator, "wraps": _grad_wraps}
