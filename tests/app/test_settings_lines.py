"""Devices per line (issue 16): the table in settings.json, its bad entries, and the one answer to "which devices hear
this line" (``devices_for_line``). Real settings files in a temporary data dir."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from app.settings import (
    LineAlreadyListed,
    LineDevices,
    Settings,
    devices_for_line,
    load_settings,
    put_line_devices,
    remove_line_devices,
    save_settings,
    settings_path,
)

LINE_1 = LineDevices("1", "pulse:headset1.monitor", "3")
LINE_2 = LineDevices("line2", "input:USB Headset 2", None)


def test_the_table_is_saved_and_loaded_back(tmp_path: Path) -> None:
    settings = Settings(audio_device="1", audio_caller_device="pulse:desk.monitor", line_devices=(LINE_1, LINE_2))
    save_settings(tmp_path, settings)
    data = json.loads(settings_path(tmp_path).read_text(encoding="utf-8"))
    assert data["line_devices"] == [
        {"line": "1", "caller_device": "pulse:headset1.monitor", "us_device": "3"},
        {"line": "line2", "caller_device": "input:USB Headset 2", "us_device": None},
    ]
    loaded = load_settings(tmp_path)
    assert loaded == settings
    assert loaded.line_devices == (LINE_1, LINE_2) and isinstance(loaded.line_devices, tuple)


def test_an_older_file_without_the_table_loads_unchanged(tmp_path: Path) -> None:
    old = {"version": 1, "language": "en", "audio_device": "2", "audio_caller_device": "pulse:desk.monitor"}
    settings_path(tmp_path).write_text(json.dumps(old), encoding="utf-8")
    loaded = load_settings(tmp_path)
    assert loaded.line_devices == ()
    assert (loaded.language, loaded.audio_device, loaded.audio_caller_device) == ("en", "2", "pulse:desk.monitor")


def test_bad_entries_are_dropped_one_by_one_and_the_rest_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    raw = {
        "language": "en",
        "line_devices": [
            {"line": " 1 ", "caller_device": "pulse:a.monitor", "us_device": "3"},  # good (spaces trimmed)
            "line 2",  # not an object
            {"caller_device": "pulse:b.monitor"},  # no line name
            {"line": "   ", "caller_device": "pulse:b.monitor"},  # an empty line name
            {"line": 7, "caller_device": "pulse:b.monitor", "us_device": 2},  # good: numbers, as a hand edit has them
            {"line": True, "caller_device": "pulse:b.monitor"},  # true is not a line name
            {"line": 2.5, "caller_device": "pulse:b.monitor"},  # nor is a fraction
            {"line": "4", "caller_device": ["pulse:b.monitor"]},  # wrong type
            {"line": "5", "us_device": 2.0},  # wrong type
            {"line": "6", "us_device": False},  # wrong type
            {"line": "7", "caller_device": "pulse:f.monitor"},  # repeats line 7 (written as a number above)
            {"line": "1", "caller_device": "pulse:c.monitor"},  # repeats line 1
            {"line": "LINE2", "caller_device": "pulse:d.monitor", "us_device": ""},  # good ("" → default input)
            {"line": "line2", "caller_device": "pulse:e.monitor"},  # repeats LINE2 (names ignore case)
            {"line": "-"},  # good: NCID without a line name, both devices at their defaults
        ],
    }
    settings_path(tmp_path).write_text(json.dumps(raw), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        loaded = load_settings(tmp_path)
    assert loaded.line_devices == (
        LineDevices("1", "pulse:a.monitor", "3"),
        LineDevices("7", "pulse:b.monitor", "2"),
        LineDevices("LINE2", "pulse:d.monitor", None),
        LineDevices("-", "", None),
    )
    assert loaded.language == "en"  # the rest of the file is untouched
    dropped = [r.getMessage() for r in caplog.records if "line_devices" in r.getMessage()]
    assert len(dropped) == 11, dropped
    assert list(tmp_path.glob("settings.json.bad*")) == []  # a bad entry never sets the whole file aside


@pytest.mark.parametrize("value", ["1", {"line": "1"}, 3, None, True])
def test_a_table_that_is_not_a_list_falls_back_to_none(tmp_path: Path, value: object) -> None:
    settings_path(tmp_path).write_text(json.dumps({"line_devices": value, "audio_device": "2"}), encoding="utf-8")
    loaded = load_settings(tmp_path)
    assert loaded.line_devices == () and loaded.audio_device == "2"


def test_devices_for_line_gives_the_lines_own_pair_else_the_pc_wide_pair() -> None:
    settings = Settings(audio_device="1", audio_caller_device="pulse:desk.monitor", line_devices=(LINE_1, LINE_2))
    assert devices_for_line(settings, "1") == ("pulse:headset1.monitor", "3")
    assert devices_for_line(settings, "line2") == ("input:USB Headset 2", None)
    assert devices_for_line(settings, " LINE2 ") == ("input:USB Headset 2", None)  # as NCID may spell it
    assert devices_for_line(settings, "3") == ("pulse:desk.monitor", "1")  # not listed: the PC-wide pair
    assert devices_for_line(settings, "-") == ("pulse:desk.monitor", "1")
    assert devices_for_line(Settings(), "1") == ("", None)
    # A listed line with both devices at their defaults means exactly that, not "use the PC-wide pair".
    plain = settings.replace(line_devices=(LineDevices("1"),))
    assert devices_for_line(plain, "1") == ("", None)


def test_editing_the_table() -> None:
    table = put_line_devices((), LINE_1)
    table = put_line_devices(table, LineDevices(" line2 ", "pulse:x.monitor"))
    assert [e.line for e in table] == ["1", "line2"]
    changed = put_line_devices(table, LineDevices("1", "pulse:y.monitor", None))  # same line: changed in place
    assert changed == (LineDevices("1", "pulse:y.monitor", None), table[1])
    renamed = put_line_devices(table, LineDevices("7", "pulse:y.monitor"), replacing="1")
    assert [e.line for e in renamed] == ["7", "line2"]
    with pytest.raises(LineAlreadyListed) as clash:
        put_line_devices(table, LineDevices("LINE2"), replacing="1")  # would repeat line2
    assert clash.value.line == "LINE2" and isinstance(clash.value, ValueError)
    with pytest.raises(LineAlreadyListed):
        put_line_devices(table, LineDevices(" Line2 ", "pulse:z.monitor"), adding=True)  # 添加 never changes a row
    assert put_line_devices(table, LineDevices("3"), adding=True)[-1] == LineDevices("3")
    with pytest.raises(ValueError):
        put_line_devices(table, LineDevices("  "))
    assert remove_line_devices(table, "Line2") == (LINE_1,)
    assert remove_line_devices(table, "9") == table


def test_more_modems_are_saved_and_a_bad_entry_is_dropped_alone(tmp_path: Path, caplog) -> None:
    """One modem per landline (a hotline's front desk and second line): saved and loaded back; a hand-edited entry
    without a port, or not an object, is dropped and logged, the others kept; a line name written as a number is
    its digits."""
    from app.settings import CallSourceSettings, ModemLine

    source = CallSourceSettings(
        kind="modem", modem_port="COM3", modem_line="前台", more_modems=(ModemLine("COM4", "二线"),)
    )
    save_settings(tmp_path, Settings(call_source=source))
    assert load_settings(tmp_path).call_source == source
    path = settings_path(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["call_source"]["more_modems"] = [
        {"port": "COM4", "line": "二线"},
        {"line": "三线"},
        "COM6",
        {"port": "COM5", "line": 3},
    ]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = load_settings(tmp_path).call_source
    assert loaded.more_modems == (ModemLine("COM4", "二线"), ModemLine("COM5", "3"))
    assert loaded.modem_line == "前台" and "ignoring bad entry 1 of more_modems" in caplog.text
