"""Level 5: hooks, what nn.Module's __call__ really does.

Calling a PyTorch module does more than call `forward`. `m(x)` first runs the module's forward
pre-hooks, then `forward`, then its forward hooks. Write that machinery in `class Module`:

- `register_forward_pre_hook(hook)`: later calls run `hook(module, args)` before forward, where
  `args` is the tuple of positional arguments. If the hook returns something other than None,
  that becomes the new args (a result that is not a tuple is wrapped in one).
- `register_forward_hook(hook)`: later calls run `hook(module, args, output)` after forward. If it
  returns something other than None, that becomes the output.
- Both return a handle whose `.remove()` takes that hook off again (removing twice does nothing).
- `__call__(*args, **kwargs)` runs the pre-hooks, `forward(*args, **kwargs)` and the forward hooks,
  each in the order they were registered, and returns the output. Hooks never see the kwargs.
- The base `forward` raises NotImplementedError: subclasses write their own.

The grader subclasses your Module and compares every call with torch.nn.Module's, on MNIST images.
Right now `__call__` is the simplified one from the blog post: it ignores hooks altogether.

Read the lesson in the game, or with `dunderquest lesson 5`.
Check your work with ctrl+r in the game, or `dunderquest check 5`.
"""


class Module:
    def __init__(self):
        pass

    def register_forward_pre_hook(self, hook):
        raise NotImplementedError("register_forward_pre_hook is not written yet")

    def register_forward_hook(self, hook):
        raise NotImplementedError("register_forward_hook is not written yet")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward method")
