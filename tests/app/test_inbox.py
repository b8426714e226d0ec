"""app.inbox: worker threads hand calls to the GUI thread through a Python queue, never a cross-thread Qt call
(PySide can deadlock on those: see the module). Real Qt event loop, real threads."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, Signal

from app import inbox
from app.jobs import JobRunner


class Emitter(QObject):
    said = Signal(object)


def test_posts_from_workers_run_on_the_gui_thread_in_order(qtbot) -> None:
    inbox.start()
    gui = threading.get_ident()
    got: list[tuple[int, int]] = []

    def worker() -> None:
        for i in range(50):
            inbox.post(lambda i=i: got.append((i, threading.get_ident())))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == []  # nothing ran on the workers
    qtbot.waitUntil(lambda: len(got) == 100, timeout=5000)
    assert {ident for _, ident in got} == {gui}
    firsts = [i for i, _ in got]
    assert sorted(firsts) == sorted(list(range(50)) * 2)
    inbox.post(lambda: got.append((-1, threading.get_ident())))  # from the GUI thread: at once
    assert got[-1] == (-1, gui)


def test_a_signal_whose_object_was_deleted_meanwhile_is_dropped(qtbot) -> None:
    inbox.start()
    emitter = Emitter()
    heard: list[object] = []
    emitter.said.connect(heard.append)
    done = threading.Event()
    say = emitter.said.emit
    threading.Thread(target=lambda: (inbox.post(say, "late"), done.set())).start()
    assert done.wait(5)
    shiboken6.delete(emitter)  # the page or service went away before the GUI thread got to the call
    qtbot.wait(100)  # drains: the call is dropped (pytest-qt fails the test if it raised in the event loop)
    assert heard == []


def test_job_results_arrive_through_the_inbox_on_the_gui_thread(qtbot) -> None:
    runner = JobRunner(workers=2)
    gui = threading.get_ident()
    results: list[tuple[int, int]] = []
    for i in range(10):
        runner.run(lambda i=i: i * i, on_result=lambda r: results.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: len(results) == 10, timeout=5000)
    assert sorted(r for r, _ in results) == [i * i for i in range(10)]
    assert {ident for _, ident in results} == {gui}
    runner.shutdown()


def test_other_runtime_errors_are_not_swallowed(qtbot) -> None:
    """Only PySide's "already deleted" / "Signal source has been deleted" are dropped; a slot's own RuntimeError that
    merely says "deleted" is a bug and surfaces (pytest-qt reports exceptions raised in the event loop)."""
    inbox.start()
    obj = QObject()
    inbox.post(shiboken6.delete, obj)  # from the GUI thread: runs at once
    dead = obj.objectName  # a bound method of a deleted object
    done = threading.Event()
    threading.Thread(target=lambda: (inbox.post(dead), done.set())).start()
    assert done.wait(5)
    qtbot.wait(100)  # dropped quietly

    def buggy() -> None:
        raise RuntimeError("row 3 was deleted from the model twice")

    threading.Thread(target=inbox.post, args=(buggy,)).start()
    with qtbot.captureExceptions() as exceptions:
        qtbot.waitUntil(lambda: bool(exceptions), timeout=2000)
    assert "deleted from the model" in str(exceptions[0][1])


def test_cyclic_garbage_is_collected_on_the_gui_thread_only(qtbot) -> None:
    """With pin_gc (the app's setting, and the app tests'), a worker that makes plenty of cyclic garbage never runs the
    collector itself: the drain timer collects on the GUI thread."""
    import gc

    inbox.start()
    inbox.pin_gc()
    collected_on: list[int] = []

    def record(phase: str, _info: dict) -> None:
        if phase == "start":
            collected_on.append(threading.get_ident())

    def churn() -> None:
        for _ in range(100_000):
            loop: list[object] = []
            loop.append(loop)

    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=churn)
        worker.start()
        worker.join(30)
        qtbot.waitUntil(lambda: bool(collected_on), timeout=2000)
        assert set(collected_on) == {threading.get_ident()}
    finally:
        gc.callbacks.remove(record)
