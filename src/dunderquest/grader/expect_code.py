"""Expectations that run the learner's code themselves, or read its file: that a class is written
as the level asks, that a step raises, that an iterator stops, that an input is left unchanged, that
the very object comes back, that a DataLoader gives torch's batches. Each fails with a message in plain
words, ending with the `why` the check gives (see checking.py, which documents them for authors).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .expect import describe, difference, expect_same, expect_same_batch, fail, plural, said
from .messages import LearnerRaised
from .remote import Remote
from .source import is_subclass_of, resolve


def _methods(methods: Sequence[str]) -> str:
    names = [f"`{method}`" for method in methods]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _borrows(base: str, not_from: Sequence[Any]) -> bool:
    for source in not_from:
        if isinstance(source, str):
            if base == source or base.startswith(source + "."):
                return True
        elif isinstance(source, type):
            if is_subclass_of(base, source):
                return True
        elif source(resolve(base)):
            return True
    return False


def expect_class(cls: Remote, why: str = "", *, methods: Sequence[str] = (), inherited: bool = False,
                 not_from: Sequence[Any] = (), write: str | None = None) -> None:
    """Fails unless `cls` (a class fixture) is a class written in the learner's file: not a function or
    a value, not a class imported or assigned from elsewhere, inheriting from none of `not_from` (library
    classes; dotted-name prefixes such as "torchvision"; or tests of a base's value), and defining each
    of `methods` in its own body or an in-file base (with `inherited`, a library base counts too). Each
    message ends with `why`. The sandbox's answers are confirmed from the file's text."""
    sandbox, name = cls._sandbox, cls.expr
    path, source = sandbox.display_path, sandbox.source
    write = f"Write `{write or f'class {name}:'}` there" + (f", with {_methods(methods)}." if methods else ".")
    if not cls.info()["is_type"]:
        fail(said(f"`{name}` in {path} is {describe(cls)}, not a class.", write, why))
    if name not in source.classes:
        fail(said(f"`{name}` in {path} is a class from somewhere else (imported or assigned), not one written "
                  "in that file.", write, why))
    borrowed = [base for base in source.outside_bases(name) if _borrows(base, not_from)]
    if borrowed:
        fail(said(f"`class {name}` in {path} inherits from `{borrowed[0]}`, which already does the job. Write "
                  f"{_methods(methods) or 'it'} yourself: this level is about how "
                  f"{'they work' if len(methods) > 1 else 'it works'}.", why))
    missing = [method for method in methods
               if not (source.defines(name, method) if inherited else source.member(name, method))]
    if len(missing) > 2:
        fail(said(f"`class {name}` in {path} has none of the methods {_methods(missing)}"
                  f"{'' if inherited else ' in its own body'}.", why))
    if missing:
        fail(said(f"`class {name}` in {path} has no {' and no '.join(f'`{m}`' for m in missing)} method"
                  f"{'' if inherited else ' of its own'}.", why))


def expect_raises(error: type[BaseException] | str, action: Callable[[], Any], expr: str, why: str = "") -> None:
    """Fails unless `action()`, a step of the learner's code (`lambda: data[n]`), raises `error` (a
    class or its name); `expr` is that step as the learner would write it."""
    name = error if isinstance(error, str) else error.__name__
    try:
        got = action()
    except LearnerRaised as raised:
        if raised.type_name == name:
            return
        fail(f"{raised}\n" + said(f"`{expr}` should raise {name}, not {raised.type_name}.", why))
    fail(said(f"`{expr}` returned {describe(got)}; it should raise {name}.", why))


def expect_index_errors(data: Remote, indices: Iterable[int], why: str = "") -> None:
    """Fails unless `data[i]` raises IndexError for each of `indices` (each past one end of `data`)."""
    for index in indices:
        expect_raises(IndexError, lambda index=index: data[index], f"{data.expr}[{index}]", why)


@contextmanager
def explain_errors(why: str) -> Iterator[None]:
    """Inside the block, an exception the learner's code raises fails the check with its own message
    (what raised it, and where) followed by `why`: the set-up it ran in, or what to do about it."""
    try:
        yield
    except LearnerRaised as raised:
        raise LearnerRaised(f"{raised}\n{why}", raised.error) from None


def expect_stops(iterator: Remote, when: str, why: str = "") -> None:
    """Fails unless `next(iterator)` raises StopIteration; `when` says when that is ("after the last of
    its 3 items")."""
    try:
        got = next(iterator)
    except StopIteration:
        return
    fail(said(f"`next({iterator.expr})` returned {describe(got)} {when}; it should raise StopIteration.", why))


def expect_iterator(it: Remote, why: str = "") -> None:
    """Fails unless `iter(it)` is `it` itself, as for an iterator: the sandbox's answer, confirmed from the
    file's text (its class's `__iter__` gives back `self`, or comes from a library base; a class nested in
    another is taken at the sandbox's word)."""
    again, source, name = iter(it), it._sandbox.source, it.type_name
    in_file = source.gives_back_self(name, "__iter__") if name in source.classes else name in source.nested
    if not again.is_same_object(it) or not in_file:
        fail(said(f"`iter({it.expr})` gave back {describe(again)}, not {it.expr} itself.", why))


def expect_ends(iterable: Remote, count: int, expr: str, holds: str, why: str = "", *,
                noun: tuple[str, str] = ("item", "items")) -> list:
    """Fails unless `list(iterable)` (`expr`) gives `count` items and then ends, saying how many it gave and
    whether it went on, and what `holds` says it should give ("model holds 4 modules"); gives back the items."""
    got, ended = iterable.take(count + 2)
    if not ended or len(got) != count:
        fail(said(f"`{expr}` gave {plural(len(got), *noun)}{'' if ended else ' and went on'}; {holds}.", why))
    return got


def expect_next_items(iterator: Remote, items: Sequence[Any], over: str, why: str = "", *, stops: str = "") -> None:
    """Fails unless `next(iterator)` gives each of `items` in turn, one per call, and then raises
    StopIteration (`stops` says what to tell the learner if it goes on); `over` says what it iterates
    over, for messages: "Batches([4, 2])"."""
    for position, expected in enumerate(items):
        try:
            got = next(iterator)
        except StopIteration:
            fail(f"`next({iterator.expr})` raised StopIteration after {plural(position, 'item')}, for "
                 f"{iterator.expr} = {over}; it should give all {len(items)}.")
        expect_same(got, expected, f"next({iterator.expr}) (call {position + 1}, {iterator.expr} = {over})", why)
    expect_stops(iterator.named(iterator.expr, on_timeout=stops), f"after the last of the {len(items)} items of "
                 f"{over}", stops)


def expect_same_items(dataset: Remote, reference: Any, indices: Iterable[int], expr: str, about: str, *,
                      like: str) -> None:
    """Fails unless `dataset[i]` is exactly `reference[i]` for each of `indices`, each in range; `about`
    says what the data is ("a is [0, 1], b is empty"), and `like` who gives `reference`."""
    for index in indices:
        with explain_errors(f"Index {index} is in range: {about}."):
            got = dataset[index]
        expect_same(got, reference[index], f"{expr}[{index}]", f"({like} gives that item; {about}.)")


def expect_reads(counts: dict[Remote, int], when: str, why: str = "") -> None:
    """Fails unless each of the counted data in `counts` (made in the sandbox with `counted=True`, or as
    a `counted_...`: see inside/makers.py) has had exactly that many items read from it `when` ("After
    `next(l)`"): a lazy class reads what it is asked for, and nothing ahead."""
    got = {data: data.attribute("reads") for data in counts}
    if got != counts:
        read = " and ".join(f"{plural(n, 'item')} from {data.expr}" for data, n in got.items())
        fail(said(f"{when}, your code had read {read}; it should have read "
                  f"{' and '.join(map(str, counts.values()))}.", why))


def expect_unchanged(kept: Remote, before: Any, expr: str, why: str = "") -> None:
    """Fails unless `kept` (a value put in the sandbox with `sandbox.keep`, then handed to the
    learner's code in `expr`) is still `before`: the learner's code did not change it in place."""
    found = difference(kept.value(), before)
    if found is not None:
        fail(said(f"After `{expr}`, `{kept.expr}` itself had changed ({found}).", why))


def expect_same_object(got: Any, expected: Remote, expr: str, why: str = "") -> None:
    """Fails unless `got`, what `expr` gave, is the very object `expected`, not a copy or another one."""
    if not isinstance(got, Remote) or not got.is_same_object(expected):
        fail(said(f"`{expr}` gave back {describe(got)}, not {expected.expr} itself.", why))


def expect_instance(got: Any, cls: Remote, expr: str, why: str = "") -> None:
    """Fails unless `got`, what `expr` gave, is an object of `cls`, a class of the sandbox (a class fixture)."""
    if not isinstance(got, Remote) or not got.is_instance(cls):
        fail(said(f"`{expr}` gave back {describe(got)}, not a {cls.expr} object.", why))


def expect_same_batches(loader: Remote, reference: Iterable, expr: str, setup: str, why: str = "", *,
                        first: int | None = None, like: str = "torch's DataLoader") -> None:
    """Fails unless iterating `loader` gives the batches of `reference` (torch's own DataLoader), each
    [images, labels]: all of them and then the end, or with `first` only the first so many. `setup` says
    what the data and the options are; `like` names the reference in messages. A loader that goes on
    past the last batch is told `loader.advice` (see `Remote.named`), as for a hang."""
    expected = [list(batch) for batch in itertools.islice(reference, first)]
    got, ended = loader.take(len(expected) + (0 if first else 2))
    went_on = first is None and not ended
    if len(got) != len(expected) or went_on:
        count = plural(len(got), "batch", "batches") + (" and went on" if went_on else "")
        stop = (loader.advice or "After the last batch, its iterator should raise StopIteration.") if went_on else ""
        fail(said(f"`{expr}` gave {count}; {like} gives {len(expected)} ({setup}).", stop, why))
    for number, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        expect_same_batch(mine, theirs, expr, setup, why, like=like, number=number)
