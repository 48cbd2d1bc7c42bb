"""Level 5: hooks, what nn.Module's __call__ really does."""

import itertools


class RemovableHandle:
    """Given back by a register method: `remove()` takes that one registration off again."""

    _ids = itertools.count()

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = next(RemovableHandle._ids)

    def remove(self):
        # pop with a default: removing twice does nothing, as in PyTorch.
        self.hooks.pop(self.id, None)


class Module:
    """The calling machinery of torch.nn.Module: pre-hooks, forward, forward hooks."""

    def __init__(self):
        # Each module has its own hooks. A dict keeps registration order, and keying it by the
        # handle's id lets the same function be registered twice and removed one at a time.
        self._forward_pre_hooks = {}
        self._forward_hooks = {}

    def _register(self, hooks, hook):
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_forward_pre_hook(self, hook):
        """`hook(module, args)` runs before forward; if it returns something, that becomes the args."""
        return self._register(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """`hook(module, args, output)` runs after forward; if it returns something, that is the output."""
        return self._register(self._forward_hooks, hook)

    def __call__(self, *args, **kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward method: a subclass must write one.")
