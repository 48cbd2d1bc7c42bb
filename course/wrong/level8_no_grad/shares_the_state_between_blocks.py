# Keeps the previous state on the class, shared by every no_grad: nested blocks overwrite it.
# must fail: test_nested_blocks_keep_autograd_off_until_the_outer_one_ends
import functools

import torch


class no_grad:
    previous = True

    def __enter__(self):
        no_grad.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(no_grad.previous)

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
