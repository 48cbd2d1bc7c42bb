# Leans on torch.set_grad_enabled(False), which switches at once and can be exited later,
# and wraps the function by copying its name and docstring by hand.
import torch


class no_grad:
    def __enter__(self):
        self._switch = torch.set_grad_enabled(False)
        return None

    def __exit__(self, *exc_info):
        self._switch.__exit__(*exc_info)

    def __call__(self, function):
        def run(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        run.__name__ = function.__name__
        run.__doc__ = function.__doc__
        return run
