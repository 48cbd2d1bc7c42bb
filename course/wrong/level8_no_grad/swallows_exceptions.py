# Returns True from __exit__, which tells Python the exception was handled: it disappears.
# must fail: test_an_exception_passes_through_and_autograd_comes_back
import functools

import torch


class no_grad:
    def __enter__(self):
        self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(self.previous)
        return True

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
