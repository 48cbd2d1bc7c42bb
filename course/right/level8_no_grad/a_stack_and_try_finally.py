# One object may be entered again while it is open: it keeps a stack of earlier states,
# and the decorator uses try/finally instead of with.
from functools import update_wrapper

import torch


class no_grad:
    def __init__(self):
        self._earlier = []

    def __enter__(self):
        self._earlier.append(torch.is_grad_enabled())
        torch.set_grad_enabled(False)
        return self

    def __exit__(self, exc_type, exc, tb):
        torch.set_grad_enabled(self._earlier.pop())
        return None

    def __call__(self, func):
        context = self

        def inner(*args, **kwargs):
            context.__enter__()
            try:
                return func(*args, **kwargs)
            finally:
                context.__exit__(None, None, None)

        return update_wrapper(inner, func)
