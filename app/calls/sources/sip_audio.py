"""Both sides of each answered SIP call, to the recognisers: caller scored, us as context.

Glue between :class:`~app.calls.sources.sip.SipSource` (``on_answered`` and ``on_end`` hooks) and
:class:`~speech.channels.TwoSidedLine`: when a call is answered, the two files baresip's ``sndfile``
writes for it are found and followed (:class:`~speech.wavtail.GrowingWavSource`); when the call ends
(hung up, refused, or the line lost because baresip died) the files are read to the end and the
line's result, with everything heard so far, goes to ``on_result``. The two recordings are then
deleted unless the user chose to keep recordings: the transcript is what CallShield keeps.

Plain Python, no Qt. Finding the files and joining the recognisers happen on short helper threads,
never on the SIP worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.calls.events import CallEnded, CallEvent
from app.calls.sources.sip import call_recordings
from speech.audio import AudioSource
from speech.channels import LineResult, TwoSidedLine
from speech.wavtail import GrowingWavSource

log = logging.getLogger(__name__)

LineFactory = Callable[[CallEvent, AudioSource, AudioSource], TwoSidedLine]
ResultFn = Callable[[CallEvent, LineResult], None]


@dataclass
class _Heard:
    event: CallEvent
    since: float
    sources: list[GrowingWavSource] = field(default_factory=list)
    line: TwoSidedLine | None = None
    ended: bool = False
    finishing: bool = False  # one _finish claims the call: on_end's and _start's may both try


class SipCallAudio:
    """Start a two-channel line per answered call; finish it when the call ends."""

    def __init__(
        self,
        record_dir: str | Path,
        make_line: LineFactory,
        on_result: ResultFn,
        find_timeout_s: float = 5.0,
        keep_recordings: bool = False,
    ) -> None:
        self.record_dir = Path(record_dir)
        self.keep_recordings = keep_recordings  # off: the two files are deleted once the call is transcribed
        self._make_line = make_line
        self._on_result = on_result
        self._find_timeout_s = find_timeout_s
        self._calls: dict[str, _Heard] = {}
        self._lock = threading.Lock()

    def on_answered(self, event: CallEvent) -> None:
        """SipSource hook (SIP worker thread): returns at once, the line starts on a helper thread."""
        call_id = str(event.extra.get("call_id", ""))
        with self._lock:
            self._calls[call_id] = _Heard(event, time.time())
        threading.Thread(target=self._start, args=(call_id,), name="sip-audio-start", daemon=True).start()

    def on_end(self, ended: CallEnded) -> None:
        """CallEnded hook: read both files to the end, then stop the line and report (helper thread)."""
        call_id = str(ended.extra.get("call_id", ""))
        with self._lock:
            heard = self._calls.get(call_id)
            if heard is None:
                return
            heard.ended = True
            sources = list(heard.sources)
        for source in sources:
            source.finish()
        threading.Thread(target=self._finish, args=(call_id,), name="sip-audio-finish", daemon=True).start()

    @property
    def active(self) -> int:
        with self._lock:
            return len(self._calls)

    # -- helper threads -----------------------------------------------------------------------
    def _start(self, call_id: str) -> None:
        with self._lock:
            heard = self._calls.get(call_id)
        if heard is None:
            return
        deadline = time.monotonic() + self._find_timeout_s
        files = None
        while files is None and time.monotonic() < deadline:
            files = call_recordings(self.record_dir, heard.since)
            if files is None:
                time.sleep(0.05)
        if files is None:
            log.warning("no call recording appeared in %s; the call is not transcribed", self.record_dir)
            with self._lock:
                self._calls.pop(call_id, None)
            return
        caller, us = GrowingWavSource(files.caller), GrowingWavSource(files.us)
        try:
            line = self._make_line(heard.event, caller, us)
        except Exception:
            log.exception("could not set up the two-channel line")
            with self._lock:
                self._calls.pop(call_id, None)
            return
        with self._lock:  # started under the lock: on_end sees either no line or a running one
            heard.sources = [caller, us]
            heard.line = line
            line.start()
            ended = heard.ended
        if ended:  # the call was over before the line was ready
            caller.finish()
            us.finish()
            self._finish(call_id)

    def _finish(self, call_id: str) -> None:
        with self._lock:
            heard = self._calls.get(call_id)
            line = heard.line if heard is not None else None
            if heard is None or line is None or heard.finishing:
                return  # _start finishes it once the line exists; or another thread is finishing it already
            heard.finishing = True
        deadline = time.monotonic() + 30
        while line.running and time.monotonic() < deadline:  # the files are read to their end first
            time.sleep(0.05)
        result = line.stop()
        with self._lock:
            self._calls.pop(call_id, None)
        if not self.keep_recordings:
            for source in heard.sources:
                source.close()
                try:
                    source.path.unlink(missing_ok=True)
                except OSError:  # Windows: baresip may still hold it open; it goes with the next call
                    log.info("could not delete the call recording %s yet", source.path.name)
        try:
            self._on_result(heard.event, result)
        except Exception:
            log.exception("call-result listener failed")
