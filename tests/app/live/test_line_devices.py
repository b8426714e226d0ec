"""A call centre with several lines on one PC (issue 16): each line's call is heard on that line's own devices.

Real parts: a private PulseAudio server with one null sink per line's headset (the softphone plays that line's caller
there) and the monitor of each recorded through ``parec``; the 我方 side through PortAudio; real CallBridge with the
settings' per-line table. The first test uses recognisers that only measure loudness (which device fed which line),
the second the real Korean Vosk model on espeak-ng speech (each line's transcript comes from its own headset).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from app.audio.service import LiveCapture, device_arg
from app.calls.events import CallEvent
from app.settings import LineDevices, load_settings
from speech.audio import LiveSource
from speech.channels import Side
from speech.loopback import PulseSource
from speech.recognizer import LoadedModel, RecognitionResult, build_grammar
from tests.helpers.devices import record_portaudio_restarts, scan_devices
from tests.speech.conftest import (  # noqa: F401 - pytest fixtures
    KO_FRAUD_SENTENCE,
    PulseLine,
    headsets,
    ko_model,
    ko_model_dir,
    play_into,
    pulse_line,
    say,
    tone_wav,
)
from tests.speech.test_channels import GRAMMAR

pytestmark = pytest.mark.slow


class LoudnessRecognizer:
    """Hears no words; keeps the peak of each block it is fed, to tell which device's audio reached it."""

    def __init__(self) -> None:
        self.peaks: list[int] = []
        self._lock = threading.Lock()

    def accept(self, pcm: bytes) -> bool:
        samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype=np.int16)
        with self._lock:
            self.peaks.append(int(np.abs(samples.astype(np.int32)).max()) if samples.size else 0)
        return False

    def mark(self) -> int:
        with self._lock:
            return len(self.peaks)

    def loudest_since(self, mark: int) -> int:
        with self._lock:
            return max(self.peaks[mark:], default=0)

    def partial(self) -> str:
        return ""

    def result(self) -> RecognitionResult:
        return RecognitionResult("")

    def final(self) -> RecognitionResult:
        return RecognitionResult("")


def _ring(services, line: str) -> None:
    services.calls.handle_event(CallEvent(line, "13912345678", None, datetime.now(timezone.utc), "ncid"))


def _wait_heard(qtbot, services, lines: tuple[str, ...]) -> None:
    def running() -> bool:
        states = [services.calls.lines.get(line) for line in lines]
        return all(s is not None and s.two is not None and s.two.running for s in states)

    qtbot.waitUntil(running, timeout=15_000)


def _stop(qtbot, services, lines: tuple[str, ...]) -> None:
    for line in lines:
        services.calls.stop_line(line)
    qtbot.waitUntil(services.jobs.is_idle, timeout=15_000)


