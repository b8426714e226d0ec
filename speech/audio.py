"""Audio in: files decoded with PyAV and live capture with sounddevice, both as 16 kHz mono int16.

Every source follows :class:`AudioSource`: ``start()``, then ``read(timeout)`` from the recogniser
thread until it returns ``b""`` (end of stream), then ``close()``.  ``read`` returns ``None`` when no
audio arrived within ``timeout`` so that the caller can check its stop Event.

The sounddevice callback of :class:`LiveSource` only copies the block into a queue; resampling and
level metering happen in ``read`` on the recogniser thread (STYLE.md §2.2).
"""

from __future__ import annotations

import array
import logging
import math
import operator
import queue
import re
import sys
import threading
import time
import wave
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from speech.errors import AudioError, SpeechProblem

log = logging.getLogger(__name__)

TARGET_RATE = 16000
BYTES_PER_SAMPLE = 2
DEFAULT_CHUNK_S = 0.1

# 16-bit little-endian PCM in any bytes-like object.  The runtime needs no NumPy: PyAV moves frames as bytes and
# libswresample does the resampling and down-mixing, which keeps NumPy and OpenBLAS (42 MB) out of the frozen app.
PcmBuffer = bytes | bytearray | memoryview


class AudioSource(Protocol):
    """16 kHz mono signed 16-bit little-endian PCM, pulled by the recogniser thread."""

    def start(self) -> None: ...

    def read(self, timeout: float) -> bytes | None:
        """Next chunk; ``b""`` at the end of the stream; ``None`` if nothing came within ``timeout``."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class LevelReading:
    """Input level for a UI meter: RMS in dBFS, peak 0..1 and a 0..1 bar value (-60 dBFS → 0)."""

    rms_dbfs: float
    peak: float
    bar: float
    clipped: bool


def int16_samples(pcm: PcmBuffer) -> array.array[int]:
    """16-bit little-endian PCM as an ``array('h')`` of samples (a trailing odd byte is ignored)."""
    samples = array.array("h")
    view = memoryview(pcm).cast("B")
    samples.frombytes(view[: len(view) - len(view) % 2])
    if sys.byteorder == "big":  # pragma: no cover - every platform we ship on is little-endian
        samples.byteswap()
    return samples


def level_of(pcm: PcmBuffer) -> LevelReading:
    """Level of a block of 16-bit PCM (a 0.1 s block of 1600 samples takes ~0.1 ms in pure Python)."""
    samples = int16_samples(pcm)
    if not samples:
        return LevelReading(-120.0, 0.0, 0.0, False)
    rms = math.sqrt(sum(map(operator.mul, samples, samples)) / len(samples)) / 32768.0
    peak = max(max(samples), -min(samples)) / 32768.0
    dbfs = 20.0 * math.log10(rms) if rms > 1e-6 else -120.0
    bar = min(1.0, max(0.0, (dbfs + 60.0) / 60.0))
    return LevelReading(rms_dbfs=dbfs, peak=peak, bar=bar, clipped=peak >= 0.999)


# ---------------------------------------------------------------------------------------------
# Resampling (PyAV's libswresample; keeps state across blocks, so live audio has no seams)
# ---------------------------------------------------------------------------------------------


LAYOUTS = {1: "mono", 2: "stereo"}


class Resampler:
    """Mono or stereo int16 interleaved blocks at any rate → 16 kHz mono int16 bytes.

    16 kHz mono passes straight through; anything else goes through one libswresample context
    (down-mix and rate change in C), whose state carries across blocks so live audio has no seams.
    """

    def __init__(self, rate: int, channels: int = 1) -> None:
        import av

        if channels not in LAYOUTS:
            raise ValueError(f"Resampler takes mono or stereo input, not {channels} channels")
        self.rate = int(rate)
        self.channels = int(channels)
        self.passthrough = self.rate == TARGET_RATE and self.channels == 1
        self._av = av
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=TARGET_RATE)
        self._bytes_per_frame = BYTES_PER_SAMPLE * self.channels
        self._pts = 0

    def push(self, block: PcmBuffer) -> bytes:
        if self.passthrough:
            return bytes(block)
        view = memoryview(block).cast("B")
        count = len(view) // self._bytes_per_frame
        if count == 0:
            return b""
        frame = self._av.AudioFrame(format="s16", layout=LAYOUTS[self.channels], samples=count)
        frame.planes[0].update(bytes(view[: count * self._bytes_per_frame]))
        frame.sample_rate = self.rate
        frame.pts = self._pts
        self._pts += count
        return b"".join(_frame_bytes(out) for out in self._resampler.resample(frame))

    def flush(self) -> bytes:
        if self.passthrough:
            return b""
        return b"".join(_frame_bytes(out) for out in self._resampler.resample(None))


def _frame_bytes(frame: Any) -> bytes:
    """The samples of a packed s16 mono frame (its plane may carry alignment padding after them)."""
    return bytes(memoryview(frame.planes[0])[: frame.samples * BYTES_PER_SAMPLE])


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioInfo:
    """What the container says about a file (before decoding)."""

    path: Path
    codec: str
    sample_rate: int
    channels: int
    duration_s: float | None


@dataclass(frozen=True)
class DecodedAudio:
    """A whole file as 16 kHz mono int16."""

    pcm: bytes
    info: AudioInfo

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / BYTES_PER_SAMPLE / TARGET_RATE


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise AudioError(SpeechProblem.FILE_MISSING, path=str(path))
    if path.stat().st_size == 0:
        raise AudioError(SpeechProblem.FILE_EMPTY, path=str(path))


def _open(path: Path) -> tuple[Any, Any, AudioInfo]:
    import av

    _check_file(path)
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:  # InvalidDataError for text files, headers cut short, ...
        log.debug("av.open failed for %s: %s", path.name, exc)
        raise AudioError(SpeechProblem.NOT_AUDIO, path=str(path)) from exc
    if not container.streams.audio:
        container.close()
        raise AudioError(SpeechProblem.NO_AUDIO_STREAM, path=str(path))
    stream = container.streams.audio[0]
    ctx = stream.codec_context
    if ctx is None:
        tag = getattr(stream, "codec_tag", "") or "?"
        container.close()
        raise AudioError(SpeechProblem.UNSUPPORTED_CODEC, path=str(path), codec=tag)
    duration: float | None = None
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / 1_000_000
    info = AudioInfo(
        path=path,
        codec=ctx.name,
        sample_rate=int(ctx.sample_rate or 0),
        channels=int(ctx.channels or 0),
        duration_s=duration,
    )
    return container, stream, info


def probe(path: str | Path) -> AudioInfo:
    """Container facts without decoding; raises :class:`AudioError` for files we cannot read."""
    container, _stream, info = _open(Path(path))
    container.close()
    return info


def _wav_header_seconds(path: Path) -> float | None:
    """Length a PCM WAV header promises (the stdlib reads it); ``None`` for other files."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            return wav.getnframes() / rate if rate else None
    except (wave.Error, EOFError, OSError):
        return None


