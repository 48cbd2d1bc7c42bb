# Takes every forward hook's return value as the output, None included.
# must fail: test_forward_hooks_run_after_forward_and_can_replace_the_output
# must fail: test_remove_takes_off_only_its_own_hook


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
        for hook in self.pre_hooks.values():
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in self.hooks.values():
            output = hook(self, args, output)
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
