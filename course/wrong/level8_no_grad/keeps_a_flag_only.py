# Keeps its own "enabled" flag but never tells torch, so autograd stays on.
# must fail: test_with_no_grad_turns_autograd_off_inside
# must fail: test_nested_blocks_keep_autograd_off_until_the_outer_one_ends
# must fail: test_it_works_as_a_decorator
import functools


class no_grad:
    enabled = True

    def __enter__(self):
        self.previous = no_grad.enabled
        no_grad.enabled = False

    def __exit__(self, exc_type, exc_value, traceback):
        no_grad.enabled = self.previous

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
