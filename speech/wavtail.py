"""A WAV file that another program is still writing, read as live audio (16 kHz mono int16).

baresip's ``sndfile`` module writes each call's audio as it happens, one file per direction
(``dump-<time>-dec.wav``: what we receive, the caller; ``-enc.wav``: what we send, us). Reading those
files while they grow gives CallShield both sides of a SIP call on every platform, with no sound
device and no virtual cable. The header's sizes are only filled in when the writer closes the file,
so this reader takes the format from the ``fmt`` chunk and then follows the ``data`` bytes as they
arrive. :meth:`GrowingWavSource.finish` says the call is over: the rest is read, then ``b""``.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from speech.audio import LevelReading, Resampler, level_of
from speech.errors import AudioError, SpeechProblem

CHUNK_FRAMES_S = 0.1


def _header(handle: BinaryIO) -> tuple[int, int, int] | None:
    """(sample rate, channels, offset of the PCM data), or None while the header is still incomplete."""
    handle.seek(0)
    head = handle.read(4096)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos = 12
    rate = channels = bits = 0
    while pos + 8 <= len(head):
        chunk_id, size = head[pos : pos + 4], struct.unpack("<I", head[pos + 4 : pos + 8])[0]
        if chunk_id == b"fmt " and pos + 8 + 16 <= len(head):
            fmt, channels, rate = struct.unpack("<HHI", head[pos + 8 : pos + 16])
            bits = struct.unpack("<H", head[pos + 22 : pos + 24])[0]
            if fmt not in (1, 0xFFFE) or bits != 16:
                raise AudioError(
                    SpeechProblem.UNSUPPORTED_CODEC, path=str(getattr(handle, "name", "")), codec=f"{fmt}/{bits} bit"
                )
        elif chunk_id == b"data":
            return (rate, channels, pos + 8) if rate else None
        pos += 8 + size + (size & 1)
    return None


class GrowingWavSource:
    """Follow a 16-bit PCM WAV file as it is written; ``finish()`` when the writer is done."""

    def __init__(
        self,
        path: str | Path,
        open_timeout: float = 5.0,
        poll_s: float = 0.02,
        on_level: Callable[[LevelReading], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.open_timeout = open_timeout
        self.poll_s = poll_s
        self.on_level = on_level
        self._handle: BinaryIO | None = None
        self._resampler: Resampler | None = None
        self._frame_bytes = 2
        self._chunk = 3200
        self._carry = b""
        self._finished = threading.Event()
        self._flushed = False
        self.rate = 0

    def start(self) -> None:
        deadline = time.monotonic() + self.open_timeout
        while True:
            try:
                handle = self.path.open("rb")
            except FileNotFoundError:
                handle = None
            if handle is not None:
                try:
                    header = _header(handle)
                except AudioError:
                    handle.close()
                    raise
                if header is not None:
                    break
                handle.close()
            if time.monotonic() > deadline:
                raise AudioError(SpeechProblem.DEVICE_NOT_FOUND, device=str(self.path))
            time.sleep(self.poll_s)
        rate, channels, offset = header
        self.rate = rate
        handle.seek(offset)
        self._handle = handle
        self._resampler = Resampler(rate, channels)
        self._frame_bytes = 2 * channels
        self._chunk = max(self._frame_bytes, int(rate * CHUNK_FRAMES_S) * self._frame_bytes)

    def finish(self) -> None:
        """The writer is done (the call ended): read what is left, then end the stream."""
        self._finished.set()

    def read(self, timeout: float) -> bytes | None:
        assert self._handle is not None and self._resampler is not None, "start() first"
        deadline = time.monotonic() + timeout
        while True:
            finished = self._finished.is_set()  # checked before reading, so no tail is lost
            data = self._handle.read(self._chunk)
            if data:
                data = self._carry + data
                cut = len(data) - len(data) % self._frame_bytes
                block, self._carry = data[:cut], data[cut:]
                out = self._resampler.push(block)
                if out:  # b"" means end of stream to the reader, so a block the resampler kept is not returned
                    if self.on_level is not None:
                        self.on_level(level_of(out))
                    return out
                continue
            if finished:
                if self._flushed:
                    return b""
                self._flushed = True
                return self._resampler.flush() or b""
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.poll_s)

    def close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()
