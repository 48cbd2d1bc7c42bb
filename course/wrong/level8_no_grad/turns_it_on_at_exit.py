# Switches autograd back on at the end, whatever the state was before.
# must fail: test_it_restores_the_state_it_found
# must fail: test_nested_blocks_keep_autograd_off_until_the_outer_one_ends
# must fail: test_it_works_as_a_decorator
import functools

import torch


class no_grad:
    def __enter__(self):
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(True)

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
