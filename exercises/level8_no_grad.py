"""Level 8: context managers, no_grad.

Write `class no_grad`, your own `torch.no_grad`:

- `with no_grad():` turns autograd off inside the block (`torch.is_grad_enabled()` is False there,
  and tensors computed there do not require grad), then puts back the state it found, even when
  the block raises. It never swallows the exception. Nested blocks work.
- `@no_grad()` on a function does the same while the function runs, and the decorated function
  keeps its `__name__` and `__doc__`.

`torch.is_grad_enabled()` and `torch.set_grad_enabled(flag)` read and set autograd's state.
The grader runs the same steps with your class and with `torch.no_grad`, and compares them.

Read the lesson in the game, or with `dunderquest lesson 8`.
Check your work with ctrl+r in the game, or `dunderquest check 8`.
"""

import torch


class no_grad:
    def __enter__(self):
        ...

    def __exit__(self, exc_type, exc_value, traceback):
        ...

    def __call__(self, function):
        ...