def iter_file_pcm(path: str | Path, chunk_s: float = DEFAULT_CHUNK_S) -> Iterator[bytes]:
    """Decode a recording to 16 kHz mono int16 chunks as it goes.

    Raises :class:`AudioError` up front for missing/empty/non-audio/unsupported files, and
    ``TRUNCATED`` *after* yielding everything that could be decoded from a cut-off file.
    """
    import av

    path = Path(path)
    container, stream, info = _open(path)
    chunk_bytes = max(2, int(TARGET_RATE * chunk_s)) * BYTES_PER_SAMPLE
    resampler = av.AudioResampler(format="s16", layout="mono", rate=TARGET_RATE)
    buf = bytearray()
    produced = 0
    broken = False
    try:
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    buf += _frame_bytes(out)
                while len(buf) >= chunk_bytes:
                    produced += chunk_bytes
                    yield bytes(buf[:chunk_bytes])
                    del buf[:chunk_bytes]
            for out in resampler.resample(None):
                buf += _frame_bytes(out)
        except av.error.DecoderNotFoundError as exc:
            raise AudioError(SpeechProblem.UNSUPPORTED_CODEC, path=str(path), codec=info.codec) from exc
        except av.error.FFmpegError as exc:
            log.debug("decode error in %s after %d bytes: %s", path.name, produced, exc)
            broken = True
    finally:
        container.close()
    if buf:
        produced += len(buf)
        yield bytes(buf)
    seconds = produced / BYTES_PER_SAMPLE / TARGET_RATE
    if not broken:
        promised = _wav_header_seconds(path) if path.suffix.lower() in (".wav", ".wave") else None
        if promised is None:
            promised = info.duration_s
        if promised is not None and seconds + 0.25 < promised * 0.98:
            broken = True
    if broken:
        raise AudioError(SpeechProblem.TRUNCATED, path=str(path), seconds=seconds)
    if produced == 0:
        raise AudioError(SpeechProblem.NO_AUDIO_STREAM, path=str(path))


def decode_file(path: str | Path, allow_truncated: bool = False) -> DecodedAudio:
    """A whole file as 16 kHz mono int16 (WAV, MP3, M4A/AAC, AMR, 8 kHz telephone audio, ...)."""
    path = Path(path)
    info = probe(path)
    chunks: list[bytes] = []
    try:
        for chunk in iter_file_pcm(path, chunk_s=1.0):
            chunks.append(chunk)
    except AudioError as exc:
        if not (allow_truncated and exc.code is SpeechProblem.TRUNCATED):
            raise
    return DecodedAudio(pcm=b"".join(chunks), info=info)


