"""The warm grader (a zygote forking runners and sandboxes) against the cold path: same verdicts,
no leaks from one sandbox to the next, and a dead zygote is replaced without the learner noticing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools import COLD_GRADER

REPO = Path(__file__).resolve().parent.parent.parent

COLD = COLD_GRADER


def corpus(catalog):
    """Every solution, stub and wrong solution, with its level."""
    for level in catalog:
        yield level, REPO / "solutions" / level.file_name
        yield level, REPO / "exercises" / level.file_name
        for path in sorted((REPO / "course" / "wrong" / level.folder.name).glob("*.py")):
            yield level, path


# Code that reads an endless generator up front runs out of memory or out of time, whichever comes
# first on a busy machine: either message is the same verdict.
OUT_OF_TIME = re.compile(r"^`([^`]*)` did not finish within .*")
OUT_OF_MEMORY = re.compile(r"^While running `([^`]*)`, your code used more than .* of memory.*", re.S)


def verdicts(result) -> list[tuple]:
    def verdict(check) -> tuple:
        for pattern in (OUT_OF_TIME, OUT_OF_MEMORY):
            found = pattern.match(check.message)
            if found:
                return (check.id, check.passed, f"`{found[1]}` ran out of time or memory", None)
        return (check.id, check.passed, check.message, check.line)

    return [verdict(c) for c in result.checks]


@pytest.mark.slow
def test_warm_and_cold_runs_agree_on_the_whole_corpus(grader, catalog):
    from dunderquest.grader.result import LevelResult

    files = list(corpus(catalog))
    assert len(files) >= 4 * 8, "the wrong-solution corpus should be there"
    requests = "".join(json.dumps([level.id, str(path), 1000 + n]) + "\n" for n, (level, path) in enumerate(files))
    cold = subprocess.run([sys.executable, "-c", COLD], input=requests, capture_output=True, text=True,
                          timeout=900, check=True)
    cold_results = [LevelResult.from_json(json.loads(line)) for line in cold.stdout.splitlines()]
    assert len(cold_results) == len(files)
    for n, ((level, path), cold_result) in enumerate(zip(files, cold_results, strict=True)):
        warm_result = grader.grade(level, path, seed=1000 + n)
        assert verdicts(warm_result) == verdicts(cold_result), path.name
        assert warm_result.passed == cold_result.passed


NOSY = textwrap.dedent("""
    # Looks for traces of earlier runs, and leaves its own: a module attribute, a changed global of
    # a library, a file in the working folder, an environment variable. It doubles correctly only
    # when it finds none.
    import json
    import os
    import torch

    SEEN = [name for name, seen in [
        ("torch attribute", hasattr(torch, "_left_behind")),
        ("json global", getattr(json, "_left_behind", False)),
        ("file in the working folder", os.path.exists("left_behind.txt")),
        ("environment variable", "LEFT_BEHIND" in os.environ),
    ] if seen]
    torch._left_behind = True
    json._left_behind = True
    with open("left_behind.txt", "w") as f:
        f.write("x")
    os.environ["LEFT_BEHIND"] = "1"


    class Double:
        def __call__(self, x):
            if SEEN:
                raise RuntimeError("found traces of an earlier run: " + ", ".join(SEEN))
            return 2 * x
