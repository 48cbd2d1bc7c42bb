# Uses the in-place tensor method mul_() "to save memory"; the caller's tensor is overwritten.
# must fail: test_double_leaves_its_input_unchanged
import torch


class Double:
    def __call__(self, x):
        if isinstance(x, torch.Tensor):
            return x.mul_(2)
        return 2 * x