class _IterSource:
    """A source over an iterator of 16 kHz chunks, optionally paced at real time."""

    def __init__(self, realtime: bool = False, on_level: Callable[[LevelReading], None] | None = None) -> None:
        self.realtime = realtime
        self.on_level = on_level
        self._it: Iterator[bytes] | None = None
        self._t0 = 0.0
        self._fed_s = 0.0
        self._pending: bytes | None = None

    def _chunks(self) -> Iterator[bytes]:
        raise NotImplementedError

    def start(self) -> None:
        self._it = self._chunks()
        self._t0 = time.monotonic()
        self._fed_s = 0.0

    def read(self, timeout: float) -> bytes | None:
        assert self._it is not None, "start() first"
        if self._pending is None:
            chunk = next(self._it, b"")
            if not chunk:
                return b""
            self._pending = chunk
        if self.realtime:
            # A chunk is "available" once the wall clock has reached its end, like a live line.
            due = self._t0 + self._fed_s + len(self._pending) / BYTES_PER_SAMPLE / TARGET_RATE
            wait = due - time.monotonic()
            if wait > timeout:
                time.sleep(max(0.0, timeout))
                return None
            if wait > 0:
                time.sleep(wait)
        chunk, self._pending = self._pending, None
        self._fed_s += len(chunk) / BYTES_PER_SAMPLE / TARGET_RATE
        if self.on_level is not None:
            self.on_level(level_of(chunk))
        return chunk

    def close(self) -> None:
        it, self._it = self._it, None
        close = getattr(it, "close", None)
        if close is not None:
            close()


class FileSource(_IterSource):
    """A recording, decoded as it is read. ``realtime=True`` paces it like a live call."""

    def __init__(
        self,
        path: str | Path,
        realtime: bool = False,
        chunk_s: float = DEFAULT_CHUNK_S,
        on_level: Callable[[LevelReading], None] | None = None,
    ) -> None:
        super().__init__(realtime=realtime, on_level=on_level)
        self.path = Path(path)
        self.chunk_s = chunk_s

    def start(self) -> None:
        probe(self.path)  # fail early and clearly, before the thread starts pulling
        super().start()

    def _chunks(self) -> Iterator[bytes]:
        return iter_file_pcm(self.path, chunk_s=self.chunk_s)


class ArraySource(_IterSource):
    """16 kHz mono int16 already in memory (benchmarks, tests, re-scans)."""

    def __init__(
        self,
        pcm: PcmBuffer,
        realtime: bool = False,
        chunk_s: float = DEFAULT_CHUNK_S,
        on_level: Callable[[LevelReading], None] | None = None,
    ) -> None:
        super().__init__(realtime=realtime, on_level=on_level)
        self.pcm = bytes(pcm)
        self.chunk_bytes = max(2, int(TARGET_RATE * chunk_s)) * BYTES_PER_SAMPLE

    def _chunks(self) -> Iterator[bytes]:
        for i in range(0, len(self.pcm), self.chunk_bytes):
            yield self.pcm[i : i + self.chunk_bytes]


# ---------------------------------------------------------------------------------------------
# Live capture
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    hostapi: str
    channels: int
    default_samplerate: float
    is_default: bool

    @property
    def key(self) -> str:
        """``"<name>, <host API>"``: the string PortAudio's lookup (``sounddevice``) matches exactly, whatever number
        the device has today. Indexes move when a device is plugged in or out; this does not."""
        return f"{self.name}, {self.hostapi}"


_TWIN = re.compile(r"^(.*) #(\d+)$")


def input_device_keys(devices: Sequence[InputDevice]) -> dict[int, str]:
    """What settings store for each capture device, by index: its :attr:`InputDevice.key`; for devices whose name and
    host API another device shares (two identical USB headsets), the key and the device's place among them,
    ``"USB Headset, MME #2"`` (counted in PortAudio's order, which follows the USB ports, so a twin keeps its number
    when an unrelated device comes or goes). :func:`resolve_input` turns a key back into what PortAudio opens."""
    counts = Counter(d.key for d in devices)
    seen: Counter[str] = Counter()
    keys = {}
    for d in sorted(devices, key=lambda d: d.index):
        if counts[d.key] == 1:
            keys[d.index] = d.key
        else:
            seen[d.key] += 1
            keys[d.index] = f"{d.key} #{seen[d.key]}"
    return keys


