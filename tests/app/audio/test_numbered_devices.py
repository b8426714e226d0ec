"""A microphone an earlier version saved by PortAudio number is saved by name at start-up, without the Settings page
(real PulseAudio null sink, real PortAudio scan)."""

from __future__ import annotations

import pytest

from app.settings import LineDevices, has_numbered_devices
from tests.speech.conftest import PulseLine, pulse_line  # noqa: F401 - pytest fixture

pytestmark = pytest.mark.slow


def test_a_device_saved_by_number_is_named_at_start_up(qtbot, services, pulse_line: PulseLine) -> None:  # noqa: F811
    import sounddevice as sd

    from speech.audio import input_device_keys, list_input_devices

    sd._terminate()  # this test's PulseAudio server may be newer than PortAudio's last scan
    sd._initialize()
    keys = input_device_keys(list_input_devices())
    index, key = next((i, k) for i, k in keys.items() if k.startswith("pulse"))
    services.settings.update(
        audio_device=str(index), line_devices=(LineDevices("2", "pulse:x.monitor", str(index)), LineDevices("3"))
    )
    assert has_numbered_devices(services.settings.value)
    services.speech.name_numbered_devices()
    qtbot.waitUntil(lambda: not has_numbered_devices(services.settings.value), timeout=10000)
    value = services.settings.value
    assert value.audio_device == key
    assert value.line_devices == (LineDevices("2", "pulse:x.monitor", key), LineDevices("3"))


def test_nothing_is_scanned_when_every_device_is_saved_by_name(services, monkeypatch) -> None:
    services.settings.update(audio_device="USB Headset, MME", line_devices=(LineDevices("1", "", "pulse, ALSA"),))
    assert not has_numbered_devices(services.settings.value)
    scans: list[object] = []
    monkeypatch.setattr(services.speech, "list_devices", lambda **kw: scans.append(kw))
    services.speech.name_numbered_devices()
    assert scans == []
    services.settings.update(audio_device=None, line_devices=())
    assert not has_numbered_devices(services.settings.value)
