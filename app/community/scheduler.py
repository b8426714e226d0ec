"""The app's update scheduler for subscribed community lists (issue 15): no widgets.

One single-shot ``QTimer`` armed for the earliest ``next_check`` of any subscription.  The core already spreads
those times (half the list's validity period, never past its expiry, ±10 % jitter, back-off after failures:
``blocklists.subscriptions.subscribe.next_check_time``); this only waits for the earliest one, then runs
``app.operations.community.update(only_due=True)`` on a worker of the job runner, never on the GUI thread.

When a run finishes, ``dataChanged(SUBSCRIPTIONS)`` fires (state, last check, errors changed), and
``dataChanged(LISTS)`` as well when a list's entries changed; then the timer is armed again.  A subscription
added, updated or removed elsewhere (Lists page, wizard) re-arms the timer through the same signal.

Started by the composition root (``app/gui.py``) once the window is up; ``stop()`` and ``close()`` (from
``AppServices.close``) stop the timer and cancel a run in flight (``JobRunner.run_cancellable``: the download stops
within a fraction of a second, nothing of it is stored, the last good list stays in force and no failure is
recorded), so the job runner's shutdown, which joins the worker, returns at once instead of waiting out the
download's deadline.  A cancelled run ends with ``cancelled`` (and the ``on_cancelled`` of ``run_update``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.jobs import Job
from app.operations import DataArea
from app.operations import community as ops
from blocklists.subscriptions.problems import SubscriptionProblem
from blocklists.subscriptions.subscribe import UpdateStatus

if TYPE_CHECKING:
    from app.services import AppServices

log = logging.getLogger(__name__)

MIN_DELAY_S = 5.0  # a list already due at start-up is fetched a few seconds after the window is up
MAX_DELAY_S = 6 * 3600.0  # re-read the schedule at least this often (clock changes, sleep, long waits)
RETRY_AFTER_ERROR_S = 600.0  # an unexpected error (not a download/verification problem): try again later
FETCH_TIMEOUT_S = 20.0  # per network operation (quitting does not wait for it: a run in flight is cancelled)


def delay_ms(when: datetime, now: datetime, *, min_s: float = MIN_DELAY_S, max_s: float = MAX_DELAY_S) -> int:
    """Milliseconds from ``now`` until ``when``, clamped to [min_s, max_s].  Pure."""
    seconds = (when - now).total_seconds()
    return int(min(max(seconds, min_s), max_s) * 1000)


class SubscriptionScheduler(QObject):
    """Keeps subscribed lists current in the background.  ``checked(results)`` after each run (GUI thread)."""

    checked = Signal(object)  # list[UpdateResult]
    cancelled = Signal()  # a run in flight was cancelled (stop, quit): nothing of it was stored

    def __init__(
        self,
        services: AppServices,
        *,
        clock: Callable[[], datetime] | None = None,
        min_delay_s: float = MIN_DELAY_S,
        timeout: float = FETCH_TIMEOUT_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else services)
        self.services = services
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._min_delay_s = min_delay_s
        self._timeout = timeout
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check_now)
        self._running = False
        self._busy = False
        self._job: Job | None = None  # the run in flight
        self._own_notify = False
        self.next_due: datetime | None = None  # what the timer waits for (None: nothing subscribed)
        services.dataChanged.connect(self._data_changed)

    # ------------------------------------------------------------------ control
    @property
    def running(self) -> bool:
        return self._running

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        log.info("community-list scheduler started")
        self.reschedule()

    def stop(self) -> None:
        """No more scheduled runs; a run in flight (scheduled or asked for) is cancelled."""
        self._running = False
        self._timer.stop()
        if self._job is not None:
            self._job.cancel()

    def close(self) -> None:
        self.stop()

    def remaining_ms(self) -> int:
        """Milliseconds until the next run (-1: not armed)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    # ---------------------------------------------------------------- schedule
    def reschedule(self) -> None:
        """Read the earliest ``next_check`` (worker) and arm the timer for it."""
        if not self._running or self._busy:
            return
        self.services.jobs.run(
            ops.next_check_at,
            self.services.db_path,
            on_result=self._arm,
            on_error=self._schedule_failed,
            name="subscriptions-schedule",
        )

    def _arm(self, when: datetime | None) -> None:
        self.next_due = when
        if not self._running or self._busy:
            return
        if when is None:
            self._timer.stop()
            return
        self._timer.start(delay_ms(when, self._clock(), min_s=self._min_delay_s))

    def _schedule_failed(self, exc: BaseException) -> None:
        log.warning("could not read the subscription schedule: %s", exc)
        if self._running:
            self._timer.start(int(RETRY_AFTER_ERROR_S * 1000))

    # --------------------------------------------------------------------- run
    def check_now(self) -> None:
        """Update every subscription that is due (worker); the last good list stays in force on failure."""
        if not self._running or self._busy:
            return
        self._busy = True
        self._timer.stop()
        self._job = self.services.jobs.run_cancellable(
            ops.update,
            self.services.db_path,
            only_due=True,
            timeout=self._timeout,
            on_result=self._done,
            on_error=self._failed,
            on_cancelled=self._cancelled,
            name="subscriptions-update",
        )

    def run_update(
        self,
        name: str | None,
        *,
        on_result: Callable[[list[Any]], None],
        on_error: Callable[[BaseException], None],
        on_cancelled: Callable[[], None] | None = None,
        timeout: float | None = None,
    ) -> bool:
        """An update the user asked for (立即更新), never at the same time as a scheduled run: two runs of one
        subscription would both fetch and the second would trip over the first's delta.  False while busy.
        Cancelled like a scheduled run (``stop``, quit): then ``on_cancelled``."""
        if self._busy:
            return False
        self._busy = True
        self._timer.stop()

        def done(results: list[Any]) -> None:
            self._busy = False
            self._job = None
            on_result(results)
            self.reschedule()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._job = None
            on_error(exc)
            self.reschedule()

        def cancelled() -> None:
            self._end_cancelled()
            if on_cancelled is not None:
                on_cancelled()
            self.cancelled.emit()
            self.reschedule()

        self._job = self.services.jobs.run_cancellable(
            ops.update,
            self.services.db_path,
            name,
            timeout=timeout or self._timeout,
            on_result=done,
            on_error=failed,
            on_cancelled=cancelled,
            name="update-subscriptions",
        )
        return True

    def _done(self, results: list[Any]) -> None:
        self._busy = False
        self._job = None
        for r in results:
            if r.error is not None:
                log.warning("subscription %s: update failed (%s)", r.name, r.error.code)
            else:
                log.info("subscription %s: %s, serial %s", r.name, r.status.value, r.serial)
        if results:
            self._notify(DataArea.SUBSCRIPTIONS)
            if any(r.status is UpdateStatus.UPDATED for r in results):
                self._notify(DataArea.LISTS)
        self.checked.emit(results)
        self.reschedule()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._job = None
        if getattr(exc, "code", None) is SubscriptionProblem.NO_SUBSCRIPTIONS:
            self.reschedule()  # unsubscribed meanwhile: nothing to wait for
            return
        log.error("subscription update run failed", exc_info=(type(exc), exc, exc.__traceback__))
        if self._running:
            self._timer.start(int(RETRY_AFTER_ERROR_S * 1000))

    def _cancelled(self) -> None:
        """A scheduled run was cancelled: not a failure (nothing recorded, no error to show).  Lists updated before
        the cancel stay updated, so the pages are told to reload either way."""
        self._end_cancelled()
        self._notify(DataArea.SUBSCRIPTIONS)
        self._notify(DataArea.LISTS)
        self.cancelled.emit()
        self.reschedule()

    def _end_cancelled(self) -> None:
        self._busy = False
        self._job = None
        log.info("community-list update cancelled; the list being downloaded stays as it was")

    # ----------------------------------------------------------------- signals
    def _notify(self, area: DataArea) -> None:
        self._own_notify = True
        try:
            self.services.notify_changed(area)
        finally:
            self._own_notify = False

    def _data_changed(self, area: DataArea) -> None:
        if area is DataArea.SUBSCRIPTIONS and not self._own_notify:
            self.reschedule()
