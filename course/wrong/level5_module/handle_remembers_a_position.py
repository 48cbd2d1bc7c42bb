# The handle remembers the hook's position in the list, which is wrong once an earlier hook has
# been removed.
# must fail: test_remove_takes_off_only_its_own_hook


class Handle:
    def __init__(self, hooks, position):
        self.hooks, self.position = hooks, position

    def remove(self):
        if self.position < len(self.hooks):
            del self.hooks[self.position]


class Module:
    def __init__(self):
        self.pre_hooks = []
        self.hooks = []

    def register_forward_pre_hook(self, hook):
        self.pre_hooks.append(hook)
        return Handle(self.pre_hooks, len(self.pre_hooks) - 1)

    def register_forward_hook(self, hook):
        self.hooks.append(hook)
        return Handle(self.hooks, len(self.hooks) - 1)

    def __call__(self, *args, **kwargs):
        for hook in self.pre_hooks:
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in self.hooks:
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
