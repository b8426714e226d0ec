"""``callshield simulate-call`` and ``callshield listen-calls`` as real commands in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from blocklists.db import open_db
from blocklists.history import History
from screening.types import Level
from tests.app.calls.test_sources_peers import ModemPeer, NcidPeer, needs_pty
from tests.conftest import REPO_ROOT


def test_simulate_call_screens_records_and_explains(run_cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("simulate-call", "95275012", "--line", "培训")
    assert result.returncode == 0, result.stderr
    assert "来电 95275012（线路 培训）" in result.stdout
    assert "结论：警告" in result.stdout and "952750xx" in result.stdout
    assert "已记入通话记录（编号 1）" in result.stdout

    result = run_cli("simulate-call", "+852 96110", "--name", "Police", env={"CALLSHIELD_LANG": "en"})
    assert result.returncode == 0, result.stderr
    assert "Verdict: block" in result.stdout and "spoofed" in result.stdout and "#2" in result.stdout

    rows = History(open_db(data_dir / "callshield.db")).query(kind="call")
    assert [(r["number_raw"], r["source"], r["level"]) for r in rows] == [
        ("+852 96110", "manual", int(Level.BLOCK)),
        ("95275012", "manual", int(Level.WARN)),
    ]
    assert rows[0]["name"] == "Police" and rows[1]["line"] == "培训"


def test_simulate_call_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("simulate-call", "13800138000", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["e164"] == "+8613800138000" and data["level"] == "unknown" and data["history_id"] == 1


def test_bad_input_gets_a_clear_message_in_both_languages(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("simulate-call", "   ")
    assert result.returncode == 2 and "请输入来电号码" in result.stderr
    result = run_cli("simulate-call", "", env={"CALLSHIELD_LANG": "en"})
    assert result.returncode == 2 and "enter the caller's number" in result.stderr
    result = run_cli("listen-calls")
    assert result.returncode == 2 and "--modem" in result.stderr and "请至少指定" in result.stderr
    result = run_cli("listen-calls", "--ncid", "localhost:99999", env={"CALLSHIELD_LANG": "en"})
    assert result.returncode == 2 and "invalid NCID address" in result.stderr


def _ctrl_c_stops() -> None:
    """In the child: Ctrl-C stops it, as in a terminal. A test run started in the background by a shell without job
    control (``cmd &`` in a script) ignores SIGINT, the child inherits that, and Python then keeps ignoring it: the
    Ctrl-C test hung for 30 s in such a run although the command stops at once for a user."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _listen(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "CALLSHIELD_LANG": "zh"}
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "listen-calls", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO_ROOT,
        preexec_fn=_ctrl_c_stops if os.name == "posix" else None,
    )


def _read_until(stream, marker: str, timeout: float = 30.0) -> str:  # type: ignore[no-untyped-def]
    """Read lines from a pipe on a helper thread until ``marker`` shows up (or time runs out)."""
    seen: list[str] = []
    found = threading.Event()

    def reader() -> None:
        for line in stream:
            seen.append(line)
            if marker in line:
                found.set()
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    found.wait(timeout)
    thread.join(0.1 if found.is_set() else 0)
    assert found.is_set(), f"{marker!r} not in {''.join(seen)!r}"
    return "".join(seen)


def test_listen_prints_ncid_calls_until_ctrl_c(data_dir: Path) -> None:
    peer = NcidPeer().start()
    proc = _listen(data_dir, "--ncid", f"127.0.0.1:{peer.port}")
    try:
        assert peer.wait_connected(timeout=30), proc.stderr
        peer.send("CID: *DATE*11212026*TIME*0435*LINE*POTS*NMBR*95275012*MESG*NONE*NAME*-*")
        out = _read_until(proc.stdout, "已记入通话记录")
        assert "来电 95275012（线路 POTS）" in out and "结论：警告" in out
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "已连接 NCID 服务器" in err and "已停止：" in err and "收到 1 个来电" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        peer.stop()
    assert History(open_db(data_dir / "callshield.db")).count() == 1