def test_each_line_opens_its_own_pair_and_hears_only_its_own_headset(
    qtbot,
    services,
    headsets: PulseLine,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.settings.update(
        audio_device=None,  # the PC-wide pair: the default input and the first sink's monitor
        audio_caller_device=f"pulse:{headsets.monitor}",
        line_devices=(
            LineDevices("1", "pulse:headset1.monitor", "pulse"),
            LineDevices("line2", "pulse:headset2.monitor", "default"),
        ),
    )
    heard: dict[tuple[str, Side], LoudnessRecognizer] = {}

    def recognizer(line: str, side: Side) -> LoudnessRecognizer:
        heard[(line, side)] = LoudnessRecognizer()
        return heard[(line, side)]

    services.calls.recognizer_factory = recognizer
    lines = ("1", "LINE2", "3")  # NCID may spell a line differently from Settings; "3" has no pair of its own
    for line in lines:
        _ring(services, line)
    _wait_heard(qtbot, services, lines)

    opened = {}
    for line in lines:
        two = services.calls.lines[line].two
        caller, us = two.source(Side.CALLER), two.source(Side.US)
        assert isinstance(caller, LiveCapture) and isinstance(us, LiveCapture)  # opened through the speech service
        caller, us = caller.source, us.source
        assert isinstance(caller, PulseSource) and isinstance(us, LiveSource)
        opened[line] = (caller.source, us.device)
    assert opened == {
        "1": ("headset1.monitor", "pulse"),
        "LINE2": ("headset2.monitor", "default"),
        "3": (headsets.monitor, None),
    }

    # The audio itself: a tone played on one line's headset reaches that line's caller channel and no other.
    tone = tone_wav(tmp_path / "tone.wav")
    callers = {line: heard[(line, Side.CALLER)] for line in lines}
    for sink, line in (("headset1", "1"), ("headset2", "LINE2")):
        marks = {other: rec.mark() for other, rec in callers.items()}
        player = play_into(headsets, sink, tone)
        assert player.wait(15) == 0
        qtbot.waitUntil(lambda line=line, marks=marks: callers[line].loudest_since(marks[line]) > 5000, timeout=10_000)
        qtbot.wait(400)  # the sinks' latency: anything that leaked to another line would have arrived by now
        for other, rec in callers.items():
            if other != line:
                assert rec.loudest_since(marks[other]) < 200, (sink, other)

    # 刷新 in Settings while the lines listen: PortAudio is not restarted under their streams, and the scan says so.
    assert services.speech.live_streams == 2 * len(lines)
    restarts = record_portaudio_restarts(monkeypatch, real=True)
    scan = scan_devices(qtbot, services.speech, timeout=15_000)
    assert scan.held_by == "calls" and restarts == []
    _stop(qtbot, services, lines)
    assert services.speech.live_streams == 0
    assert scan_devices(qtbot, services.speech, timeout=15_000).rescanned and restarts == ["terminate", "initialize"]


def test_real_speech_on_each_lines_headset_is_transcribed_on_that_line(
    qtbot,
    services,
    headsets: PulseLine,  # noqa: F811
    ko_model: LoadedModel,  # noqa: F811
    say: Callable[..., Path],  # noqa: F811
) -> None:
    services.settings.update(
        audio_device="pulse",
        audio_caller_device="",
        line_devices=(
            LineDevices("1", "pulse:headset1.monitor", "pulse"),
            LineDevices("2", "pulse:headset2.monitor", "pulse"),
        ),
    )

    def recognizer(line: str, side: Side) -> object:
        if side is Side.CALLER:  # the real Korean model on each line's caller side
            return ko_model.recognizer(grammar=build_grammar(ko_model, GRAMMAR))
        return LoudnessRecognizer()

    services.calls.recognizer_factory = recognizer
    lines = ("1", "2")
    for line in lines:
        _ring(services, line)
    _wait_heard(qtbot, services, lines)
    qtbot.wait(300)
    players = [
        play_into(headsets, "headset1", say(KO_FRAUD_SENTENCE, name="line1.wav", pad_s=0.3)),
        play_into(headsets, "headset2", say("검찰 수사관입니다", name="line2.wav", pad_s=0.3)),
    ]
    for player in players:
        assert player.wait(20) == 0
    one, two = services.calls.lines["1"], services.calls.lines["2"]
    qtbot.waitUntil(
        lambda: "비밀번호" in one.side_text(Side.CALLER) and "검찰" in two.side_text(Side.CALLER), timeout=30_000
    )
    _stop(qtbot, services, lines)
    assert "계좌" in one.side_text(Side.CALLER) and "검찰" not in one.side_text(Side.CALLER)
    assert "계좌" not in two.side_text(Side.CALLER) and "비밀번호" not in two.side_text(Side.CALLER)
    assert one.two_sided and two.two_sided and one.transcript().startswith("对方：")


def test_microphones_saved_by_number_are_saved_by_name_after_a_scan(
    qtbot,
    services,
    pulse_line: PulseLine,  # noqa: F811
) -> None:
    """Earlier versions saved the 我方 device as PortAudio's index, which moves when a device is plugged in or out.
    The first device scan rewrites each saved index as that device's name (PC-wide and per line); an index no
    device has now, a name, and the default are kept; the saved name opens the same real device."""
    from speech.audio import list_input_devices

    pulse = next(d for d in list_input_devices() if d.name == "pulse")
    services.settings.update(
        audio_device=str(pulse.index),
        line_devices=(
            LineDevices("1", "pulse:headset1.monitor", str(pulse.index)),
            LineDevices("2", "", "99"),  # unplugged since: kept, so its line still says which device it wants
            LineDevices("3", "", "USB Headset, MME"),
            LineDevices("4", "", None),
        ),
    )
    scan_devices(qtbot, services.speech, timeout=15_000)
    saved = services.settings.value
    assert saved.audio_device == f"pulse, {pulse.hostapi}"
    assert [e.us_device for e in saved.line_devices] == [saved.audio_device, "99", "USB Headset, MME", None]
    assert load_settings(services.data_dir) == saved  # on disk too
    source = LiveSource(device_arg(saved.audio_device))
    source.start()
    try:
        assert source.read(2.0)
    finally:
        source.close()
