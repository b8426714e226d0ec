"""Two channels per line: the caller ("对方") and us ("我方"), each with its own recogniser.

On a softphone PC the caller's voice is the playback side (a loopback, see :mod:`speech.loopback`)
and ours is the microphone. Each side runs its own :class:`~speech.pipeline.TranscriptionRun`; the
transcript keeps who said what; and only the caller's side is *scored*. What we say is context:

* the caller's segments go to the alerting sink (the detector session of the call);
* our segments go to a separate context sink (another detector session, or none). Its hits are
  kept as context ("our side already warned about verification codes") and never raise an alert,
  so an agent telling a customer 「不要把验证码告诉任何人」 cannot trigger one, while the same words
  from the caller are scored like any other caller speech.

Plain Python, no Qt: callbacks run on the two recogniser threads; the UI turns them into signals.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from screening.i18n import MessageCode
from screening.types import SegmentSink, TranscriptSegment
from speech.audio import AudioSource
from speech.errors import SpeechError
from speech.pipeline import RunResult, TranscriptionRun
from speech.recognizer import Recognizer

log = logging.getLogger(__name__)


class Side(enum.Enum):
    """Who is speaking (code, zh, en)."""

    CALLER = ("caller", "对方", "caller")
    US = ("us", "我方", "us")

    @property
    def code(self) -> str:
        return str(self.value[0])

    def label(self, lang: str = "zh") -> str:
        return str(self.value[2] if lang.startswith("en") else self.value[1])


class ChannelNote(MessageCode):
    """What the two-channel line says about itself (zh, en)."""

    US_CONTEXT = (
        "我方提到了：{rules}（仅作参考，不报警）",
        "our side mentioned: {rules} (context only, no alert)",
    )
    CHANNEL_FAILED = ("{side}声道出错：{error}（另一声道继续）", "{side} channel failed: {error} (the other goes on)")


@dataclass(frozen=True)
class SideSegment:
    """A transcript segment with the side that said it."""

    side: Side
    segment: TranscriptSegment

    def render(self, lang: str = "zh") -> str:
        sep = ": " if lang.startswith("en") else "："
        return f"{self.side.label(lang)}{sep}{self.segment.text}"


@dataclass(frozen=True)
class Channel:
    """One side of a line: where its audio comes from and the recogniser that hears it."""

    source: AudioSource
    recognizer: Recognizer


@dataclass(frozen=True)
class LineResult:
    caller: RunResult | None
    us: RunResult | None
    transcript: tuple[SideSegment, ...]  # final segments of both sides, in time order
    context_rules: tuple[str, ...]  # rule ids our side mentioned (context, never alerts)

    def text(self, side: Side) -> str:
        return " ".join(s.segment.text for s in self.transcript if s.side is side and s.segment.text)

    def lines(self, lang: str = "zh") -> list[str]:
        return [s.render(lang) for s in self.transcript if s.segment.text]


SideSegmentFn = Callable[[SideSegment], None]
UpdateFn = Callable[[TranscriptSegment, Any], None]
ErrorFn = Callable[[Side, SpeechError], None]


class TwoSidedLine:
    """The caller's and our channel of one line, each on its own recogniser thread.

    ``alert_sink`` scores the caller (its updates reach ``on_alert_update``); ``context_sink`` hears
    us (its updates reach ``on_context_update`` and their rule ids are kept as context). A channel
    that fails (device unplugged) reports through ``on_error``; the other keeps running.
    """

    def __init__(
        self,
        caller: Channel,
        us: Channel | None = None,
        alert_sink: SegmentSink | None = None,
        context_sink: SegmentSink | None = None,
        on_segment: SideSegmentFn | None = None,
        on_alert_update: UpdateFn | None = None,
        on_context_update: UpdateFn | None = None,
        on_error: ErrorFn | None = None,
        name: str = "line",
        catch_up_s: float = 0.0,
    ) -> None:
        self._catch_up_s = catch_up_s  # a live line: speech.pipeline.LIVE_CATCH_UP_S
        self._lock = threading.Lock()
        self._finals: list[SideSegment] = []
        self._context: dict[str, None] = {}
        self._on_segment = on_segment
        self._on_alert_update = on_alert_update
        self._on_context_update = on_context_update
        self._on_error = on_error
        self._runs: dict[Side, TranscriptionRun] = {
            Side.CALLER: self._run(Side.CALLER, caller, alert_sink, name),
        }
        if us is not None:
            self._runs[Side.US] = self._run(Side.US, us, context_sink, name)

    def _run(self, side: Side, channel: Channel, sink: SegmentSink | None, name: str) -> TranscriptionRun:
        return TranscriptionRun(
            channel.source,
            channel.recognizer,
            sink=sink,
            on_segment=lambda segment: self._segment(side, segment),
            on_update=lambda segment, update: self._update(side, segment, update),
            on_error=lambda error: self._error(side, error),
            name=f"{name}-{side.code}",
            catch_up_s=self._catch_up_s,
        )

    # -- recogniser threads -----------------------------------------------------------------------
    def _segment(self, side: Side, segment: TranscriptSegment) -> None:
        labelled = SideSegment(side, segment)
        if segment.is_final:
            with self._lock:
                self._finals.append(labelled)
        if self._on_segment is not None:
            self._on_segment(labelled)

    def _update(self, side: Side, segment: TranscriptSegment, update: Any) -> None:
        if side is Side.CALLER:
            if self._on_alert_update is not None:
                self._on_alert_update(segment, update)
            return
        # Our side: remember what it mentioned; never pass it on as something to alert about.
        with self._lock:
            for hit in getattr(update, "new_hits", ()) or ():
                rule = getattr(hit, "rule_id", None)
                if rule:
                    self._context.setdefault(str(rule), None)
        if self._on_context_update is not None:
            self._on_context_update(segment, update)

    def _error(self, side: Side, error: SpeechError) -> None:
        log.warning("%s channel failed: %s", side.code, error.render("en"))
        if self._on_error is not None:
            self._on_error(side, error)

    # -- lifecycle (owner's thread) ---------------------------------------------------------------
    def start(self) -> TwoSidedLine:
        for run in self._runs.values():
            run.start()
        return self

    @property
    def running(self) -> bool:
        return any(run.running for run in self._runs.values())

    def source(self, side: Side) -> AudioSource | None:
        """Where this side's audio comes from (None: the line has no such channel)."""
        run = self._runs.get(side)
        return run.source if run is not None else None

    @property
    def audio_s(self) -> float:
        """Audio processed so far by the slower side (what :class:`speech.lag.LagMonitor` is fed)."""
        return min(run.audio_s for run in self._runs.values())

    @property
    def context_rules(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._context)

    def transcript(self) -> tuple[SideSegment, ...]:
        with self._lock:
            return tuple(sorted(self._finals, key=lambda s: (s.segment.start, s.side.code)))

    def stop(self, timeout: float = 10.0) -> LineResult:
        results = {side: run.stop(timeout) for side, run in self._runs.items()}
        return LineResult(results[Side.CALLER], results.get(Side.US), self.transcript(), self.context_rules)
