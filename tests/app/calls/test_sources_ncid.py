"""The NCID client source against an NCID server peer on 127.0.0.1 (real TCP)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

from app.calls.events import CallerId, SourceMessage, SourceState
from app.calls.sources.ncid import NcidConfig, NcidSource, block_request, parse_fields, salvage_call_fields
from tests.app.calls.test_sources_peers import NcidPeer, Recorder

CALL_LOG = (
    "CIDLOG: *DATE*11202026*TIME*1930*LINE*POTS*NMBR*13800138000*MESG*NONE*NAME*NO NAME*",
    "HUPLOG: *DATE*11202026*TIME*2010*LINE*POTS*NMBR*9527501234*MESG*NONE*NAME*-*",
)


def fast_config(port: int, **overrides: float) -> NcidConfig:
    values: dict[str, float] = {"backoff_initial_s": 0.05, "backoff_max_s": 0.4, "connect_timeout_s": 2.0}
    values.update(overrides)
    return NcidConfig(host="127.0.0.1", port=port, **values)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def peer() -> Iterator[NcidPeer]:
    server = NcidPeer(call_log=CALL_LOG).start()
    yield server
    server.stop()


@pytest.fixture
def connected(peer: NcidPeer) -> Iterator[tuple[NcidPeer, NcidSource, Recorder]]:
    recorder = Recorder()
    source = NcidSource(fast_config(peer.port), recorder.on_call, recorder.on_status, recorder.on_end)
    source.start()
    recorder.wait_status(SourceMessage.NCID_CONNECTED)
    yield peer, source, recorder
    source.close()
    assert not source.running


def test_field_pairs_parse_and_malformed_pairs_do_not() -> None:
    assert parse_fields("*DATE*11212026*NMBR*110*NAME**") == {"DATE": "11212026", "NMBR": "110", "NAME": ""}
    assert parse_fields("*DATE*11212026*NMBR*") is None  # odd number of fields
    assert parse_fields("DATE*1*") is None
    assert parse_fields("") is None


def test_fields_of_a_line_that_does_not_pair_up_are_taken_by_name() -> None:
    assert salvage_call_fields("*DATE*0101*TIME*1200*LINE*-*NMBR*13912345678*MESG*NONE*NAME*WANG*DA*") == {
        "DATE": "0101",
        "TIME": "1200",
        "LINE": "-",
        "NMBR": "13912345678",
        "MESG": "NONE",
        "NAME": "WANG*DA",
    }
    assert salvage_call_fields("*DATE*0101*NMBR*") is None  # no number
    assert salvage_call_fields("*DATE*0101*NMBR*1391234") is None  # cut off inside the number: not guessed
    assert salvage_call_fields("*NMBR*13912345678*NAME*A*B") == {"NMBR": "13912345678", "NAME": "A*B"}
    # a caller name cannot replace the number NCID sent before it
    assert parse_fields("*NMBR*13912345678*NAME*X*NMBR*95588*")["NMBR"] == "13912345678"  # type: ignore[index]
    assert salvage_call_fields("*NMBR*13912345678*NAME*X*Y*NMBR*95588*")["NMBR"] == "13912345678"  # type: ignore[index]


def test_block_request_quotes_safely() -> None:
    assert block_request("+86 952-750-1234", 'CallShield: "95" fraud\nREQ: RELOAD') == (
        'REQ: black add "+869527501234" "CallShield:  95  fraud REQ: RELOAD"'
    )


def test_connects_reads_greeting_and_keeps_the_call_log_apart(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    status = source.status
    assert status.state is SourceState.CONNECTED
    assert "ncidd (NCID) 1.11" in status.render("en") and "API 1.5" in status.render("en")
    assert "已连接 NCID 服务器" in status.render("zh")
    assert [entry["LABEL"] for entry in source.call_log] == ["CIDLOG", "HUPLOG"]
    assert source.call_log[0]["NMBR"] == "13800138000"
    assert recorder.events == []  # yesterday's calls are history, not new calls
    assert not [s for s in recorder.statuses if s.message.code is SourceMessage.NCID_BAD_LINE]


def test_live_calls_hangups_and_ring_info(connected) -> None:  # type: ignore[no-untyped-def]
    peer, _source, recorder = connected
    peer.send("CIDINFO: *LINE*POTS*RING*1*TIME*04:35:01*")
    peer.send("CID: *DATE*11212026*TIME*0435*LINE*POTS*NMBR*9527501234*MESG*NONE*NAME*NO NAME*")
    peer.send("HUP: *DATE*11212026*TIME*0436*LINE*VOIP*NMBR*16212345678*MESG*NONE*NAME*SPAM*")
    peer.send("CID: *DATE*11212026*TIME*0437*LINE*POTS*NMBR*PRIVATE*MESG*NONE*NAME*PRIVATE*")
    peer.send("CID: *DATE*11212026*TIME*0438*LINE*POTS*NMBR*OUT-OF-AREA*MESG*NONE*NAME*-*")
    peer.send("CIDINFO: *LINE*POTS*RING*0*TIME*04:38:09*")
    peer.send(
        "END: *HTYPE*BYE*DATE*11212026*TIME*0439*SCALL*11/21/2026 04:38:00*ECALL*11/21/2026 04:39:00*"
        "CTYPE*IN*LINE*VOIP*NMBR*16212345678*NAME*SPAM*"
    )
    call, hup, private, out_of_area = recorder.wait_events(4)
    assert (call.raw_number, call.name, call.line, call.source) == ("9527501234", None, "POTS", "ncid")
    assert call.extra["ncid_label"] == "CID" and call.extra["date"] == "11212026"
    assert (hup.raw_number, hup.name, hup.line, hup.extra["server_action"]) == (
        "16212345678",
        "SPAM",
        "VOIP",
        "hung_up",
    )
    assert (
        private.caller_id is CallerId.WITHHELD and private.raw_number == "" and private.extra["raw_nmbr"] == "PRIVATE"
    )
    assert out_of_area.caller_id is CallerId.UNAVAILABLE
    assert recorder.wait_end("ring_stopped").line == "POTS"
    assert recorder.wait_end("end").extra["ncid"]["HTYPE"] == "BYE"
    assert len(recorder.ends) == 2  # RING 1 is just a ring


def test_malformed_lines_are_reported_and_skipped(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    peer.send("this is not ncid")
    bad = recorder.wait_status(SourceMessage.NCID_BAD_LINE)
    assert "this is not ncid" in bad.render("en") and "无法识别" in bad.render("zh")
    peer.send("CID: *DATE*11212026*NMBR*")  # fields do not pair up
    peer.send("CID: *DATE*11212026*TIME*0435*")  # no number at all
    peer.send("CIDINFO: *LINE*POTS*RING*lots*")
    peer.send_raw(b"\xff\xfe\x00garbage\r\n")
    peer.send("CID: *DATE*11212026*TIME*0440*LINE*POTS*NMBR*13800138000*MESG*NONE*NAME*-*")
    [event] = recorder.wait_events(1)
    assert event.raw_number == "13800138000"
    assert source.running and source.status.state is SourceState.CONNECTED


def test_a_star_in_the_callers_name_still_screens_the_call_and_numbers_stay_masked(  # type: ignore[no-untyped-def]
    connected, caplog: pytest.LogCaptureFixture
) -> None:
    """A caller name with a '*' made the field pairs not line up: the call was dropped, and the whole line —
    the caller's number in clear — went to the INFO log and to the status line on screen."""
    peer, source, recorder = connected
    caplog.set_level(logging.DEBUG, logger="app.calls.sources.ncid")
    peer.send("CID: *DATE*11212026*TIME*0441*LINE*POTS*NMBR*13912345678*MESG*NONE*NAME*WANG*DA*")
    [event] = recorder.wait_events(1)
    assert (event.raw_number, event.name, event.line, event.extra["time"]) == ("13912345678", "WANG*DA", "POTS", "0441")
    peer.send("CID: *DATE*11212026*TIME*0442*LINE*POTS*NMBR*13812345678")  # cut off: reported, masked
    bad = recorder.wait_status(SourceMessage.NCID_BAD_LINE)
    for text in (bad.render("zh"), bad.render("en")):
        assert "138****5678" in text and "13812345678" not in text
    logged = [r.getMessage() for r in caplog.records]
    assert logged and not [m for m in logged if "13912345678" in m or "13812345678" in m], logged
    assert source.status.state is SourceState.CONNECTED


