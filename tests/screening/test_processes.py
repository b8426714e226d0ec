"""screening.processes.pid_alive: one answer for every stale-work check, and never a signal on Windows."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from screening import processes
from screening.processes import pid_alive


def test_this_process_is_alive() -> None:
    assert pid_alive(os.getpid())


def test_a_running_child_is_alive_and_a_finished_one_is_not() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert pid_alive(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not pid_alive(child.pid)  # reaped: the id names no process now


@pytest.mark.parametrize("pid", [0, -1])
def test_group_ids_are_not_a_process(pid: int) -> None:
    assert not pid_alive(pid)


def test_on_windows_the_process_is_opened_never_signalled(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.kill(pid, 0) terminates the process on Windows; the old copies in blocklists.store and speech.models did
    that to whatever process had a stale lock's or staging folder's id."""

    def no_signal(pid: int, sig: int) -> None:
        raise AssertionError(f"os.kill({pid}, {sig}) would terminate the process on Windows")

    asked: list[int] = []
    monkeypatch.setattr(processes, "_WINDOWS", True)
    monkeypatch.setattr(processes.os, "kill", no_signal)
    monkeypatch.setattr(processes, "_windows_alive", lambda pid: asked.append(pid) or False)
    assert not pid_alive(4242)
    assert asked == [4242]


def test_stale_work_checks_all_use_it() -> None:
    """One source: the list store, the model folder and the batch worker ask the same function."""
    import blocklists.store
    import speech.batch
    import speech.models

    for module in (blocklists.store, speech.models, speech.batch):
        assert module.pid_alive is pid_alive, module.__name__
