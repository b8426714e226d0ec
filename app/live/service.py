"""Live calls: the Qt face of the call controller and of the per-call transcript → detector → alert pipeline.

Core callbacks arrive on worker threads (call sources, recogniser threads). Each one is re-emitted through a
queued signal on a QObject that lives on the GUI thread (vorta ``borg_job.py`` → ``application.py``); widgets only
ever see those signals.

``CallBridge`` keeps one ``LineState`` per active line: the call event, the number verdict, the history row, the
transcript so far and the detector session that turns each transcript segment into a rising risk level. Segments
go through the real ``DetectorSession`` on one transcript worker (in order); level rises update the history row
(writer pool) and ask the ``AlertService`` for an alert.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from app.audio.service import device_arg
from app.calls.controller import CallController, CallSettings
from app.calls.events import CallEnded, CallEvent, SourceBase, SourceStatus
from app.calls.sources.manual import ManualSource
from app.display import Renderable, render_all, render_text
from app.operations import DataArea
from app.operations import calls as call_ops
from screening.i18n import Message, MessageCode
from screening.screener import NumberVerdict
from screening.types import Level, TranscriptSegment

if TYPE_CHECKING:
    from app.services import AppServices
    from app.settings import Settings
    from blocklists.store import Entry
    from screening.transcript.detector import PhraseHit
    from screening.transcript.session import DetectorSession, StreamUpdate
    from speech.audio import AudioSource
    from speech.errors import SpeechError
    from speech.pipeline import TranscriptionRun
    from speech.recognizer import Recognizer

log = logging.getLogger(__name__)

MANUAL_LINE = "manual"
MAX_MANUAL_LENGTH = 32


class BridgeProblem(MessageCode):
    EMPTY_NUMBER = ("请输入来电号码", "please enter the caller's number")
    TOO_LONG = ("号码太长（最多 {limit} 个字符）", "number too long (at most {limit} characters)")
    NOT_LISTENING = ("这条线路已结束监听", "this line is no longer being monitored")


class BridgeError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def render(value: object, lang: str) -> str:
    return render_text(value, lang)


def reason_texts(verdict: NumberVerdict, lang: str) -> list[str]:
    return render_all(verdict.reasons, lang)


@dataclass
class LineState:
    """What the Live page shows for one line. Mutated on the GUI thread only."""

    line: str
    event: CallEvent
    verdict: NumberVerdict
    history_id: int | None
    level: Level
    score: float
    number: str
    started: float = field(default_factory=time.monotonic)
    final_text: list[str] = field(default_factory=list)
    hits: list[PhraseHit] = field(default_factory=list)
    listening: bool = True
    session: DetectorSession | None = None  # touched only on the transcript worker / recogniser thread
    run: TranscriptionRun | None = None  # while listening to live audio

    @property
    def key(self) -> str:
        return f"call-{self.history_id}" if self.history_id is not None else f"line-{self.line}-{self.started}"

    def transcript(self) -> str:
        return "".join(self.final_text)


class CallBridge(QObject):
    """Qt face of the call controller and the per-call transcript pipeline."""

    callScreened = Signal(object, object, object)  # event, verdict, history_id
    callEnded = Signal(str)  # line
    transcriptUpdated = Signal(str, object, object)  # line, segment, detector update
    lineChanged = Signal(str)  # a line's level/score changed
    sourceStatus = Signal(object)  # SourceStatus from a call source
    actionFinished = Signal(str, str, object)  # action ("block"/"trust"/"mark"), number, result

    _screened = Signal(object, object, object)
    _segment = Signal(str, object, object, object)  # line, segment, update, error
    _ended = Signal(str)
    _status = Signal(object)

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self._services = services
        self.lines: dict[str, LineState] = {}
        self._transcript_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callshield-transcript")
        self._closed = False
        self._controller: CallController | None = None
        self._manual: SourceBase | None = None
        self._device_sources: list[SourceBase] = []
        self._sessions_lock = threading.Lock()
        self._screened.connect(self._on_screened)
        self._segment.connect(self._on_segment)
        self._ended.connect(self._on_ended)
        self._status.connect(self.sourceStatus)
        self._build_controller()

    # ------------------------------------------------------------ controller
    def _build_controller(self) -> None:
        """The call controller (screens, logs, hangs up) plus the sources chosen in the settings."""
        settings = self._services.settings.value
        controller = CallController(self._services.db_path, self._call_settings(settings))
        controller.add_listener(self.on_controller_screened)
        controller.add_end_listener(self.on_controller_ended)
        controller.add_problem_listener(self.on_problem)
        controller.start()
        self._controller = controller
        self._start_sources(settings, manual=True)
        self._services.settings.changed.connect(self._settings_changed)

    @staticmethod
    def _call_settings(settings: Settings) -> CallSettings:
        src = settings.call_source
        return CallSettings(
            auto_hangup=settings.auto_hangup,
            region=settings.region,
            push_blocks_to_ncid=src.kind == "ncid" and src.ncid_push_blocks,
        )

    def _start_sources(self, settings: Settings, manual: bool) -> None:
        from app.calls.sources.modem import AUTO, ModemConfig
        from app.calls.sources.ncid import NcidConfig

        src = settings.call_source
        modem = (
            ModemConfig(port=src.modem_port or AUTO, baudrate=src.modem_baud, country_code=src.modem_country or None)
            if src.kind == "modem"
            else None
        )
        ncid = NcidConfig(host=src.ncid_host, port=src.ncid_port) if src.kind == "ncid" else None
        assert self._controller is not None
        sources = self._controller.create_sources(
            modem=modem, ncid=ncid, manual=manual, on_status=self.on_source_status
        )
        for source in sources:
            if source.kind == "manual":
                self._manual = source
            else:
                self._device_sources.append(source)
            source.start()

    def _settings_changed(self, new: Settings, old: Settings) -> None:
        if self._closed or self._controller is None:
            return
        call_settings = self._call_settings(new)
        if call_settings != self._call_settings(old):
            self._controller.settings = call_settings
        if new.call_source != old.call_source:
            for source in self._device_sources:
                source.stop()
            self._device_sources = []
            self._start_sources(new, manual=False)

    def on_problem(self, message: Message) -> None:
        """Controller problems (history write failed…): shown like a source status."""
        self._status.emit(message)

    # ----------------------------------------------------------------- calls
    def simulate_call(self, raw_number: str, line: str = MANUAL_LINE, name: str | None = None) -> None:
        """模拟来电: a typed number goes through the manual source like a real incoming call."""
        raw = (raw_number or "").strip()
        if not raw:
            raise BridgeError(Message(BridgeProblem.EMPTY_NUMBER))
        if len(raw) > MAX_MANUAL_LENGTH:
            raise BridgeError(Message(BridgeProblem.TOO_LONG, {"limit": MAX_MANUAL_LENGTH}))
        if not isinstance(self._manual, ManualSource):
            raise BridgeError(Message(BridgeProblem.NOT_LISTENING))
        problem = self._manual.submit(raw, line=line, name=name)
        if problem is not None:
            raise BridgeError(problem)

    def handle_event(self, event: CallEvent) -> None:
        """Screen and log one CallEvent (from any thread); ``callScreened`` follows on the GUI thread."""
        if self._controller is not None:
            self._controller.submit(event)

    def on_controller_screened(self, event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        """Callback for the call controller (any thread)."""
        self._screened.emit(event, verdict, history_id)

    def on_controller_ended(self, ended: CallEnded) -> None:
        self._ended.emit(str(ended.line))

    def on_source_status(self, status: SourceStatus) -> None:
        self._status.emit(status)

    @Slot(object, object, object)
    def _on_screened(self, event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        line = str(event.line)
        old = self.lines.get(line)
        if old is not None:
            self._stop_session(old)
        state = LineState(
            line=line,
            event=event,
            verdict=verdict,
            history_id=history_id,
            level=Level.parse(verdict.level),
            score=float(getattr(verdict, "score", 0.0) or 0.0),
            number=str(event.raw_number),
        )
        self.lines[line] = state
        if history_id is not None:
            self._services.notify_changed(DataArea.HISTORY)  # the controller wrote the call's row
        self.callScreened.emit(event, verdict, history_id)
        self._services.alerts.consider(state.key, state.number, state.level, self.alert_reasons(state))
        self._auto_listen(state)

    # ------------------------------------------------------------ transcript
    def feed_segment(self, line: str, segment: TranscriptSegment) -> None:
        """Feed one transcript segment for ``line`` (from the GUI: scripted sources, tests)."""

        state = self.lines.get(line)
        if state is None or not state.listening:
            raise BridgeError(Message(BridgeProblem.NOT_LISTENING))
        self._transcript_pool.submit(self._process_segment, state, segment)

    def sink_for(self, line: str) -> Callable[[TranscriptSegment], None]:
        """A SegmentSink-like callable for the speech pipeline: runs the detector on the caller's thread."""
        state = self.lines[line]

        def feed(segment: TranscriptSegment) -> None:
            self._process_segment(state, segment)

        return feed

    def listen(self, line: str, source: AudioSource, recognizer: Recognizer) -> TranscriptionRun:
        """Transcribe ``source`` for this line on its own recogniser thread (speech pipeline); the detector
        runs on that thread and results arrive as ``transcriptUpdated``. Returns the TranscriptionRun."""
        from speech.pipeline import TranscriptionRun

        state = self.lines.get(line)
        if state is None or not state.listening:
            raise BridgeError(Message(BridgeProblem.NOT_LISTENING))
        if state.run is not None:
            state.run.stop()

        def on_error(error: SpeechError) -> None:
            self._status.emit(error.message)

        run = TranscriptionRun(
            source,
            recognizer,
            on_segment=lambda segment: self._process_segment(state, segment),
            on_error=on_error,
            name=f"line-{line}",
        )
        state.run = run
        return run.start()

    def _auto_listen(self, state: LineState) -> None:
        """A real incoming call (modem/NCID) with a speech model configured: listen on the chosen input."""
        speech = self._services.speech
        if state.event.source == "manual":
            return
        settings = self._services.settings.value

        def prepare() -> tuple[AudioSource, Recognizer] | None:
            from speech.audio import LiveSource

            model = speech.loaded_model()
            if model is None:
                return None
            return LiveSource(device_arg(settings.audio_device)), model.recognizer()

        def ready(result: tuple[AudioSource, Recognizer] | None) -> None:
            if result is None or not state.listening or self._closed:
                return
            source, recognizer = result
            self.listen(state.line, source, recognizer)

        def failed(exc: BaseException) -> None:
            log.warning("live listening unavailable: %s", exc)
            self._status.emit(getattr(exc, "message", exc))

        self._services.jobs.run(prepare, on_result=ready, on_error=failed, name="listen-call")

    def _process_segment(self, state: LineState, segment: TranscriptSegment) -> None:
        """Worker: run the real detector session; results go back to the GUI thread."""
        try:
            with self._sessions_lock:
                if state.session is None:
                    state.session = self._services.detector().session(state.level)
                update = state.session.feed(segment)
        except Exception as exc:  # report, never kill the worker
            self._segment.emit(state.line, segment, None, exc)
            return
        self._segment.emit(state.line, segment, update, None)

    @Slot(str, object, object, object)
    def _on_segment(
        self, line: str, segment: TranscriptSegment, update: StreamUpdate | None, error: BaseException | None
    ) -> None:
        state = self.lines.get(line)
        if error is not None:
            log.error("transcript processing failed", exc_info=(type(error), error, error.__traceback__))
            self._services.jobs.unhandledError.emit("transcript", error)
            return
        if state is None:
            return
        if segment.is_final:
            state.final_text.append(segment.text)
        if update is None:
            return
        new_hits = list(update.new_hits)
        state.hits.extend(new_hits)
        level = Level.parse(update.level)
        score = float(update.score or 0.0)
        rose = level > state.level
        changed = level != state.level or abs(score - state.score) > 1e-9
        state.level = max(state.level, level) if rose else level
        state.score = score
        self.transcriptUpdated.emit(line, segment, update)
        if changed:
            self.lineChanged.emit(line)
        if (rose or new_hits) and state.history_id is not None:
            self._save_progress(state)
        if rose:
            self._services.alerts.consider(
                state.key, state.number, state.level, self.alert_reasons(state), excerpt=state.transcript()
            )

    @staticmethod
    def hit_reasons(state: LineState, lang: str) -> list[str]:
        """One line per scam category with the phrases heard (``screening.transcript.explain.hit_reasons``)."""
        from screening.transcript.explain import hit_reasons

        return [r.render(lang) for r in hit_reasons(state.hits)]

    @staticmethod
    def alert_reasons(state: LineState) -> list[Renderable]:
        """What the alert says, as codes: rendered by whoever shows it, in the language of that moment."""
        from screening.transcript.explain import hit_reasons

        return [*hit_reasons(state.hits), *state.verdict.reasons]

    def _save_progress(self, state: LineState) -> None:
        from screening.transcript.explain import hit_to_dict

        history_id = state.history_id
        assert history_id is not None
        fields: dict[str, object] = {
            "level": state.level,
            "score": state.score,
            "transcript": state.transcript(),
            "hits": [hit_to_dict(h) for h in state.hits],
        }
        category = next((h.category for h in state.hits if h.category), None)
        if category:
            fields["category"] = category
        self._services.write(
            call_ops.update_call, self._services, history_id, fields, area=DataArea.HISTORY, name="save-call"
        )

    # ------------------------------------------------------------------ end
    def stop_line(self, line: str) -> None:
        """结束监听: stop listening to this line; the card stays until dismissed."""
        state = self.lines.get(line)
        if state is None:
            return
        state.listening = False
        self._stop_session(state)
        if state.history_id is not None:
            transcript = state.transcript()
            duration = time.monotonic() - state.started
            history_id = state.history_id
            self._services.write(
                call_ops.update_call,
                self._services,
                history_id,
                {"transcript": transcript, "duration_s": duration},
                area=DataArea.HISTORY,
                name="end-call",
            )
        self.callEnded.emit(line)

    def remove_line(self, line: str) -> None:
        state = self.lines.pop(line, None)
        if state is not None:
            self._stop_session(state)

    @Slot(str)
    def _on_ended(self, line: str) -> None:
        self.stop_line(line)

    def _stop_session(self, state: LineState) -> None:
        state.listening = False
        run, state.run = state.run, None
        if run is None:
            return
        if self._closed:
            run.stop()  # closing the app: flush and join right here
        else:  # flushing the last words and joining the recogniser thread happen off the GUI thread
            self._services.jobs.run(run.stop, name="stop-listening")

    # -------------------------------------------------------------- actions
    def block(
        self, number: str, category: str = "fraud", note: str = "", on_done: Callable[[Entry], None] | None = None
    ) -> None:
        self._list_action("block", "block", number, category, note, on_done)

    def trust(self, number: str, note: str = "", on_done: Callable[[Entry], None] | None = None) -> None:
        self._list_action("trust", "allow", number, "custom", note, on_done)

    def mark(
        self,
        number: str,
        category: str,
        note: str = "",
        history_id: int | None = None,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        """标记: put a category and note on the call in the history (and on the number in my blocklist if fraud)."""
        services = self._services

        def done(result: str) -> None:
            self.actionFinished.emit("mark", number, result)
            if on_done is not None:
                on_done(result)

        services.write(
            call_ops.mark_call,
            services,
            history_id,
            category,
            note,
            area=DataArea.HISTORY,
            on_result=done,
            name="mark-call",
        )

    def _list_action(
        self,
        action: str,
        list_name: str,
        number: str,
        category: str,
        note: str,
        on_done: Callable[[Entry], None] | None,
    ) -> None:
        services = self._services

        def done(entry: Entry) -> None:
            self.actionFinished.emit(action, number, entry)
            if on_done is not None:
                on_done(entry)

        services.write(
            call_ops.add_number,
            services,
            list_name,
            number,
            category,
            note,
            area=DataArea.LISTS,
            on_result=done,
            name=f"{action}-number",
        )

    # ----------------------------------------------------------------- close
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for state in self.lines.values():
            self._stop_session(state)
        controller = self._controller
        if controller is not None:
            controller.close()  # stops every source (joining threads), then the controller worker
        self._transcript_pool.shutdown(wait=True, cancel_futures=True)
