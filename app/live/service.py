"""Live calls: the Qt face of the call controller and of the per-call transcript → detector → alert pipeline.

Core callbacks arrive on worker threads (call sources, recogniser threads). Each one is re-emitted through a
queued signal on a QObject that lives on the GUI thread (vorta ``borg_job.py`` → ``application.py``); widgets only
ever see those signals.

``CallBridge`` keeps one ``LineState`` per active line: the call event, the number verdict, the history row, the
transcript so far and the detector session that turns each transcript segment into a rising risk level. Segments
go through the real ``DetectorSession`` on one transcript worker (in order); level rises update the history row
(writer pool) and ask the ``AlertService`` for an alert.

A line can have two channels (:class:`speech.channels.TwoSidedLine`): "对方（电话那头）" (a softphone's playback
loopback, or the caller's side of a SIP call) and "我方（麦克风）" (the microphone, or what our SIP side sent). Only the
caller's channel is scored; ours is shown, labelled, and kept as context. SIP lines get both sides from baresip's
per-call recordings (:class:`app.calls.sources.sip_audio.SipCallAudio`). A :class:`speech.lag.LagMonitor` checks every
second that each line's recognisers keep up and says so on the line's card when they do not.
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

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app import inbox
from app.audio.service import device_arg
from app.calls.controller import CallController, CallSettings
from app.calls.events import CallEnded, CallEvent, SourceBase, SourceStatus
from app.calls.sources.manual import ManualSource
from app.display import Renderable, alert_origin, render_text
from app.operations import DataArea
from app.operations import calls as call_ops
from app.settings import devices_for_line
from screening.i18n import Message, MessageCode
from screening.screener import NumberVerdict
from screening.types import Level, TranscriptSegment
from speech.channels import Channel, LineResult, Side, SideSegment, TwoSidedLine
from speech.lag import LagMonitor
from speech.pipeline import LIVE_CATCH_UP_S
from speech.pool import RecognizerPool

if TYPE_CHECKING:
    from app.calls.sources.sip import SipConfig
    from app.calls.sources.sip_audio import SipCallAudio
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


class CallNote(MessageCode):
    WITHDRAWN = (
        "通话中曾发出警告；整通电话听下来不像诈骗话术，已降为“注意”",
        "A warning was raised during the call; the whole call does not read as a scam script, so it is lowered to "
        "caution",
    )
    LAST_WORDS = (
        "挂断后才识别完的最后几句话，让整通电话听下来仍像诈骗话术",
        "the call's last words, recognised after it ended, make the whole call read like a scam script after all",
    )
    TRUSTED_HEARD = (
        "通话里说到了下面这些骗子常用的说法；来电号码是可信的，这多半是在提醒您防骗。"
        "只要对方要您转账或要验证码，仍请挂断后自己拨打官方电话核实",
        "The call mentioned the scam phrases below; the number is a trusted one, so it was most likely warning you "
        "about scams. If the caller asks you to transfer money or for a code, still hang up and call the official "
        "number yourself",
    )


class BridgeProblem(MessageCode):
    EMPTY_NUMBER = ("请输入来电号码", "please enter the caller's number")
    TOO_LONG = ("号码太长（最多 {limit} 个字符）", "number too long (at most {limit} characters)")
    NOT_LISTENING = ("这条线路已结束监听", "this line is no longer being monitored")
    NO_MODEL_FOR_CALL = (
        "还没有语音识别模型，线路 {line} 的通话内容不会转写（号码照常识别）。可在“设置”里下载模型",
        "no speech model yet: the call on line {line} is not transcribed (its number is still screened). "
        "Download a model in Settings",
    )


class BridgeError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def render(value: object, lang: str) -> str:
    return render_text(value, lang)


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
    two_sided: bool = False  # two channels: the caller's (scored) and ours (context), each labelled
    two: TwoSidedLine | None = None  # a two-channel line this bridge started (device capture); SIP calls own theirs
    said: list[SideSegment] = field(default_factory=list)  # final segments of both sides, in arrival order
    us_hits: list[PhraseHit] = field(default_factory=list)  # what our side mentioned (context, never alerts)
    lag: Message | None = None  # 「第 N 线路识别落后 X 秒」 while the recognisers are behind
    answering: bool = False  # the user picked up a ringing SIP call (接听)
    # The devices this line is heard on once listening started, as settings store them (devices_for_line):
    # (caller_device, us_device); "" = no caller-side device, None = the system's default input. Shown on the card.
    devices: tuple[str, str | None] | None = None
    # The caller's words so far judged as one text (StreamUpdate.now). During the call the card keeps the peak (a
    # warning never drops mid-call); once the call has ended, a warning the whole call does not bear out is
    # withdrawn to 注意 (``CallBridge._settle``): 6.3 % of 700 honest written calls fed clause by clause peaked at
    # a warning, 1.7 % judged whole.
    now: Level | None = None
    now_score: float = 0.0
    peak: Level = Level.UNKNOWN
    peak_score: float = 0.0
    # a warning the whole call raised once it had ended, where the live peak never reached one (``_settle``): the
    # peak from then on, for the words flushed after it to bear out or withdraw
    ended_peak: tuple[Level, float] | None = None
    withdrawn: bool = False  # the card and the call's record say the earlier warning was withdrawn
    # The scheme the call is shown under and saved with (StreamUpdate.category of the final words): taken when the
    # call is first named or its level rises, and again when it ends, so it does not flicker between two schemes
    # while the call goes on; ``latest_category`` is the last one named.
    category: str | None = None
    latest_category: str | None = None

    @property
    def key(self) -> str:
        return f"call-{self.history_id}" if self.history_id is not None else f"line-{self.line}-{self.started}"

    @property
    def call_id(self) -> str:
        return str(self.event.extra.get("call_id", "")) if self.event.extra else ""

    def transcript(self, lang: str = "zh") -> str:
        """What was said: one labelled line per utterance on a two-channel line (对方：… / 我方：…)."""
        if self.two_sided:
            return "\n".join(s.render(lang) for s in self.said if s.segment.text)
        return "".join(self.final_text)

    def side_text(self, side: Side) -> str:
        return " ".join(s.segment.text for s in self.said if s.side is side and s.segment.text)


class _CallerSink:
    """The caller's channel feeds the line's detector session (the one that rises and alerts)."""

    def __init__(self, bridge: CallBridge, state: LineState) -> None:
        self._bridge = bridge
        self._state = state

    def feed(self, segment: TranscriptSegment) -> StreamUpdate:
        return self._bridge.detect(self._state, segment)


class CallBridge(QObject):
    """Qt face of the call controller and the per-call transcript pipeline."""

    callScreened = Signal(object, object, object)  # event, verdict, history_id
    callEnded = Signal(str)  # line
    transcriptUpdated = Signal(str, object, object)  # line, segment, detector update (the caller's side)
    usTranscriptUpdated = Signal(str, object, object)  # line, segment, detector update of our side (context only)
    lineChanged = Signal(str)  # a line's level/score changed, or it became two-sided
    lineLag = Signal(str)  # a line's recognisers fell behind or caught up (LineState.lag)
    sourceStatus = Signal(object)  # SourceStatus from a call source
    actionFinished = Signal(str, str, object)  # action ("block"/"trust"/"mark"), number, result

    _screened = Signal(object, object, object)
    # LineState (the call the words belong to), segment, update, error, side code ("" = one channel)
    _segment = Signal(object, object, object, object, str)
    _ended = Signal(str, str)  # line, call id ("" = the source gives none)
    _status = Signal(object)
    _two_sided = Signal(object)  # LineState whose two-channel audio started
    _result = Signal(object, object)  # LineState, LineResult of a finished SIP call

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self._services = services
        self.lines: dict[str, LineState] = {}
        self._transcript_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callshield-transcript")
        self._closed = False
        self._controller: CallController | None = None
        self._manual: SourceBase | None = None
        self._device_sources: list[SourceBase] = []
        self.source_problem: Message | None = None  # why the saved call source runs only in part (said by the page)
        self._sessions_lock = threading.Lock()
        self._sip_audio: SipCallAudio | None = None
        self._sip_states: dict[str, LineState] = {}  # SIP call id → its line, for the call's final result
        # Tests and the screenshots replace this: (line, side) → a recogniser; None: the speech model's.
        self.recognizer_factory: Callable[[str, Side], Recognizer] | None = None
        # Each line keeps its recognisers between calls: a warm one costs about 40 % less CPU (speech.pool).
        self.recognizers = RecognizerPool()  # made from the speech model on first use (_recognizers)
        self.lag = LagMonitor(threshold_s=2.0, on_change=self._lag_changed)
        self._lag_timer = QTimer(self)
        self._lag_timer.setInterval(1000)
        self._lag_timer.timeout.connect(self.check_lag)
        # Worker threads (the call controller, sources, recognisers) reach the GUI thread through a Python queue,
        # not a cross-thread signal (app.inbox says why); posted from the GUI thread, it runs at once.
        inbox.start()
        self._screened.connect(self._on_screened)
        self._segment.connect(self._on_segment)
        self._ended.connect(self._on_ended)
        self._status.connect(self.sourceStatus)
        self._two_sided.connect(self._on_two_sided)
        self._result.connect(self._on_sip_result)
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
        from app.calls.sources.modem import ModemConfig, ModemLinesError, name_modem_lines
        from app.calls.sources.ncid import NcidConfig

        src = settings.call_source
        self.source_problem = None
        modem: list[ModemConfig] = []
        if src.kind == "modem":  # one per landline, each with its line's name (设置 checks them when saved)
            try:
                named = name_modem_lines(src.modems)
            except ModemLinesError as exc:  # a hand-edited file: the first modem runs, and the Live page says why
                log.warning("call source: %s", exc.message.render("en"))
                self.source_problem = exc.message
                named = name_modem_lines(src.modems[:1])
            country = src.modem_country or None
            modem = [
                ModemConfig(port=port, baudrate=src.modem_baud, country_code=country, line_id=line)
                for port, line in named
            ]
        ncid = NcidConfig(host=src.ncid_host, port=src.ncid_port) if src.kind == "ncid" else None
        sip = self._sip_config(settings) if src.kind == "sip" and src.sip.account else None
        assert self._controller is not None
        sources = self._controller.create_sources(
            modem=modem or None,
            ncid=ncid,
            manual=manual,
            on_status=self.on_source_status,
            sip=sip,
            on_sip_answered=self._sip_audio.on_answered if sip is not None and self._sip_audio is not None else None,
        )
        for source in sources:
            if source.kind == "manual":
                self._manual = source
            else:
                self._device_sources.append(source)
            source.start()

    def _sip_config(self, settings: Settings) -> SipConfig:
        """The SIP line as saved, plus where baresip writes each answered call's two sides for transcribing."""
        from app.calls.sources.sip_audio import SipCallAudio

        sip = settings.call_source.sip
        if not sip.record_dir:
            record_dir = self._services.data_dir / "sip-calls"
            record_dir.mkdir(parents=True, exist_ok=True)
            sip = dataclasses.replace(sip, record_dir=str(record_dir))
        self._sip_audio = SipCallAudio(sip.record_dir, self._make_sip_line, self._sip_call_heard)
        return sip

    def listening_kinds(self) -> tuple[str, ...]:
        """The kinds of the call lines listened to now (modem, ncid, sip): what closing the app would stop."""
        return tuple(s.kind for s in self._device_sources)

    def running_source(self, kind: str) -> SourceBase | None:
        """The device source of this kind that is running now (the SIP settings' test pauses it)."""
        return next((s for s in self._device_sources if s.kind == kind), None)

    def _settings_changed(self, new: Settings, old: Settings) -> None:
        if self._closed or self._controller is None:
            return
        call_settings = self._call_settings(new)
        if call_settings != self._call_settings(old):
            self._controller.settings = call_settings
        if new.call_source != old.call_source:
            stopped = {source.kind for source in self._device_sources}
            for source in self._device_sources:
                source.stop()
                self._controller.detach(source)
            self._device_sources = []
            # the calls those sources were showing are over for this app: their cards stop listening (a trial's
            # switched-off NCID server left its call's card listening, sorted above the new calls)
            for state in list(self.lines.values()):
                if state.listening and str(getattr(state.event, "source", "")) in stopped:
                    self.stop_line(state.line)
            self._start_sources(new, manual=False)

    def on_problem(self, message: Message) -> None:
        """Controller problems (history write failed…): shown like a source status."""
        inbox.emit(self, "_status", message)

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
        inbox.emit(self, "_screened", event, verdict, history_id)

    def on_controller_ended(self, ended: CallEnded) -> None:
        sip_audio = self._sip_audio
        if ended.source == "sip" and sip_audio is not None:
            sip_audio.on_end(ended)  # read both recordings to the end; the result follows (_sip_call_heard)
        inbox.emit(self, "_ended", str(ended.line), str(ended.extra.get("call_id", "")) if ended.extra else "")

    def on_source_status(self, status: SourceStatus) -> None:
        inbox.emit(self, "_status", status)

    @Slot(object, object, object)
    def _on_screened(self, event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        line = str(event.line)
        old = self.lines.get(line)
        if old is not None and old.listening:  # replaced without an end of its own (manual, NCID without END)
            self._end_call(old)
        elif old is not None:
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
        self._services.alerts.consider(
            state.key, state.number, state.level, self.ordered_reasons(state), **self._alert_context(state)
        )
        self._auto_listen(state)

    @staticmethod
    def _alert_context(state: LineState) -> dict[str, Any]:
        """What an alert says of where the call came from (``app.display.alert_origin``): its line (a hotline has
        several), and whether it was a 模拟来电 (a volunteer's training mailed the supervisor alerts that read as real)."""
        return alert_origin(str(getattr(state.event, "source", "")), state.line)

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
            inbox.emit(self, "_status", error.message)

        run = TranscriptionRun(
            source,
            recognizer,
            on_segment=lambda segment: self._process_segment(state, segment),
            on_error=on_error,
            name=f"line-{line}",
            catch_up_s=LIVE_CATCH_UP_S,
        )
        state.run = run
        return run.start()

    def listen_two_sided(
        self,
        line: str,
        caller: AudioSource,
        us: AudioSource,
        caller_recognizer: Recognizer,
        us_recognizer: Recognizer,
    ) -> TwoSidedLine:
        """Transcribe both sides of this line, each on its own recogniser thread: the caller's side is scored,
        ours is shown (labelled) and kept as context. Results arrive as ``transcriptUpdated`` (caller) and
        ``usTranscriptUpdated`` (us)."""
        state = self.lines.get(line)
        if state is None or not state.listening:
            raise BridgeError(Message(BridgeProblem.NOT_LISTENING))
        self._stop_session(state)
        state.listening = True
        two = self._two_sided_line(state, Channel(caller, caller_recognizer), Channel(us, us_recognizer))
        state.two = two
        self._on_two_sided(state)
        return two.start()

    def _two_sided_line(self, state: LineState, caller: Channel, us: Channel) -> TwoSidedLine:
        """The line's two channels (any thread): speech.channels routes the caller to the scoring session and
        our side to a context-only session, so what our agent says can never raise an alert."""
        line = state.line
        return TwoSidedLine(
            caller,
            us,
            alert_sink=_CallerSink(self, state),
            context_sink=self._services.detector().session(),
            on_alert_update=lambda seg, upd: inbox.emit(self, "_segment", state, seg, upd, None, Side.CALLER.code),
            on_context_update=lambda seg, upd: inbox.emit(self, "_segment", state, seg, upd, None, Side.US.code),
            on_error=lambda _side, error: inbox.emit(self, "_status", error.message),
            name=f"line-{line}",
            catch_up_s=LIVE_CATCH_UP_S,
        )

    def _recognizers(self, line: str, two_sided: bool = True) -> tuple[Recognizer, Recognizer | None] | None:
        """The line's recogniser per side (worker): from ``recognizer_factory``, or the line's warm ones from the
        pool (made from the speech model when the line has none idle); None without a model. ``two_sided=False``
        takes only the caller's (a single-input line)."""
        factory = self.recognizer_factory
        if factory is not None:
            return factory(line, Side.CALLER), (factory(line, Side.US) if two_sided else None)
        model = self._services.speech.loaded_model()
        if model is None:
            return None
        pool = self.recognizers
        if pool.generation is not model:
            pool.reset(model.recognizer, model)
        caller = pool.lease((line, Side.CALLER))
        return caller, (pool.lease((line, Side.US)) if two_sided else None)

    # SIP calls: SipCallAudio calls these on its helper threads.
    def _make_sip_line(self, event: CallEvent, caller: AudioSource, us: AudioSource) -> TwoSidedLine:
        call_id = str(event.extra.get("call_id", ""))
        state = self._wait_for_state(str(event.line), call_id)
        recognizers = self._recognizers(str(event.line))
        if state is None or recognizers is None:
            if recognizers is None:
                inbox.emit(self, "_status", Message(BridgeProblem.NO_MODEL_FOR_CALL, {"line": event.line}))
            for source in (caller, us):  # nothing will read them: do not keep the call's recordings
                path = getattr(source, "path", None)
                if path is not None:
                    path.unlink(missing_ok=True)
            raise RuntimeError("the SIP call is not transcribed (no speech model, or its card is gone)")
        with self._sessions_lock:
            self._sip_states[call_id] = state
        us_recognizer = recognizers[1]
        assert us_recognizer is not None  # two-sided: both were leased
        two = self._two_sided_line(state, Channel(caller, recognizers[0]), Channel(us, us_recognizer))
        inbox.emit(self, "_two_sided", state)
        return two

    def _wait_for_state(self, line: str, call_id: str, timeout_s: float = 5.0) -> LineState | None:
        """The line's state for this call (the GUI thread creates it when the screening result arrives)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self._closed:
            state = self.lines.get(line)
            if state is not None and state.call_id == call_id:
                return state
            time.sleep(0.05)
        return None

    def _sip_call_heard(self, event: CallEvent, result: LineResult) -> None:
        with self._sessions_lock:
            state = self._sip_states.pop(str(event.extra.get("call_id", "")), None)
        if state is not None:
            inbox.emit(self, "_result", state, result)

    @Slot(object)
    def _on_two_sided(self, state: LineState) -> None:
        state.two_sided = True
        self.lag.start(state.line)
        if not self._lag_timer.isActive():
            self._lag_timer.start()
        self.lineChanged.emit(state.line)

    @Slot(object, object)
    def _on_sip_result(self, state: LineState, result: LineResult) -> None:
        """A SIP call is over and both recordings were read to the end: its full, labelled transcript is saved.
        (With call waiting the line may hold the next call by now: its lag monitor and its card are left alone.)"""
        current = self.lines.get(state.line) is state
        if current:
            self.lag.stop(state.line)
        if state.lag is not None:
            state.lag = None
            if current:
                self.lineLag.emit(state.line)
        state.said = list(result.transcript)
        if state.history_id is not None:
            self._services.write(
                call_ops.update_call,
                self._services,
                state.history_id,
                {"transcript": state.transcript(), "duration_s": time.monotonic() - state.started},
                area=DataArea.HISTORY,
                name="sip-call-heard",
            )
        if current:
            self.lineChanged.emit(state.line)

    # The lag monitor: every second while audio is being heard, each line's recognisers against the clock.
    def check_lag(self) -> None:
        heard = 0
        for state in list(self.lines.values()):
            audio_s = self._audio_s(state)
            if audio_s is None:
                continue
            heard += 1
            self.lag.observe(state.line, audio_s)
        if heard == 0:
            self._lag_timer.stop()

    def _audio_s(self, state: LineState) -> float | None:
        if not state.listening and state.call_id not in self._sip_states:
            return None
        if state.two is not None:
            return state.two.audio_s
        if state.run is not None:
            return state.run.audio_s
        return None

    def _lag_changed(self, message: Message) -> None:
        """LagMonitor callback (GUI thread, from ``check_lag``): on the line's card and in the log."""
        from speech.lag import LagMessage

        line = str(message.params.get("line", ""))
        state = self.lines.get(line)
        behind = message.code is LagMessage.BEHIND
        (log.warning if behind else log.info)("%s", message.render("en"))
        if state is not None:
            state.lag = message if behind else None
            self.lineLag.emit(line)

    def sip_line_audio(self) -> SipCallAudio | None:
        return self._sip_audio

    def _auto_listen(self, state: LineState) -> None:
        """A real incoming call (modem/NCID) with a speech model configured: listen on the line's input(s).

        Which devices is :func:`app.settings.devices_for_line`'s answer: the line's own pair when Settings give it one
        (a call centre with several lines on one PC), else the PC-wide pair. With a caller-side device (a softphone's
        playback loopback), the line gets two channels: that device as "对方（电话那头）" and the microphone as
        "我方（麦克风）". SIP calls are heard from baresip's recordings instead (``_make_sip_line``) once answered."""
        if state.event.source in ("manual", "sip"):
            return
        line = state.line
        caller_device, us_device = devices_for_line(self._services.settings.value, line)

        def prepare() -> tuple[AudioSource, AudioSource | None, Recognizer, Recognizer | None] | None:
            from speech.audio import LiveSource
            from speech.loopback import open_capture

            two_sided = bool(caller_device)
            recognizers = self._recognizers(line, two_sided=two_sided)
            if recognizers is None:
                return None
            # Opened through the speech service: a device rescan (刷新) never re-initialises PortAudio under a call.
            capture = self._services.speech.live_capture
            mic = capture(LiveSource(device_arg(us_device)))
            if two_sided:
                return capture(open_capture(caller_device)), mic, recognizers[0], recognizers[1]
            return mic, None, recognizers[0], None

        def ready(result: tuple[AudioSource, AudioSource | None, Recognizer, Recognizer | None] | None) -> None:
            if result is None or not state.listening or self._closed:
                return
            first, us, recognizer, us_recognizer = result
            state.devices = (caller_device, us_device)
            self.lineChanged.emit(state.line)
            if us is not None and us_recognizer is not None:
                self.listen_two_sided(state.line, first, us, recognizer, us_recognizer)
            else:
                self.listen(state.line, first, recognizer)
                self._on_lag_start(state)

        def failed(exc: BaseException) -> None:
            log.warning("live listening unavailable: %s", exc)
            inbox.emit(self, "_status", getattr(exc, "message", exc))

        self._services.jobs.run(prepare, on_result=ready, on_error=failed, name="listen-call")

    def _on_lag_start(self, state: LineState) -> None:
        self.lag.start(state.line)
        if not self._lag_timer.isActive():
            self._lag_timer.start()

    def detect(self, state: LineState, segment: TranscriptSegment) -> StreamUpdate:
        """Feed the caller's words to the line's detector session (any worker thread; one session per call)."""
        with self._sessions_lock:
            if state.session is None:
                state.session = self._services.detector().session(state.level)
            session = state.session
        return session.feed(segment)

    def _process_segment(self, state: LineState, segment: TranscriptSegment) -> None:
        """Worker: run the real detector session; results go back to the GUI thread."""
        try:
            update = self.detect(state, segment)
        except Exception as exc:  # report, never kill the worker
            inbox.emit(self, "_segment", state, segment, None, exc, "")
            return
        inbox.emit(self, "_segment", state, segment, update, None, "")

    @Slot(object, object, object, object, str)
    def _on_segment(
        self,
        state: LineState,
        segment: TranscriptSegment,
        update: StreamUpdate | None,
        error: BaseException | None,
        side: str = "",
    ) -> None:
        """One segment of ``state``'s call. Words a recogniser flushes after its call ended still belong to that call
        when the line already holds the next one: they go to that call's record, never to the next call's card."""
        if error is not None:
            log.error("transcript processing failed", exc_info=(type(error), error, error.__traceback__))
            self._services.jobs.unhandledError.emit("transcript", error)
            return
        line = state.line
        shown = self.lines.get(line) is state  # the line's card shows this call
        last_words = segment.is_final and not state.listening  # flushed after the call ended: always saved
        if side == Side.US.code:  # our side: shown and kept, never scored
            if segment.is_final:
                state.said.append(SideSegment(Side.US, segment))
            if update is not None:
                state.us_hits.extend(update.new_hits)
            if shown:
                self.usTranscriptUpdated.emit(line, segment, update)
            if last_words and state.history_id is not None:
                self._save_progress(state)
            return
        if segment.is_final:
            state.final_text.append(segment.text)
            if side == Side.CALLER.code:
                state.said.append(SideSegment(Side.CALLER, segment))
        if update is None:
            return
        new_hits = list(update.new_hits)
        state.hits.extend(new_hits)
        level = Level.parse(update.level)
        score = float(update.score or 0.0)
        if segment.is_final:
            state.now = Level.parse(update.now)
            state.now_score = float(update.now_score)
        rose = level > state.peak and level > state.level
        changed_scheme = False
        if segment.is_final and update.category:
            state.latest_category = update.category
            if (state.category is None or rose or last_words) and state.category != update.category:
                state.category = update.category
                changed_scheme = True
        # the session's level and score are already its peaks; a warning the whole call raised once it had ended
        # (``_settle``) stays the peak, for the words flushed after it to bear out or withdraw
        state.peak, state.peak_score = level, score
        if state.ended_peak is not None and state.ended_peak[0] > level:
            state.peak, state.peak_score = state.ended_peak
        cleared = rose and state.withdrawn  # (only flushed words after the call can raise it again)
        if cleared:
            self._set_withdrawn(state, False)
        new_level = max(state.level, level) if rose else state.peak
        new_score = state.peak_score
        changed = (new_level != state.level and not state.withdrawn) or abs(new_score - state.score) > 1e-9
        changed = changed or changed_scheme
        if not state.withdrawn:
            state.level, state.score = new_level, new_score
        if shown:
            self.transcriptUpdated.emit(line, segment, update)
            if changed:
                self.lineChanged.emit(line)
        saved = (rose or bool(new_hits)) and state.history_id is not None
        if saved:
            self._save_progress(state, settled=cleared)  # a withdrawal cleared: its note leaves the reasons
        if rose:
            self._consider_alert(state)
        if last_words:
            settled = self._settle(state)
            if not (settled or saved) and state.history_id is not None:
                self._save_progress(state)  # the transcript, even when the words change nothing else

    def _consider_alert(self, state: LineState) -> None:
        self._services.alerts.consider(
            state.key,
            state.number,
            state.level,
            self.ordered_reasons(state),
            excerpt=state.transcript(),
            **self._alert_context(state),
        )

    def _settle(self, state: LineState) -> bool:
        """After the call: a warning the whole call does not bear out (StreamUpdate.now below WARN) is withdrawn to
        注意, on the card and in the call's record; one it does bear out, or a number's own level, stays. A short call
        that the whole text calls a warning the live peak never reached (the peak damps the model more: the call could
        have gone on to a reassurance) warns once it has ended, and alerts. True when the verdict changed (and the
        record was saved)."""
        now = state.now
        if now is None:
            return False
        if state.peak < Level.WARN:
            if now < Level.WARN or now <= state.level or state.withdrawn:
                return False
            # the whole call's warning is its peak now: words a recogniser flushes after it withdraw it or bear it out
            # as they would a live warning (below), the family told either way
            state.peak, state.peak_score = state.ended_peak = (now, state.now_score)
            state.level, state.score = now, state.now_score
            if self.lines.get(state.line) is state:
                self.lineChanged.emit(state.line)
            if state.history_id is not None:
                self._save_progress(state, settled=True)
            self._consider_alert(state)
            return state.history_id is not None
        withdrawn = now < Level.WARN
        level = max(now, Level.CAUTION) if withdrawn else max(state.peak, now)
        if withdrawn == state.withdrawn and level == state.level:
            return False
        state.level = level
        self._set_withdrawn(state, withdrawn)
        state.score = state.now_score if withdrawn else state.peak_score  # the meter agrees with the level
        if self.lines.get(state.line) is state:
            self.lineChanged.emit(state.line)
        if state.history_id is None:
            return False
        self._save_progress(state, settled=True)
        return True

    def _set_withdrawn(self, state: LineState, withdrawn: bool) -> None:
        """The call's warning is withdrawn, or stands again: the family, if e-mailed about it, hears of it
        (``AlertService.withdraw``: one correction after the alert e-mail, held for a few seconds so that the last
        words still being flushed can call it off; ``reinstate``: calls off one not sent, or follows one that went
        out with "the warning stands"). Only words flushed after the call ended make a withdrawn warning stand."""
        if withdrawn == state.withdrawn:
            return
        state.withdrawn = withdrawn
        if withdrawn:
            self._services.alerts.withdraw(state.key, Message(CallNote.WITHDRAWN))
        else:
            self._services.alerts.reinstate(state.key, Message(CallNote.LAST_WORDS))

    @staticmethod
    def words_raised(state: LineState) -> bool:
        """Whether what was said raised the call above its number's verdict (then its reasons lead)."""
        return bool(state.hits) and state.level > Level.parse(state.verdict.level)

    @staticmethod
    def ordered_reasons(state: LineState) -> list[Renderable]:
        """A call's reasons as codes, in the one order the card, the alert and the history row give them: the words
        heard first where they raised the call (a volunteer: 10086 asking for the code was 拦截 with 「官方服务号码」
        as its reason), the number's own first where they did not (the police's 110 warning about 安全账户)."""
        from screening.transcript.explain import hit_reasons, how_it_works
        from screening.transcript.phrases import bundled_categories

        heard, number = list(hit_reasons(state.hits)), list(state.verdict.reasons)
        if CallBridge.words_raised(state):
            cat = bundled_categories().get(state.category or "")
            if cat is not None and cat.id != "generic" and state.level >= Level.WARN:
                # how the scheme works, after what was heard: the first reason, which the alert bar and the family
                # report's number card show alone, stays the evidence (a review)
                return [*heard, how_it_works(cat), *number]
            return [*heard, *number]
        if heard and state.level is Level.ALLOW:  # a trusted caller naming scam cues (110, 96110): said as mentioned
            return [*number, Message(CallNote.TRUSTED_HEARD), *heard]
        return [*number, *heard]

    def _save_progress(self, state: LineState, settled: bool = False) -> None:
        """``settled``: the call's end changed its verdict, so its reasons are written too (with or without the
        note that the warning was withdrawn)."""
        from screening.transcript.explain import hit_to_dict

        history_id = state.history_id
        assert history_id is not None
        fields: dict[str, object] = {
            "level": state.level,
            "score": state.score,
            "transcript": state.transcript(),
            "hits": [hit_to_dict(h) for h in state.hits],
        }
        # the card's reasons in the card's order (``ordered_reasons``) once what was said raised the call, or at
        # its end; the number's alone are written when the call is first recorded
        if settled or self.words_raised(state):
            note = CallNote.WITHDRAWN
            said = [{"code": "call.warning_withdrawn", "zh": note.zh, "en": note.en}] if state.withdrawn else []
            fields["reasons"] = [*said, *(_reason_dict(r) for r in self.ordered_reasons(state))]
        category = state.category or next((h.category for h in state.hits if h.category), None)
        if category:
            fields["category"] = category
        self._services.write(
            call_ops.update_call, self._services, history_id, fields, area=DataArea.HISTORY, name="save-call"
        )

    # ------------------------------------------------------------------ end
    def can_answer(self, line: str) -> bool:
        """A ringing SIP call the user can pick up here (automatic answering is off)."""
        state = self.lines.get(line)
        if state is None or state.event.source != "sip" or not state.listening:
            return False
        return not self._services.settings.value.call_source.sip.auto_answer and self.running_source("sip") is not None

    def answer(self, line: str) -> bool:
        """接听: pick up the SIP call ringing on this line; both sides are then heard (``_make_sip_line``)."""
        from app.calls.sources.sip import SipSource

        state = self.lines.get(line)
        source = self.running_source("sip")
        if state is None or not isinstance(source, SipSource) or not state.call_id:
            return False
        state.answering = True
        source.answer(state.call_id)
        return True

    def stop_line(self, line: str) -> None:
        """结束监听: stop listening to this line; the card stays until dismissed."""
        state = self.lines.get(line)
        if state is None:
            return
        self._end_call(state)
        self.callEnded.emit(line)

    def _end_call(self, state: LineState) -> None:
        """The call is over: stop listening, settle its verdict, write its transcript so far and its duration."""
        state.listening = False
        self._stop_session(state)
        whole = state.latest_category or state.category  # the whole call's scheme: the card and the row say it
        if whole != state.category:
            state.category = whole
            self.lineChanged.emit(state.line)
        self._settle(state)
        if state.history_id is not None:
            transcript = state.transcript()
            duration = time.monotonic() - state.started
            history_id = state.history_id
            ended: dict[str, object] = {"transcript": transcript, "duration_s": duration}
            if state.category:
                ended["category"] = state.category
            if state.hits and state.level is Level.ALLOW:  # a trusted caller's cues, said as the card says them
                ended["reasons"] = [_reason_dict(r) for r in self.ordered_reasons(state)]
            self._services.write(
                call_ops.update_call,
                self._services,
                history_id,
                ended,
                area=DataArea.HISTORY,
                name="end-call",
            )

    def remove_line(self, line: str) -> None:
        state = self.lines.pop(line, None)
        if state is not None:
            self._stop_session(state)
            self.lineChanged.emit(line)  # (its card is gone: an alert about its call is past, ``AlertBar.calls_now``)

    @Slot(str, str)
    def _on_ended(self, line: str, call_id: str) -> None:
        state = self.lines.get(line)
        if state is not None and call_id and call_id != state.call_id:
            return  # the end of another call than the one the line holds now (call waiting on one SIP account)
        self.stop_line(line)

    def _stop_session(self, state: LineState) -> None:
        state.listening = False
        if state.call_id not in self._sip_states:
            self.lag.stop(state.line)
            if state.lag is not None:
                state.lag = None
                self.lineLag.emit(state.line)
        run, state.run = state.run, None
        two, state.two = state.two, None
        for stoppable in (run, two):
            if stoppable is None:
                continue
            if self._closed:
                stoppable.stop()  # closing the app: flush and join right here
            else:  # flushing the last words and joining the recogniser thread happen off the GUI thread
                self._services.jobs.run(stoppable.stop, name="stop-listening")

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

        # (信任 adds to the allowlist: the alert service withdraws the number's alerts, as for any list write.)
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
        self._lag_timer.stop()
        for state in self.lines.values():
            self._stop_session(state)
        controller = self._controller
        if controller is not None:
            controller.close()  # stops every source (joining threads), then the controller worker
        sip_audio = self._sip_audio
        if sip_audio is not None:  # calls cut short by closing: their recognisers finish and are joined
            deadline = time.monotonic() + 15
            while sip_audio.active and time.monotonic() < deadline:
                time.sleep(0.05)
        self._transcript_pool.shutdown(wait=True, cancel_futures=True)


def _reason_dict(reason: Renderable) -> dict[str, object]:
    """A reason as the history stores it: a number's reason its own ``to_dict``, the words heard (a ``HitReason``) as
    code ``script`` with both languages."""
    to_dict = getattr(reason, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    if isinstance(reason, Message) and isinstance(reason.code, CallNote):
        return {"code": "call." + reason.code.name.lower(), "zh": reason.render("zh"), "en": reason.render("en")}
    return {"code": "script", "zh": reason.render("zh"), "en": reason.render("en")}
