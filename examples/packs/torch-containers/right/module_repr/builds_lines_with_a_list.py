"""A right solution written another way: a list of (name, child) pairs, and the lines joined at the end."""

import torch


def _indent_after_first(text, spaces=2):
    first, *rest = text.split("\n")
    return "\n".join([first, *(" " * spaces + line for line in rest)])


class Module:
    def __init__(self):
        object.__setattr__(self, "_kids", [])

    def __setattr__(self, name, value):
        if isinstance(value, (Module, torch.nn.Module)):
            for position, (known, _) in enumerate(self._kids):
                if known == name:
                    self._kids[position] = (name, value)
                    break
            else:
                self._kids.append((name, value))
        object.__setattr__(self, name, value)

    def extra_repr(self):
        return ""

    def __repr__(self):
        extra = self.extra_repr().splitlines()
        kids = [f"({name}): {_indent_after_first(repr(child))}" for name, child in self._kids]
        if len(extra) == 1 and not kids:
            return f"{type(self).__name__}({extra[0]})"
        lines = extra + kids
        if not lines:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(" + "".join("\n  " + line for line in lines) + "\n)"
