"""Is each line's recogniser keeping up? Many lines on one PC share the CPU; when it cannot keep up,
CallShield says so ("第 4 线路识别落后 3 秒") instead of silently falling behind.

A live line delivers audio in real time, so after ``t`` seconds of wall time a recogniser that keeps
up has processed about ``t`` seconds of audio. The gap is the lag. :class:`LagMonitor` is fed the
processed audio time of each line (``TranscriptionRun.audio_s``) from a timer, and reports a change
as a :class:`~screening.i18n.Message`:

* ``BEHIND`` when a line's lag reaches ``threshold_s``, again each time it grows by a whole second;
* ``CAUGHT_UP`` once the lag is back under half the threshold (hysteresis: no flicker at the edge).

Plain Python, no Qt, no threads of its own; the clock is injectable for tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from screening.i18n import Message, MessageCode


class LagMessage(MessageCode):
    BEHIND = ("第 {line} 线路识别落后 {seconds} 秒", "line {line}: speech recognition is {seconds} s behind")
    CAUGHT_UP = ("第 {line} 线路识别已跟上", "line {line}: speech recognition has caught up")


@dataclass(frozen=True)
class LineLag:
    line: str
    lag_s: float
    behind: bool


@dataclass
class _State:
    started: float
    processed_s: float = 0.0
    reported_s: int = 0  # whole seconds last reported as "behind" (0: not behind)


class LagMonitor:
    def __init__(
        self,
        threshold_s: float = 1.0,
        on_change: Callable[[Message], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold_s = threshold_s
        self._on_change = on_change
        self._clock = clock
        self._lines: dict[str, _State] = {}
        self._lock = threading.Lock()

    def start(self, line: str) -> None:
        """A line's audio starts now (call answered, capture opened)."""
        with self._lock:
            self._lines[line] = _State(started=self._clock())

    def stop(self, line: str) -> None:
        with self._lock:
            self._lines.pop(line, None)

    def observe(self, line: str, processed_s: float) -> LineLag:
        """Record how much audio the line's recogniser has processed; report a change in its state."""
        message: Message | None = None
        with self._lock:
            state = self._lines.get(line)
            if state is None:
                state = self._lines[line] = _State(started=self._clock())
            state.processed_s = processed_s
            lag = max(0.0, self._clock() - state.started - processed_s)
            whole = int(lag)
            if lag >= self.threshold_s and max(1, whole) > state.reported_s:
                state.reported_s = max(1, whole)
                message = Message(LagMessage.BEHIND, {"line": line, "seconds": state.reported_s})
            elif state.reported_s and lag < self.threshold_s / 2:
                state.reported_s = 0
                message = Message(LagMessage.CAUGHT_UP, {"line": line})
            result = LineLag(line, lag, state.reported_s > 0)
        if message is not None and self._on_change is not None:
            self._on_change(message)
        return result

    def lags(self) -> dict[str, LineLag]:
        """Every line's current lag (for a status table), without reporting anything."""
        now = self._clock()
        with self._lock:
            return {
                line: LineLag(line, max(0.0, now - s.started - s.processed_s), s.reported_s > 0)
                for line, s in self._lines.items()
            }
