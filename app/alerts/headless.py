"""The alert path without a window: ``callshield listen-calls`` and ``callshield phone watch``.

The same policy as the desktop's ``AlertService`` (threshold, de-duplication, cool-down: ``app.alerts.policy``) and
the same e-mail (``app.alerts.email``) when the user turned e-mail alerts on; no sound, tray or window. No Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from app.alerts.email import send_alert_email
from app.alerts.policy import Alert, AlertPolicy

if TYPE_CHECKING:
    from app.settings import Settings

log = logging.getLogger(__name__)


class HeadlessAlerts:
    """Decide whether an alert is due and e-mail it. ``background``: send on a thread of its own, so the caller (the
    call controller's worker, screening the next call) never waits on a slow mail server; :meth:`close` lets the
    e-mails already handed over finish."""

    def __init__(
        self,
        settings: Settings,
        lang: str = "zh",
        on_alert: Callable[[Alert], None] | None = None,
        *,
        background: bool = False,
        on_sent: Callable[[Alert], None] | None = None,
        on_failed: Callable[[Alert, BaseException], None] | None = None,
    ) -> None:
        self.settings = settings
        self.lang = lang
        self.policy = AlertPolicy()
        self.on_alert = on_alert
        self.on_sent = on_sent
        self.on_failed = on_failed
        self.sent: list[str] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alert-email") if background else None
        self._pending: list[Future[None]] = []

    def consider_alert(self, alert: Alert) -> Alert | None:
        """``alert`` if the policy lets it through (then shown and e-mailed), else None."""
        s = self.settings
        if not self.policy.should_alert(
            alert.key, alert.number, alert.level, s.alert_sensitivity, s.alert_cooldown_s, line=alert.line
        ):
            return None
        if self.on_alert is not None:
            self.on_alert(alert)
        if s.smtp.enabled and s.smtp.usable:
            if self._pool is None:
                self._email(alert)
            else:
                with self._lock:
                    self._pending.append(self._pool.submit(self._email, alert))
        return alert

    def _email(self, alert: Alert) -> None:
        try:
            message_id = send_alert_email(self.settings.smtp, alert, self.lang)
        except Exception as exc:  # e-mail trouble must not stop the screening or the watcher
            log.warning("alert e-mail failed: %s", exc)
            with self._lock:
                self.errors.append(exc)
            if self.on_failed is not None:
                self.on_failed(alert, exc)
            return
        with self._lock:
            self.sent.append(message_id)
        if self.on_sent is not None:
            self.on_sent(alert)

    def close(self, timeout: float = 30.0) -> None:
        """Wait (up to ``timeout`` seconds in all) for the e-mails handed over, then stop the sending thread."""
        if self._pool is None:
            return
        with self._lock:
            pending = list(self._pending)
        deadline = time.monotonic() + timeout
        for future in pending:
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:  # a timeout: the mail server is too slow to wait for at exit
                unsent = sum(not f.done() for f in pending)
                log.warning("%d alert e-mail(s) not sent by exit", unsent)
                break
        self._pool.shutdown(wait=False, cancel_futures=True)
