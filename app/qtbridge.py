"""Qt bridges: turn the plain-Python call controller and speech pipeline callbacks into GUI-thread signals.

Core callbacks arrive on worker threads (call sources, recogniser threads). Each one is re-emitted through a
queued signal on a QObject that lives on the GUI thread (vorta ``borg_job.py`` → ``application.py``); widgets only
ever see those signals.

``CallBridge`` keeps one ``LineState`` per active line: the call event, the number verdict, the history row, the
transcript so far and the detector session that turns each transcript segment into a rising risk level. Segments
go through the real ``DetectorSession`` on one transcript worker (in order); level rises update the history row
(writer pool) and ask the ``AlertService`` for an alert.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from app.display import render_all, render_text
from screening.i18n import Message, MessageCode
from screening.transcript.explain import hit_reasons, hit_to_dict
from screening.types import Level, TranscriptSegment

if TYPE_CHECKING:
    from app.services import AppServices

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


def render(value: Any, lang: str) -> str:
    return render_text(value, lang)


def reason_texts(verdict: Any, lang: str) -> list[str]:
    return render_all(getattr(verdict, "reasons", ()), lang)


@dataclass
class LineState:
    """What the Live page shows for one line. Mutated on the GUI thread only."""

    line: str
    event: Any
    verdict: Any
    history_id: int | None
    level: Level
    score: float
    number: str
    started: float = field(default_factory=time.monotonic)
    final_text: list[str] = field(default_factory=list)
    hits: list[Any] = field(default_factory=list)
    listening: bool = True
    session: Any = None  # DetectorSession; touched only on the transcript worker / recogniser thread
    run: Any = None  # speech.pipeline.TranscriptionRun while listening to live audio

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
        self._controller: Any = None
        self._sessions_lock = threading.Lock()
        self._screened.connect(self._on_screened)
        self._segment.connect(self._on_segment)
        self._ended.connect(self._on_ended)
        self._status.connect(self.sourceStatus)
        self._build_controller()

    # ------------------------------------------------------------ controller
    def _build_controller(self) -> None:
        """The call controller (screens, logs, hangs up) plus the sources chosen in the settings."""
        from app.calls import CallController

        settings = self._services.settings.value
        controller = CallController(self._services.db_path, self._call_settings(settings))
        controller.add_listener(self.on_controller_screened)
        controller.add_end_listener(self.on_controller_ended)
        controller.add_problem_listener(self.on_problem)
        controller.start()
        self._controller = controller
        self._manual: Any = None
        self._device_sources: list[Any] = []
        self._start_sources(settings, manual=True)
        self._services.settings.changed.connect(self._settings_changed)

    @staticmethod
    def _call_settings(settings: Any) -> Any:
        from app.calls import CallSettings

        src = settings.call_source
        return CallSettings(
            auto_hangup=settings.auto_hangup,
            region=settings.region,
            push_blocks_to_ncid=src.kind == "ncid" and src.ncid_push_blocks,
        )

    def _start_sources(self, settings: Any, manual: bool) -> None:
        from app.sources.modem import AUTO, ModemConfig
        from app.sources.ncid import NcidConfig

        src = settings.call_source
        modem = (
            ModemConfig(port=src.modem_port or AUTO, baudrate=src.modem_baud, country_code=src.modem_country or None)
            if src.kind == "modem"
            else None
        )
        ncid = NcidConfig(host=src.ncid_host, port=src.ncid_port) if src.kind == "ncid" else None
        sources = self._controller.create_sources(
            modem=modem, ncid=ncid, manual=manual, on_status=self.on_source_status
        )
        for source in sources:
            if source.kind == "manual":
                self._manual = source
            else:
                self._device_sources.append(source)
            source.start()

    def _settings_changed(self, new: Any, old: Any) -> None:
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

    def on_problem(self, message: Any) -> None:
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
        problem = self._manual.submit(raw, line=line, name=name)
        if problem is not None:
            raise BridgeError(problem)

    def handle_event(self, event: Any) -> None:
        """Screen and log one CallEvent (from any thread); ``callScreened`` follows on the GUI thread."""
        self._controller.submit(event)

    def on_controller_screened(self, event: Any, verdict: Any, history_id: int | None) -> None:
        """Callback for the call controller (any thread)."""
        self._screened.emit(event, verdict, history_id)

    def on_controller_ended(self, ended: Any) -> None:
        self._ended.emit(str(getattr(ended, "line", ended)))

    def on_source_status(self, status: Any) -> None:
        self._status.emit(status)

    @Slot(object, object, object)
    def _on_screened(self, event: Any, verdict: Any, history_id: Any) -> None:
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
        self.callScreened.emit(event, verdict, history_id)
        alerts = self._services.alerts
        if alerts is not None:
            alerts.consider(state.key, state.number, state.level, self.alert_reasons(state))
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

    def listen(self, line: str, source: Any, recognizer: Any) -> Any:
        """Transcribe ``source`` for this line on its own recogniser thread (speech pipeline); the detector
        runs on that thread and results arrive as ``transcriptUpdated``. Returns the TranscriptionRun."""
        from speech.pipeline import TranscriptionRun

        state = self.lines.get(line)
        if state is None or not state.listening:
            raise BridgeError(Message(BridgeProblem.NOT_LISTENING))
        if state.run is not None:
            state.run.stop()

        def on_error(error: Any) -> None:
            self._status.emit(getattr(error, "message", error))

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
        if speech is None or getattr(state.event, "source", "manual") == "manual":
            return
        settings = self._services.settings.value

        def prepare() -> Any:
            from speech.audio import LiveSource

            model = speech.loaded_model()
            if model is None:
                return None
            return LiveSource(SpeechService._device_arg(settings.audio_device)), model.recognizer()

        def ready(result: Any) -> None:
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
    def _on_segment(self, line: str, segment: Any, update: Any, error: Any) -> None:
        state = self.lines.get(line)
        if error is not None:
            log.error("transcript processing failed", exc_info=(type(error), error, error.__traceback__))
            self._services.jobs.unhandledError.emit("transcript", error)
            return
        if state is None:
            return
        if segment.is_final:
            state.final_text.append(segment.text)
        new_hits = list(getattr(update, "new_hits", ()) or ())
        state.hits.extend(new_hits)
        level = Level.parse(getattr(update, "level", state.level))
        score = float(getattr(update, "score", state.score) or 0.0)
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
            alerts = self._services.alerts
            if alerts is not None:
                alerts.consider(state.key, state.number, state.level, self.alert_reasons(state), excerpt=state.transcript())

    @staticmethod
    def hit_reasons(state: LineState, lang: str) -> list[str]:
        """One line per scam category with the phrases heard (``screening.transcript.explain.hit_reasons``)."""
        return [r.render(lang) for r in hit_reasons(state.hits)]

    @staticmethod
    def alert_reasons(state: LineState) -> list[Any]:
        """What the alert says, as codes: rendered by whoever shows it, in the language of that moment."""
        return [*hit_reasons(state.hits), *(getattr(state.verdict, "reasons", ()) or ())]

    def _save_progress(self, state: LineState) -> None:
        history_id = state.history_id
        assert history_id is not None
        fields: dict[str, Any] = {
            "level": state.level,
            "score": state.score,
            "transcript": state.transcript(),
            "hits": [hit_to_dict(h) for h in state.hits],
        }
        category = next((str(getattr(h, "category", "")) for h in state.hits if getattr(h, "category", "")), None)
        if category:
            fields["category"] = category
        self._services.jobs.run(
            lambda: self._services.history().update(history_id, **fields), writer=True, name="save-call"
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
            self._services.jobs.run(
                lambda: self._services.history().update(history_id, transcript=transcript, duration_s=duration),
                writer=True,
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
        self, number: str, category: str = "fraud", note: str = "", on_done: Callable[[Any], None] | None = None
    ) -> None:
        self._list_action("block", "block", number, category, note, on_done)

    def trust(self, number: str, note: str = "", on_done: Callable[[Any], None] | None = None) -> None:
        self._list_action("trust", "allow", number, "custom", note, on_done)

    def mark(
        self,
        number: str,
        category: str,
        note: str = "",
        history_id: int | None = None,
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        """标记: put a category and note on the call in the history (and on the number in my blocklist if fraud)."""
        services = self._services

        def work() -> Any:
            if history_id is not None:
                services.history().update(history_id, category=category, note=note)
            return category

        def done(result: Any) -> None:
            self.actionFinished.emit("mark", number, result)
            if on_done is not None:
                on_done(result)

        services.jobs.run(work, on_result=done, writer=True, name="mark-call")

    def _list_action(
        self, action: str, list_name: str, number: str, category: str, note: str, on_done: Callable[[Any], None] | None
    ) -> None:
        services = self._services

        def work() -> Any:
            return services.store().add(list_name, number, category=category, note=note, source="app")

        def done(entry: Any) -> None:
            self.actionFinished.emit(action, number, entry)
            if on_done is not None:
                on_done(entry)

        services.jobs.run(work, on_result=done, writer=True, name=f"{action}-number")

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


class SpeechService(QObject):
    """Audio devices, the input level meter, test recordings and the speech model, all off the GUI thread."""

    levelChanged = Signal(float, float)  # bar 0..1, rms dBFS
    meterStopped = Signal(object)  # None, or the exception that stopped it

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self._services = services
        self._meter_job: Any = None
        self._last_level = 0.0
        self._model: Any = None
        self._model_lock = threading.Lock()
        self._audio_lock = threading.Lock()
        self._open_streams = 0
        services.settings.changed.connect(self._settings_changed)

    def _settings_changed(self, new: Any, old: Any) -> None:
        if new.model_path != old.model_path:
            with self._model_lock:
                self._model = None  # load the new one on next use

    # ---------------------------------------------------------------- devices
    def _open(self, source: Any) -> None:
        """Start a capture stream, counted so a device rescan never re-initialises PortAudio under it."""
        with self._audio_lock:
            source.start()
            self._open_streams += 1

    def _close(self, source: Any) -> None:
        with self._audio_lock:
            try:
                source.close()
            finally:
                self._open_streams -= 1

    def list_devices(self, on_result: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:
        """Capture devices, rescanned (a USB phone recorder plugged in after start appears on 刷新)."""
        rescan = self._meter_job is None  # never re-initialise PortAudio under an open stream

        def scan() -> Any:
            from speech.audio import list_input_devices

            if rescan:
                import sounddevice as sd

                with self._audio_lock:  # never under an open stream (meter, test recording)
                    if self._open_streams == 0:
                        sd._terminate()  # PortAudio only enumerates devices when it is initialised
                        sd._initialize()
            return list_input_devices()

        self._services.jobs.run(scan, on_result=on_result, on_error=on_error, name="list-devices")

    @staticmethod
    def _device_arg(device: str | None) -> int | str | None:
        if device is None or device == "":
            return None
        return int(device) if device.isdigit() else device

    def start_meter(self, device: str | None) -> None:
        """Start the live input level meter on ``device``; readings arrive as ``levelChanged``."""
        self.stop_meter()

        def run(progress: Any) -> None:
            from speech.audio import LiveSource

            def on_level(reading: Any) -> None:
                now = time.monotonic()
                if now - self._last_level >= 0.05:  # at most 20 updates a second
                    self._last_level = now
                    self.levelChanged.emit(float(reading.bar), float(reading.rms_dbfs))

            source = LiveSource(self._device_arg(device), on_level=on_level)
            self._open(source)
            try:
                while not progress.cancelled:
                    source.read(0.2)
            finally:
                self._close(source)

        def finished(_: Any = None) -> None:
            self._meter_job = None
            self.meterStopped.emit(None)

        def failed(exc: BaseException) -> None:
            self._meter_job = None
            self.meterStopped.emit(exc)

        self._meter_job = self._services.jobs.run_long(
            run, on_result=finished, on_error=failed, on_cancelled=finished, name="level-meter"
        )

    def stop_meter(self) -> None:
        job, self._meter_job = self._meter_job, None
        if job is not None:
            job.cancel()

    @property
    def meter_running(self) -> bool:
        return self._meter_job is not None

    def test_recording(
        self,
        device: str | None,
        seconds: float,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Any:
        """Record ``seconds`` from ``device`` into ``<data dir>/test-recording.wav``; result: TestRecording."""
        target = self._services.data_dir / "test-recording.wav"
        device_arg = self._device_arg(device)

        def run(progress: Any) -> TestRecording:
            recording = record_test(device_arg, seconds, target, progress, self._open, self._close)
            try:
                model = self.loaded_model()  # transcribe it too when a speech model is available
            except Exception:
                log.info("test recording: speech model not usable", exc_info=True)
                return recording
            if model is None:
                return recording
            from speech.audio import decode_file
            from speech.recognizer import transcribe_pcm

            text = transcribe_pcm(model, decode_file(target).pcm)
            return dataclasses.replace(recording, transcript=text)

        self.stop_meter()
        return self._services.jobs.run_long(
            run, on_result=on_result, on_error=on_error, on_progress=on_progress, name="test-recording"
        )

    # ------------------------------------------------------------------ model
    def loaded_model(self) -> Any:
        """The Vosk model, loaded once (call from a worker: loading takes seconds); None if there is none."""
        from app.audio.model import resolve_app_model
        from speech.errors import ModelError
        from speech.recognizer import load_model

        with self._model_lock:
            if self._model is None:
                try:
                    resolved = resolve_app_model(self._services.data_dir, self._services.settings.value.model_path)
                except ModelError as exc:
                    if exc.code.name == "NO_MODEL":
                        return None
                    raise
                self._model = load_model(resolved.path)
            return self._model

    def model_status(self, on_result: Callable[[ModelStatus], None]) -> None:
        """Which speech model would be used, checked in a worker (folder validation reads the disk)."""
        data_dir = self._services.data_dir
        settings_path = self._services.settings.value.model_path

        def check() -> ModelStatus:
            from app.audio.model import resolve_app_model
            from speech.errors import SpeechError

            try:
                resolved = resolve_app_model(data_dir, settings_path)
            except SpeechError as exc:
                return ModelStatus(None, None, exc.message)
            return ModelStatus(str(resolved.path), resolved.source, None)

        self._services.jobs.run(check, on_result=on_result, on_error=lambda e: on_result(ModelStatus(None, None, e)))

    def download_model(
        self,
        on_progress: Callable[[int, int, str], None],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancelled: Callable[[], None],
        spec_key: str = "small",
    ) -> Any:
        """Download, verify and unpack the Mandarin model in a worker; cancel-able, with byte progress."""
        from speech.models import CATALOGUE

        spec = CATALOGUE[spec_key]
        data_dir = self._services.data_dir
        mirror = self._services.settings.value.model_mirror  # None: the official address

        def run(progress: Any) -> Any:
            from speech.models import check_mirror_url, download_model

            def report(done: int, total: int | None) -> None:
                progress.update(done, int(total or 0), "")

            url = check_mirror_url(mirror) if mirror else None
            return download_model(spec, data_dir, progress=report, cancel=progress.cancel_event, url=url).info

        return self._services.jobs.run_long(
            run,
            on_result=on_result,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=on_cancelled,
            name="model-download",
        )

    def import_model(
        self,
        path: str,
        on_progress: Callable[[int, int, str], None],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancelled: Callable[[], None],
    ) -> Any:
        """Copy a model from a zip or folder into the data dir (all or nothing) in a worker."""
        data_dir = self._services.data_dir

        def run(progress: Any) -> Any:
            from speech.models import import_model

            progress.update(0, 0, "")
            return import_model(path, data_dir, cancel=progress.cancel_event)

        return self._services.jobs.run_long(
            run,
            on_result=on_result,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=on_cancelled,
            name="model-import",
        )

    def close(self) -> None:
        self.stop_meter()


@dataclass(frozen=True)
class ModelStatus:
    path: str | None
    source: Any  # speech.models.ModelSource
    problem: Any  # a Message (or exception) when no usable model was found

    @property
    def ready(self) -> bool:
        return self.path is not None

    def text(self, lang: str) -> str:
        if self.path is not None:
            where = self.source.label(lang) if hasattr(self.source, "label") else ""
            if lang == "en":
                return f"Ready: {self.path}" + (f" ({where})" if where else "")
            return f"已就绪：{self.path}" + (f"（{where}）" if where else "")
        return render(self.problem, lang) or ("No speech model." if lang == "en" else "还没有语音识别模型。")


@dataclass(frozen=True)
class TestRecording:
    path: str
    seconds: float
    peak: float
    rms_dbfs: float
    transcript: str | None = None


def record_test(
    device: int | str | None,
    seconds: float,
    target: Any,
    progress: Any,
    open_source: Callable[[Any], None] | None = None,
    close_source: Callable[[Any], None] | None = None,
) -> TestRecording:
    """Worker: capture ``seconds`` of audio (16 kHz mono) from ``device``, save it as a WAV and measure its level."""
    import wave

    from speech.audio import LiveSource, level_of

    source = LiveSource(device)
    (open_source or (lambda src: src.start()))(source)
    chunks: list[bytes] = []
    total = int(seconds * 16000 * 2)
    got = 0
    try:
        while got < total:
            progress.check()
            block = source.read(0.5)
            if block:
                chunks.append(block)
                got += len(block)
                progress.update(min(got, total), total, "")
    finally:
        (close_source or (lambda src: src.close()))(source)
    pcm = b"".join(chunks)[:total]
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(pcm)
    reading = level_of(pcm)
    return TestRecording(str(target), len(pcm) / 32000.0, reading.peak, reading.rms_dbfs, None)
