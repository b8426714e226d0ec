"""AppServices: everything a page may use, built once by the composition root (``app/gui.py``).

Pages receive an ``AppServices`` in their constructor and never open SQL, Vosk or threads themselves.

- ``services.settings``: a ``SettingsHolder`` (``.value`` is the frozen ``Settings``; ``update(**changes)`` saves
  atomically and emits ``changed``).
- ``services.db()``: this thread's sqlite connection (WAL; one per thread, STYLE §2.8).
- ``services.store()`` / ``services.history()``: the list store and the call/recording history on this thread's DB.
- ``services.screener``: the number screener (indexed lookups, fine on the GUI thread).
- ``services.detector()``: the scam-script detector, loaded lazily; ``load_detector(cb)`` loads it in a worker.
- ``services.write(fn, *args, area=DataArea.X)``: a write on the single DB writer, then ``dataChanged(area)``.
- ``services.jobs``: the ``JobRunner``; ``services.alerts``: the ``AlertService``; ``services.calls``: the
  ``CallBridge`` (app.live.service) (signals ``callScreened``, ``transcriptUpdated``…); ``services.speech``: model/device access;
  ``services.subscriptions``: the community-list update scheduler (app.community.scheduler).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from app import paths
from app.jobs import Job, JobRunner
from app.operations import DataArea
from app.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:
    from sqlite_utils import Database

    from app.alerts.service import AlertService
    from app.audio.service import SpeechService
    from app.community.scheduler import SubscriptionScheduler
    from app.live.service import CallBridge
    from app.phone_watch import PhoneWatchService
    from blocklists.history import History
    from blocklists.store import ListStore
    from screening.screener import NumberScreener
    from screening.transcript import ScriptDetector

log = logging.getLogger(__name__)

T = TypeVar("T")


class SettingsHolder(QObject):
    """The current settings plus a ``changed(new, old)`` signal. Saving is atomic and immediate (small file)."""

    changed = Signal(object, object)  # new Settings, old Settings

    def __init__(self, data_dir: Path, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = Path(data_dir)
        self._value = settings

    @property
    def value(self) -> Settings:
        return self._value

    def update(self, **changes: Any) -> Settings:
        return self.set(self._value.replace(**changes))

    def set(self, settings: Settings) -> Settings:
        old = self._value
        if settings == old:
            return old
        save_settings(self._data_dir, settings)
        self._value = settings
        self.changed.emit(settings, old)
        return settings


class AppServices(QObject):
    """Composition of the core for the UI. Build with ``build_services``; close with ``close()``."""

    detectorReady = Signal(object)
    detectorFailed = Signal(object)
    dataChanged = Signal(object)  # DataArea: a write finished; pages showing that area refresh themselves

    def __init__(self, data_dir: Path, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.db_path = self.data_dir / paths.DB_FILENAME
        self.log_path = paths.log_dir(self.data_dir) / "callshield.log"
        self.settings = SettingsHolder(self.data_dir, settings, self)
        self.jobs = JobRunner(parent=self)
        self._local = threading.local()
        self._connections: list[Database] = []
        self._conn_lock = threading.Lock()
        self._screener: NumberScreener | None = None
        self._detector: ScriptDetector | None = None
        self._detector_lock = threading.Lock()
        self._detector_loading = False
        # Set by ``build_services`` right after construction (each needs the services object itself).
        self.alerts: AlertService
        self.calls: CallBridge
        self.speech: SpeechService
        self.subscriptions: SubscriptionScheduler  # community-list updates; started by app/gui.py
        self.phone_watch: PhoneWatchService  # watched recording folders (issue 14); started by app/gui.py
        self._closed = False

    # ------------------------------------------------------------------ data
    def db(self) -> Database:
        """This thread's database connection (sqlite_utils.Database via blocklists.db.open_db)."""
        conn = getattr(self._local, "db", None)
        if conn is None:
            from blocklists.db import open_db

            conn = open_db(self.db_path)
            self._local.db = conn
            with self._conn_lock:
                self._connections.append(conn)
        return conn

    def store(self) -> ListStore:
        """The list store on this thread's connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            from blocklists.store import ListStore

            store = ListStore(self.db(), self.settings.value.region)
            self._local.store = store
        return store

    def history(self) -> History:
        hist = getattr(self._local, "history", None)
        if hist is None:
            from blocklists.history import History

            hist = History(self.db())
            self._local.history = hist
        return hist

    def make_screener(self) -> NumberScreener:
        """A number screener on this thread's store (workers call this; the GUI uses ``screener``)."""
        from screening.screener import NumberScreener

        return NumberScreener(self.store(), self.settings.value.region)

    @property
    def screener(self) -> NumberScreener:
        if self._screener is None:
            self._screener = self.make_screener()
        return self._screener

    # ---------------------------------------------------------------- writes
    def write(
        self,
        fn: Callable[..., T],
        *args: Any,
        area: DataArea,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "",
    ) -> Job:
        """Run a write on the single DB writer; when it succeeds, ``dataChanged(area)`` fires, then ``on_result``."""

        def done(result: T) -> None:
            self.notify_changed(area)
            if on_result is not None:
                on_result(result)

        return self.jobs.run(fn, *args, on_result=done, on_error=on_error, writer=True, name=name)

    def notify_changed(self, area: DataArea) -> None:
        """Say that ``area`` changed (GUI thread), for writes made elsewhere (the call controller, a scan)."""
        self.dataChanged.emit(area)

    # -------------------------------------------------------------- detector
    def detector(self) -> ScriptDetector:
        """The scam-script detector (loads on first use; prefer ``load_detector`` from the GUI thread)."""
        with self._detector_lock:
            if self._detector is None:
                from screening.transcript import ScriptDetector

                self._detector = ScriptDetector.default()
            return self._detector

    @property
    def detector_loaded(self) -> bool:
        return self._detector is not None

    def load_detector(self, on_ready: Callable[[Any], None] | None = None) -> None:
        """Load the detector in a worker; ``on_ready(detector)`` and ``detectorReady`` fire on the GUI thread."""
        if self._detector is not None:
            if on_ready is not None:
                on_ready(self._detector)
            return
        if on_ready is not None:
            self.detectorReady.connect(on_ready, type=_single_shot())
        if self._detector_loading:
            return
        self._detector_loading = True

        def done(det: Any) -> None:
            self._detector_loading = False
            self.detectorReady.emit(det)

        def failed(exc: BaseException) -> None:
            self._detector_loading = False
            log.error("detector failed to load", exc_info=(type(exc), exc, exc.__traceback__))
            self.detectorFailed.emit(exc)

        self.jobs.run(self.detector, on_result=done, on_error=failed, name="load-detector")

    # --------------------------------------------------------------- warm-up
    WARM_MODULES = (
        "speech.audio",
        "speech.recognizer",
        "speech.pipeline",
        "speech.models",
        "speech.batch",
        "concurrent.futures.process",
        "vosk",
    )

    def warm_up(self) -> None:
        """Right after start-up, import the heavy modules and load the detector in a worker.

        A first ``import`` on the GUI thread (vosk's native library, PyAV, multiprocessing) or waiting on the
        import lock while a worker imports the same module freezes the window for tens of milliseconds; doing it
        once, early, in the background keeps later clicks (start a scan, open a device) smooth.
        """
        import importlib

        def warm() -> int:
            loaded = 0
            for name in self.WARM_MODULES:
                try:
                    importlib.import_module(name)
                    loaded += 1
                except Exception as exc:  # an optional part missing is not an error here
                    log.info("warm-up: %s not available (%s)", name, exc)
            try:  # the batch scan's worker processes need multiprocessing's helper process; start it now
                from multiprocessing import resource_tracker

                resource_tracker.ensure_running()
            except Exception as exc:
                log.info("warm-up: multiprocessing resource tracker not started (%s)", exc)
            return loaded

        self.jobs.run(warm, on_result=lambda n: log.debug("warm-up imported %d modules", n), name="warm-up")
        self.load_detector()

    # ----------------------------------------------------------------- close
    def close(self) -> None:
        """Stop calls and speech, join workers, close DB connections. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        parts = ("phone_watch", "subscriptions", "calls", "speech", "alerts")
        for part in (getattr(self, name, None) for name in parts):
            if part is None:
                continue
            try:
                part.close()
            except Exception:
                log.exception("error while closing %s", type(part).__name__)
        self.jobs.shutdown(wait=True)
        with self._conn_lock:
            for conn in self._connections:
                try:
                    conn.close()
                except Exception:
                    log.debug("closing a db connection failed", exc_info=True)
            self._connections.clear()
        self._local = threading.local()


def _single_shot() -> Any:
    from PySide6.QtCore import Qt

    return Qt.ConnectionType.SingleShotConnection


def build_services(data_dir: Path, settings: Settings | None = None) -> AppServices:
    """Build the services once, in the composition root (or a test fixture)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    services = AppServices(data_dir, settings if settings is not None else load_settings(data_dir))
    from app.alerts.service import AlertService
    from app.audio.service import SpeechService
    from app.community.scheduler import SubscriptionScheduler
    from app.live.service import CallBridge
    from app.phone_watch import PhoneWatchService

    services.alerts = AlertService(services)
    services.calls = CallBridge(services)
    services.speech = SpeechService(services)
    services.subscriptions = SubscriptionScheduler(services)
    services.phone_watch = PhoneWatchService(services)
    return services
