"""Level 1: `Double`, an object you can call like a function."""

import pytest

from dunderquest.grader.checking import Named, expect_class, expect_same, expect_unchanged, fail

IN_PLACE = ("Your `__call__` doubles the tensor in place (as `x *= 2` or `x.mul_(2)` do), which changes the "
            "caller's data. Return a new value instead: `2 * x`.")


@pytest.fixture
def double(sandbox, Double):
    return sandbox.new(Double)


def test_double_is_a_class(Double):
    """Double is a class"""
    expect_class(Double, "This level is about objects you can call: give it a `__call__` method.")


def test_calling_comes_from_dunder_call_on_the_class(sandbox, double):
    """Double() is callable through __call__ defined on the class"""
    info = double.info()
    if "__call__" in info["dunders"] and sandbox.source.defines("Double", "__call__"):
        return
    if "__call__" in info["instance_dict"]:
        fail("Your Double sets `__call__` on the instance (`self.__call__ = ...`). Python looks for "
             "`__call__` on the class, not the instance, so `Double()(3)` still fails. Define "
             f"`def __call__(self, x):` in the body of `class Double` in {sandbox.display_path}.")
    if "__call__" in info["dunders"]:
        fail(f"The grader cannot find a `__call__` written in `class Double` in {sandbox.display_path}. "
             "Write it as a method in the class body: `def __call__(self, x):`.")
    fail(f"`class Double` in {sandbox.display_path} has no `__call__` method, so its instances cannot be "
         "called: `Double()(3)` raises TypeError. Add `def __call__(self, x):` to the class.")


def test_double_of_an_int_is_twice_the_int(double, rng):
    """Double()(n) returns 2 * n for ints"""
    for n in (0, 1, -7, rng.randint(2, 1000), rng.randint(-10**6, -1000), 2**70 + rng.randint(0, 99)):
        expect_same(double(n), 2 * n, f"Double()({n})")


def test_double_of_a_float_is_twice_the_float(double, rng):
    """Double()(x) returns 2 * x for floats"""
    for x in (0.5, -1.25, round(rng.uniform(-100, 100), 3), rng.random()):
        expect_same(double(x), 2 * x, f"Double()({x!r})")


def test_double_of_an_mnist_image_is_twice_the_image(double, mnist, rng):
    """Double()(image) returns 2 * image for MNIST image tensors"""
    index = rng.randrange(len(mnist.train))
    image = mnist.images()[index]
    expect_same(double(Named(image, "image")), 2 * image, "Double()(image)",
                f"(image is MNIST training image {index}, as ToTensor() gives it: float32 in [0, 1].)")
    raw = mnist.train.data[index]
    expect_same(double(Named(raw, "pixels")), 2 * raw, "Double()(pixels)",
                "(pixels is the same image as stored, uint8; 2 * pixels stays uint8 and wraps past 255.)")
    batch = mnist.some_images(rng, 8)
    expect_same(double(Named(batch, "batch")), 2 * batch, "Double()(batch)",
                "(batch is 8 MNIST images, shape [8, 1, 28, 28].)")


def test_double_leaves_its_input_unchanged(sandbox, double, mnist, rng):
    """Double()(x) leaves x unchanged: an image, its raw pixels, a batch"""
    index = rng.randrange(len(mnist.train) - 8)
    inputs = {"image": mnist.images()[index], "pixels": mnist.train.data[index],
              "batch": mnist.images()[index:index + 8]}
    for name, value in inputs.items():
        kept = sandbox.keep(value, name)
        result = double(kept)
        expect_unchanged(kept, value, f"Double()({name})", IN_PLACE)
        expect_same(result, 2 * value, f"Double()({name})")
