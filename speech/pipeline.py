"""One transcription run (a call or a recording): audio source → recogniser → detector.

A :class:`TranscriptionRun` owns exactly one recogniser thread.  The thread pulls audio from the
source (whose device callback only enqueues), feeds Vosk, emits partial and final
:class:`~screening.types.TranscriptSegment` objects with time offsets, feeds them to the detector
session (any :class:`~screening.types.SegmentSink`) and reports through plain callbacks, which run
on the recogniser thread; the UI turns them into Qt signals.

Stopping: :meth:`TranscriptionRun.stop` sets the stop Event, the thread flushes the last
utterance, closes the source and is joined.  If the source fails mid-stream (device unplugged,
file cut off), the error is reported and everything transcribed so far is kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from screening.types import SegmentSink, TranscriptSegment
from speech.audio import BYTES_PER_SAMPLE, TARGET_RATE, AudioSource
from speech.errors import SpeechError, SpeechProblem
from speech.recognizer import RecognitionResult, Recognizer

log = logging.getLogger(__name__)

# A live line that fell behind (the CPU was busy with other lines) catches up in bites of up to this much audio: the
# audio already waiting is fed to Vosk at once instead of block by block, which lets a busy PC hold more lines
# (bench/bench_lines.py). A line that keeps up still gets every 0.1 s block as it comes.
LIVE_CATCH_UP_S = 0.5

SegmentFn = Callable[[TranscriptSegment], None]
UpdateFn = Callable[[TranscriptSegment, Any], None]
ErrorFn = Callable[[SpeechError], None]


@dataclass(frozen=True)
class RunResult:
    """What a run produced. ``error`` is set when it ended early; the segments are still kept."""

    segments: tuple[TranscriptSegment, ...]
    audio_s: float
    error: SpeechError | None = None
    stopped: bool = False
    sink_updates: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)

    @property
    def ok(self) -> bool:
        return self.error is None


class _Loop:
    """The recogniser loop, shared by the threaded run and synchronous helpers."""

    def __init__(
        self,
        source: AudioSource,
        recognizer: Recognizer,
        sink: SegmentSink | None,
        on_segment: SegmentFn | None,
        on_update: UpdateFn | None,
        on_error: ErrorFn | None,
        stop: threading.Event,
        read_timeout: float,
        keep_updates: bool,
        partials: bool = True,
        catch_up_s: float = 0.0,
    ) -> None:
        self.partials = partials
        self.catch_up_bytes = int(catch_up_s * TARGET_RATE) * BYTES_PER_SAMPLE
        self.source = source
        self.recognizer = recognizer
        self.sink = sink
        self.on_segment = on_segment
        self.on_update = on_update
        self.on_error = on_error
        self.stop = stop
        self.read_timeout = read_timeout
        self.keep_updates = keep_updates
        self.samples = 0
        self.finals: list[TranscriptSegment] = []
        self.updates: list[Any] = []
        self.utterance_start = 0.0
        self.last_partial = ""
        self.sink_failed = False

    @property
    def now_s(self) -> float:
        return self.samples / TARGET_RATE

    def _deliver(self, segment: TranscriptSegment) -> None:
        if self.on_segment is not None:
            self.on_segment(segment)
        if self.sink is None:
            return
        try:
            update = self.sink.feed(segment)
        except Exception as exc:  # a detector bug must not end the transcription
            log.exception("detector failed on a segment")
            if not self.sink_failed and self.on_error is not None:
                self.on_error(SpeechError(SpeechProblem.DETECTOR_FAILED, detail=type(exc).__name__))
            self.sink_failed = True
            return
        if self.keep_updates:
            self.updates.append(update)
        if self.on_update is not None:
            self.on_update(segment, update)

    def _final(self, result: RecognitionResult) -> None:
        self.last_partial = ""
        end = result.end if result.end is not None else self.now_s
        start = result.start if result.start is not None else self.utterance_start
        self.utterance_start = max(end, self.utterance_start)
        if not result.text:
            return
        segment = TranscriptSegment(text=result.text, is_final=True, start=start, end=end)
        self.finals.append(segment)
        log.debug("final %.2f-%.2f: %s", start, end, result.text)
        self._deliver(segment)

    def _partial(self, text: str) -> None:
        if not text or text == self.last_partial:  # Vosk repeats partials while nothing changes
            return
        self.last_partial = text
        self._deliver(TranscriptSegment(text=text, is_final=False, start=self.utterance_start, end=self.now_s))

    def _catch_up(self, chunk: bytes) -> tuple[bytes, bool]:
        """``chunk`` plus the audio already waiting behind it, up to ``catch_up_bytes``; (audio, stream ended)."""
        parts = [chunk]
        size = len(chunk)
        while size < self.catch_up_bytes:
            more = self.source.read(0.0)
            if more is None:
                break
            if not more:
                return b"".join(parts), True
            parts.append(more)
            size += len(more)
        return (b"".join(parts) if len(parts) > 1 else chunk), False

    def run(self) -> RunResult:
        error: SpeechError | None = None
        started = False
        try:
            self.source.start()
            started = True
            ended = False
            while not self.stop.is_set() and not ended:
                chunk = self.source.read(self.read_timeout)
                if chunk is None:
                    continue
                if not chunk:
                    break
                if self.catch_up_bytes:
                    chunk, ended = self._catch_up(chunk)
                self.samples += len(chunk) // BYTES_PER_SAMPLE
                if self.recognizer.accept(chunk):
                    self._final(self.recognizer.result())
                elif self.partials:
                    self._partial(self.recognizer.partial())
        except SpeechError as exc:
            error = exc
        except Exception as exc:  # report, never kill the caller's thread silently
            log.exception("transcription run failed")
            error = SpeechError(SpeechProblem.INTERNAL, detail=f"{type(exc).__name__}: {exc}")
        finally:
            if started:
                try:
                    self.source.close()
                except Exception:
                    log.exception("closing the audio source failed")
        if error is not None:
            log.info("run ended early after %.1f s of audio: %s", self.now_s, error.message.code.name)
            if self.on_error is not None:
                self.on_error(error)
        try:
            self._final(self.recognizer.final())  # keep the words heard before a stop or failure
        except Exception:
            log.exception("flushing the recogniser failed")
        return RunResult(
            segments=tuple(self.finals),
            audio_s=self.now_s,
            error=error,
            stopped=self.stop.is_set(),
            sink_updates=tuple(self.updates),
        )


class TranscriptionRun:
    """One call or recording on its own recogniser thread.

    Callbacks (``on_segment``, ``on_update(segment, sink_result)``, ``on_error``, ``on_finished``)
    are called on the recogniser thread and must be quick and thread-safe (e.g. emit a signal).
    ``catch_up_s``: a live line that fell behind feeds up to this much waiting audio at once (``LIVE_CATCH_UP_S``).
    """

    def __init__(
        self,
        source: AudioSource,
        recognizer: Recognizer,
        sink: SegmentSink | None = None,
        on_segment: SegmentFn | None = None,
        on_update: UpdateFn | None = None,
        on_error: ErrorFn | None = None,
        on_finished: Callable[[RunResult], None] | None = None,
        name: str = "call",
        read_timeout: float = 0.1,
        keep_updates: bool = False,
        catch_up_s: float = 0.0,
    ) -> None:
        self._stop = threading.Event()
        self._loop = _Loop(
            source,
            recognizer,
            sink,
            on_segment,
            on_update,
            on_error,
            self._stop,
            read_timeout,
            keep_updates,
            catch_up_s=catch_up_s,
        )
        self._on_finished = on_finished
        self._result: RunResult | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._main, name=f"speech-{name}", daemon=True)

    def _main(self) -> None:
        try:
            self._result = self._loop.run()
        except Exception as exc:  # pragma: no cover - _Loop.run catches everything it can
            log.exception("recogniser thread crashed")
            self._result = RunResult(
                segments=tuple(self._loop.finals),
                audio_s=self._loop.now_s,
                error=SpeechError(SpeechProblem.INTERNAL, detail=type(exc).__name__),
            )
        finally:
            self._done.set()
        if self._on_finished is not None:
            try:
                self._on_finished(self._result)
            except Exception:
                log.exception("on_finished callback failed")

    def start(self) -> TranscriptionRun:
        self._thread.start()
        return self

    @property
    def source(self) -> AudioSource:
        """Where this run's audio comes from."""
        return self._loop.source

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def audio_s(self) -> float:
        return self._loop.now_s

    def wait(self, timeout: float | None = None) -> RunResult | None:
        """Wait for the source to end (a file) or for a failure; ``None`` on timeout."""
        self._thread.join(timeout)
        return self._result if self._done.is_set() else None

    def stop(self, timeout: float = 10.0) -> RunResult | None:
        """Ask the thread to finish (flushing the last words) and join it."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("recogniser thread did not stop within %.1f s", timeout)
            return None
        return self._result

    def __enter__(self) -> TranscriptionRun:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_sync(
    source: AudioSource,
    recognizer: Recognizer,
    sink: SegmentSink | None = None,
    on_segment: SegmentFn | None = None,
    cancel: threading.Event | None = None,
    keep_updates: bool = True,
    partials: bool = True,
) -> RunResult:
    """The same loop on the calling thread (batch workers, CLI); ``cancel`` stops it early.

    ``partials=False`` skips partial results (a recording scanned after the fact needs only finals).
    """
    stop = cancel or threading.Event()
    loop = _Loop(source, recognizer, sink, on_segment, None, None, stop, 0.1, keep_updates, partials)
    return loop.run()
