"""Level 8: `no_grad`, a context manager that also works as a decorator.

Every check runs one scenario twice: in the sandbox with the learner's `no_grad`, and here with
`torch.no_grad`. The scenario (probes.py beside this file) reports what it looked at step by step, and
the two reports must agree."""

import torch

from dunderquest.grader.checking import expect_class, expect_same_steps, load_probes

probes = load_probes(__file__)


NOT_CALLABLE = ("`__call__(self, function)` must give back a function: the decorated one, which `@no_grad()` "
                "puts in the place of `function`. Yours gave back something that cannot be called (a missing "
                "`return`?).")
HANG = "Look for a loop in `__enter__`, `__exit__` or `__call__`, or a decorated function that calls itself for ever."


def expect_like_torch(sandbox, no_grad, scenario, rng, expr, advice):
    seed = rng.randrange(2**31)
    got = sandbox.make("grad_steps", expr, no_grad=no_grad, scenario=scenario, seed=seed, on_timeout=HANG).value()
    expect_same_steps(got, probes.grad_steps(torch.no_grad, scenario, seed), expr, advice, like="with `torch.no_grad`",
                      advice={"`callable(no_grad()(f))`": NOT_CALLABLE})


def test_no_grad_is_a_class_you_wrote(sandbox, no_grad):
    """no_grad is a class you wrote, with __enter__, __exit__ and __call__"""
    expect_class(no_grad, "`with` calls `__enter__` and `__exit__`; `@no_grad()` calls `__call__` with the function.",
                 methods=("__enter__", "__exit__", "__call__"), not_from=(lambda base: hasattr(base, "__enter__"),))
    sandbox.new(no_grad)


def test_with_no_grad_turns_autograd_off_inside(sandbox, no_grad, rng):
    """Inside `with no_grad():` autograd is off, and after the block it is on again"""
    expect_like_torch(sandbox, no_grad, "with", rng, "with no_grad(): y = x * 2",
                      "`__enter__` remembers `torch.is_grad_enabled()` and calls `torch.set_grad_enabled(False)`; "
                      "`__exit__` puts the remembered state back. Making a `no_grad()` changes nothing yet.")


def test_it_restores_the_state_it_found(sandbox, no_grad, rng):
    """After the block, autograd is as it was before it, even when it was already off"""
    expect_like_torch(sandbox, no_grad, "already_off", rng, "torch.set_grad_enabled(False); with no_grad(): ...",
                      "`__exit__` must put back the state `__enter__` found, which is not always True. "
                      "Remember it in `__enter__` (not in `__init__`): that is when the block starts.")


def test_nested_blocks_keep_autograd_off_until_the_outer_one_ends(sandbox, no_grad, rng):
    """Nested `with no_grad():` blocks: autograd stays off until the outer block ends"""
    expect_like_torch(sandbox, no_grad, "nested", rng, "with no_grad(): with no_grad(): ...",
                      "Each `no_grad()` object remembers its own previous state on `self`, so the inner "
                      "block puts back 'off' and the outer one 'on'.")


def test_an_exception_passes_through_and_autograd_comes_back(sandbox, no_grad, rng):
    """An exception passes through the block and the decorated function, and autograd comes back on"""
    expect_like_torch(sandbox, no_grad, "raises", rng, "with no_grad(): raise ...",
                      "`__exit__(exc_type, exc_value, traceback)` runs even when the block raises: restore "
                      "the state there and return None or False, so the exception goes on. In the "
                      "decorator, `with` (or try/finally) gives the same guarantee.")


def test_it_works_as_a_decorator(sandbox, no_grad, rng):
    """`@no_grad()` turns autograd off only while the decorated function runs"""
    expect_like_torch(sandbox, no_grad, "decorator", rng, "@no_grad() def f(t, scale=2): ...",
                      "`__call__(self, function)` returns a new function that runs `function(*args, **kwargs)` "
                      "inside a `with` block of a fresh `no_grad()` (a new one on every call, as a function "
                      "may call itself), and returns what it returned.")


def test_the_decorated_function_keeps_its_name_and_docstring(sandbox, no_grad, rng):
    """A function decorated with `@no_grad()` keeps its __name__ and __doc__"""
    expect_like_torch(sandbox, no_grad, "wraps", rng, "@no_grad() def scaled(t): ...",
                      "Put `@functools.wraps(function)` on the function that `__call__` returns: it copies "
                      "the name and the docstring over.")
