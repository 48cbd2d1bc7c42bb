# Uses inference mode, which is stricter than no_grad: tensors made there can never join autograd later.
# must fail: test_with_no_grad_turns_autograd_off_inside
import functools

import torch


class no_grad:
    def __enter__(self):
        self.mode = torch.inference_mode()
        self.mode.__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        self.mode.__exit__(exc_type, exc_value, traceback)

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
