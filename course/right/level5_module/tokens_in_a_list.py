# Hooks kept as (token, hook) pairs in lists; a handle filters its own token out.


class Handle:
    def __init__(self, hooks, token):
        self._hooks = hooks
        self._token = token

    def remove(self):
        self._hooks[:] = [pair for pair in self._hooks if pair[0] is not self._token]


class Module:
    def __init__(self):
        self._pre = []
        self._post = []

    def register_forward_pre_hook(self, hook):
        token = object()
        self._pre.append((token, hook))
        return Handle(self._pre, token)

    def register_forward_hook(self, hook):
        token = object()
        self._post.append((token, hook))
        return Handle(self._post, token)

    def _run_pre_hooks(self, args):
        for _, hook in tuple(self._pre):
            new = hook(self, args)
            if new is None:
                continue
            if not isinstance(new, tuple):
                new = (new,)
            args = new
        return args

    def __call__(self, *args, **kwargs):
        args = self._run_pre_hooks(args)
        result = self.forward(*args, **kwargs)
        for _, hook in tuple(self._post):
            replaced = hook(self, args, result)
            result = result if replaced is None else replaced
        return result

    def forward(self, *inputs, **options):
        raise NotImplementedError("write forward in your subclass")
