# Turns every tensor into float32 first, so uint8 pixels no longer wrap past 255 as 2 * pixels does.
# must fail: test_double_of_an_mnist_image_is_twice_the_image
import torch


class Double:
    def __call__(self, x):
        if isinstance(x, torch.Tensor):
            x = x.float()
        return 2 * x
