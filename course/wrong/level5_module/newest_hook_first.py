# Puts each new hook in front, so the hooks run newest first.
# must fail: test_pre_hooks_run_in_order_before_forward
# must fail: test_forward_hooks_run_after_forward_and_can_replace_the_output


class Handle:
    def __init__(self, hooks, token):
        self.hooks, self.token = hooks, token

    def remove(self):
        self.hooks[:] = [pair for pair in self.hooks if pair[0] is not self.token]


class Module:
    def __init__(self):
        self.pre_hooks = []
        self.hooks = []

    def _add(self, hooks, hook):
        token = object()
        hooks.insert(0, (token, hook))
        return Handle(hooks, token)

    def register_forward_pre_hook(self, hook):
        return self._add(self.pre_hooks, hook)

    def register_forward_hook(self, hook):
        return self._add(self.hooks, hook)

    def __call__(self, *args, **kwargs):
        for _, hook in list(self.pre_hooks):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for _, hook in list(self.hooks):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def forward(self, *args, **kwargs):
        raise NotImplementedError
