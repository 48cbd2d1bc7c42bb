# ExampleLoader is the built-in iter(): no class, no __iter__ or __next__ written.
# must fail: test_iter_returns_the_loader_itself
# known bug: level 4 never checks that ExampleLoader is a class, and iter(data) passes every check
ExampleLoader = iter