@needs_pty
def test_listen_on_a_modem_hangs_up_blocked_callers(data_dir: Path, tmp_path: Path) -> None:
    from blocklists.store import ListStore

    ListStore(open_db(data_dir / "callshield.db")).add("block", "16212345678")
    peer = ModemPeer(tmp_path / "ttyACM0").start()
    proc = _listen(data_dir, "--modem", str(peer.link), "--auto-hangup", "--max-calls", "1")
    try:
        assert peer.wait_for_command("AT+VCID=1", timeout=30)
        assert peer.wait_until(lambda: peer.caller_id, timeout=5)
        peer.ring()
        assert peer.caller_id_block("16212345678")
        assert peer.wait_for_command("ATH0", timeout=30)  # off hook, pause, on hook
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "来电 16212345678（线路 modem）" in out and "结论：拦截" in out
        assert "已自动挂断来电 16212345678" in err
        assert [kind for kind, _ in peer.hook_events] == ["off", "on"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        peer.stop()


@needs_pty
def test_listen_on_two_modems_names_each_line_and_emails_the_supervisor(
    data_dir: Path, tmp_path: Path, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    """A hotline with two landlines (a trial: the second --modem was dropped without a word, and listen-calls sent no
    e-mail although e-mail alerts were on): each modem is watched under its own line name, a call to block is hung up
    on the line it came in on only, and the saved e-mail settings mail the supervisor, naming the line."""
    from dataclasses import replace

    from app.settings import Settings, save_settings
    from blocklists.store import ListStore
    from tests.app.conftest import local_smtp

    inbox, port = smtp_server
    save_settings(data_dir, replace(Settings(), smtp=local_smtp(port)))
    ListStore(open_db(data_dir / "callshield.db")).add("block", "16212345678")
    front = ModemPeer(tmp_path / "ttyACM0").start()
    back = ModemPeer(tmp_path / "ttyACM1").start()
    proc = _listen(
        data_dir, "--modem", f"{front.link}=前台", "--modem", f"{back.link}=二线", "--auto-hangup", "--max-calls", "2"
    )
    try:
        for peer in (front, back):
            assert peer.wait_for_command("AT+VCID=1", timeout=30)
            assert peer.wait_until(lambda peer=peer: peer.caller_id, timeout=5)
        back.ring()
        assert back.caller_id_block("16212345678")
        assert back.wait_for_command("ATH0", timeout=30)
        front.ring()
        assert front.caller_id_block("95275012")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "来电 16212345678（线路 二线）" in out and "来电 95275012（线路 前台）" in out, out
        assert [kind for kind, _ in back.hook_events] == ["off", "on"] and front.hook_events == []
        assert "邮件提醒：警告及以上发给 daughter@example.org" in err and "已发邮件提醒：16212345678" in err, err
        # each modem's status says which line it is (a review: two modems' messages hid each other)
        assert (
            "[调制解调器 前台] 已连接来电显示调制解调器" in err and "[调制解调器 二线] 已连接来电显示调制解调器" in err
        ), err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        front.stop()
        back.stop()
    subjects = sorted(str(m["Subject"]) for m in inbox.messages)
    assert subjects == ["来电护盾拦截：16212345678", "来电护盾警告：95275012"], subjects
    bodies = {str(m["Subject"]): m.get_content() for m in inbox.messages}
    assert "线路：二线" in bodies["来电护盾拦截：16212345678"] and "线路：前台" in bodies["来电护盾警告：95275012"]


def test_listen_refuses_a_modem_list_it_cannot_run(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("listen-calls", "--modem", "auto", "--modem", "/dev/ttyACM1")
    assert result.returncode == 2 and "自动查找（auto）只能用于一个调制解调器" in result.stderr
    result = run_cli("listen-calls", "--modem", "COM3", "--modem", "com3=二线", env={"CALLSHIELD_LANG": "en"})
    assert result.returncode == 2 and "the same serial port was given twice" in result.stderr  # (letter case aside)
