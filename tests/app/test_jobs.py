"""app.jobs: a long job's progress reports, made on its worker, are emitted on the GUI thread (through app.inbox,
never a signal emitted on the worker), in order and before the job's result; cancelling still reaches the worker.
Real job runner, real threads, real Qt event loop."""

from __future__ import annotations

import threading
import time

from app.jobs import Cancelled, JobRunner, Progress
from tests.helpers.signals import EmitThreads


def test_progress_reported_on_a_worker_is_emitted_on_the_gui_thread(qtbot) -> None:
    runner = JobRunner(workers=1)
    go, release = threading.Event(), threading.Event()
    worker: list[int] = []

    def job(progress: Progress) -> str:
        assert go.wait(5)
        worker.append(threading.get_ident())
        for i in range(1, 4):
            progress.update(i, 3, f"file {i}", force=True)
        assert release.wait(5)
        return "done"

    slot_threads: list[int] = []
    got: list[tuple[int, int, str]] = []
    results: list[str] = []

    def on_progress(done: int, total: int, text: str) -> None:
        slot_threads.append(threading.get_ident())
        got.append((done, total, text))

    running = runner.run_long(job, on_progress=on_progress, on_result=results.append)
    assert running.progress is not None
    emits = EmitThreads(running.progress)  # heard where it is emitted (a direct connection)
    go.set()
    qtbot.waitUntil(lambda: len(got) == 3, timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)

    gui = threading.get_ident()
    assert worker and worker[0] != gui  # the job really ran on a worker
    assert emits.off_gui_thread() == []  # ``changed`` was never emitted on the worker
    assert emits.of("changed") == [(1, 3, "file 1"), (2, 3, "file 2"), (3, 3, "file 3"), (3, 3, "file 3")]
    assert got == emits.of("changed")  # the reports, then the final flush
    assert set(slot_threads) == {gui}
    runner.shutdown()


def test_reports_still_on_their_way_arrive_before_the_result_in_order(qtbot) -> None:
    """The job returns right after reporting: its reports wait in the inbox with its result, and come first."""
    runner = JobRunner(workers=1)
    go = threading.Event()
    order: list[object] = []

    def job(progress: Progress) -> str:
        assert go.wait(5)
        for i in range(1, 21):
            progress.update(i, 20, "", force=True)
        return "done"

    running = runner.run_long(job, on_progress=lambda done, _t, _x: order.append(done), on_result=order.append)
    assert running.progress is not None
    emits = EmitThreads(running.progress)
    go.set()
    qtbot.waitUntil(lambda: "done" in order, timeout=5000)
    assert order == [*range(1, 21), 20, "done"]  # 20 reports, the final flush, then the result
    assert emits.off_gui_thread() == []
    runner.shutdown()


def test_cancel_from_the_gui_reaches_the_worker(qtbot) -> None:
    runner = JobRunner(workers=1)
    go, worker_saw_cancel = threading.Event(), threading.Event()
    seen: list[int] = []
    ended: list[str] = []

    def job(progress: Progress) -> None:
        assert go.wait(5)
        i = 0
        while True:
            try:
                progress.check()
            except Cancelled:
                worker_saw_cancel.set()
                raise
            i += 1
            progress.update(i, 0, "", force=True)
            time.sleep(0.01)

    running = runner.run_long(
        job,
        on_progress=lambda done, _total, _text: seen.append(done),
        on_cancelled=lambda: ended.append("cancelled"),
        on_result=lambda _r: ended.append("result"),
    )
    assert running.progress is not None
    emits = EmitThreads(running.progress)
    go.set()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    running.cancel()
    assert worker_saw_cancel.wait(5)
    qtbot.waitUntil(lambda: ended == ["cancelled"], timeout=5000)
    assert emits.off_gui_thread() == []
    runner.shutdown()


def test_lane_jobs_run_on_their_own_worker_in_order(qtbot) -> None:
    """A job on a lane (alert e-mails) that hangs holds no shared worker; the lane's next job waits its turn."""
    runner = JobRunner(workers=1)
    release = threading.Event()
    got: list[str] = []
    runner.run(release.wait, 5, lane="email", on_result=lambda _r: got.append("first e-mail"))
    runner.run(lambda: threading.current_thread().name, lane="email", on_result=got.append)
    runner.run(lambda: threading.current_thread().name, on_result=got.append)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=2000)
    assert got[0].startswith("callshield-job")
    release.set()
    qtbot.waitUntil(lambda: len(got) == 3, timeout=2000)
    assert got[1] == "first e-mail" and got[2].startswith("callshield-email")
    runner.shutdown()


def test_quit_drains_the_writer_queued_writes_land_and_a_long_write_stops(qtbot) -> None:
    """Quitting while the writer is busy: the writes queued behind it (a call's end) still run; a long write (an
    import) is told to stop, and jobs on the other pool that have not started are dropped."""
    runner = JobRunner(workers=1)
    busy, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def long_write(progress: Progress) -> None:
        busy.set()
        while not progress.cancelled:
            time.sleep(0.01)
        ran.append("import stopped")

    def blocker() -> None:
        assert release.wait(5)

    runner.run_long(long_write, writer=True, name="import")
    assert busy.wait(5)
    runner.run(ran.append, "call end", writer=True, name="end-call")
    runner.run(blocker)  # holds the one worker of the other pool
    runner.run(ran.append, "not started")
    threading.Timer(0.2, release.set).start()
    runner.shutdown()
    assert ran == ["import stopped", "call end"]


def test_a_cancellable_job_is_told_by_an_event_and_ends_as_cancelled_not_as_failed(qtbot) -> None:
    """``run_cancellable`` hands Qt-free work (a list download) a ``threading.Event``: ``job.cancel()`` and quitting
    set it.  What the work raises once cut ends the job as cancelled, never as an error; quitting does not wait."""
    runner = JobRunner(workers=1)
    started = threading.Event()
    ended: list[object] = []

    def download(url: str, *, cancel: threading.Event) -> str:
        started.set()
        if cancel.wait(30):
            raise ConnectionAbortedError(url)  # what a download cut part-way may raise
        return "finished"

    job = runner.run_cancellable(
        download, "a", on_result=ended.append, on_error=ended.append, on_cancelled=lambda: ended.append("cancelled")
    )
    assert started.wait(5)
    job.cancel()
    qtbot.waitUntil(lambda: ended == ["cancelled"], timeout=5000)

    started.clear()
    runner.run_cancellable(download, "b", on_result=ended.append, on_error=ended.append)
    assert started.wait(5)
    began = time.monotonic()
    runner.shutdown()
    assert time.monotonic() - began < 2.0


def test_a_cancellable_job_that_finished_despite_a_late_cancel_delivers_its_result(qtbot) -> None:
    """A cancel that comes while a downloaded list is being stored (past the work's last check): the work returns,
    and the page must hear that it was stored, not "cancelled, nothing stored"."""
    runner = JobRunner(workers=1)
    storing = threading.Event()
    stored = threading.Event()
    ended: list[object] = []

    def subscribe(*, cancel: threading.Event) -> str:
        storing.set()
        stored.wait(5)  # writing the list: no cancel check any more
        return "stored"

    job = runner.run_cancellable(
        subscribe, on_result=ended.append, on_error=ended.append, on_cancelled=lambda: ended.append("cancelled")
    )
    assert storing.wait(5)
    job.cancel()
    stored.set()
    qtbot.waitUntil(lambda: ended != [], timeout=5000)
    assert ended == ["stored"]
    runner.shutdown()
