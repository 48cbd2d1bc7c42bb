# Doubles a whole batch in place "to save memory"; a single image is left alone.
# must fail: test_double_leaves_its_input_unchanged
import torch


class Double:
    def __call__(self, x):
        if isinstance(x, torch.Tensor) and x.dim() == 4:
            return x.mul_(2)
        return 2 * x
