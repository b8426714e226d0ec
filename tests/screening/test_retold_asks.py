"""A resident's call retold in the first person, typed by a volunteer to check it (a trial at a residents' committee's
anti-fraud desk): what someone asked of the teller, with no sign they saw through it, is judged as the scam it
retells; the model, taught honest retellings (which end in 挂了, 是骗子, 报警), no longer holds the rules to caution."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector
from screening.transcript.detector import victim_asked
from screening.types import Level

RETOLD_SCAMS = [
    # (the trial's own: one more red flag, 还不让告诉家里人 or 叫我别挂电话, had turned 拦截 into 注意)
    ("那人说是公安局的，说我涉嫌洗钱，让我转到安全账户，还不让告诉家里人", "police_impersonation"),
    ("那人说是公安局的，说我涉嫌洗钱，让我转到安全账户，叫我别挂电话", "police_impersonation"),
    ("他说是检察院的，说我有张通缉令，让我到宾馆开个房间单独配合调查，不能告诉别人", "police_impersonation"),
    ("对方自称是淘宝客服，说我买的东西有质量问题，要退款给我，让我下载个软件开屏幕共享", None),
]
SEEN_THROUGH = [
    "昨天有人打电话说是公安局的，让我转到安全账户，我一听就是骗子，直接挂了",
    "那人说是淘宝客服，要退款给我，让我加个QQ群，我没加，打了淘宝官方客服，人家说根本没这回事",
    "对方说是医保局的，说我医保卡被盗刷，让我把钱转出来，我女儿说这是骗局，我就报警了",
]


@pytest.mark.parametrize(("text", "category"), RETOLD_SCAMS)
def test_a_retold_ask_not_seen_through_warns(det: ScriptDetector, text: str, category: str | None) -> None:
    assert victim_asked(text)
    a = det.assess(text)  # as typed, no style chosen (guessed a chat)
    assert a.level >= Level.WARN, (a.score, a.model_probability)
    if category:
        assert a.category == category


@pytest.mark.parametrize("text", SEEN_THROUGH)
def test_a_retelling_that_saw_through_it_is_not_one(det: ScriptDetector, text: str) -> None:
    assert not victim_asked(text)
    assert det.assess(text).level < Level.WARN


def test_a_chat_whose_other_turns_answer_it_is_not_one() -> None:
    """Another speaker's answer (「千万别加」) is the chat's own judgement: only one person's account in one piece."""
    chat = "张阿姨：那人说我的快递丢了，要赔我三倍，让我加个QQ群领理赔\n小刘：阿姨您先等等，我帮您问问快递公司"
    assert not victim_asked(chat)
    assert victim_asked(chat.splitlines()[0])
