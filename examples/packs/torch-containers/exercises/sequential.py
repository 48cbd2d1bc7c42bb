"""Sequential: write a container you can call, index, slice, measure and iterate, as
torch.nn.Sequential (read the lesson: `dunderquest lesson sequential`). Check your work with
`dunderquest check sequential`."""


class Sequential:
    def __init__(self, *modules):
        self.layers = list(modules)
