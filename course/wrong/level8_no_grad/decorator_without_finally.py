# The decorator switches autograd by hand, so an exception in the function leaves it off.
# must fail: test_an_exception_passes_through_and_autograd_comes_back
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
            previous = torch.is_grad_enabled()
            torch.set_grad_enabled(False)
            result = function(*args, **kwargs)
            torch.set_grad_enabled(previous)
            return result

        return wrapper
