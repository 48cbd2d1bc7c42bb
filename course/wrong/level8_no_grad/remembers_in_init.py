# Remembers the previous state when the object is made, not when the block starts.
# must fail: test_it_restores_the_state_it_found
import functools

import torch


class no_grad:
    def __init__(self):
        self.previous = torch.is_grad_enabled()

    def __enter__(self):
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(self.previous)

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
