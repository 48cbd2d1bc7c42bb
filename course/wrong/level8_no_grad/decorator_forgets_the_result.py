# The decorated function runs, but its result is never handed back.
# must fail: test_it_works_as_a_decorator
import functools

import torch


class no_grad:
    def __enter__(self):
        self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(self.previous)

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                function(*args, **kwargs)

        return wrapper
