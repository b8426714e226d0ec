"""End to end in the real window: a leased-95 call warns, the transcript raises it to block, history and e-mail.

Real parts: the window and pages (offscreen), the call controller with its manual source and worker thread, the
number screener and SQLite history on a temporary data dir, the speech pipeline's recogniser thread
(``TranscriptionRun``), the scam-script detector session, the alert service and an SMTP server on 127.0.0.1.
Only the recogniser is scripted (the Mandarin Vosk model cannot be downloaded on our machines): it plays back the
text a caller says, chunk by chunk, as partial and final results.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from screening.types import Level
from tests.app.conftest import local_smtp
from tests.helpers.audio import silence, wav_source, write_wav
from tests.helpers.recognizer import ScriptedRecognizer

SCRIPT = [
    ("喂您好", "喂您好我是北京市公安局的民警"),
    ("您的身份证", "您的身份证涉嫌一起洗钱案件"),
    ("请不要", "请不要告诉任何人把钱转到安全账户里进行资金核查"),
]


@pytest.fixture
def window(qtbot, services):
    from app.gui import build_window

    w = build_window(QApplication.instance(), services)
    qtbot.addWidget(w)
    w.show()
    return w


def test_leased_95_call_warns_then_transcript_blocks_with_evidence_history_and_email(
    qtbot, services, window, smtp_server, wait_jobs, tmp_path
) -> None:
    inbox, port = smtp_server
    services.settings.update(smtp=local_smtp(port))
    live = window.page("live")

    # 1. A call from a leased 95 number, typed into 模拟来电 with the keyboard.
    qtbot.keyClicks(live.sim_number, "95275012")
    qtbot.keyClick(live.sim_number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "manual" in live.cards, timeout=10_000)
    card = live.cards["manual"]
    assert card.banner.level is Level.WARN
    assert "警告" in card.banner.title_text()
    assert any("95" in r and "呼叫中心" in r for r in card.banner.reasons_text())
    assert card.number_label.text() == "95275012"
    assert window.alert_bar.isVisible() and "警告" in window.alert_bar.text.text()
    warn_meter = card.meter.value()
    assert warn_meter > 0
    qtbot.waitUntil(lambda: len(inbox.messages) == 1, timeout=10_000)  # the warn alert e-mail
    assert "95275012" in inbox.messages[0]["Subject"]

    # 2. What the caller says goes through the speech pipeline's recogniser thread into the real detector.
    state = services.calls.lines["manual"]
    wav = write_wav(tmp_path / "call.wav", silence(12))  # 12 s of 16 kHz silence, read by the real decoder
    run = services.calls.listen("manual", wav_source(wav, chunk_s=1.0), ScriptedRecognizer.sentences(SCRIPT))
    result = run.wait(20)
    assert result is not None and result.ok and len(result.segments) == 3
    qtbot.waitUntil(lambda: card.banner.level is Level.BLOCK, timeout=10_000)
    qtbot.waitUntil(lambda: len(card.transcript.lines()) == 3, timeout=10_000)

    # Evidence: phrases highlighted in the transcript, named in the banner, the meter higher than at ring time.
    highlighted = "".join(card.transcript.highlighted_phrases())
    assert "安全账户" in highlighted
    assert "公安" in highlighted
    assert any("安全账户" in r for r in card.banner.reasons_text())
    assert "拦截" in card.banner.title_text()
    assert card.meter.value() > warn_meter
    assert card.meter.level is Level.BLOCK
    html = card.transcript.toHtml()
    assert "background-color:#ffd8b5" in html.replace(" ", "")

    # 3. The history has the call, now at block, with the transcript and the hits.
    wait_jobs()
    row = services.history().get(state.history_id)
    assert row is not None
    assert row["number_raw"] == "95275012"
    assert row["level"] is Level.BLOCK
    assert "安全账户" in row["transcript"]
    assert any(h.get("matched") for h in row["hits"])
    assert any("cn.95" in str(r.get("code", "")) for r in row["reasons"])

    # 4. The block alert e-mail reached the local SMTP server with number, verdict, reasons and an excerpt.
    qtbot.waitUntil(lambda: len(inbox.messages) == 2, timeout=10_000)
    mail = inbox.messages[1]
    assert mail["Subject"] == "【模拟】来电护盾拦截：95275012"  # typed in as a 模拟来电: the e-mail says so
    body = mail.get_body().get_content()
    assert "判断：拦截" in body
    assert "安全账户" in body  # reason and transcript excerpt
    assert "资金核查" in body
    assert "95 号码" in body
    assert window.alert_bar.isVisible() and "拦截" in window.alert_bar.text.text()

    # 5. 结束监听: the card stays, marked as stopped.
    qtbot.mouseClick(card.stop_button, Qt.MouseButton.LeftButton)
    assert not card.stop_button.isEnabled()
    assert card.close_button.isVisibleTo(card)
