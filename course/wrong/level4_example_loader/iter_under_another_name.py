# ExampleLoader is the built-in iter(): no class, no __iter__ or __next__ written.
# must fail: test_example_loader_is_a_class_with_iter_and_next
# must fail: test_iter_returns_the_loader_itself
ExampleLoader = iter
