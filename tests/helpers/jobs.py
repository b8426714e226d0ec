"""``SyncJobRunner``: the app's ``JobRunner`` with every job run at once on the calling thread.

Only the hand-over to a worker is replaced (``JobRunner._start``): results, errors, cancellation and progress go
through the real runner's code, so a page sees exactly the callbacks it would see, in order, just without threads
(Picard ``FakeThreadPool``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from app.jobs import JobRunner


class SyncJobRunner(JobRunner):
    def __init__(self) -> None:
        super().__init__(workers=1)
        self.names: list[str] = []  # every job started, in order
        self.jobStarted.connect(lambda _id, name: self.names.append(name))

    def _start(self, pool: ThreadPoolExecutor, work: Callable[[], None]) -> Future[Any]:
        work()  # delivers on this thread: the runner's signal connection is direct within one thread
        done: Future[Any] = Future()
        done.set_result(None)
        return done