def resolve_input(device: int | str | None, devices: Sequence[InputDevice] | None = None) -> int | str | None:
    """What PortAudio should open for a stored choice: an index or ``None`` as given; a twin's ``"… #k"`` key the k-th
    of the devices with that name (the last one when fewer are plugged in now, the name when none is, so the error
    names it); a plain key that has become ambiguous (an identical device plugged in since) the first of them;
    anything else as given (sounddevice matches names and parts of names)."""
    if not isinstance(device, str):
        return device
    twin = _TWIN.match(device)
    base, place = (twin.group(1), int(twin.group(2))) if twin else (device, 1)
    if devices is None:
        devices = list_input_devices()
    same = [d.index for d in sorted(devices, key=lambda d: d.index) if d.key.casefold() == base.casefold()]
    if len(same) > 1 or (twin and same):
        return same[min(place, len(same)) - 1]
    return base if twin else device


def list_input_devices() -> list[InputDevice]:
    """Capture devices PortAudio can see (for the device chooser)."""
    import sounddevice as sd

    try:
        default_in = sd.default.device[0]
    except Exception:  # pragma: no cover - depends on host set-up
        default_in = -1
    hostapis = sd.query_hostapis()
    devices = []
    for index, dev in enumerate(sd.query_devices()):
        if int(dev["max_input_channels"]) <= 0:
            continue
        devices.append(
            InputDevice(
                index=index,
                name=str(dev["name"]),
                hostapi=str(hostapis[int(dev["hostapi"])]["name"]),
                channels=int(dev["max_input_channels"]),
                default_samplerate=float(dev["default_samplerate"]),
                is_default=index == default_in,
            )
        )
    return devices


class LiveSource:
    """A capture device through PortAudio, delivered as 16 kHz mono whatever its native rate.

    ``device`` is an index, a (sub)string of the device name, or ``None`` for the default input.
    ``samplerate`` defaults to the device's native rate.  If the device stops delivering audio
    (unplugged, sound server gone) ``read`` raises ``AudioError(DEVICE_GONE)``: at once if PortAudio
    ends the stream, else after ``stall_timeout`` s without audio (``start_timeout`` before the first block).
    """

    def __init__(
        self,
        device: int | str | None = None,
        samplerate: int | None = None,
        channels: int = 1,
        block_s: float = 0.05,
        on_level: Callable[[LevelReading], None] | None = None,
        stall_timeout: float = 2.0,
        start_timeout: float = 5.0,
    ) -> None:
        self.device = device
        self.requested_rate = samplerate
        self.channels = channels
        self.block_s = block_s
        self.on_level = on_level
        self.stall_timeout = stall_timeout
        self.start_timeout = start_timeout
        self._got_data = False
        self.native_rate = 0
        self.overflows = 0
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._stream: Any = None
        self._finished = threading.Event()
        self._resampler: Resampler | None = None
        self._last_data = 0.0

    # PortAudio thread: copy and enqueue, nothing else.
    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status:
            self.overflows += 1
        self._queue.put_nowait(bytes(indata))

    def _on_finished(self) -> None:
        self._finished.set()

    def start(self) -> None:
        import sounddevice as sd

        try:
            device = resolve_input(self.device)
            dev = sd.query_devices(device, kind="input") if device is not None else sd.query_devices(kind="input")
        except (ValueError, sd.PortAudioError) as exc:
            raise AudioError(SpeechProblem.DEVICE_NOT_FOUND, device=str(self.device)) from exc
        rate = int(self.requested_rate or dev["default_samplerate"])
        self.native_rate = rate
        # Mono or stereo: a call is one voice, and the resampler down-mixes at most two channels.
        channels = max(1, min(self.channels, 2, int(dev["max_input_channels"]) or 1))
        self._resampler = Resampler(rate, channels)
        try:
            self._stream = sd.RawInputStream(
                device=device,
                samplerate=rate,
                channels=channels,
                dtype="int16",
                blocksize=max(1, int(rate * self.block_s)),
                callback=self._callback,
                finished_callback=self._on_finished,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            self._stream = None
            raise AudioError(SpeechProblem.DEVICE_OPEN_FAILED, device=str(self.device), detail=str(exc)) from exc
        self._last_data = time.monotonic()

    def read(self, timeout: float) -> bytes | None:
        assert self._resampler is not None, "start() first"
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            now = time.monotonic()
            if self._finished.is_set() or (self._stream is not None and not self._stream.active):
                raise AudioError(SpeechProblem.DEVICE_GONE, detail="stream stopped") from None
            # Opening a stream can take a while on a busy machine; after the first block, a gap means trouble.
            limit = self.stall_timeout if self._got_data else max(self.start_timeout, self.stall_timeout)
            if now - self._last_data > limit:
                raise AudioError(
                    SpeechProblem.DEVICE_GONE, detail=f"no audio for {now - self._last_data:.1f} s"
                ) from None
            return None
        self._last_data = time.monotonic()
        self._got_data = True
        out = self._resampler.push(block)
        if self.on_level is not None and out:
            self.on_level(level_of(out))
        return out

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.abort(ignore_errors=True)
        finally:
            stream.close(ignore_errors=True)
