"""Level 8: context managers, no_grad."""

import functools

import torch


class no_grad:
    """Turns autograd off inside a `with` block, or while a decorated function runs."""

    def __enter__(self):
        # Remember the state the block starts in: it is what __exit__ puts back.
        self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(self.previous)
        return False  # never swallow the exception, if there is one

    def __call__(self, function):
        @functools.wraps(function)  # keeps the function's name and docstring
        def without_grad(*args, **kwargs):
            # A fresh context on every call: a function that calls itself would otherwise
            # overwrite the state its outer call remembered.
            with type(self)():
                return function(*args, **kwargs)

        return without_grad
