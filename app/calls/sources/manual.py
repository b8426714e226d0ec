"""Manual entry: "模拟来电 / enter a number" in the app and ``callshield simulate-call``.

A typed number travels the same way as a call from the modem: through a worker thread, as a
:class:`CallEvent`, to the call controller. That keeps the GUI thread free and lets volunteers
practise on exactly the path real calls take.
"""

from __future__ import annotations

import queue

from app.calls.events import (
    CallCallback,
    CallEvent,
    Clock,
    EndCallback,
    SourceBase,
    SourceMessage,
    SourceState,
    StatusCallback,
    utc_now,
)
from screening.i18n import Message

MAX_LENGTH = 64
MANUAL_LINE = "manual"


def validate_manual_number(text: str) -> Message | None:
    """A translated problem with what was typed, or None if it can be screened.

    Only emptiness and absurd length are refused here; whether the digits make a real number is
    the screener's call (it explains invalid numbers better than a form could).
    """
    stripped = text.strip()
    if not stripped:
        return Message(SourceMessage.MANUAL_EMPTY)
    if len(stripped) > MAX_LENGTH:
        return Message(SourceMessage.MANUAL_TOO_LONG, {"length": len(stripped), "limit": MAX_LENGTH})
    return None


class ManualSource(SourceBase):
    kind = "manual"

    def __init__(
        self,
        on_call: CallCallback,
        on_status: StatusCallback | None = None,
        on_end: EndCallback | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(on_call, on_status, on_end, clock)
        self._queue: queue.Queue[CallEvent | None] = queue.Queue()

    def submit(self, number: str, line: str = MANUAL_LINE, name: str | None = None) -> Message | None:
        """Queue a typed number as an incoming call. Returns a problem message instead when unusable."""
        problem = validate_manual_number(number)
        if problem is not None:
            return problem
        event = CallEvent(
            line=line.strip() or MANUAL_LINE,
            raw_number=number.strip(),
            name=(name or "").strip() or None,
            received_at=self._clock(),
            source="manual",
            extra={"simulated": True},
        )
        self._queue.put(event)
        return None

    def _wake(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        self._report(SourceState.CONNECTED, SourceMessage.MANUAL_READY)
        while not self._stop.is_set():
            event = self._queue.get()
            if event is None:
                continue
            self._emit(event)
