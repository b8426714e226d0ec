"""Run work off the GUI thread and hand the result back on it (Picard ``util/thread.py``, Anki ``taskman.py``).

Usage from a page::

    services.jobs.run(store.import_file, path, on_result=self._imported, on_error=self._failed)

    def scan(progress: Progress) -> list[Result]:
        for i, f in enumerate(files):
            progress.check()                  # raises Cancelled if the user pressed cancel
            ...
            progress.update(i + 1, len(files), f.name)
    job = services.jobs.run_long(scan, on_result=..., on_progress=self._bar_update)
    job.cancel()

    # plain-Python work that takes a threading.Event (a list download): job.cancel() and shutdown() set it
    job = services.jobs.run_cancellable(ops.update, db_path, on_result=..., on_cancelled=...)

Rules kept here so pages never have to think about them:
- callbacks and progress run on the GUI thread, in order, handed over through ``app.inbox`` (a Python queue the
  GUI thread drains), never through a signal emitted on a worker (PySide can deadlock on those);
- a failure without ``on_error`` is logged and reported through ``unhandledError`` (the main window shows it);
- database writes go through ``writer=True``: one worker, so writes never race;
- work that may hang on someone else's server (alert e-mails) goes through a named ``lane``: a single worker of its
  own, so a stuck send delays only the next one in its lane, never the shared workers (listening, list updates);
- progress is throttled (at most every 50 ms) so a fast worker cannot flood the event loop;
- ``shutdown()`` cancels long jobs and joins every worker (no leaked threads).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app import inbox

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05
WRITER_DRAIN_S = 10.0  # at quit, how long queued database writes may take to land


class Cancelled(Exception):
    """Raised inside a worker by ``Progress.check()`` after the user cancelled."""


class Progress(QObject):
    """Handed to long jobs. Workers call ``update``/``check``; the GUI gets a throttled ``changed`` signal.

    ``changed`` is always emitted on the GUI thread: a worker's report is posted through ``app.inbox`` (in order with
    the job's result, so the final ``flush`` comes last), never emitted on the worker."""

    changed = Signal(int, int, str)  # done, total, text

    def __init__(self, interval_s: float = PROGRESS_INTERVAL_S) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._interval = interval_s
        self._last = 0.0
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0
        self.text = ""

    def update(self, done: int, total: int = 0, text: str = "", force: bool = False) -> None:
        """Report progress from any thread. Emission is throttled; the last value always arrives via ``flush``."""
        with self._lock:
            self.done, self.total, self.text = done, total, text
            now = time.monotonic()
            if not force and now - self._last < self._interval and (total == 0 or done < total):
                return
            self._last = now
        inbox.emit(self, "changed", done, total, text)

    def flush(self) -> None:
        """Emit the latest values (the job runner calls it on the GUI thread when the job ends)."""
        inbox.emit(self, "changed", self.done, self.total, self.text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


@dataclass
class Job:
    id: int
    name: str
    future: Future[Any]
    progress: Progress | None = None
    on_result: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_cancelled: Callable[[], None] | None = None
    started: float = field(default_factory=time.monotonic)
    writer: bool = False  # on the database writer (drained at quit, never dropped)
    result_wins: bool = False  # a result returned after a cancel is delivered as a result (run_cancellable)

    def cancel(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
        self.future.cancel()

    @property
    def cancelled(self) -> bool:
        return self.progress is not None and self.progress.cancelled

    def done(self) -> bool:
        return self.future.done()


class JobRunner(QObject):
    """Thread pools plus GUI-thread delivery. Create it on the GUI thread."""

    _delivered = Signal(object, object, object)  # job, result, exception (emitted on the GUI thread, via app.inbox)
    jobStarted = Signal(int, str)
    jobFinished = Signal(int)
    unhandledError = Signal(str, object)  # job name, exception
    idle = Signal()

    def __init__(self, workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="callshield-job")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callshield-writer")
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._ids = itertools.count(1)
        self._active: dict[int, Job] = {}
        self._closed = False
        self._delivered.connect(self._deliver)
        inbox.start()  # workers hand results over through a Python queue, not a cross-thread signal (app.inbox)

    # ----------------------------------------------------------------- submit
    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        writer: bool = False,
        lane: str = "",
        name: str = "",
        **kwargs: Any,
    ) -> Job:
        """Run ``fn(*args, **kwargs)`` on a worker; deliver its result or exception on the GUI thread.

        ``lane="email"``: on that lane's own single worker, in order, away from the shared ones."""
        return self._submit(fn, args, kwargs, on_result, on_error, None, writer, name, None, lane)

    def run_long(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        writer: bool = False,
        name: str = "",
        **kwargs: Any,
    ) -> Job:
        """Like ``run`` but ``fn`` receives a ``Progress`` as its first argument and can be cancelled."""
        progress = Progress()
        if on_progress is not None:
            progress.changed.connect(on_progress)
        return self._submit(fn, (progress, *args), kwargs, on_result, on_error, on_cancelled, writer, name, progress)

    def run_cancellable(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        name: str = "",
        **kwargs: Any,
    ) -> Job:
        """Like ``run`` for Qt-free work that can stop part-way: ``fn(*args, cancel=event, **kwargs)``, where
        ``event`` is a ``threading.Event`` that ``job.cancel()`` and ``shutdown()`` set (a list download: it stops
        within a fraction of a second, so quitting does not wait for it).  Whatever ``fn`` raises once cancelled
        ends the job as cancelled (``on_cancelled``), never as an error."""

        def call(progress: Progress) -> Any:
            try:
                return fn(*args, cancel=progress.cancel_event, **kwargs)
            except Exception as exc:
                if progress.cancelled:
                    raise Cancelled() from exc
                raise

        label = name or getattr(fn, "__qualname__", repr(fn))
        job = self.run_long(call, on_result=on_result, on_error=on_error, on_cancelled=on_cancelled, name=label)
        # The work checks its event itself and stops by raising; once it returned, it finished (a cancel that came
        # while a downloaded list was being stored must not say "nothing was stored").
        job.result_wins = True
        return job

    def _submit(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_cancelled: Callable[[], None] | None,
        writer: bool,
        name: str,
        progress: Progress | None,
        lane: str = "",
    ) -> Job:
        job_id = next(self._ids)
        label = name or getattr(fn, "__qualname__", repr(fn))
        if self._closed:
            # The app is closing: late requests (a widget reacting to its own teardown) are dropped quietly.
            log.debug("job %s ignored: runner shut down", label)
            dropped: Future[Any] = Future()
            dropped.cancel()
            if progress is not None:
                progress.cancel()
            return Job(job_id, label, dropped, progress)
        pool = self._lane(lane) if lane else self._writer if writer else self._pool
        future: Future[Any] = Future()
        job = Job(job_id, label, future, progress, on_result, on_error, on_cancelled, writer=writer)
        self._active[job_id] = job

        def work() -> None:
            if progress is not None and progress.cancelled:
                inbox.emit(self, "_delivered", job, None, Cancelled())
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # workers report their own exceptions (STYLE §2.6)
                inbox.emit(self, "_delivered", job, None, exc)
            else:
                inbox.emit(self, "_delivered", job, result, None)

        job.future = self._start(pool, work)
        self.jobStarted.emit(job_id, label)
        return job

    def _lane(self, lane: str) -> ThreadPoolExecutor:
        pool = self._lanes.get(lane)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"callshield-{lane}")
            self._lanes[lane] = pool
        return pool

    def _start(self, pool: ThreadPoolExecutor, work: Callable[[], None]) -> Future[Any]:
        """Hand ``work`` to a worker (tests' ``SyncJobRunner`` runs it right here instead)."""
        return pool.submit(work)

    # ---------------------------------------------------------------- deliver
    @Slot(object, object, object)
    def _deliver(self, job: Job, result: Any, exc: BaseException | None) -> None:
        self._active.pop(job.id, None)
        try:
            if job.progress is not None:
                job.progress.flush()
            # A job the user cancelled ends as "cancelled" whether it returned or raised on the way out.
            returned = exc is None and job.result_wins
            if isinstance(exc, Cancelled) or (job.cancelled and job.on_cancelled is not None and not returned):
                log.info("job %s cancelled", job.name)
                if job.on_cancelled is not None:
                    self._call(job.on_cancelled)
            elif exc is not None:
                if job.on_error is not None:
                    self._call(job.on_error, exc)
                else:
                    log.error("job %s failed", job.name, exc_info=(type(exc), exc, exc.__traceback__))
                    self.unhandledError.emit(job.name, exc)
            elif job.on_result is not None:
                self._call(job.on_result, result)
        finally:
            self.jobFinished.emit(job.id)
            if not self._active:
                self.idle.emit()

    @staticmethod
    def _call(callback: Callable[..., None], *args: Any) -> None:
        try:
            callback(*args)
        except RuntimeError as exc:
            # The widget that asked for the job was closed meanwhile: nothing to show it on.
            if "already deleted" in str(exc):
                log.debug("job callback target gone: %s", exc)
                return
            raise

    # ------------------------------------------------------------------ state
    def active(self) -> list[Job]:
        return list(self._active.values())

    def is_idle(self) -> bool:
        return not self._active

    def shutdown(self, wait: bool = True) -> None:
        """Cancel the jobs, drain the database writer (a call's end, its settled verdict still land) and join every
        worker thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for job in list(self._active.values()):
            if not job.writer:
                job.cancel()
            elif job.progress is not None:
                job.progress.cancel()  # a long write (an import) stops at its next check; queued writes still run
        self._pool.shutdown(wait=wait, cancel_futures=True)
        drained = not wait or self._drain_writer(WRITER_DRAIN_S)
        self._writer.shutdown(wait=wait, cancel_futures=not drained)
        for pool in self._lanes.values():  # their owners cut what is in flight first (AlertService.close)
            pool.shutdown(wait=wait, cancel_futures=True)

    def _drain_writer(self, timeout_s: float) -> bool:
        """Wait until every write queued so far has run; False (and what is left is dropped) after ``timeout_s``."""
        marker = self._writer.submit(lambda: None)
        try:
            marker.result(timeout=timeout_s)
        except FutureTimeoutError:  # (the built-in TimeoutError only from Python 3.11)
            log.warning("database writes still queued after %.0f s at quit are dropped", timeout_s)
            return False
        return True
