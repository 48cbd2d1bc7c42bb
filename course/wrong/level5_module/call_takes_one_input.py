# A short __call__(self, x): it takes no keyword arguments, and the hooks are kept but never run.
# must fail: test_calling_a_module_runs_forward
# must fail: test_pre_hooks_run_in_order_before_forward


class Module:
    def __init__(self):
        self.pre_hooks = []
        self.hooks = []

    def register_forward_pre_hook(self, hook):
        self.pre_hooks.append(hook)

    def register_forward_hook(self, hook):
        self.hooks.append(hook)

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        raise NotImplementedError
