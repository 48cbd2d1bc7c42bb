"""Level 10: `Compose`, `ToTensor` and `Normalize`, callable classes checked against torchvision's
transforms on MNIST. The PIL images are made in the sandbox, from the same MNIST files; the tensors
the learner's transforms return are compared here with `allclose`."""

import torch
from torchvision import transforms

from dunderquest.grader.checking import describe, expect_class, expect_close, expect_unchanged, fail, is_subclass_of

MNIST_MEAN, MNIST_STD = (0.1307,), (0.3081,)


def pil_image(sandbox, mnist, index):
    return sandbox.make("mnist_pil", f"image {index}", root=mnist.root, train=True, index=index)


def test_compose_to_tensor_and_normalize_are_classes_you_wrote(sandbox, Compose, ToTensor, Normalize):
    """Compose, ToTensor and Normalize are classes you wrote, each with __call__"""
    source = sandbox.source
    for cls in (Compose, ToTensor, Normalize):
        name = cls.expr
        expect_class(cls, "Give it a `__call__` method: a transform is an object you call.", not_from=("torchvision",))
        bases = source.outside_bases(name)
        # An nn.Module's __call__ runs its forward, as torchvision's own transforms do.
        as_module = any(is_subclass_of(base, torch.nn.Module) for base in bases) and source.member(name, "forward")
        if source.member(name, "__call__") is None and not as_module:
            fail(f"`class {name}` in {sandbox.display_path} has no `__call__` method of its own. A transform "
                 "is an object you call: `transform(image)` runs `__call__`.")
    used = [name for name in source.imports if name.startswith("torchvision.transforms")]
    if used:
        fail(f"{sandbox.display_path} imports `{used[0]}`: that is torchvision's own answer. Write the three "
             "transforms with torch alone (and PIL or numpy, if you like).")
    sandbox.new(ToTensor)
    sandbox.new(Normalize, MNIST_MEAN, MNIST_STD)
    sandbox.new(Compose, [])


def test_to_tensor_makes_a_float_image_in_0_1(sandbox, ToTensor, mnist, rng):
    """ToTensor() turns an MNIST PIL image into a float tensor [1, 28, 28] in [0, 1], as torchvision's does"""
    to_tensor = sandbox.new(ToTensor)
    reference = transforms.ToTensor()
    for index in rng.sample(range(len(mnist.train)), 3):
        got = to_tensor(pil_image(sandbox, mnist, index))
        expect_close(got, reference(mnist.train[index][0]), f"ToTensor()(image {index})",
                     "(The image is MNIST's, a PIL image of mode L, 28 x 28, with grey levels 0 to 255. "
                     "ToTensor gives float32 values, each divided by 255, with a channel dimension in front: "
                     "[1, height, width].)")


def test_normalize_subtracts_the_mean_and_divides_by_the_std(sandbox, Normalize, mnist, rng):
    """Normalize(mean, std) gives (x - mean) / std for each channel, and leaves its input unchanged"""
    images = mnist.images()
    picked = rng.sample(range(len(images)), 3)
    three = torch.cat([images[i] for i in picked])  # three MNIST digits as the channels of one image
    mean3 = tuple(round(rng.uniform(0.1, 0.5), 3) for _ in range(3))
    std3 = tuple(round(rng.uniform(0.2, 0.6), 3) for _ in range(3))
    cases = [(images[picked[0]], MNIST_MEAN, MNIST_STD, f"MNIST image {picked[0]} as ToTensor() makes it"),
             (three, mean3, std3, "a 3-channel image (three MNIST digits stacked)")]
    for image, mean, std, label in cases:
        kept = sandbox.keep(image.clone(), "image")
        expr = f"Normalize({mean}, {std})(image)"
        got = sandbox.new(Normalize, mean, std)(kept)
        expect_close(got, transforms.Normalize(mean, std)(image), expr,
                     f"(image is {label}, shape {list(image.shape)}. Channel c becomes "
                     "(image[c] - mean[c]) / std[c].)")
        expect_unchanged(kept, image, expr, "torchvision's Normalize returns a new tensor and leaves its input as it "
                         "was: use `-` and `/`, which make a new one (`-=`, `/=`, `sub_` and `div_` change it in "
                         "place).")


def test_compose_applies_the_transforms_in_order(sandbox, Compose, rng):
    """Compose([f, g, h])(x) is h(g(f(x))): each transform once per call, in order"""
    log = sandbox.keep([], "log")
    names = ["f", "g", "h"]
    plan = [(name, rng.randint(2, 5), rng.randint(-9, 9)) for name in names]
    steps = [sandbox.make("Step", name, log=log, name=name, times=times, add=add) for name, times, add in plan]
    compose = sandbox.new(Compose, steps)
    rules = ", ".join(f"{name}(x) = x * {times} {'-' if add < 0 else '+'} {abs(add)}" for name, times, add in plan)
    made_log = log.value()
    if made_log:
        fail(f"Making `Compose([f, g, h])` already called {', '.join(made_log)}. Compose keeps the transforms, "
             "and calls them only when it is called itself.")
    reference = transforms.Compose([lambda x, t=times, a=add: x * t + a for _, times, add in plan])
    for call, x in enumerate((rng.randint(1, 20), rng.randint(-20, -1)), start=1):
        got = compose(x)
        expected = reference(x)
        order = log.value()[(call - 1) * 3:]
        if order != names:
            called = f"called {', '.join(order)}, in that order" if order else "called none of the transforms"
            when = " (the second call of the same Compose)" if call > 1 else ""
            fail(f"`Compose([f, g, h])({x})`{when} {called}; it should call each once per call, in the order of "
                 "the list: f, then g on f's result, then h on g's.")
        if got != expected:
            fail(f"`Compose([f, g, h])({x})` returned {describe(got)}; with {rules} it should be h(g(f({x}))) = "
                 f"{expected}, as torchvision's Compose gives. Each transform takes the result of the one before.")
    value = rng.randint(1, 99)
    got = sandbox.new(Compose, [])(value)
    if got != value:
        fail(f"`Compose([])({value})` returned {describe(got)}; with no transforms it should give back its input, "
             f"{value}.")


def test_the_mnist_pipeline_matches_torchvision(sandbox, Compose, ToTensor, Normalize, mnist, rng):
    """MNIST(..., transform=Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])) gives torchvision's tensors"""
    pipeline = sandbox.new(Compose, [sandbox.new(ToTensor), sandbox.new(Normalize, MNIST_MEAN, MNIST_STD)])
    reference = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MNIST_MEAN, MNIST_STD)])
    why = ("(torchvision's pipeline gives float32 [1, 28, 28] tensors, with the background at about "
           "-0.4242 = (0 - 0.1307) / 0.3081.)")
    first = rng.randrange(len(mnist.train))
    got = pipeline.named("transform")(pil_image(sandbox, mnist, first))
    expect_close(got, reference(mnist.train[first][0]), f"transform(image {first})", why)
    dataset = sandbox.make("mnist_pil", "MNIST(..., transform=transform)", root=mnist.root, train=True,
                           transform=pipeline)
    for index in rng.sample(range(len(mnist.train)), 3):
        image, label = mnist.train[index]
        got = dataset[index]
        expr = f"MNIST(..., transform=transform)[{index}]"
        if not isinstance(got, tuple) or len(got) != 2:
            fail(f"`{expr}` returned {describe(got)}; expected (image, label).")
        expect_close(got[0], reference(image), f"{expr}[0]", why)
        if got[1] != label:
            fail(f"`{expr}[1]` is {describe(got[1])}; expected the label {label}. A transform changes only the image.")
