"""Real capture: PortAudio records a PulseAudio null sink's monitor while paplay plays speech into it."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from screening.types import TranscriptSegment
from speech.audio import (
    TARGET_RATE,
    InputDevice,
    LevelReading,
    LiveSource,
    decode_file,
    input_device_keys,
    list_input_devices,
    resolve_input,
)
from speech.errors import SpeechProblem
from speech.pipeline import TranscriptionRun
from speech.recognizer import LoadedModel, build_grammar
from tests.speech.audio_util import envelope_similarity
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS, PulseLine, concat_wavs
from tests.speech.test_pipeline import KO_PACK


def _capture_while(source: LiveSource, player: subprocess.Popen[bytes], tail_s: float = 0.5) -> bytes:
    """Record until the player has finished, plus a little (paplay start-up varies on a busy machine)."""
    out = bytearray()
    deadline = time.monotonic() + 30
    ended: float | None = None
    while time.monotonic() < deadline:
        chunk = source.read(0.1)
        if chunk:
            out += chunk
        if ended is None and player.poll() is not None:
            ended = time.monotonic()
        if ended is not None and time.monotonic() > ended + tail_s:
            break
    return bytes(out)


def test_pulse_device_is_listed(pulse_line: PulseLine) -> None:
    names = [d.name for d in list_input_devices()]
    assert "pulse" in names, names


def test_capture_resamples_the_line_to_16k(pulse_line: PulseLine, say: Callable[..., Path]) -> None:
    wav = say(KO_FRAUD_SENTENCE, pad_s=0.2)
    levels: list[LevelReading] = []
    source = LiveSource(device="pulse", on_level=levels.append)
    source.start()
    try:
        assert source.native_rate != TARGET_RATE  # the server runs at 44.1/48 kHz: the resampler is exercised
        player = pulse_line.play(wav)
        pcm = _capture_while(source, player)
        assert player.returncode == 0
    finally:
        source.close()
    got = np.frombuffer(pcm, dtype=np.int16)
    played = np.frombuffer(decode_file(wav).pcm, dtype=np.int16)
    assert got.size / TARGET_RATE > decode_file(wav).duration_s
    # Find the played speech inside the capture (latency varies) and compare loudness envelopes.
    start = int(np.argmax(np.abs(got) > 500))
    assert envelope_similarity(played, got[max(0, start - 3200) :]) > 0.8
    assert max(r.bar for r in levels) > 0.3 and min(r.rms_dbfs for r in levels) < -60  # speech and silence


def test_live_call_transcribed_and_detector_alerted(
    pulse_line: PulseLine, say: Callable[..., Path], ko_model: LoadedModel, tmp_path: Path
) -> None:
    """End to end: speech on the line → PortAudio → pipeline → Vosk (keyword mode) → real detector hit."""
    transcript = pytest.importorskip("screening.transcript", reason="the transcript detector (issue 3) is not present")
    pack = tmp_path / "ko_test.json"
    pack.write_text(json.dumps(KO_PACK, ensure_ascii=False), encoding="utf-8")
    session = transcript.ScriptDetector.load(pack, use_model=False).session()
    wav = say(KO_FRAUD_SENTENCE, pad_s=0.3)
    hits: list[tuple[object, float]] = []
    segments: list[TranscriptSegment] = []

    def on_update(segment: TranscriptSegment, update: object) -> None:
        for h in update.new_hits:  # type: ignore[attr-defined]
            hits.append((h, time.monotonic()))

    run = TranscriptionRun(
        LiveSource(device="pulse"),
        ko_model.recognizer(grammar=build_grammar(ko_model, KO_KEYWORDS)),
        sink=session,
        on_segment=segments.append,
        on_update=on_update,
        name="line",
    ).start()
    try:
        time.sleep(0.3)
        player = pulse_line.play(wav)
        assert player.wait(15) == 0
        played_at = time.monotonic()
        deadline = played_at + 5
        while not hits and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        result = run.stop()
    assert result is not None and result.error is None, result
    assert not run.running
    assert "계좌" in result.text and "비밀번호" in result.text, result.text
    assert any(getattr(h, "rule_id", "") == "ko.account_password" for h, _ in hits)
    assert any(not s.is_final for s in segments)
    # The alert came while the "call" went on, not after it was hung up.
    assert hits[0][1] < played_at + 2.0


def test_device_vanishing_mid_call_is_reported_and_transcript_kept(
    private_pulse: PulseLine, say: Callable[..., Path], ko_model: LoadedModel, tmp_path: Path
) -> None:
    line = private_pulse
    first = say(KO_FRAUD_SENTENCE, name="first.wav")
    wav = concat_wavs([first, say("검찰 수사관입니다 " * 3, name="second.wav")], 1.5, tmp_path / "call.wav")
    errors: list[object] = []
    finals: list[TranscriptSegment] = []
    run = TranscriptionRun(
        LiveSource(device="pulse", stall_timeout=1.0),
        ko_model.recognizer(grammar=build_grammar(ko_model, KO_KEYWORDS)),
        on_error=errors.append,
        on_segment=lambda s: s.is_final and finals.append(s),
        name="line",
    ).start()
    player = line.play(wav)
    deadline = time.monotonic() + 20
    while not finals and time.monotonic() < deadline:
        time.sleep(0.05)  # the caller finished a first sentence (Vosk closed the utterance in the pause)
    assert finals, "no utterance was finished before the device was pulled"
    heard = finals[0]
    line.kill()  # the sound server (our "device") disappears mid-call, during the second sentence
    result = run.wait(15)
    player.wait(10)
    assert result is not None, "the pipeline did not stop after the device vanished"
    assert not run.running
    assert result.error is not None and result.error.code is SpeechProblem.DEVICE_GONE
    assert errors == [result.error]
    assert result.segments[0] == heard and "계좌" in heard.text  # what was heard before is kept
    assert result.audio_s < decode_file(wav).duration_s  # it really was cut off mid-call
    assert "录音设备已断开" in result.error.render("zh")


def _tone_power(samples: np.ndarray, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    freqs = np.fft.rfftfreq(samples.size, 1 / TARGET_RATE)
    return float(spectrum[(freqs > hz - 15) & (freqs < hz + 15)].sum() / spectrum.sum())


@pytest.mark.parametrize(("level_name", "high_hz"), [("BLOCK", 1320.0), ("WARN", 988.0)])
def test_alarm_tone_reaches_a_real_output_device(pulse_line: PulseLine, level_name: str, high_hz: float) -> None:
    """The alert sound goes out through PortAudio's default output (the null sink) and comes back on its monitor:
    the level's own high tone and the 784 Hz tone, as raw float32 with no NumPy in the app."""
    from app.alerts.tone import play_tone as _play_tone
    from screening.types import Level

    source = LiveSource(device="pulse")
    source.start()
    try:
        assert _play_tone(Level[level_name]) == "sounddevice"
        deadline = time.monotonic() + 1.0  # the sink's latency: let the tail come through
        out = bytearray()
        while time.monotonic() < deadline:
            out += source.read(0.1) or b""
    finally:
        source.close()
    got = np.frombuffer(bytes(out), dtype=np.int16)
    loud = np.abs(got) > 1000
    assert loud.sum() / TARGET_RATE > 0.5, "less than 0.5 s of the 0.9 s alarm was heard on the line"
    heard = got[int(np.argmax(loud)) :]
    other = 988.0 if high_hz == 1320.0 else 1320.0
    assert _tone_power(heard, high_hz) > 0.2 and _tone_power(heard, 784.0) > 0.2
    assert _tone_power(heard, other) < 0.02


