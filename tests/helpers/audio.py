"""WAV files for tests: write PCM to a real WAV file and read it back through the app's own decoder."""

from __future__ import annotations

import wave
from pathlib import Path

from speech.audio import FileSource

RATE = 16000


def write_wav(path: Path, pcm: bytes, rate: int = RATE) -> Path:
    """16-bit mono ``pcm`` → ``path`` (a real RIFF/WAVE file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return path


def silence(seconds: float, rate: int = RATE) -> bytes:
    return bytes(2 * int(rate * seconds))


def wav_source(path: Path, chunk_s: float = 1.0) -> FileSource:
    """The WAV as an audio source (PyAV decode and resampling, as for a recording)."""
    return FileSource(path, chunk_s=chunk_s)
