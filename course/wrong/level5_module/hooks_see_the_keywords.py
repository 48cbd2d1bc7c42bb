# Hands the keyword arguments' values to the hooks as extra args.
# must fail: test_hooks_get_only_the_positional_arguments


class Handle:
    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)


class Module:
    count = 0

    def __init__(self):
        self.pre_hooks = {}
        self.hooks = {}

    def _add(self, hooks, hook):
        Module.count += 1
        hooks[Module.count] = hook
        return Handle(hooks, Module.count)

    def register_forward_pre_hook(self, hook):
        return self._add(self.pre_hooks, hook)

    def register_forward_hook(self, hook):
        return self._add(self.hooks, hook)

    def __call__(self, *args, **kwargs):
        args = args + tuple(kwargs.values())
        for hook in self.pre_hooks.values():
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args)
        for hook in self.hooks.values():
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