def test_a_device_key_finds_the_same_device_by_name(pulse_line: PulseLine) -> None:
    """Settings store a microphone as ``"<name>, <host API>"``: PortAudio's own lookup finds exactly that device."""
    import sounddevice as sd

    devices = list_input_devices()
    keys = input_device_keys(devices)
    pulse = next(d for d in devices if d.name == "pulse")
    assert keys[pulse.index] == pulse.key == f"pulse, {pulse.hostapi}"
    for dev in devices:
        if not keys[dev.index].isdigit():
            assert sd.query_devices(keys[dev.index], kind="input")["name"] == dev.name
    source = LiveSource(device=keys[pulse.index])
    source.start()
    try:
        assert source.read(2.0)  # it records
    finally:
        source.close()


def _dev(index: int, name: str, hostapi: str = "ALSA") -> InputDevice:
    return InputDevice(index, name, hostapi, 1, 48000.0, False)


def test_identical_twins_are_kept_apart_by_their_place_among_themselves() -> None:
    devices = [_dev(0, "USB Headset"), _dev(3, "USB Headset"), _dev(4, "USB Headset", "JACK"), _dev(7, "pulse")]
    keys = input_device_keys(devices)
    assert keys == {0: "USB Headset, ALSA #1", 3: "USB Headset, ALSA #2", 4: "USB Headset, JACK", 7: "pulse, ALSA"}
    # twins open by number; a unique key stays a name (PortAudio matches "<name>, <host API>" exactly)
    assert [resolve_input(keys[d.index], devices) for d in devices] == [0, 3, "USB Headset, JACK", "pulse, ALSA"]
    # a device plugged in before them renumbers both twins; each keeps its place, so its key still finds it
    moved = [_dev(0, "Webcam"), _dev(1, "USB Headset"), _dev(4, "USB Headset")]
    assert resolve_input("USB Headset, ALSA #2", moved) == 4
    # one twin unplugged: #2 opens the one left; none left: the name, so the error says which device is missing
    assert resolve_input("USB Headset, ALSA #2", [_dev(1, "USB Headset")]) == 1
    assert resolve_input("USB Headset, ALSA #2", [_dev(1, "Webcam")]) == "USB Headset, ALSA"
    # saved while alone, a twin plugged in since: the first of them instead of PortAudio's "several devices" error
    assert resolve_input("USB Headset, ALSA", moved) == 1
    assert (
        resolve_input(None, moved) is None and resolve_input(5, moved) == 5 and resolve_input("pulse", moved) == "pulse"
    )
