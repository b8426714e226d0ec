"""The app's watcher for synced call-recording folders (issue 14): no widgets.

Started by the composition root (``app/gui.py``) once the window is up, restarted when the saved folders change
(``restart()``, called after the Settings section's writes), stopped by ``AppServices.close``.  The work itself is
:class:`app.operations.phone.PhoneWatch` (watchdog, its own thread and DB connection); this only carries its
callbacks to the GUI thread (through ``app.inbox``, never a signal emitted on the watcher's thread: PySide can
deadlock on those) and turns them into signals there:

- a flagged recording (WARN/BLOCK) → the normal alert through ``AlertService`` (banner, sound, tray and, when the
  user enabled it, the family e-mail with number, time, scheme, evidence and excerpt) and ``dataChanged(HISTORY)``;
- a scanned file → ``dataChanged(HISTORY)``;
- a folder that disappears or comes back, a file that keeps failing → ``statusChanged`` with one plain line per
  folder (zh/en ``Message``; rendered by whoever shows it).

Starting and stopping (observer threads, joins) run on the job runner, never on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app import inbox
from app.operations import DataArea
from app.operations import phone as ops
from app.phone.watch import EventKind, WatchEvent

if TYPE_CHECKING:
    from app.phone.importer import PhoneEvent, Transcript
    from app.services import AppServices
    from screening.i18n import Message

log = logging.getLogger(__name__)


class PhoneWatchService(QObject):
    statusChanged = Signal()  # ``status`` changed (folder gone/back, failures, last file)
    recordingScanned = Signal(object)  # WatchEvent (GUI thread)
    flagged = Signal(object)  # PhoneEvent that reached the alert path (GUI thread)
    _event = Signal(object)  # the watcher thread's callbacks, posted to the GUI thread (app.inbox) and emitted there
    _flagged = Signal(object)

    def __init__(
        self,
        services: AppServices,
        transcriber: Callable[[Path], Transcript] | None = None,
        settle_s: float | None = None,
    ) -> None:
        super().__init__(services)
        self._services = services
        self.transcriber = transcriber  # None: the app's speech model, loaded on the first recording
        self.settle_s = settle_s
        self._watch: ops.PhoneWatch | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.status: dict[str, Message] = {}  # folder → the last problem worth showing
        self.folders: list[ops.WatchedFolder] = []
        self._event.connect(self._on_event)
        self._flagged.connect(self._on_flagged)
        inbox.start()

    # ----------------------------------------------------------------- control
    @property
    def running(self) -> bool:
        return self._watch is not None

    def start(self) -> None:
        """(Re)start watching the saved folders, in a worker; nothing happens without saved folders."""
        self.restart()

    def restart(self) -> None:
        if self._closed:
            return
        self._services.jobs.run(self._restart_worker, on_result=self._started, name="phone-watch-start")

    def _restart_worker(self) -> list[ops.WatchedFolder]:
        with self._lock:
            if self._watch is not None:
                self._watch.stop()
                self._watch = None
            folders = ops.watched_folders(self._services.data_dir)
            if folders and not self._closed:
                kw: dict[str, Any] = {}
                if self.settle_s is not None:
                    kw["settle_s"] = self.settle_s
                self._watch = ops.saved_watch(
                    self._services.data_dir,
                    transcriber=self.transcriber,
                    on_flagged=self._post_flagged,
                    on_event=self._post_event,
                    **kw,
                ).start()
            return folders

    # The watcher thread's callbacks: its events reach the GUI thread through the inbox, where the signals are
    # emitted (a service deleted meanwhile: the emit raises "… deleted" and the inbox drops the call).
    def _post_event(self, event: WatchEvent) -> None:
        inbox.emit(self, "_event", event)

    def _post_flagged(self, event: PhoneEvent) -> None:
        inbox.emit(self, "_flagged", event)

    def _started(self, folders: list[ops.WatchedFolder]) -> None:
        self.folders = folders
        known = {f.path for f in folders}
        self.status = {k: v for k, v in self.status.items() if k in known}
        self.statusChanged.emit()

    def close(self) -> None:
        """Stop the watcher (joins its threads); called by ``AppServices.close``."""
        self._closed = True
        with self._lock:
            if self._watch is not None:
                self._watch.stop()
                self._watch = None

    # ----------------------------------------------------------------- events
    def _folder_of(self, path: str) -> str:
        p = Path(path)
        for f in self.folders:
            folder = Path(f.path)
            if p == folder or folder in p.parents:
                return f.path
        return path

    def _on_event(self, event: WatchEvent) -> None:
        folder = self._folder_of(event.path)
        if event.kind is EventKind.FOLDER_GONE and event.message is not None:
            self.status[folder] = event.message
        elif event.kind is EventKind.FOLDER_BACK:
            self.status.pop(folder, None)
        elif event.kind in (EventKind.GAVE_UP, EventKind.RETRY, EventKind.POLLING) and event.message is not None:
            self.status[folder] = event.message
        elif event.kind is EventKind.SCANNED:
            if folder in self.status and self.status[folder].code.name != "FOLDER_GONE":
                self.status.pop(folder, None)
            self.recordingScanned.emit(event)
            self._services.notify_changed(DataArea.HISTORY)
        self.statusChanged.emit()

    def _on_flagged(self, event: PhoneEvent) -> None:
        """A WARN/BLOCK recording: the normal alert path (policy, banner, sound, tray, family e-mail)."""
        alerts = self._services.alerts
        alert = ops.alert_for(event)
        settings = self._services.settings.value
        if alerts.policy.should_alert(
            alert.key, alert.number, alert.level, settings.alert_sensitivity, settings.alert_cooldown_s
        ):
            alerts.raise_alert(alert)
        self.flagged.emit(event)
        self._services.notify_changed(DataArea.HISTORY)

    def status_lines(self, lang: str) -> dict[str, str]:
        return {folder: msg.render(lang) for folder, msg in self.status.items()}
