# Returns a plain inner function: the decorated function is now called "wrapper" and has no docstring.
# must fail: test_the_decorated_function_keeps_its_name_and_docstring
import torch


class no_grad:
    def __enter__(self):
        self.previous = torch.is_grad_enabled()
        torch.set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        torch.set_grad_enabled(self.previous)

    def __call__(self, function):
        def wrapper(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return wrapper