""")


def test_what_one_sandbox_does_is_not_seen_by_the_next(grader, catalog, tmp_path):
    path = tmp_path / "level1_double.py"
    path.write_text(NOSY)
    level = catalog.get("1")
    for _ in range(3):
        result = grader.grade(level, path)
        assert result.passed, [c.message for c in result.checks if not c.passed]
    assert not (tmp_path / "left_behind.txt").exists()


def test_a_crash_in_one_check_leaves_a_clean_sandbox_for_the_next(grader, catalog, tmp_path):
    path = tmp_path / "level1_double.py"
    path.write_text(NOSY.replace("return 2 * x", "if isinstance(x, int) and x == 0:\n"
                                 "            os._exit(3)\n        return 2 * x"))
    result = grader.grade(catalog.get("1"), path)
    by_id = {c.id: c for c in result.checks}
    assert not by_id["test_double_of_an_int_is_twice_the_int"].passed
    assert "exit code 3" in by_id["test_double_of_an_int_is_twice_the_int"].message
    # The checks after the crash ran in fresh sandboxes, which saw no traces of the first one.
    assert by_id["test_double_of_a_float_is_twice_the_float"].passed, \
        by_id["test_double_of_a_float_is_twice_the_float"].message


def test_a_dead_zygote_is_replaced_without_an_error(grader, catalog):
    level = catalog.get("1")
    solution = REPO / "solutions" / level.file_name
    assert grader.grade(level, solution).passed
    os.kill(grader.pid, signal.SIGKILL)
    assert grader.grade(level, solution).passed


def children_of(parent: int) -> list[int]:
    """The processes whose parent is `parent`; one that ends while /proc is read (another test's,
    on a parallel run) is passed over."""
    children = []
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(parent):
                children.append(int(name))
        except OSError:
            continue
    return children


def test_spares_that_died_while_waiting_are_replaced(catalog):
    """The zygote keeps runners (one per core) and a sandbox forked ahead; if they die before they
    are used, a run still gets live ones and the learner sees a normal result."""
    import time

    from dunderquest.grader.service.client import GraderClient

    client = GraderClient()
    try:
        client.warm_up()
        assert client.ready.wait(120)
        zygote = client.pid
        time.sleep(1)  # the spares are forked right after the zygote says it is ready
        children = children_of(zygote)
        # A sandbox, and a runner per core; as root, also the spare sandbox's PID namespace init.
        inits = [pid for pid in children if b"init.py" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(children) - len(inits) == 1 + (os.cpu_count() or 1), children
        assert len(inits) <= 1, inits
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)  # they are gone before the request comes
        level = catalog.get("1")
        result = client.grade(level, REPO / "solutions" / level.file_name)
        assert result.passed, [c.message for c in result.checks if not c.passed]
    finally:
        client.close()


@pytest.mark.slow
def test_a_cold_check_leaves_no_sandbox_folders_behind(tmp_path):
    workspace = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "dunderquest", "init", str(workspace)], check=True,
                   capture_output=True)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # The stub fails several checks, and each failure ends with its sandbox killed and replaced.
    done = subprocess.run([sys.executable, "-m", "dunderquest", "check", "2", "--format", "json",
                           "--workspace", str(workspace)], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(scratch)}, timeout=300)
    assert done.returncode == 1, done.stderr
    assert list(scratch.glob("dunderquest-sandbox-*")) == []


def test_a_grader_closed_while_it_starts_is_ended_at_once_not_after_its_start_up():
    """Quitting the game in its first seconds does not wait for the grader to finish importing torch:
    a zygote that has not said it is ready holds nothing yet, and is killed."""
    from dunderquest.grader.service.client import GraderClient

    client = GraderClient()
    client.warm_up()
    process = client.process
    assert process is not None and not client.ready.is_set()
    client.close()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_a_zygote_killed_during_a_run_and_its_replacement_killed_as_it_starts_still_give_the_result(catalog,
                                                                                                   tmp_path):
    """Two faults in one request: the zygote dies during the run (which counts against the file, once),
    and the next one dies before it is ready (which does not). A third answers; before, the request
    failed with "could not start". So does a zygote killed while it waits, idle, when the request
    that follows reaches it before its end is seen."""
    import threading
    import time

    from dunderquest.grader.service.client import GraderClient

    level = catalog.get("1")
    slow = tmp_path / level.file_name  # a right file whose import holds the run while the zygote is killed
    slow.write_text((REPO / "solutions" / level.file_name).read_text() + "\nimport time\ntime.sleep(2)\n")

    class DiesAsItStarts(GraderClient):
        starts = 0

        def _start(self):
            self.starts += 1
            if self.starts == 2:  # the replacement ends before it says it is ready
                return subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            return super()._start()

    client = DiesAsItStarts()
    try:
        client.warm_up()
        assert client.ready.wait(120)
        answers = []
        asking = threading.Thread(target=lambda: answers.append(client.grade(level, slow)))
        asking.start()
        time.sleep(1.0)
        os.kill(client.pid, signal.SIGKILL)
        asking.join(300)
        assert answers and answers[0].passed, "no result"
        assert client.starts == 3
    finally:
        client.close()


def test_a_zygote_that_ends_between_the_look_and_the_request_is_not_waited_on_forever(catalog):
    """The zygote dies after `_ensure` saw it alive, and its reader has already woken everyone who
    waited on it, before the request is registered: the request must not wait on it forever (the pipe
    it writes to stays open while a runner's copy of it lives, so the write does not fail)."""
    import threading
    import time

    from dunderquest.grader.service.client import GraderClient

    held: list[int] = []

    class EndsAfterTheLook(GraderClient):
        armed = False

        def _ensure(self):
            super()._ensure()
            if self.armed:
                self.armed = False
                zygote = self.process
                held.append(os.open(f"/proc/{zygote.pid}/fd/0", os.O_RDONLY))  # as a runner's copy keeps it
                os.kill(zygote.pid, signal.SIGKILL)
                zygote.wait()
                time.sleep(0.5)  # its reader saw the end, and woke nobody: nobody waited yet

    level = catalog.get("1")
    client = EndsAfterTheLook()
    try:
        client.warm_up()
        assert client.ready.wait(120)
        client.armed = True
        answers = []
        asking = threading.Thread(target=lambda: answers.append(client.grade(level, REPO / "solutions" /
                                                                             level.file_name)), daemon=True)
        asking.start()
        asking.join(90)
        assert answers and answers[0].passed, "the request waited on a zygote that had ended"
    finally:
        client.close()
        for fd in held:
            os.close(fd)
