"""A SIP line on the Live page, end to end: the real CallBridge starts the real SipSource (baresip) from the settings;
a second baresip on 127.0.0.1 calls it. A blocked caller is refused before ringing and appears on the page and in the
history; an allowed call is answered and heard on two labelled channels (baresip's per-call recordings followed as
they grow). The recognisers are scripted (what they hear is not the point here; the real Korean model on the same
path is tests/app/calls/test_sip_live.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.calls.sources.sip import SipMessage
from app.settings import CallSourceSettings, Settings
from app.ui.page_live import LivePage
from blocklists.store import ListStore
from screening.types import Level
from speech.channels import Side
from tests.app.calls.sip_peers import BaresipPeer, silence_wav
from tests.app.calls.test_sources_sip import line_config, needs_baresip
from tests.helpers.recognizer import ScriptedRecognizer

pytestmark = [needs_baresip, pytest.mark.slow]

SCAM = "我是公安局的，你涉嫌洗钱，把钱转到安全账户"
HELLO = "您好，这里是社区反诈热线"


@pytest.fixture
def test_settings(tmp_path: Path) -> Settings:
    sip = line_config(tmp_path, auto_answer=True)  # answer allowed calls (the user's choice in Settings)
    return Settings(
        language="zh",
        first_run_done=True,
        alert_sound=False,
        tray_notifications=False,
        auto_hangup=True,  # refuse blocked callers before ringing
        call_source=CallSourceSettings(kind="sip", sip=sip),
    )


@pytest.fixture
def page(qtbot, services) -> Iterator[LivePage]:
    p = LivePage(services)
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.show()
    yield p


def _wait_ready(qtbot, page: LivePage) -> None:
    ready = SipMessage.READY.value[0].split("{", 1)[0]  # "SIP 线路 "
    qtbot.waitUntil(
        lambda: "已就绪" in page.source_status.text() and ready in page.source_status.text(), timeout=10_000
    )


def _peer(tmp_path: Path, number: str, seconds: float = 1.0) -> BaresipPeer:
    return BaresipPeer(tmp_path / f"caller-{number}", number, wav=silence_wav(tmp_path / f"{number}.wav", seconds))


def test_blocked_sip_call_is_refused_and_shown_then_an_allowed_one_is_heard_on_both_sides(
    qtbot, services, page, tmp_path: Path, wait_jobs
) -> None:
    cfg = services.settings.value.call_source.sip
    store: ListStore = services.store()
    store.add("block", "16212345678", category="fraud", note="冒充客服")
    qtbot.wait(int(ListStore.refresh_interval * 1000) + 100)  # the controller re-reads the lists
    services.calls.recognizer_factory = lambda line, side: ScriptedRecognizer.sentences(
        [(SCAM[:4], SCAM)] if side is Side.CALLER else [(HELLO[:4], HELLO)]
    )
    _wait_ready(qtbot, page)

    # 1. A blocked caller: refused before our side rings, on the page and in the history.
    blocked = _peer(tmp_path, "16212345678").start()
    try:
        blocked.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        closed = blocked.wait_event("CALL_CLOSED", timeout=10)
    finally:
        blocked.stop()
    assert "486" in closed["param"]
    qtbot.waitUntil(lambda: cfg.line in page.cards, timeout=10_000)
    card = page.cards[cfg.line]
    assert card.state.number == "16212345678" and card.banner.level is Level.BLOCK
    assert card.meta_label.text().startswith(f"线路 {cfg.line}")
    qtbot.waitUntil(lambda: card.action_status.text() == "已结束监听", timeout=10_000)  # the call is over
    wait_jobs()
    [row] = services.history().query(kind="call")
    assert row["source"] == "sip" and row["number_raw"] == "16212345678" and row["category"] == "fraud"

    # 2. An allowed caller: answered (auto-answer on), both sides transcribed and labelled, the caller scored.
    allowed = _peer(tmp_path, "13912345678", seconds=3.0).start()
    try:
        allowed.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        allowed.wait_event("CALL_ESTABLISHED", timeout=20)
        qtbot.waitUntil(
            lambda: cfg.line in page.cards and page.cards[cfg.line].state.number == "13912345678", timeout=10_000
        )
        card = page.cards[cfg.line]
        qtbot.waitUntil(lambda: card.us_pane.isVisible(), timeout=10_000)  # two channels: 对方 | 我方
        qtbot.waitUntil(lambda: card.transcript.lines() == [SCAM], timeout=15_000)
        qtbot.waitUntil(lambda: card.us_pane.transcript.lines() == [HELLO], timeout=15_000)
        time.sleep(0.5)
        allowed.command("hangup")
    finally:
        allowed.stop()
    assert card.transcript_title.text().startswith("对方说的话")
    assert card.banner.level is Level.BLOCK  # the caller's words, not the number, made it risky
    # The call's result (recordings read to the end) is saved, labelled, and the recordings are deleted.
    qtbot.waitUntil(
        lambda: services.calls.sip_line_audio() is not None and not services.calls.sip_line_audio().active,
        timeout=20_000,
    )
    wait_jobs()

    def heard() -> str:  # the labelled transcript is written when the call's result reaches the GUI thread
        rows = {r["number_raw"]: r for r in services.history().query(kind="call")}
        return str(rows["13912345678"]["transcript"] or "")

    qtbot.waitUntil(lambda: f"我方：{HELLO}" in heard(), timeout=10_000)
    assert f"对方：{SCAM}" in heard() and f"我方：{HELLO}" in heard(), heard()
    assert not list(Path(services.data_dir, "sip-calls").glob("*.wav"))


def test_without_auto_answer_the_user_picks_up_on_the_card(qtbot, services, page, tmp_path: Path) -> None:
    import dataclasses

    source = services.settings.value.call_source
    services.settings.update(
        call_source=dataclasses.replace(source, sip=dataclasses.replace(source.sip, auto_answer=False))
    )  # the line restarts with the new setting
    cfg = services.settings.value.call_source.sip
    services.calls.recognizer_factory = lambda line, side: ScriptedRecognizer.sentences(
        [(HELLO[:4], HELLO)] if side is Side.US else [(SCAM[:4], SCAM)]
    )
    _wait_ready(qtbot, page)
    caller = _peer(tmp_path, "13912345678", seconds=3.0).start()
    try:
        caller.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        qtbot.waitUntil(lambda: cfg.line in page.cards, timeout=10_000)
        card = page.cards[cfg.line]
        qtbot.waitUntil(card.answer_button.isVisible, timeout=5000)  # ringing, waiting for the user
        assert card.answer_button.text() == "接听"
        with pytest.raises(AssertionError, match="no CALL_ESTABLISHED"):
            caller.wait_event("CALL_ESTABLISHED", timeout=1.0)  # it rings: nobody has picked up
        qtbot.mouseClick(card.answer_button, Qt.MouseButton.LeftButton)
        caller.wait_event("CALL_ESTABLISHED", timeout=20)
        qtbot.waitUntil(lambda: card.us_pane.transcript.lines() == [HELLO], timeout=15_000)
        assert not card.answer_button.isVisible()
        caller.command("hangup")
        qtbot.waitUntil(lambda: card.action_status.text() == "已结束监听", timeout=10_000)
    finally:
        caller.stop()
