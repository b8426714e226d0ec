"""The style guesser: what a text is (call / SMS / chat) when the caller of the detector does not say."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest

from screening.transcript import style
from screening.transcript.detector import ScriptDetector, guess_style
from screening.types import Level

# written for these tests: no 【signature】, link or opt-out, which the shape rule alone needed to see a message
PLAIN_SMS = (
    "您尾号5678的储蓄卡12月5日10:32支出人民币200.00元，余额3,456.78元。",
    "您好，您的快递已放在小区北门丰巢柜，取件码3526，请及时取件。",
)
CHAT = "在吗？\n我这边急用钱，先借我两千，明天还你"
CALLS = (
    "喂 你好 我 是 那个 京东 客服 啊 你 的 快递 丢 了",  # recogniser output
    "尊敬的客户您好，这里是平安银行信用卡中心，来电是想提醒您本期账单已出，最低还款额是三百二十元",
)
UNMARKED_SCAM_SMS = "您的社保卡已被暂停使用，如需恢复请添加专员微信yb20261，逾期将影响报销。"


@pytest.fixture
def fresh_bundle(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Forget the loaded guesser for one test (and restore it after)."""
    monkeypatch.setattr(style, "_bundled", None)
    monkeypatch.setattr(style, "_bundled_failed", False)
    return monkeypatch


def test_unmarked_messages_chats_and_calls_are_told_apart() -> None:
    for text in PLAIN_SMS:
        assert guess_style(text) == "sms", text
    assert guess_style(CHAT) == "chat"
    for text in CALLS:
        assert guess_style(text) == "call", text
    # speaker labels and the shape marks still decide first
    assert guess_style("A: 喂您好\nB: 你好") == "call"
    assert guess_style("【中国移动】您的积分即将清零，回T退订") == "sms"


def test_windows_line_ends_read_as_the_texts_trained_on() -> None:
    g = style.bundled()
    assert g is not None
    assert g.probabilities(CHAT.replace("\n", "\r\n")) == g.probabilities(CHAT)
    assert g.probabilities(CHAT.replace("\n", "\r")) == g.probabilities(CHAT)


def test_an_unmarked_scam_message_is_judged_as_a_message() -> None:
    """Read as a call it was only a caution; guessed as the message it is, the SMS offset makes it a warning."""
    det = ScriptDetector.default()
    assert det.assess(UNMARKED_SCAM_SMS, style="call").level < Level.WARN
    a = det.assess(UNMARKED_SCAM_SMS)
    assert a.style == "sms" and a.level >= Level.WARN


def test_probabilities_follow_the_weights() -> None:
    doc = {
        "format": style.FORMAT,
        "classes": ["call", "chat", "sms"],
        "intercepts": [0.0, 0.0, 0.0],
        "features": {"#sig0": [0.0, 0.0, 9.0], "喂": [9.0, 0.0, 0.0]},
    }
    g = style.StyleGuesser.from_doc(doc)
    assert g.guess("【银行】到账") == "sms" and g.probabilities("【银行】到账")["sms"] > 0.99
    assert g.guess("喂") == "call"
    # nothing known: even odds, and an unsure text is not read as a message
    p = g.probabilities("今天")
    assert abs(p["sms"] - 1 / 3) < 1e-9 and g.guess("今天") == "call"
    with pytest.raises(ValueError):
        style.StyleGuesser.from_doc({**doc, "classes": ["call", "sms"], "intercepts": [0.0, 0.0]})
    with pytest.raises(ValueError):
        style.StyleGuesser.from_doc({**doc, "format": 99})


def test_a_corrupt_guesser_file_falls_back_to_the_shape_rule(
    fresh_bundle: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "style.json.gz"
    bad.write_bytes(gzip.compress(json.dumps({"format": 1, "classes": ["call"]}).encode()))
    fresh_bundle.setattr(style, "bundled_path", lambda: bad)
    with caplog.at_level(logging.WARNING, logger="screening.transcript.style"):
        assert style.bundled() is None
        assert guess_style(PLAIN_SMS[0]) == "call"  # what the shape rule alone says
    assert "unreadable" in caplog.text
    assert guess_style("【中国移动】您的积分即将清零，回T退订") == "sms"
    bad.write_bytes(b"not gzip")
    fresh_bundle.setattr(style, "_bundled_failed", False)
    assert style.bundled() is None


def test_the_shipped_guesser_is_small_and_complete() -> None:
    path = style.bundled_path()
    assert path.is_file()
    size = len(path.read_bytes())
    assert size < 300 * 1024, size  # part of the detector's data budget (≤ 10 MB)
    g = style.StyleGuesser.load(path)
    assert set(g.classes) == set(style.STYLES) and len(g.weights) > 1000
