"""Helpers for making test recordings in other formats with PyAV (the same library that decodes them)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

# (container format, codec, sample rate, file suffix) — the formats Chinese phones save call recordings in.
FORMATS = {
    "wav8k": ("wav", "pcm_s16le", 8000, ".wav"),
    "mp3": ("mp3", "mp3", 16000, ".mp3"),
    "m4a": ("ipod", "aac", 16000, ".m4a"),
    "amr": ("amr", "libopencore_amrnb", 8000, ".amr"),
    "alaw8k": ("wav", "pcm_alaw", 8000, ".wav"),
}


def encode(samples: npt.NDArray[np.int16], rate: int, out: Path, kind: str) -> Path:
    """Encode int16 mono ``samples`` at ``rate`` as ``kind`` (a key of FORMATS) into ``out``."""
    fmt, codec, target_rate, suffix = FORMATS[kind]
    out = out.with_suffix(suffix)
    with av.open(str(out), mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=target_rate)
        stream.layout = "mono"
        if codec == "libopencore_amrnb":
            stream.bit_rate = 12200
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        frame.pts = 0
        resampler = av.AudioResampler(
            format=stream.codec_context.format.name if stream.codec_context.format else "s16",
            layout="mono",
            rate=target_rate,
        )
        frame_size = stream.codec_context.frame_size or 1024
        fifo = av.AudioFifo()
        for rf in resampler.resample(frame) + resampler.resample(None):
            fifo.write(rf)
        while True:
            chunk = fifo.read(frame_size)
            if chunk is None:
                break
            for packet in stream.encode(chunk):
                container.mux(packet)
        rest = fifo.read(0) if fifo.samples else None
        if rest is not None and codec.startswith("pcm"):
            for packet in stream.encode(rest):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out


def envelope(samples: npt.NDArray[np.int16], rate: int, window_s: float = 0.05) -> npt.NDArray[np.float64]:
    """RMS per window: a format-independent picture of where the speech is."""
    n = max(1, int(rate * window_s))
    usable = samples.size - samples.size % n
    frames = samples[:usable].astype(np.float64).reshape(-1, n)
    return np.sqrt((frames * frames).mean(axis=1))


def envelope_similarity(a: npt.NDArray[np.int16], b: npt.NDArray[np.int16], rate: int = 16000) -> float:
    """Best correlation of the two RMS envelopes within ±0.2 s of shift (codecs add a little delay)."""
    ea, eb = envelope(a, rate), envelope(b, rate)
    best = -1.0
    for shift in range(-4, 5):
        x, y = (ea[shift:], eb) if shift >= 0 else (ea, eb[-shift:])
        n = min(x.size, y.size)
        if n < 10:
            continue
        best = max(best, float(np.corrcoef(x[:n], y[:n])[0, 1]))
    return best
