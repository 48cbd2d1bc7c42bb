"""A forker that ends its sandboxes ends each sandbox before its PID namespace's init: the init waits
in the kernel until every process of its namespace is reaped, and the forker, the sandbox's parent,
is the one to reap it. Ending an init first would wait out every timeout of kill_sandbox."""

from __future__ import annotations

from dunderquest.grader.service.forker import SandboxForker


def test_sandboxes_are_ended_before_the_inits_whatever_the_order_they_were_noted_in():
    forker = SandboxForker(hide=[])
    ended = []
    forker.kill_sandbox = lambda pid, home: ended.append((pid, home))
    # As `dying` holds them when a sandbox was killed last: its init noted first, then the sandbox.
    forker.end_all({101: None, 102: "/tmp/sandbox-102", 201: None, 202: "/tmp/sandbox-202"})
    assert [pid for pid, _ in ended] == [102, 202, 101, 201]
    assert [home for _, home in ended] == ["/tmp/sandbox-102", "/tmp/sandbox-202", "", ""]
