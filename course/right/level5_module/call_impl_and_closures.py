# __call__ assigned from another method, as PyTorch does; handles are small objects holding a
# closure; the hooks sit in OrderedDicts keyed by a counter.
from collections import OrderedDict
from itertools import count
from types import SimpleNamespace

_keys = count()


def _handle(hooks, key):
    return SimpleNamespace(remove=lambda: hooks.pop(key, None))


class Module:
    def __init__(self) -> None:
        self.forward_pre_hooks: OrderedDict = OrderedDict()
        self.forward_hooks: OrderedDict = OrderedDict()

    def register_forward_pre_hook(self, hook):
        key = next(_keys)
        self.forward_pre_hooks[key] = hook
        return _handle(self.forward_pre_hooks, key)

    def register_forward_hook(self, hook):
        key = next(_keys)
        self.forward_hooks[key] = hook
        return _handle(self.forward_hooks, key)

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def _call_impl(self, *args, **kwargs):
        for key in list(self.forward_pre_hooks):
            out = self.forward_pre_hooks[key](self, args)
            if out is not None:
                args = out if type(out) is tuple else (out,)
        result = self.forward(*args, **kwargs)
        for key in list(self.forward_hooks):
            out = self.forward_hooks[key](self, args, result)
            if out is not None:
                result = out
        return result

    __call__ = _call_impl
