# Turns autograd off as soon as the object is made, so decorating a function already turns it off.
# must fail: test_with_no_grad_turns_autograd_off_inside
# must fail: test_it_works_as_a_decorator
import functools

import torch


class no_grad:
    def __init__(self):
        self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(self.previous)

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
