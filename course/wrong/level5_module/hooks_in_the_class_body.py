# Keeps the hook lists in the class body, so every Module shares them.
# must fail: test_each_module_has_its_own_hooks
# says: in the body of `class Module` (line


class Handle:
    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)


class Module:
    count = 0
    pre_hooks = {}
    hooks = {}

    def _add(self, hooks, hook):
        Module.count += 1
        hooks[Module.count] = hook
        return Handle(hooks, Module.count)

    def register_forward_pre_hook(self, hook):
        return self._add(self.pre_hooks, hook)

    def register_forward_hook(self, hook):
        return self._add(self.hooks, hook)

    def __call__(self, *args, **kwargs):
        for hook in list(self.pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self.hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
