"""CallController: every incoming call, from any source, is screened, logged and announced.

Plain Python (the desktop issue wraps it in a Qt bridge). Sources call :meth:`CallController.submit`
from their own threads; one controller worker thread owns its own sqlite connection (WAL, STYLE
§2.8), screens the number, asks the originating source to hang up when the verdict is *block* and
the user turned automatic hang-up on, writes the history row, and then calls the listeners with
``(event, verdict, history_id)`` on that worker thread. Listeners must not block for long; the Qt
bridge just re-emits a signal.

Order matters for the elderly user: the hang-up request goes out first (the modem must go off hook
before the phone rings through), then the history row, then the alert.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.calls.events import (
    CallEnded,
    CallerId,
    CallEvent,
    SourceBase,
    SourceKind,
    SourceStatus,
)
from app.calls.sources.manual import ManualSource
from app.calls.sources.modem import ModemConfig, ModemSource
from app.calls.sources.ncid import NcidConfig, NcidSource
from app.calls.sources.sip import SipConfig, SipSource
from screening.i18n import Message, MessageCode
from screening.privacy import mask_number
from screening.screener import NumberScreener, NumberVerdict
from screening.types import Level

log = logging.getLogger(__name__)

CallListener = Callable[[CallEvent, NumberVerdict, "int | None"], None]
EndListener = Callable[[CallEnded], None]
ProblemListener = Callable[[Message], None]


class CallProblem(MessageCode):
    HISTORY_FAILED = (
        "来电 {number} 已识别，但写入通话记录失败：{error}",
        "call from {number} was screened but could not be saved to the history: {error}",
    )
    SCREEN_FAILED = ("来电 {number} 识别出错：{error}", "screening the call from {number} failed: {error}")


@dataclass(frozen=True)
class CallSettings:
    """What the controller does with a verdict (the settings page edits these)."""

    auto_hangup: bool = False  # modem: answer and hang up; SIP: refuse (486) calls at or above hangup_level
    hangup_level: Level = Level.BLOCK
    push_blocks_to_ncid: bool = False  # add blocked numbers to the NCID server's blacklist
    region: str = "CN"


def _default_screener(db: Any, region: str) -> NumberScreener:
    from blocklists.store import ListStore

    # One call at a time, not bulk screening: check PRAGMA data_version (a few microseconds) on every call, so a
    # number blocked in the app or the CLI a moment ago is blocked on the very next ring, not 0.5 s later.
    return NumberScreener(ListStore(db, region, refresh_interval=0.0), region)


class CallController:
    """Thread-safe hub between call sources and the rest of the app."""

    def __init__(
        self,
        db_path: str | Path | None,
        settings: CallSettings | None = None,
        *,
        db_factory: Callable[[], Any] | None = None,
        screener_factory: Callable[[Any, str], NumberScreener] = _default_screener,
    ) -> None:
        self.db_path = None if db_path is None else Path(db_path)
        self.settings = settings or CallSettings()
        self._db_factory = db_factory or self._open_db
        self._screener_factory = screener_factory
        self._queue: queue.Queue[CallEvent | CallEnded | None] = queue.Queue()
        self._listeners: list[CallListener] = []
        self._end_listeners: list[EndListener] = []
        self._problem_listeners: list[ProblemListener] = []
        self._lock = threading.Lock()
        self._sources: dict[SourceKind, list[SourceBase]] = {}  # several modems: one per landline
        self._pushed: set[str] = set()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None

    # -- wiring -----------------------------------------------------------------------------------
    def add_listener(self, listener: CallListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: CallListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def add_end_listener(self, listener: EndListener) -> None:
        with self._lock:
            self._end_listeners.append(listener)

    def add_problem_listener(self, listener: ProblemListener) -> None:
        with self._lock:
            self._problem_listeners.append(listener)

    def attach(self, source: SourceBase) -> None:
        """Route hang-up requests and block pushes for calls from this source (another of its kind is kept beside it:
        a hotline's second modem)."""
        with self._lock:
            attached = self._sources.setdefault(source.kind, [])
            if source not in attached:
                attached.append(source)

    def detach(self, source: SourceBase) -> None:
        """Stop routing to a source that was stopped (the settings changed): hang-ups and block pushes go to the one
        that replaced it (a review: they went to the stopped one)."""
        with self._lock:
            attached = self._sources.get(source.kind, [])
            if source in attached:
                attached.remove(source)
        on_screened = getattr(source, "on_screened", None)  # a SIP line listens for the verdicts of its calls
        if on_screened is not None:
            self.remove_listener(on_screened)

    def create_sources(
        self,
        modem: ModemConfig | Sequence[ModemConfig] | None = None,
        ncid: NcidConfig | None = None,
        manual: bool = True,
        on_status: Callable[[SourceStatus], None] | None = None,
        sip: SipConfig | None = None,
        on_sip_answered: Callable[[CallEvent], None] | None = None,
    ) -> list[SourceBase]:
        """Build (not start) the configured sources, wired to this controller (``on_sip_answered``: a SIP call
        was picked up, e.g. start transcribing both sides)."""
        sources: list[SourceBase] = []
        if manual:
            sources.append(ManualSource(self.submit, on_status, self.call_ended))
        modems = [] if modem is None else [modem] if isinstance(modem, ModemConfig) else list(modem)
        for config in modems:  # one modem per landline, each with its own line id
            sources.append(ModemSource(config, self.submit, on_status, self.call_ended))
        if ncid is not None:
            sources.append(NcidSource(ncid, self.submit, on_status, self.call_ended))
        if sip is not None:
            sip_source = SipSource(sip, self.submit, on_status, self.call_ended, on_answered=on_sip_answered)
            self.add_listener(sip_source.on_screened)  # a call that was not refused rings through
            sources.append(sip_source)
        for source in sources:
            self.attach(source)
        return sources

    def source(self, kind: SourceKind, event: CallEvent | None = None) -> SourceBase | None:
        """The attached source of ``kind`` (the one whose line ``event`` came in on, where there are several)."""
        with self._lock:
            attached = list(self._sources.get(kind, ()))
        for source in attached:  # a running one first: a stopped one cannot hang up
            if (event is None or source.handles(event)) and source.running:
                return source
        for source in attached:
            if event is None or source.handles(event):
                return source
        return None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Start the worker; raises if the database cannot be opened (a clear error, early)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._ready.clear()
        self._startup_error = None
        self._thread = threading.Thread(target=self._run, name="callshield-calls", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)
        if self._startup_error is not None:
            self._thread.join(timeout)
            self._thread = None
            raise self._startup_error

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the calls already queued, then stop the worker and join it."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)
        self._thread = None

    def close(self, timeout: float = 10.0) -> None:
        """Stop every attached source (joining their threads), then the controller."""
        with self._lock:
            sources = [source for attached in self._sources.values() for source in attached]
        for source in sources:
            source.stop()
            closer = getattr(source, "close", None)
            if callable(closer):
                closer()
        self.stop(timeout)

    # -- called from source threads ---------------------------------------------------------------
    def submit(self, event: CallEvent) -> None:
        """Queue a call for screening. Safe from any thread; never blocks."""
        self._queue.put(event)

    def call_ended(self, ended: CallEnded) -> None:
        """A call is over.  While the worker runs, the end is queued behind the call's own screening, so listeners
        always hear "screened" before "ended" (a SIP call refused before ringing ends at once; its end used to
        reach the Live page before the call did, and the card stayed "listening")."""
        thread = self._thread
        if thread is not None and thread.is_alive() and threading.current_thread() is not thread:
            self._queue.put(ended)
            return
        self._notify_ended(ended)

    def _notify_ended(self, ended: CallEnded) -> None:
        with self._lock:
            listeners = list(self._end_listeners)
        for listener in listeners:
            try:
                listener(ended)
            except Exception:
                log.exception("call-end listener failed")

    def push_block(self, number: str, comment: str = "CallShield") -> bool:
        """Send a number to the NCID server's blacklist, if an NCID source is attached."""
        source = self.source("ncid")
        if not isinstance(source, NcidSource) or not number.strip():
            return False
        with self._lock:
            if number in self._pushed:
                return True
            self._pushed.add(number)
        source.push_block(number, comment)
        return True

    # -- worker -----------------------------------------------------------------------------------
    def _open_db(self) -> Any:
        from blocklists.db import open_db

        return open_db(self.db_path)

    def _run(self) -> None:
        from blocklists.history import History

        try:
            db = self._db_factory()
            screener = self._screener_factory(db, self.settings.region)
            history = History(db)
        except BaseException as exc:  # reported to start()'s caller
            self._startup_error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while True:
                event = self._queue.get()
                if event is None:
                    break
                if isinstance(event, CallEnded):
                    self._notify_ended(event)
                    continue
                try:
                    self._process(event, screener, history)
                except Exception:  # never let one bad call stop the screening of the next
                    log.exception("processing a call failed")
        finally:
            try:
                db.close()
            except Exception:
                log.debug("closing the controller's database failed", exc_info=True)

    def _process(self, event: CallEvent, screener: NumberScreener, history: Any) -> None:
        settings = self.settings
        shown = event.display_number()
        try:
            verdict = screener.screen(event.raw_number if event.has_number else "")
        except Exception as exc:
            log.exception("screening failed")
            self._problem(Message(CallProblem.SCREEN_FAILED, {"number": shown, "error": str(exc)}))
            return
        if settings.auto_hangup and verdict.level >= settings.hangup_level:
            source = self.source(event.source, event)
            if source is not None:
                source.request_hangup(event)
        if settings.push_blocks_to_ncid and verdict.level >= Level.BLOCK and event.has_number:
            self.push_block(event.raw_number, f"CallShield: {verdict.level.en}")
        history_id: int | None
        try:
            history_id = self._record(event, verdict, screener, history)
        except Exception as exc:
            log.exception("writing the call history failed")
            self._problem(Message(CallProblem.HISTORY_FAILED, {"number": shown, "error": str(exc)}))
            history_id = None
        log.info(
            "call from %s on %s/%s: %s",
            mask_number(event.raw_number) if event.has_number else event.caller_id.code,
            event.source,
            event.line,
            verdict.level.name,
        )
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event, verdict, history_id)
            except Exception:
                log.exception("call listener failed")

    def _record(self, event: CallEvent, verdict: NumberVerdict, screener: NumberScreener, history: Any) -> int:
        category = verdict.matches[0].category.value if verdict.matches else None
        note = None if event.caller_id is CallerId.PRESENT else event.caller_id.label("zh")
        history_id = int(
            history.add_call(
                event.raw_number or None,
                occurred_at=event.received_at,
                number_e164=verdict.number.e164,
                source=event.source,
                line=event.line,
                name=event.name,
                level=verdict.level,
                score=verdict.score,
                category=category,
                reasons=[r.to_dict() for r in verdict.reasons],
                note=note,
            )
        )
        store = getattr(screener, "store", None)
        if verdict.matches and store is not None:
            store.record_hits(verdict.matches, event.received_at)
        return history_id

    def _problem(self, message: Message) -> None:
        with self._lock:
            listeners = list(self._problem_listeners)
        for listener in listeners:
            try:
                listener(message)
            except Exception:
                log.exception("problem listener failed")
