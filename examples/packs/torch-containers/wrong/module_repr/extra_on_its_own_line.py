# must fail: test_extra_repr_goes_inside_the_parentheses
"""Puts even a one-line extra repr on a line of its own."""
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_children", {})

    def __setattr__(self, name, value):
        if isinstance(value, Module | torch.nn.Module):
            self._children[name] = value
        else:
            self._children.pop(name, None)
        object.__setattr__(self, name, value)

    def extra_repr(self):
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._children.items()]
        lines = extra_lines + child_lines
        text = type(self).__name__ + "("
        if lines:
            text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
