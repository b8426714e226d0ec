"""``SyncJobRunner``: the app's ``JobRunner`` with every job run at once on the calling thread.

Results, errors, cancellation and progress are delivered through the same ``_deliver`` as the real runner, so a
page sees exactly the callbacks it would see, in order, just without threads (Picard ``FakeThreadPool``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from app.jobs import Cancelled, Job, JobRunner, Progress


class SyncJobRunner(JobRunner):
    def __init__(self) -> None:
        super().__init__(workers=1)
        self.names: list[str] = []  # every job run, in order (``writer:`` prefix for writes)

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
    ) -> Job:
        job_id = next(self._ids)
        label = name or getattr(fn, "__qualname__", repr(fn))
        self.names.append(("writer:" if writer else "") + label)
        future: Future[Any] = Future()
        job = Job(job_id, label, future, progress, on_result, on_error, on_cancelled)
        self._active[job_id] = job
        self.jobStarted.emit(job_id, label)
        if progress is not None and progress.cancelled:
            future.set_exception(Cancelled())
            self._deliver(job, None, Cancelled())
            return job
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:  # delivered like the real runner does: to on_error or unhandledError
            future.set_exception(exc)
            self._deliver(job, None, exc)
        else:
            future.set_result(result)
            self._deliver(job, result, None)
        return job
