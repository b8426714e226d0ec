"""The speech service's level meters and device rescan (``app.audio.service``), with the real job runner's workers.

The capture devices here are scripted: each one reports a level reading only when the test lets it, which is how the
timing of a real device's last reading (one already on its way when the meter is stopped) is made certain. Real
devices are measured in ``tests/app/ui/settings/test_lines.py`` and ``tests/app/live/test_line_devices.py``.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Slot

from speech.audio import LevelReading
from speech.channels import Side
from tests.helpers.devices import record_portaudio_restarts, scan_devices
from tests.helpers.signals import EmitThreads

STALE = 0.9  # the bar a stopped meter's last reading carries: it must never be shown
FRESH = 0.2


class ScriptedDevice:
    """A capture device whose ``read`` waits until the test releases it, then reports one level reading."""

    def __init__(self, name: str, on_level=None) -> None:
        self.name = name
        self.on_level = on_level
        self.started = threading.Event()
        self.closed = threading.Event()
        self.reported = threading.Event()
        self._release = threading.Event()
        self._bar = FRESH

    def report(self, bar: float) -> None:
        self._bar = bar
        self._release.set()

    def start(self) -> None:
        self.started.set()

    def read(self, timeout: float) -> bytes | None:
        if not self._release.wait(min(timeout, 0.05)):
            return None
        self._release.clear()
        if self.on_level is not None:
            self.on_level(LevelReading(rms_dbfs=-12.0, peak=self._bar, bar=self._bar, clipped=False))
        self.reported.set()
        return bytes(320)

    def close(self) -> None:
        self.closed.set()


class Page(QObject):
    """Stands for the settings page: its slots live on the GUI thread, as the real page's do."""

    def __init__(self) -> None:
        super().__init__()
        self.line: list[tuple[str, float]] = []
        self.us: list[float] = []

    @Slot(str, float, float)
    def on_line(self, side: str, bar: float, _dbfs: float) -> None:
        self.line.append((side, bar))

    @Slot(float, float)
    def on_us(self, bar: float, _dbfs: float) -> None:
        self.us.append(bar)


@pytest.fixture
def devices(monkeypatch: pytest.MonkeyPatch) -> dict[str, ScriptedDevice]:
    """Every device a meter opens, by name (PortAudio inputs and sound-server captures alike)."""
    import speech.audio
    import speech.loopback

    opened: dict[str, ScriptedDevice] = {}

    def open_device(name: object, on_level=None) -> ScriptedDevice:
        opened[str(name)] = ScriptedDevice(str(name), on_level)
        return opened[str(name)]

    monkeypatch.setattr(speech.loopback, "open_capture", lambda key, on_level=None: open_device(key, on_level))
    monkeypatch.setattr(speech.audio, "LiveSource", lambda device=None, on_level=None: open_device(device, on_level))
    return opened


@pytest.fixture
def page(services) -> Page:
    p = Page()
    services.speech.lineLevelChanged.connect(p.on_line)
    services.speech.levelChanged.connect(p.on_us)
    return p


def _started(qtbot, devices: dict[str, ScriptedDevice], name: str) -> ScriptedDevice:
    qtbot.waitUntil(lambda: name in devices and devices[name].started.is_set(), timeout=5000)
    return devices[name]


def test_a_replaced_line_meter_never_shows_its_last_reading(qtbot, services, devices, page) -> None:
    """Settings → 各线路的设备: switching the edited line's caller device replaces its meter. A reading the old device
    reports after that, or one already on its way to the GUI thread, must not move the new device's bar."""
    speech = services.speech
    speech.start_line_meter(Side.CALLER, "pulse:line1.monitor")
    old = _started(qtbot, devices, "pulse:line1.monitor")

    # A reading already sent (on the audio thread) but not yet shown when the page switches device:
    old.report(STALE)
    assert old.reported.wait(5)
    speech.start_line_meter(Side.CALLER, "pulse:line2.monitor")
    new = _started(qtbot, devices, "pulse:line2.monitor")
    # ... and one the old device reports after it was replaced (a PortAudio callback still running):
    old.reported.clear()
    old.report(STALE)
    assert old.closed.wait(5)
    new.report(FRESH)
    qtbot.waitUntil(lambda: ("caller", FRESH) in page.line, timeout=5000)
    QCoreApplication.processEvents()
    assert page.line == [("caller", FRESH)]
    assert speech.line_meter_running(Side.CALLER)
    speech.stop_line_meters()
    assert new.closed.wait(5)


