# must fail: test_plain_values_are_not_children_and_a_replaced_child_keeps_its_place
"""Lists every attribute, numbers too."""
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_children", {})

    def __setattr__(self, name, value):
        self._children[name] = value
        object.__setattr__(self, name, value)

    def extra_repr(self):
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._children.items()]
        lines = extra_lines + child_lines
        text = type(self).__name__ + "("
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        elif lines:
            text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
