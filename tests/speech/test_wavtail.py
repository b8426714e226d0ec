"""GrowingWavSource follows a WAV file while another thread is still writing it (as baresip's sndfile does)."""

from __future__ import annotations

import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from speech.errors import AudioError, SpeechProblem
from speech.wavtail import GrowingWavSource


def _header(rate: int) -> bytes:
    # A header as a streaming writer leaves it: the RIFF and data sizes are not known yet (0).
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 0)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", 0)
    )


def test_follows_a_growing_file_resamples_and_ends_after_finish(tmp_path: Path) -> None:
    path = tmp_path / "dump-dec.wav"
    tone = (np.sin(2 * np.pi * 440 * np.arange(8000) / 8000) * 12000).astype("<i2").tobytes()  # 1 s at 8 kHz
    source = GrowingWavSource(path, open_timeout=5)

    def writer() -> None:
        time.sleep(0.2)  # the file appears after the reader started waiting for it
        with path.open("wb") as out:
            out.write(_header(8000))
            for i in range(0, len(tone), 1601):  # odd-sized pieces: samples split across writes
                out.write(tone[i : i + 1601])
                out.flush()
                time.sleep(0.01)
        source.finish()

    thread = threading.Thread(target=writer)
    thread.start()
    source.start()
    got = bytearray()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        chunk = source.read(0.1)
        if chunk == b"":
            break
        got += chunk or b""
    thread.join()
    source.close()
    assert source.rate == 8000
    samples = np.frombuffer(bytes(got), dtype="<i2")
    assert abs(samples.size - 16000) < 200  # 1 s, now at 16 kHz, nothing lost or doubled
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    assert abs(np.fft.rfftfreq(samples.size, 1 / 16000)[int(np.argmax(spectrum))] - 440) < 5


def test_a_file_that_never_appears_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError) as info:
        GrowingWavSource(tmp_path / "none.wav", open_timeout=0.2).start()
    assert info.value.code is SpeechProblem.DEVICE_NOT_FOUND


def test_a_non_pcm16_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "float.wav"
    fmt = struct.pack("<HHIIHH", 3, 1, 8000, 32000, 4, 32)
    path.write_bytes(b"RIFF\0\0\0\0WAVEfmt " + struct.pack("<I", 16) + fmt + b"data\0\0\0\0")
    with pytest.raises(AudioError) as info:
        GrowingWavSource(path, open_timeout=0.2).start()
    assert info.value.code is SpeechProblem.UNSUPPORTED_CODEC