def test_server_restart_reconnects_with_backoff(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    peer.stop()
    lost = recorder.wait_status(SourceMessage.NCID_LOST)
    assert lost.state is SourceState.DISCONNECTED and "重连" in lost.render("zh")
    first = recorder.wait_status(SourceMessage.NCID_UNREACHABLE)
    second = recorder.wait_status(SourceMessage.NCID_UNREACHABLE, count=2)
    assert float(second.message.params["retry"]) == 2 * float(first.message.params["retry"])  # exponential
    peer.start()  # same port
    recorder.wait_status(SourceMessage.NCID_CONNECTED, count=2)
    assert peer.wait_connected()
    peer.send("CID: *DATE*11212026*TIME*0441*LINE*POTS*NMBR*9527501234*MESG*NONE*NAME*-*")
    [event] = recorder.wait_events(1)
    assert event.raw_number == "9527501234"


def test_block_push_sends_black_add_then_reload(connected) -> None:  # type: ignore[no-untyped-def]
    peer, source, recorder = connected
    source.push_block("9527501234", "CallShield: leased 95 number")
    assert peer.wait_received('REQ: black add "9527501234" "CallShield: leased 95 number"')
    assert peer.wait_received("REQ: RELOAD")
    assert peer.received.index("REQ: RELOAD") > peer.received.index(
        'REQ: black add "9527501234" "CallShield: leased 95 number"'
    )
    pushed = recorder.wait_status(SourceMessage.NCID_BLOCK_PUSHED)
    assert "9527501234" in pushed.render("zh")


def test_block_pushed_while_offline_is_sent_once_connected() -> None:
    port = free_port()
    recorder = Recorder()
    source = NcidSource(fast_config(port), recorder.on_call, recorder.on_status, recorder.on_end)
    source.start()
    peer = NcidPeer(port=port)
    try:
        recorder.wait_status(SourceMessage.NCID_UNREACHABLE)
        source.push_block("16212345678")
        queued = recorder.wait_status(SourceMessage.NCID_BLOCK_QUEUED)
        assert "16212345678" in queued.render("en")
        peer.start()
        recorder.wait_status(SourceMessage.NCID_BLOCK_PUSHED)
        assert 'REQ: black add "16212345678" ""' in peer.received
    finally:
        source.close()
        peer.stop()


def test_keepalive_yo_and_a_server_that_stops_answering(peer: NcidPeer) -> None:
    recorder = Recorder()
    cfg = fast_config(peer.port, keepalive_s=0.2, keepalive_timeout_s=0.3)
    source = NcidSource(cfg, recorder.on_call, recorder.on_status, recorder.on_end)
    source.start()
    try:
        recorder.wait_status(SourceMessage.NCID_CONNECTED)
        assert peer.wait_received("REQ: YO")
        peer.answer_yo = False  # the server hangs but keeps the socket open
        lost = recorder.wait_status(SourceMessage.NCID_LOST)
        assert "keepalive" in lost.render("en")
        recorder.wait_status(SourceMessage.NCID_CONNECTED, count=2)
    finally:
        source.close()


def test_unreachable_server_is_reported_in_both_languages() -> None:
    recorder = Recorder()
    source = NcidSource(fast_config(free_port()), recorder.on_call, recorder.on_status)
    source.start()
    try:
        status = recorder.wait_status(SourceMessage.NCID_UNREACHABLE)
        assert "无法连接 NCID 服务器" in status.render("zh") and "cannot reach" in status.render("en")
    finally:
        source.close()
    assert source.status.state is SourceState.STOPPED
