"""The caller-ID modem source against a scripted modem on a real pseudo-terminal, through pyserial."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timezone
from pathlib import Path

import pytest

from app.calls.events import CallerId, SourceMessage, SourceState
from app.calls.sources.modem import ModemConfig, ModemSource, candidate_ports, classify_number, parse_cid_line
from tests.app.calls.test_sources_peers import USR_MODEL, ModemPeer, Recorder, needs_pty

FAST = {
    "reconnect_interval_s": 0.1,
    "command_timeout_s": 1.0,
    "probe_timeout_s": 0.4,
    "hangup_pause_s": 0.2,
    "ring_gap_s": 3.0,
}


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[ModemPeer]:
    modem = ModemPeer(tmp_path / "ttyMODEM").start()
    yield modem
    modem.stop()


def start_source(config: ModemConfig, recorder: Recorder) -> ModemSource:
    source = ModemSource(config, recorder.on_call, recorder.on_status, recorder.on_end, list_ports=lambda: [])
    source.start()
    return source


@pytest.fixture
def connected(peer: ModemPeer) -> Iterator[tuple[ModemPeer, ModemSource, Recorder]]:
    recorder = Recorder()
    source = start_source(ModemConfig(port=str(peer.link), **FAST), recorder)
    recorder.wait_status(SourceMessage.MODEM_CONNECTED)
    yield peer, source, recorder
    source.stop()
    assert not source.running


# -- parsing (pure) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("NMBR = 9527501234", ("NMBR", "9527501234")),
        ("NMBR=9527501234", ("NMBR", "9527501234")),
        ("NMBR =13800138000", ("NMBR", "13800138000")),
        ("nmbr=  110 ", ("NMBR", "110")),
        ("DDN_NMBR= 02161234567", ("DDN_NMBR", "02161234567")),
        ("NAME = ZHANG SAN", ("NAME", "ZHANG SAN")),
        ("MESG = 060342", ("MESG", "060342")),
        ("DATE=1121", ("DATE", "1121")),
        ("NMBR: 123", None),
        ("RING", None),
        ("\x00\xffNM#BR", None),
    ],
)
def test_caller_id_lines_parse_with_or_without_spaces(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_cid_line(line) == expected


def test_withheld_and_out_of_area_numbers_are_not_numbers() -> None:
    assert classify_number("P") == ("", CallerId.WITHHELD)
    assert classify_number("O") == ("", CallerId.UNAVAILABLE)
    assert classify_number(" 13800138000 ") == ("13800138000", CallerId.PRESENT)


def test_candidate_ports_configured_first_then_the_system_list() -> None:
    import serial.tools.list_ports

    system = [p.device for p in serial.tools.list_ports.comports()]  # whatever this machine has
    cfg = ModemConfig(port="auto", candidates=("/dev/ttyACM9", "/dev/ttyUSB3"))
    ports = candidate_ports(cfg, [*system, "/dev/ttyACM9"])
    assert ports[:2] == ["/dev/ttyACM9", "/dev/ttyUSB3"]
    assert ports[2:] == [p for p in system if p not in ("/dev/ttyACM9", "/dev/ttyUSB3")]
    assert candidate_ports(ModemConfig(port="auto", scan_system_ports=False), system) == []
    assert candidate_ports(ModemConfig(port="/dev/ttyS1"), system) == ["/dev/ttyS1"]


# -- against the modem on a pty ----------------------------------------------------------------------


@needs_pty
def test_initialises_like_a_voice_modem_and_reports_a_call(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    # ATI identifies; reset, echo off, verbose, China, and caller ID after the reset that GCI causes.
    assert peer.commands[:6] == ["ATI", "ATZ", "ATE0", "ATV1", "AT+GCI=26", "AT+VCID=1"]
    assert peer.country == "26" and peer.caller_id
    status = source.status
    assert status.state is SourceState.CONNECTED and USR_MODEL in status.render("en")
    assert "已连接来电显示调制解调器" in status.render("zh")

    peer.ring()
    assert peer.caller_id_block("9527501234", name="ZHANG SAN")
    peer.ring()
    [event] = recorder.wait_events(1)
    assert (event.raw_number, event.name, event.source, event.line) == ("9527501234", "ZHANG SAN", "modem", "modem")
    assert event.caller_id is CallerId.PRESENT and event.has_number
    assert event.received_at.tzinfo is timezone.utc
    assert event.extra["date"] == "1121" and event.extra["time"] == "0435"
    assert event.extra["port"] == str(peer.link)


@needs_pty
def test_block_without_name_is_reported_after_the_grace_period(connected) -> None:  # type: ignore[no-untyped-def]
    peer, _source, recorder = connected
    peer.ring()
    peer.caller_id_block("13800138000", sep="=")  # compact spacing, no NAME line (usual in China)
    [event] = recorder.wait_events(1)
    assert event.raw_number == "13800138000" and event.name is None


@pytest.mark.parametrize(("value", "status"), [("P", CallerId.WITHHELD), ("O", CallerId.UNAVAILABLE)])
@needs_pty
def test_withheld_number_is_a_call_without_a_number(connected, value: str, status: CallerId) -> None:  # type: ignore[no-untyped-def]
    peer, _source, recorder = connected
    peer.ring()
    peer.caller_id_block(value, name=value)
    [event] = recorder.wait_events(1)
    assert event.caller_id is status and event.raw_number == "" and not event.has_number
    assert event.extra["raw_nmbr"] == value
    assert event.display_number("en") == status.label("en")


@needs_pty
def test_ring_without_caller_id_is_an_unknown_caller(connected) -> None:  # type: ignore[no-untyped-def]
    peer, _source, recorder = connected
    peer.ring()
    peer.ring()
    [event] = recorder.wait_events(1)
    assert event.caller_id is CallerId.NONE and event.raw_number == "" and event.extra["rings"] == 2
    peer.ring()  # more rings of the same call: still one call
    peer.ring()
    peer.caller_id_block("13800138000")  # a block after that is a new call
    events = recorder.wait_events(2)
    assert len(events) == 2 and events[1].raw_number == "13800138000"
    assert events[1].extra["call_id"] != events[0].extra["call_id"]


@needs_pty
def test_garbled_lines_are_reported_and_skipped(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    peer.write(b"\r\n\x00\xff\xfeNM#BR::12\r\n")
    status = recorder.wait_status(SourceMessage.MODEM_GARBLED)
    assert "无法识别" in status.render("zh") and "unreadable" in status.render("en")
    peer.write(b"~~~~\r\nNMBR = 95275\x01\r\n")
    peer.ring()
    peer.caller_id_block("9527501234")
    [event] = recorder.wait_events(1)
    assert event.raw_number == "9527501234"  # the noisy NMBR line was dropped, not reported as a call
    assert source.running and source.status.state is SourceState.CONNECTED


@needs_pty
def test_auto_hang_up_goes_off_hook_pauses_and_goes_on_hook(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    peer.ring()
    peer.caller_id_block("9527501234")
    [event] = recorder.wait_events(1)
    assert source.request_hangup(event)
    recorder.wait_status(SourceMessage.HANGUP_DONE)
    assert [kind for kind, _ in peer.hook_events] == ["off", "on"]
    (_, off_at), (_, on_at) = peer.hook_events
    assert on_at - off_at >= 0.2 * 0.9  # the configured pause, on the peer's own clock
    assert recorder.wait_end("auto_hangup").extra["call_id"] == event.extra["call_id"]
    # A second request for the same (now finished) call does nothing to the line.
    assert source.request_hangup(event)
    recorder.wait_status(SourceMessage.HANGUP_TOO_LATE)
    assert peer.commands.count("ATH1") == 1


@needs_pty
def test_port_vanishing_mid_call_then_coming_back(peer: ModemPeer) -> None:
    recorder = Recorder()
    # A long grace period: the block below can only be reported because the port went away.
    source = start_source(ModemConfig(port=str(peer.link), cid_grace_s=30.0, **FAST), recorder)
    try:
        _vanish_and_come_back(peer, source, recorder)
    finally:
        source.stop()


def _vanish_and_come_back(peer: ModemPeer, source: ModemSource, recorder: Recorder) -> None:
    recorder.wait_status(SourceMessage.MODEM_CONNECTED)
    peer.ring()
    peer.write(b"\r\nDATE = 1121\r\nTIME = 0435\r\nNMBR = 9527501234\r\n")
    assert peer.wait_until(lambda: source.receiving_caller_id)  # the source has the NMBR line
    peer.vanish()  # unplugged in the middle of the caller-ID block
    [event] = recorder.wait_events(1)  # the number that did arrive is not lost
    assert event.raw_number == "9527501234"
    lost = recorder.wait_status(SourceMessage.MODEM_LOST)
    assert lost.state is SourceState.DISCONNECTED and "已断开" in lost.render("zh")
    recorder.wait_status(SourceMessage.MODEM_PORT_GONE)  # retrying while it is gone
    assert source.running

    peer.start()  # plugged back in: same by-id link, new device
    recorder.wait_status(SourceMessage.MODEM_CONNECTED, count=2)
    assert peer.caller_id, "caller ID must be switched on again after the re-init"
    peer.ring()
    peer.caller_id_block("13800138000")
    peer.ring()  # a RING ends the block at once (grace is 30 s here)
    events = recorder.wait_events(2)
    assert events[1].raw_number == "13800138000"


@needs_pty
def test_auto_detection_probes_candidates_with_ati(tmp_path: Path, peer: ModemPeer) -> None:
    silent = ModemPeer(tmp_path / "ttyNOTMODEM", answers=False).start()  # e.g. a GPS on a serial port
    recorder = Recorder()
    cfg = ModemConfig(
        port="auto",
        candidates=(str(tmp_path / "ttyGONE"), str(silent.link), str(peer.link)),
        scan_system_ports=False,
        **FAST,
    )
    source = start_source(cfg, recorder)
    try:
        connected = recorder.wait_status(SourceMessage.MODEM_CONNECTED)
        assert connected.message.params["port"] == str(peer.link)
        assert source.model == USR_MODEL
        assert silent.commands == ["ATI"]  # asked, did not answer, left alone
        assert recorder.codes()[:2] == [SourceMessage.STARTING, SourceMessage.MODEM_SEARCHING]
    finally:
        source.stop()
        silent.stop()


@needs_pty
def test_no_modem_anywhere_is_reported_and_retried(tmp_path: Path) -> None:
    silent = ModemPeer(tmp_path / "ttyNOTMODEM", answers=False).start()
    recorder = Recorder()
    cfg = ModemConfig(port="auto", candidates=(str(silent.link),), scan_system_ports=False, **FAST)
    source = start_source(cfg, recorder)
    try:
        status = recorder.wait_status(SourceMessage.MODEM_NOT_FOUND, count=2)  # reported, then tried again
        assert "没有找到来电显示调制解调器" in status.render("zh") and "no caller-ID modem" in status.render("en")
    finally:
        source.stop()
        silent.stop()


@needs_pty
def test_fallback_caller_id_command_and_rejected_country_code(tmp_path: Path) -> None:
    peer = ModemPeer(tmp_path / "ttyOLD", errors=frozenset({"AT+VCID=1", "AT+GCI=26"})).start()
    recorder = Recorder()
    source = start_source(ModemConfig(port=str(peer.link), **FAST), recorder)
    try:
        recorder.wait_status(SourceMessage.MODEM_CONNECTED)
        assert "AT#CID=1" in peer.commands and peer.caller_id
        warning = recorder.wait_status(SourceMessage.MODEM_COUNTRY_REJECTED)
        assert "AT+GCI=26" in warning.render("en")
    finally:
        source.stop()
        peer.stop()


@needs_pty
def test_modem_without_caller_id_is_an_error_not_a_crash(tmp_path: Path) -> None:
    peer = ModemPeer(tmp_path / "ttyDATA", errors=frozenset({"AT+VCID=1", "AT#CID=1"})).start()
    recorder = Recorder()
    source = start_source(ModemConfig(port=str(peer.link), country_code=None, **FAST), recorder)
    try:
        status = recorder.wait_status(SourceMessage.MODEM_NO_CALLER_ID)
        assert "来电显示" in status.render("zh")
        assert "AT+GCI=26" not in peer.commands  # country_code=None leaves the modem alone
        assert source.running
    finally:
        source.stop()
        peer.stop()


@needs_pty
def test_missing_port_is_reported_in_both_languages(tmp_path: Path) -> None:
    recorder = Recorder()
    source = start_source(ModemConfig(port=str(tmp_path / "ttyUSB0"), **FAST), recorder)
    try:
        status = recorder.wait_status(SourceMessage.MODEM_PORT_GONE)
        zh, en = status.render("zh"), status.render("en")
        assert "ttyUSB0" in zh and "不存在：调制解调器没插好" in zh and "not plugged in" in en
        assert "Errno" not in zh and "No such file" not in zh  # plain words, not pyserial's English (a trial)
    finally:
        source.stop()
    assert source.status.state is SourceState.STOPPED
    assert not [t for t in threading.enumerate() if t.name == "callshield-modem"]


@needs_pty
def test_call_arriving_in_the_same_read_as_an_init_reply_is_not_lost(tmp_path: Path) -> None:
    block = b"\r\nRING\r\n\r\nDATE = 1121\r\nTIME = 0435\r\nNMBR = 95275012\r\n\r\n"
    peer = ModemPeer(tmp_path / "ttyBUSY", after={"AT+VCID=1": block}).start()
    recorder = Recorder()
    source = start_source(ModemConfig(port=str(peer.link), **FAST), recorder)
    try:
        [event] = recorder.wait_events(1)
        assert event.raw_number == "95275012"
        assert source.model == USR_MODEL
    finally:
        source.stop()
        peer.stop()


@pytest.mark.parametrize(
    ("error", "code"),
    [
        # pyserial on Windows: no errno, the Windows error's name in the text
        ("could not open port 'COM3': FileNotFoundError(2, 'The system cannot find the file specified.', None, 2)",
         SourceMessage.MODEM_PORT_GONE),
        ("could not open port 'COM3': PermissionError(13, 'Access is denied.', None, 5)", SourceMessage.MODEM_PORT_BUSY),
    ],
)  # fmt: skip
def test_windows_port_errors_are_said_in_plain_words(
    monkeypatch: pytest.MonkeyPatch, error: str, code: SourceMessage
) -> None:
    import serial

    def refuse(*args: object, **kwargs: object) -> None:
        raise serial.SerialException(error)

    monkeypatch.setattr("app.calls.sources.modem.serial.Serial", refuse)
    recorder = Recorder()
    source = start_source(ModemConfig(port="COM3", **FAST), recorder)
    try:
        status = recorder.wait_status(code)
        assert "COM3" in status.render("zh") and "Errno" not in status.render("zh")
    finally:
        source.stop()
