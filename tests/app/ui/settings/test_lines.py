"""Settings → 声音输入 → 各线路的设备 (issue 16): add, change and remove a line's own pair, saved at once to the real
settings file; large text and English; and (slow, real PulseAudio null sinks) the edited line's level meters follow
that line's own devices."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.settings import LineDevices, devices_for_line, load_settings
from app.ui.settings.audio import AudioSection
from app.ui.settings.lines import COL_CALLER, COL_LINE, COL_US, LineDevicesBox
from speech.channels import Side
from tests.speech.conftest import PulseLine, headsets, play_into, pulse_line, tone_wav  # noqa: F401 - fixtures

US = [("USB Headset 1 (ALSA)", "3"), ("USB Headset 2 (ALSA)", "4")]
CALLER = [
    ("扬声器回采：Headset 1（对方的声音）", "pulse:h1.monitor"),
    ("扬声器回采：Headset 2（对方的声音）", "pulse:h2.monitor"),
]


@pytest.fixture
def section(qtbot, services) -> AudioSection:
    s = AudioSection(services)
    qtbot.addWidget(s)
    s.load(services.settings.value)
    s.retranslate()
    s.resize(900, 1200)
    s.show()
    return s


def _rows(box: LineDevicesBox) -> list[tuple[str, str, str]]:
    table = box.table
    return [tuple(table.item(r, c).text() for c in (COL_LINE, COL_CALLER, COL_US)) for r in range(table.rowCount())]


def _edit(box: LineDevicesBox, name: str, caller: str, us: str) -> None:
    box.line_name.setText(name)
    box.caller_device.setCurrentIndex(box.caller_device.findData(caller))
    box.us_device.setCurrentIndex(box.us_device.findData(us))


def test_lines_are_added_changed_and_removed_and_saved_at_once(qtbot, services, data_dir: Path, section) -> None:
    box = section.lines
    box.set_us_choices(US)
    box.set_caller_choices(CALLER)
    assert box.title() == "各线路的设备" and not box.save_button.isEnabled() and not box.remove_button.isEnabled()

    _edit(box, "1", "pulse:h1.monitor", "3")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    _edit(box, " line2 ", "", "")  # both at their defaults: "not used" and the system's default input
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert box.status.text() == "✓ 已添加线路 line2。"
    assert _rows(box) == [
        ("1", "扬声器回采：Headset 1（对方的声音）", "USB Headset 1 (ALSA)"),
        ("line2", "不用（我方设备听整通电话）", "系统默认设备"),
    ]
    saved = load_settings(data_dir).line_devices
    assert saved == (LineDevices("1", "pulse:h1.monitor", "3"), LineDevices("line2", "", None))
    assert services.settings.value.line_devices == saved

    # A line that is already listed, and a line without a name, are refused in plain words; nothing changes.
    _edit(box, "LINE2", "pulse:h2.monitor", "4")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert box.status.text().startswith("✗ 线路 LINE2 已经在表里了")
    box.line_name.clear()
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert box.status.text().startswith("✗ 请填写线路名称")
    assert load_settings(data_dir).line_devices == saved

    # Selecting a row shows it in the editor; 保存修改 changes it (here: renamed, other caller device).
    box.select_line("1")
    assert box.line_name.text() == "1" and box.caller_device.currentData() == "pulse:h1.monitor"
    assert box.us_device.currentData() == "3" and box.save_button.isEnabled()
    _edit(box, "7", "pulse:h2.monitor", "3")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert load_settings(data_dir).line_devices == (
        LineDevices("7", "pulse:h2.monitor", "3"),
        LineDevices("line2", "", None),
    )
    assert box.selected_line() == "7"
    box.line_name.setText("Line2")  # renaming onto another listed line is refused
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert box.status.text().startswith("✗ 线路 Line2 已经在表里了")
    assert [e.line for e in load_settings(data_dir).line_devices] == ["7", "line2"]

    box.select_line("line2")
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    assert box.status.text() == "✓ 已移除线路 line2，它的来电改用上面的设备。"
    assert _rows(box) == [("7", "扬声器回采：Headset 2（对方的声音）", "USB Headset 1 (ALSA)")]
    settings = load_settings(data_dir)
    assert settings.line_devices == (LineDevices("7", "pulse:h2.monitor", "3"),)
    assert devices_for_line(settings, "line2") == (settings.audio_caller_device, settings.audio_device)


def test_saved_lines_show_on_a_fresh_page_even_with_their_device_unplugged(qtbot, services) -> None:
    services.settings.update(line_devices=(LineDevices("-", "pulse:gone.monitor", "9"),))
    section = AudioSection(services)
    qtbot.addWidget(section)
    section.load(services.settings.value)
    section.retranslate()
    section.lines.set_caller_choices(CALLER)  # what is plugged in now: not the saved device
    assert _rows(section.lines) == [
        ("-", "gone.monitor", "#9")
    ]  # a bare number: an older setting not yet named (app.display.device_name)
    section.lines.select_line("-")
    assert section.lines.caller_device.currentData() == "pulse:gone.monitor"  # kept, never silently replaced


def test_after_a_load_the_editor_shows_the_selected_line_as_saved(qtbot, services, section) -> None:
    """The table is reloaded when the settings change (here: the line's devices changed elsewhere, as a second window
    or a restored backup would): the line stays selected and the editor shows its saved devices, not the old ones."""
    box = section.lines
    box.set_us_choices(US)
    box.set_caller_choices(CALLER)
    _edit(box, "1", "pulse:h1.monitor", "3")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    box.select_line("1")
    assert box.caller_device.currentData() == "pulse:h1.monitor"

    services.settings.update(line_devices=(LineDevices("1", "pulse:h2.monitor", "4"), LineDevices("2")))
    section.load(services.settings.value)
    assert box.selected_line() == "1"
    assert (box.line_name.text(), box.caller_device.currentData(), box.us_device.currentData()) == (
        "1",
        "pulse:h2.monitor",
        "4",
    )
    assert box.save_button.isEnabled() and box.remove_button.isEnabled()

    # A device rescan or a language switch keeps what the user is typing in the editor.
    box.line_name.setText("1b")
    box.set_caller_choices(CALLER)
    section.retranslate()
    assert box.line_name.text() == "1b" and box.selected_line() == "1"


def test_the_hint_says_sip_lines_are_heard_from_baresips_recordings(qtbot, qapp, section) -> None:
    from app.i18n import install_language

    assert "SIP 线路的通话直接从 baresip 自己的录音里听" in section.lines.hint.text()
    install_language(qapp, "en")
    try:
        section.retranslate()
        assert "SIP lines are heard from baresip's own recordings" in section.lines.hint.text()
    finally:
        install_language(qapp, "zh")


def test_large_text_and_english(qtbot, qapp, services, section) -> None:
    from app.i18n import install_language
    from app.ui import style

    box = section.lines
    box.set_caller_choices(CALLER)
    _edit(box, "1", "pulse:h1.monitor", "")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    style.apply_text_scale(qapp, True)
    install_language(qapp, "en")
    try:
        section.retranslate()
        qtbot.wait(50)
        assert box.title() == "Devices per line"
        assert [box.table.horizontalHeaderItem(c).text() for c in range(3)] == [
            "Line",
            "Caller (the other end)",
            "Us (microphone)",
        ]
        assert box.add_button.text() == "Add line" and box.meter_button.text() == "Test this line's devices"
        assert _rows(box)[0][2] == "System default device"
        for button in (box.add_button, box.save_button, box.remove_button, box.meter_button):
            assert button.isVisible()
            assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())  # text not cut off
        row_height = box.table.rowHeight(0)
        assert row_height >= box.table.sizeHintForRow(0)  # the row grew with the larger text: nothing cut off
        assert box.table.isVisible() and box.table.height() > row_height
    finally:
        style.apply_text_scale(qapp, False)
        install_language(qapp, "zh")


@pytest.mark.slow
def test_the_edited_lines_meters_follow_its_own_devices(
    qtbot,
    services,
    section,
    headsets: PulseLine,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Two lines with their own headset (real null sinks): the meters measure the selected line's devices only,
    never the PC-wide pair's meters, and stop when asked."""
    box = section.lines
    section.load_devices()

    def pulse_input() -> str | None:  # PortAudio's ``pulse`` device, from the same list as the PC-wide 我方 device
        texts = [box.us_device.itemText(i) for i in range(box.us_device.count())]
        return next((box.us_device.itemData(i) for i, t in enumerate(texts) if t.startswith("pulse ")), None)

    qtbot.waitUntil(
        lambda: box.caller_device.findData("pulse:headset2.monitor") >= 0 and pulse_input() is not None,
        timeout=15_000,
    )
    assert [box.us_device.itemText(i) for i in range(1, box.us_device.count())] == [
        section.device.itemText(i) for i in range(1, section.device.count())
    ]  # the same device list as the PC-wide pair
    pulse_us = pulse_input()
    for name, sink in (("1", "headset1"), ("2", "headset2")):
        _edit(box, name, f"pulse:{sink}.monitor", pulse_us)
        qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert [e.line for e in services.settings.value.line_devices] == ["1", "2"]
    levels: list[tuple[str, float]] = []
    default_pair: list[float] = []
    services.speech.lineLevelChanged.connect(lambda side, bar, _db: levels.append((side, bar)))
    services.speech.callerLevelChanged.connect(lambda bar, _db: default_pair.append(bar))
    services.speech.levelChanged.connect(lambda bar, _db: default_pair.append(bar))
    tone = tone_wav(tmp_path / "tone.wav")

    def caller_peak_while_playing(sink: str) -> float:
        qtbot.waitUntil(lambda: any(side == "caller" for side, _ in levels), timeout=10_000)  # metering
        mark = len(levels)
        player = play_into(headsets, sink, tone)
        assert player.wait(15) == 0
        qtbot.wait(500)
        return max((bar for side, bar in levels[mark:] if side == Side.CALLER.code), default=0.0)

    box.select_line("1")
    box.meter_button.setChecked(True)
    assert box.meter_button.text() == "停止"
    assert services.speech.line_meter_running(Side.CALLER) and services.speech.line_meter_running(Side.US)
    assert caller_peak_while_playing("headset1") > 0.3
    qtbot.waitUntil(lambda: box.caller_meter.format().endswith(" dB"), timeout=5000)  # the level as text too
    assert caller_peak_while_playing("headset2") < 0.05  # another line's headset: not this line's meter

    box.select_line("2")  # the meters follow the selected line's devices
    levels.clear()
    assert caller_peak_while_playing("headset1") < 0.05
    assert caller_peak_while_playing("headset2") > 0.3
    assert default_pair == []  # the PC-wide pair's meters were never started

    box.meter_button.setChecked(False)
    qtbot.waitUntil(
        lambda: (
            not services.speech.line_meter_running(Side.CALLER)
            and not services.speech.line_meter_running(Side.US)
            and box.caller_meter.value() == 0
        ),
        timeout=5000,
    )
