"""The SIP line (baresip over ctrl_tcp) against real baresip instances and a real registrar on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.calls.controller import CallController, CallSettings
from app.calls.events import CallerId, Severity, SourceState
from app.calls.sources.sip import (
    NetstringError,
    SipConfig,
    SipConfigError,
    SipMessage,
    SipSource,
    account_line,
    caller_from,
    check_line,
    find_baresip,
    netstring,
    read_netstrings,
    uri_user,
)
from blocklists.db import open_db
from blocklists.history import History
from blocklists.store import ListStore
from screening.types import Level
from tests.app.calls.sip_peers import BaresipPeer, Registrar, free_udp_port, line_audio
from tests.app.calls.test_controller import Calls
from tests.app.calls.test_sources_peers import Recorder

needs_baresip = pytest.mark.skipif(
    shutil.which("baresip") is None, reason="baresip is not installed (Debian: apt-get install baresip)"
)
FAST = {"backoff_initial_s": 0.2, "backoff_max_s": 1.0, "hold_timeout_s": 3.0}


# -- parsing (no baresip needed) ------------------------------------------------------------------
def test_caller_number_comes_from_pai_first_then_the_peer_uri() -> None:
    assert caller_from("sip:16212345678@10.0.0.1:5060") == ("16212345678", CallerId.PRESENT, None)
    pai = '"Bank" <sip:+8613800138000@carrier.example;user=phone>'
    assert caller_from("sip:gw@10.0.0.1", pai) == ("+8613800138000", CallerId.PRESENT, "Bank")
    assert caller_from("sip:x@h", "<tel:+86-10-9558-8>") == ("+86-10-9558-8", CallerId.PRESENT, None)
    assert caller_from("sip:anonymous@anonymous.invalid") == ("", CallerId.WITHHELD, None)
    # A SIP name is not a number: the call still arrives, without a number, named after the user.
    assert caller_from("sip:alice@127.0.0.1", display="Alice") == ("", CallerId.UNAVAILABLE, "Alice")
    assert uri_user("sip:%2B8613800138000@h") == ("+8613800138000", None)


def test_netstrings_round_trip_and_reject_garbage() -> None:
    buf = bytearray(netstring({"command": "hangup"}) + netstring({"event": True, "type": "来电"}) + b"12:{")
    assert [p.decode() for p in read_netstrings(buf)] == ['{"command": "hangup"}', '{"event": true, "type": "来电"}']
    assert buf == b"12:{"  # the partial one waits for more bytes
    with pytest.raises(NetstringError):
        list(read_netstrings(bytearray(b"abc:{}")))
    with pytest.raises(NetstringError):
        list(read_netstrings(bytearray(b"2:{}x")))


def test_account_line_carries_the_password_and_no_registration_when_direct() -> None:
    line = account_line(SipConfig(account="8001@sip.example.com", password="pa ss", auth_user="u8001"))
    assert line == "<sip:8001@sip.example.com;transport=udp>;regint=600;auth_pass=pa ss;auth_user=u8001"
    assert account_line(SipConfig(account="sip:line1@127.0.0.1:5071", register=False)).endswith(";regint=0")
    assert "pa ss" not in repr(SipConfig(password="pa ss"))  # never in logs


def test_a_line_break_in_a_setting_cannot_reach_baresips_files(tmp_path: Path) -> None:
    with pytest.raises(SipConfigError):
        account_line(SipConfig(account="sip:a@b", password="x\nmodule_app evil.so"))
    with pytest.raises(SipConfigError):
        account_line(SipConfig(account="sip:a@b>;regint=1", password="x"))
    if shutil.which("baresip") is None:
        return
    recorder = Recorder()
    cfg = line_config(tmp_path, password="ok;evil")
    source = SipSource(cfg, recorder.on_call, recorder.on_status)
    source.start()
    try:
        status = recorder.wait_status(SipMessage.BAD_SETTING)
    finally:
        source.stop()
    assert "password" in status.render("zh") and status.severity is Severity.ERROR
    assert not (tmp_path / "line" / "accounts").exists()  # nothing was written
    bad_attach = check_line(SipConfig(account="sip:a@127.0.0.1", attach="localhost:http"), timeout_s=5)
    assert bad_attach.message.code is SipMessage.BAD_SETTING and "attach" in bad_attach.render("en")


def test_missing_baresip_is_reported_clearly_and_retried() -> None:
    assert find_baresip("baresip-not-here", locations=()) is None
    recorder = Recorder()
    source = SipSource(
        SipConfig(account="sip:l@127.0.0.1", program="baresip-not-here", **FAST),  # type: ignore[arg-type]
        recorder.on_call,
        recorder.on_status,
        locations=(),
    )
    source.start()
    try:
        status = recorder.wait_status(SipMessage.NOT_INSTALLED, count=2)  # reported, then retried
    finally:
        source.stop()
    assert status.severity is Severity.ERROR and status.state is SourceState.DISCONNECTED
    assert "没有找到 baresip" in status.render("zh") and "baresip was not found" in status.render("en")


# -- real baresip ---------------------------------------------------------------------------------
@pytest.fixture
def db_path(data_dir: Path) -> Path:
    return data_dir / "callshield.db"


@pytest.fixture
def caller(tmp_path: Path) -> Iterator[BaresipPeer]:
    peer = BaresipPeer(tmp_path / "caller", "16212345678").start()
    yield peer
    peer.stop()


def line_config(tmp_path: Path, **overrides: object) -> SipConfig:
    port = free_udp_port()
    values: dict[str, object] = {
        "account": f"sip:line1@127.0.0.1:{port}",
        "register": False,
        "listen": f"127.0.0.1:{port}",
        "work_dir": str(tmp_path / "line"),
        "audio_lines": line_audio(tmp_path / "line"),
        **FAST,
    }
    values.update(overrides)
    return SipConfig(**values)  # type: ignore[arg-type]


def start_line(ctl: CallController, cfg: SipConfig, recorder: Recorder) -> SipSource:
    [source] = ctl.create_sources(manual=False, on_status=recorder.on_status, sip=cfg)
    assert isinstance(source, SipSource)
    source.start()
    recorder.wait_status(SipMessage.READY if not cfg.register else SipMessage.REGISTERED)
    return source


@needs_baresip
def test_blocked_caller_is_refused_before_ringing_and_recorded(
    tmp_path: Path, db_path: Path, caller: BaresipPeer
) -> None:
    ListStore(open_db(db_path)).add("block", "16212345678", category="fraud", note="冒充客服")
    calls = Calls()
    ctl = CallController(db_path, CallSettings(auto_hangup=True))
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    cfg = line_config(tmp_path)
    try:
        start_line(ctl, cfg, recorder)
        ctl.add_end_listener(recorder.on_end)
        caller.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        [(event, verdict, history_id, _)] = calls.wait(1)
        closed = caller.wait_event("CALL_CLOSED", timeout=5)
        ended = recorder.wait_end("rejected")
    finally:
        ctl.close()
    assert event.source == "sip" and event.line == cfg.line and event.raw_number == "16212345678"
    assert verdict.level is Level.BLOCK
    assert "486" in closed["param"]  # the caller's network hears a SIP refusal
    assert ended.extra["call_id"] == event.extra["call_id"]
    codes = recorder.codes()
    assert SipMessage.REJECTED in codes and SipMessage.RING_THROUGH not in codes  # never rang on our side
    assert not [e for e in caller.events if e.get("type") == "CALL_ESTABLISHED"]
    [row] = History(open_db(db_path)).query(kind="call")
    assert row["id"] == history_id and row["source"] == "sip" and row["category"] == "fraud"
    assert row["line"] == cfg.line


@needs_baresip
def test_blocked_caller_rings_through_when_auto_hangup_is_off(
    tmp_path: Path, db_path: Path, caller: BaresipPeer
) -> None:
    ListStore(open_db(db_path)).add("block", "16212345678", category="fraud")
    calls = Calls()
    ctl = CallController(db_path)  # the user did not turn automatic refusal on
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    cfg = line_config(tmp_path, auto_answer=True)
    try:
        start_line(ctl, cfg, recorder)
        caller.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        [(_, verdict, _, _)] = calls.wait(1)
        caller.wait_event("CALL_ESTABLISHED", timeout=5)
    finally:
        ctl.close()
    assert verdict.level is Level.BLOCK
    assert SipMessage.REJECTED not in recorder.codes()


@needs_baresip
def test_allowed_call_rings_through_is_answered_and_survives_a_baresip_crash(
    tmp_path: Path, db_path: Path, caller: BaresipPeer
) -> None:
    calls = Calls()
    ctl = CallController(db_path, CallSettings(auto_hangup=True))
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    cfg = line_config(tmp_path, auto_answer=True)
    try:
        source = start_line(ctl, cfg, recorder)
        ctl.add_end_listener(recorder.on_end)
        first_pid = source.pid
        caller.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        [(event, verdict, _, _)] = calls.wait(1)
        caller.wait_event("CALL_ESTABLISHED", timeout=5)
        assert verdict.level < Level.BLOCK
        assert source.active_calls == [event]

        source.kill_baresip_for_test()  # baresip dies mid-call
        ended = recorder.wait_end("line_lost")
        exited = recorder.wait_status(SipMessage.BARESIP_EXITED)
        recorder.wait_status(SipMessage.READY, count=2, timeout=10)  # restarted by itself
        assert source.pid != first_pid

        caller.wait_event("CALL_CLOSED", timeout=10)  # the caller's side notices (RTP/SIP timeout or BYE)
        caller.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        calls.wait(2)
        caller.wait_event("CALL_ESTABLISHED", timeout=5)
    finally:
        ctl.close()
    assert ended.extra["call_id"] == event.extra["call_id"]
    assert exited.severity is Severity.WARNING and "已记录的来电都保留" in exited.render("zh")
    assert [r["number_raw"] for r in History(open_db(db_path)).query(kind="call")] == ["16212345678"] * 2


@needs_baresip
@pytest.mark.parametrize(
    ("pai_user", "home_e164", "number", "level"),
    [
        ("+8613800138000", False, "+8613800138000", None),
        # a provider that writes every caller in E.164: the real 95588 is not blocked as its own spoof (a trial)
        ("+8695588", True, "95588", Level.ALLOW),
        ("+8695588", False, "+8695588", Level.BLOCK),
    ],
)
def test_p_asserted_identity_names_the_caller(
    tmp_path: Path, db_path: Path, pai_user: str, home_e164: bool, number: str, level: Level | None
) -> None:
    """A carrier gateway puts the real number in P-Asserted-Identity; the From user is the trunk."""
    calls = Calls()
    ctl = CallController(db_path)
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    cfg = dataclasses.replace(line_config(tmp_path), home_e164=home_e164)
    port = int(cfg.listen.rsplit(":", 1)[1])
    try:
        start_line(ctl, cfg, recorder)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            here = udp.getsockname()[1]
            sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n"
            invite = (
                f"INVITE sip:line1@127.0.0.1:{port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{here};branch=z9hG4bKpai1;rport\r\n"
                "Max-Forwards: 70\r\n"
                f'From: "Trunk" <sip:trunk@127.0.0.1:{here}>;tag=pai1\r\n'
                f"To: <sip:line1@127.0.0.1:{port}>\r\n"
                "Call-ID: pai-test-1@127.0.0.1\r\n"
                "CSeq: 1 INVITE\r\n"
                f"Contact: <sip:trunk@127.0.0.1:{here}>\r\n"
                f'P-Asserted-Identity: "银行客服" <sip:{pai_user}@carrier.example;user=phone>\r\n'
                "Content-Type: application/sdp\r\n"
                f"Content-Length: {len(sdp)}\r\n\r\n{sdp}"
            )
            udp.sendto(invite.encode(), ("127.0.0.1", port))
            [(event, verdict, _, _)] = calls.wait(1)
    finally:
        ctl.close()
    assert event.raw_number == number and event.name == "银行客服"
    if level is not None:
        assert verdict.level is level
    assert event.extra["call_id"] == "pai-test-1@127.0.0.1"


# -- registration ---------------------------------------------------------------------------------
def registered_line(tmp_path: Path, registrar_port: int, password: str, **overrides: object) -> SipConfig:
    return line_config(
        tmp_path,
        account=f"sip:alice@127.0.0.1:{registrar_port}",
        password=password,
        register=True,
        register_interval_s=60,
        **overrides,
    )


def run_source(cfg: SipConfig, code: SipMessage, timeout: float = 8.0) -> tuple[Recorder, list[SipMessage]]:
    recorder = Recorder()
    source = SipSource(cfg, recorder.on_call, recorder.on_status)
    source.start()
    try:
        recorder.wait_status(code, timeout=timeout)
    finally:
        source.stop()
    return recorder, recorder.codes()  # type: ignore[return-value]


@needs_baresip
def test_registration_succeeds_with_the_right_password(tmp_path: Path) -> None:
    registrar = Registrar({"alice": "s3cret"}).start()
    try:
        recorder, codes = run_source(registered_line(tmp_path, registrar.port, "s3cret"), SipMessage.REGISTERED)
    finally:
        registrar.stop()
    assert "alice" in registrar.registered
    assert SipMessage.WRONG_PASSWORD not in codes


@needs_baresip
def test_wrong_password_is_named_as_such(tmp_path: Path) -> None:
    registrar = Registrar({"alice": "s3cret"}).start()
    try:
        recorder, codes = run_source(registered_line(tmp_path, registrar.port, "wrong"), SipMessage.WRONG_PASSWORD)
    finally:
        registrar.stop()
    status = recorder.wait_status(SipMessage.WRONG_PASSWORD)
    assert status.severity is Severity.ERROR and "密码" in status.render("zh")
    assert SipMessage.REGISTERED not in codes and not registrar.registered


@needs_baresip
def test_refused_registration_is_not_called_a_wrong_password(tmp_path: Path) -> None:
    registrar = Registrar({"alice": "s3cret"}, refuse_all=True).start()
    try:
        recorder, codes = run_source(registered_line(tmp_path, registrar.port, "s3cret"), SipMessage.REGISTER_REFUSED)
    finally:
        registrar.stop()
    assert "403" in recorder.wait_status(SipMessage.REGISTER_REFUSED).render("en")
    assert SipMessage.WRONG_PASSWORD not in codes


@needs_baresip
def test_silent_server_is_reported_while_baresip_keeps_trying(tmp_path: Path) -> None:
    dead = free_udp_port()  # nothing listens there
    cfg = registered_line(tmp_path, dead, "x", register_timeout_s=1.0)
    recorder, codes = run_source(cfg, SipMessage.SERVER_NO_ANSWER)
    status = recorder.wait_status(SipMessage.SERVER_NO_ANSWER)
    assert f"127.0.0.1:{dead}" in status.render("zh")
    assert SipMessage.REGISTERED not in codes


@needs_baresip
def test_a_sip_port_in_use_is_a_clear_start_failure(tmp_path: Path) -> None:
    port = free_udp_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", port))
        cfg = line_config(tmp_path, listen=f"127.0.0.1:{port}", account=f"sip:l@127.0.0.1:{port}")
        recorder, _ = run_source(cfg, SipMessage.START_FAILED)
    assert "Address already in use" in recorder.wait_status(SipMessage.START_FAILED).render("en")


def test_stop_is_prompt_and_joins_the_worker(tmp_path: Path) -> None:
    source = SipSource(SipConfig(program="baresip-not-here", **FAST), lambda e: None, locations=())  # type: ignore[arg-type]
    source.start()
    time.sleep(0.1)
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 2 and not source.running
    assert not [t for t in threading.enumerate() if t.name == "callshield-sip"]


def test_the_sip_line_is_a_typed_setting_that_survives_a_save(tmp_path: Path) -> None:
    from app.settings import CallSourceSettings, Settings, load_settings, save_settings

    line = SipConfig(account="sip:8001@sip.example.com", password="密码 1", transport="tcp", audio_lines=("x y",))
    save_settings(tmp_path, Settings(call_source=CallSourceSettings(kind="sip", sip=line)))
    assert load_settings(tmp_path).call_source.sip == line
    # A hand-edited file with a bad transport keeps the rest of the line.
    text = (tmp_path / "settings.json").read_text(encoding="utf-8").replace('"tcp"', '"carrier-pigeon"')
    (tmp_path / "settings.json").write_text(text, encoding="utf-8")
    loaded = load_settings(tmp_path).call_source.sip
    assert loaded.transport == "udp" and loaded.account == line.account and loaded.password == "密码 1"


@needs_baresip
def test_listen_calls_on_a_sip_line_refuses_the_blocked_caller(data_dir: Path, tmp_path: Path) -> None:
    from tests.app.cli.test_calls import _listen, _read_until

    ListStore(open_db(data_dir / "callshield.db")).add("block", "16212345678", category="fraud")
    port = free_udp_port()
    proc = _listen(
        data_dir,
        "--sip",
        f"sip:line1@127.0.0.1:{port}",
        "--sip-direct",
        "--sip-listen",
        f"127.0.0.1:{port}",
        "--auto-hangup",
        "--max-calls",
        "1",
    )
    caller = BaresipPeer(tmp_path / "caller", "16212345678")
    try:
        _read_until(proc.stderr, "已就绪")
        caller.start()
        caller.dial(f"sip:line1@127.0.0.1:{port}")
        assert "486" in caller.wait_event("CALL_CLOSED", timeout=10)["param"]
        out, err = proc.communicate(timeout=20)
    finally:
        caller.stop()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "来电 16212345678" in out and "拦截" in out
    assert "[SIP] 已拒接 16212345678（SIP 486，未振铃）" in err


@needs_baresip
def test_attaching_to_a_baresip_already_running(tmp_path: Path, db_path: Path) -> None:
    """WSL on Windows, or a baresip the user runs anyway: CallShield connects to its ctrl_tcp port."""
    line = BaresipPeer(tmp_path / "line", "line1").start()
    caller = BaresipPeer(tmp_path / "caller", "16212345678").start()
    ListStore(open_db(db_path)).add("block", "16212345678", category="fraud")
    calls = Calls()
    ctl = CallController(db_path, CallSettings(auto_hangup=True))
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    cfg = SipConfig(
        account=f"sip:line1@127.0.0.1:{line.sip_port}",
        register=False,
        attach=f"127.0.0.1:{line.ctrl_port}",
        **FAST,  # type: ignore[arg-type]
    )
    try:
        start_line(ctl, cfg, recorder)
        caller.dial(f"sip:line1@127.0.0.1:{line.sip_port}")
        [(event, verdict, _, _)] = calls.wait(1)
        closed = caller.wait_event("CALL_CLOSED", timeout=5)
    finally:
        ctl.close()
        caller.stop()
        line.stop()
    assert event.raw_number == "16212345678" and event.line == f"line1@127.0.0.1:{line.sip_port}"
    assert verdict.level is Level.BLOCK and "486" in closed["param"]


@needs_baresip
def test_check_line_says_what_to_fix(tmp_path: Path) -> None:
    """The settings page's test button: right password → registered; wrong → says so; no baresip → says so."""
    registrar = Registrar({"alice": "s3cret"}).start()
    try:
        good = check_line(registered_line(tmp_path / "a", registrar.port, "s3cret"), timeout_s=8)
        bad = check_line(registered_line(tmp_path / "b", registrar.port, "nope"), timeout_s=8)
    finally:
        registrar.stop()
    missing = check_line(SipConfig(account="sip:a@127.0.0.1", program="baresip-not-here"), timeout_s=5, locations=())
    assert good.message.code is SipMessage.REGISTERED and good.severity is Severity.INFO
    assert bad.message.code is SipMessage.WRONG_PASSWORD and "密码" in bad.render("zh")
    assert missing.message.code is SipMessage.NOT_INSTALLED
    assert not [t for t in threading.enumerate() if t.name == "callshield-sip"]  # each check cleaned up


def test_a_caller_written_in_e164_reads_as_dialled_at_home() -> None:
    from app.calls.sources.sip import as_dialled_at_home

    assert as_dialled_at_home("+86 21 6123 4567") == "02161234567"  # a landline takes its trunk 0 back
    assert as_dialled_at_home("+8613912345678") == "13912345678"
    assert as_dialled_at_home("+8695588") == "95588" and as_dialled_at_home("008610086") == "10086"
    assert as_dialled_at_home("+85296110") == "+85296110"  # another country keeps its code
    assert as_dialled_at_home("13912345678") == "13912345678"
