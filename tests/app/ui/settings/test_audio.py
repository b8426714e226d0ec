"""Settings page with real capture: PulseAudio null sink → PortAudio ``pulse`` device → level meter, a 3 s test
recording saved as WAV and transcribed by the real (Korean) Vosk model."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.speech.conftest import PulseLine, ko_model_dir, pulse_line, say  # noqa: F401 - pytest fixtures

pytestmark = pytest.mark.slow


@pytest.fixture
def page(qtbot, services, pulse_line: PulseLine, ko_model_dir: Path):  # noqa: F811
    import sounddevice as sd

    from app.gui import build_window

    # PortAudio may have been initialised earlier in this process, before this PulseAudio server existed:
    # re-initialise it so the ``pulse`` device talks to the server of this test (the app rescans on "刷新" too).
    sd._terminate()
    sd._initialize()
    services.settings.update(audio_device="pulse", model_path=str(ko_model_dir))
    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show()
    return window.show_page("settings")


def test_level_meter_moves_and_test_recording_is_saved_and_transcribed(
    qtbot,
    services,
    page,
    pulse_line: PulseLine,  # noqa: F811
    say: Callable[..., Path],  # noqa: F811
) -> None:
    wav = say("안녕하세요 은행 계좌 비밀번호를 알려 주세요", pad_s=0.3)
    page.audio.meter_button.setChecked(True)
    levels: list[float] = []
    services.speech.levelChanged.connect(lambda bar, _db: levels.append(bar))
    player = pulse_line.play(wav)
    try:
        qtbot.waitUntil(lambda: max(levels, default=0.0) > 0.2, timeout=15_000)
    finally:
        player.wait(30)
    page.audio.meter_button.setChecked(False)
    qtbot.waitUntil(lambda: not services.speech.meter_running, timeout=5000)

    page.audio.start_test_recording()
    player = pulse_line.play(wav)
    try:
        qtbot.waitUntil(lambda: "录好了" in page.audio.audio_status.text(), timeout=60_000)
    finally:
        player.wait(30)
    target = services.data_dir / "test-recording.wav"
    with wave.open(str(target), "rb") as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
        assert w.getnframes() >= 16000 * 2.9
    assert "设备工作正常" in page.audio.audio_status.text()
    assert "识别结果" in page.audio.audio_status.text()  # the real model heard something


def test_caller_side_offers_the_playback_loopback_first_with_its_own_meter(
    qtbot,
    services,
    page,
    pulse_line: PulseLine,  # noqa: F811
    say: Callable[..., Path],  # noqa: F811
) -> None:
    """对方（电话那头）: the null sink's monitor (what a softphone plays) is listed first, in plain words; choosing it is
    saved, and its own meter moves while that sink plays (the 我方 meter is a separate one)."""
    page.audio.load_devices()
    key = f"pulse:{pulse_line.monitor}"
    qtbot.waitUntil(lambda: page.audio.caller_device.findData(key) >= 0, timeout=10_000)
    assert page.audio.caller_device.itemData(0) == ""  # "not used": one device hears the whole call
    assert page.audio.caller_device.itemData(1) == key  # loopbacks come first
    assert page.audio.caller_device.itemText(1).startswith("扬声器回采：")
    assert page.audio.caller_device.itemText(1).endswith("（对方的声音）")
    assert "扬声器回采" in page.audio.caller_help.text()
    page.audio.caller_device.setCurrentIndex(1)
    assert services.settings.value.audio_caller_device == key
    caller_levels: list[float] = []
    us_levels: list[float] = []
    services.speech.callerLevelChanged.connect(lambda bar, _db: caller_levels.append(bar))
    services.speech.levelChanged.connect(lambda bar, _db: us_levels.append(bar))
    page.audio.caller_meter_button.setChecked(True)
    player = pulse_line.play(say("안녕하세요 은행 계좌 비밀번호를 알려 주세요", pad_s=0.3))
    try:
        qtbot.waitUntil(lambda: max(caller_levels, default=0.0) > 0.2, timeout=15_000)
    finally:
        player.wait(30)
    assert page.audio.caller_meter.value() >= 0 and page.audio.caller_meter_button.text() == "停止"
    assert us_levels == []  # the microphone's meter was not started
    page.audio.caller_meter_button.setChecked(False)
    qtbot.waitUntil(lambda: page.audio.caller_meter.value() == 0, timeout=5000)


def test_caller_side_help_in_plain_words_for_each_platform(qtbot, services) -> None:
    from app.ui.settings.audio import BLACKHOLE_URL, caller_side_help

    assert "立体声混音" in caller_side_help("win32") and "VB-CABLE" in caller_side_help("win32")
    assert BLACKHOLE_URL in caller_side_help("darwin") and "多输出设备" in caller_side_help("darwin")
    assert "扬声器回采" in caller_side_help("linux")


def test_a_saved_microphone_that_is_not_plugged_in_stays_chosen_and_says_so(qtbot, services, page) -> None:
    """The list comes from real PortAudio; the saved device is on none of it: the chooser keeps it, labelled as
    missing, instead of silently showing (and on the next change saving) the system default."""
    services.settings.update(audio_device="USB Headset 9, MME")
    page.audio.load_devices()
    combo = page.audio.device
    qtbot.waitUntil(lambda: "找到" in page.audio.audio_status.text(), timeout=15_000)
    assert combo.currentData() == "USB Headset 9, MME"
    assert combo.currentText() == "USB Headset 9, MME（现在没有插上）"
    assert services.settings.value.audio_device == "USB Headset 9, MME"
    assert any(combo.itemText(i).startswith("pulse (") for i in range(combo.count()))  # the real devices are listed
