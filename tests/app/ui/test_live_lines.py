"""Live page, two channels per line: who said what (对方 / 我方), only the caller scored, and a line whose recognisers
fall behind says so on its card. Real CallBridge, real detector and real WAV files read by the app's decoder; the
recognisers are scripted (the real Korean model path is covered by tests/app/calls/test_sip_live.py)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from app.ui.page_live import LivePage
from screening.types import Level
from speech.audio import FileSource
from tests.helpers.audio import silence, wav_source, write_wav
from tests.helpers.recognizer import ScriptedRecognizer

SCAM = "我是公安局的，你涉嫌洗钱，把钱转到安全账户"
HELLO = "你好，请问是王先生吗"


@pytest.fixture
def page(qtbot, services) -> LivePage:
    p = LivePage(services)
    qtbot.addWidget(p)
    p.resize(1000, 800)
    p.show()
    return p


def _call(qtbot, page: LivePage, number: str, line: str) -> None:
    page.services.calls.simulate_call(number, line=line)
    qtbot.waitUntil(lambda: line in page.cards and page.cards[line].state.number == number, timeout=10_000)


def _hear(page: LivePage, tmp_path: Path, line: str, caller_says: str, we_say: str) -> None:
    wav = write_wav(tmp_path / f"{line}.wav", silence(2.0))
    page.services.calls.listen_two_sided(
        line,
        wav_source(wav, chunk_s=0.25),
        wav_source(wav, chunk_s=0.25),
        ScriptedRecognizer.sentences([(caller_says[:4], caller_says)]),
        ScriptedRecognizer.sentences([(we_say[:4], we_say)]),
    )


def test_two_labelled_transcripts_and_the_caller_raises_the_alert(qtbot, services, page, tmp_path: Path) -> None:
    raised = []
    services.alerts.alertRaised.connect(raised.append)
    _call(qtbot, page, "13912345678", "1")
    card = page.cards["1"]
    _hear(page, tmp_path, "1", SCAM, HELLO)
    qtbot.waitUntil(
        lambda: card.banner.level is Level.BLOCK and card.us_pane.transcript.lines() == [HELLO], timeout=10_000
    )
    assert card.transcript.lines() == [SCAM]  # 对方: the caller's words, scored and highlighted
    assert "安全账户" in "".join(card.transcript.highlighted_phrases())
    assert card.transcript_title.text().startswith("对方说的话")
    assert card.us_pane.isVisible() and card.us_pane.title.text().startswith("我方说的话")
    assert raised, "the caller's words raised an alert"
    state = services.calls.lines["1"]
    assert state.transcript() == f"对方：{SCAM}\n我方：{HELLO}" or state.transcript() == f"我方：{HELLO}\n对方：{SCAM}"


def test_our_agent_warning_in_scam_words_does_not_alert(qtbot, services, page, tmp_path: Path) -> None:
    raised = []
    services.alerts.alertRaised.connect(raised.append)
    _call(qtbot, page, "13912345678", "1")
    card = page.cards["1"]
    before = card.banner.level
    _hear(page, tmp_path, "1", HELLO, SCAM)  # our agent says the scam words (e.g. quoting them as a warning)
    qtbot.waitUntil(
        lambda: card.us_pane.transcript.lines() == [SCAM] and card.transcript.lines() == [HELLO], timeout=10_000
    )
    qtbot.waitUntil(lambda: card.us_pane.context_note.isVisible(), timeout=5000)
    assert "仅作参考，不报警" in card.us_pane.context_note.text()
    assert card.us_pane.transcript.highlighted_phrases() == []  # never shown as a threat
    assert card.banner.level is before and card.banner.level < Level.WARN
    assert raised == []


class SlowRecognizer(ScriptedRecognizer):
    """A recogniser that needs twice real time (an overloaded CPU)."""

    def accept(self, pcm: bytes) -> bool:
        time.sleep(2 * len(pcm) / 32000)
        return super().accept(pcm)


def test_a_line_that_falls_behind_says_so_on_its_card_and_in_the_log(
    qtbot, services, page, tmp_path: Path, caplog
) -> None:
    _call(qtbot, page, "13912345678", "1")
    card = page.cards["1"]
    wav = write_wav(tmp_path / "long.wav", silence(6.0))
    with caplog.at_level(logging.WARNING, logger="app.live.service"):
        services.calls.listen_two_sided(
            "1",
            FileSource(wav, realtime=True, chunk_s=0.1),  # paced like a live call
            FileSource(wav, realtime=True, chunk_s=0.1),
            SlowRecognizer([]),
            ScriptedRecognizer([]),
        )
        qtbot.waitUntil(card.lag_notice.isVisible, timeout=10_000)
    assert card.lag_notice.text().startswith("⚠ 第 1 线路识别落后 ")
    assert card.lag_notice.text().endswith(" 秒")
    assert any("line 1: speech recognition is" in r.getMessage() for r in caplog.records)  # logged, never silent
    services.calls.stop_line("1")
    assert not card.lag_notice.isVisible()
