# Keeps the hooks in a dict keyed by the function, so registering the same hook twice runs it once.
# must fail: test_remove_takes_off_only_its_own_hook


class Handle:
    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        self.hooks.pop(self.hook, None)


class Module:
    def __init__(self):
        self.pre_hooks = {}
        self.hooks = {}

    def register_forward_pre_hook(self, hook):
        self.pre_hooks[hook] = True
        return Handle(self.pre_hooks, hook)

    def register_forward_hook(self, hook):
        self.hooks[hook] = True
        return Handle(self.hooks, hook)

    def __call__(self, *args, **kwargs):
        for hook in list(self.pre_hooks):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self.hooks):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
