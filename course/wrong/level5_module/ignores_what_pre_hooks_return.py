# Calls the pre-hooks but throws away what they return.
# must fail: test_a_pre_hook_can_replace_the_arguments
# must fail: test_forward_hooks_run_after_forward_and_can_replace_the_output


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
            hook(self, args)
        output = self.forward(*args, **kwargs)
        for hook in self.hooks.values():
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