def test_a_stopped_meter_shows_nothing_more(qtbot, services, devices, page) -> None:
    """The PC-wide 我方 meter and a line's 我方 meter: once stopped, none of their readings arrive."""
    speech = services.speech
    speech.start_meter("3")
    speech.start_line_meter(Side.US, "4")
    pc, line = _started(qtbot, devices, "3"), _started(qtbot, devices, "4")
    pc.report(FRESH)
    qtbot.waitUntil(lambda: page.us == [FRESH], timeout=5000)

    for device in (pc, line):
        device.reported.clear()
        device.report(STALE)
        assert device.reported.wait(5)  # sent, not yet shown
    speech.stop_meter()
    speech.stop_line_meter(Side.US)
    assert pc.closed.wait(5) and line.closed.wait(5)
    qtbot.waitUntil(services.jobs.is_idle, timeout=5000)
    QCoreApplication.processEvents()
    assert page.us == [FRESH] and page.line == []
    assert not speech.meter_running and not speech.line_meter_running(Side.US)


def test_meter_readings_from_the_audio_thread_are_emitted_on_the_gui_thread(qtbot, services, devices) -> None:
    """A device reports its level on its own audio thread (a PortAudio callback, the meter's worker); every one of
    the service's signals is still emitted on the GUI thread (app.inbox carries the reading), never on that thread:
    PySide can deadlock on a signal emitted from a plain Python thread."""
    speech = services.speech
    emits = EmitThreads(speech)  # heard where each signal is emitted (a direct connection)
    shown: list[tuple[float, int]] = []
    speech.levelChanged.connect(lambda bar, _dbfs: shown.append((bar, threading.get_ident())))
    reading_threads: list[int] = []
    speech.start_meter("5")
    speech.start_line_meter(Side.CALLER, "pulse:line1.monitor")
    pc, line = _started(qtbot, devices, "5"), _started(qtbot, devices, "pulse:line1.monitor")
    for device in (pc, line):
        device.on_level = _noting_thread(device.on_level, reading_threads)
        device.report(FRESH)
    qtbot.waitUntil(lambda: bool(shown) and bool(emits.of("lineLevelChanged")), timeout=5000)
    speech.stop_meter()
    speech.stop_line_meters()
    assert pc.closed.wait(5) and line.closed.wait(5)
    qtbot.waitUntil(lambda: bool(emits.of("meterStopped") and emits.of("lineMeterStopped")), timeout=5000)

    gui = threading.get_ident()
    assert len(reading_threads) == 2 and gui not in reading_threads  # the readings were taken on audio threads
    assert shown == [(FRESH, gui)]
    assert emits.of("levelChanged") == [(FRESH, -12.0)]
    assert emits.of("lineLevelChanged") == [("caller", FRESH, -12.0)]
    assert emits.of("meterStopped") == [(None,)] and emits.of("lineMeterStopped") == [("caller", None)]
    assert emits.off_gui_thread() == []


def _noting_thread(on_level, threads: list[int]):  # type: ignore[no-untyped-def]
    def noted(reading: LevelReading) -> None:
        threads.append(threading.get_ident())
        on_level(reading)

    return noted


def test_the_rescan_keeps_portaudio_running_while_a_call_listens(qtbot, services, monkeypatch) -> None:
    """刷新 re-initialises PortAudio to find a device plugged in since, but never under a live call's open stream:
    the scan then says the list was kept, and why."""
    restarts = record_portaudio_restarts(monkeypatch, real=False)
    speech = services.speech

    line1, line2 = ScriptedDevice("line1-us"), ScriptedDevice("line2-caller")
    calls = [speech.live_capture(line1), speech.live_capture(line2)]
    assert speech.live_streams == 0  # nothing is open until the call's recogniser thread starts it
    for call in calls:
        call.start()
    assert line1.started.is_set() and speech.live_streams == 2
    held = scan_devices(qtbot, speech)
    assert (held.held_by, held.rescanned, restarts) == ("calls", False, [])

    calls[0].close()
    assert line1.closed.is_set() and speech.live_streams == 1
    assert scan_devices(qtbot, speech).held_by == "calls" and restarts == []  # one line still listens
    calls[1].close()
    calls[1].close()  # closed twice (a stop after the device went away): counted once
    assert speech.live_streams == 0
    free = scan_devices(qtbot, speech)
    assert free.rescanned and free.held_by is None and restarts == ["terminate", "initialize"]
    assert all(hasattr(d, "name") for d in free.devices)


def test_a_call_whose_device_fails_to_open_is_not_counted(services) -> None:
    class Broken(ScriptedDevice):
        def start(self) -> None:
            raise OSError("device unplugged")

    capture = services.speech.live_capture(Broken("gone"))
    with pytest.raises(OSError):
        capture.start()
    capture.close()
    assert services.speech.live_streams == 0
