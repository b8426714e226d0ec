"""Asks that cut across schemes (blocklists/phrases/generic.json): a cover story for the bank teller, cash taken out
or a cash machine worked on instructions, an organisation's fee paid to a person, and being cut off from others."""

from __future__ import annotations

import pytest

from screening.transcript.detector import ASK_RULES, ScriptDetector
from screening.types import Level


@pytest.fixture(scope="module")
def det() -> ScriptDetector:
    return ScriptDetector.default()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("明天您去银行转这笔钱 柜员要是问您干什么用 您就说是给孙子交学费 别的不要多说", "generic.coach_lie"),
        ("你的账户被人利用了 你现在去把存折里的钱都取出来 取成现金 我们同事上门来登记", "generic.cash_withdraw"),
        ("下学期的资料费一百六 学校系统在升级 家长直接扫我发的码 备注孩子名字", "generic.pay_person"),
        ("从现在开始你找一家宾馆住进去 手机保持畅通 不要接其他电话 我们远程监管", "generic.secrecy"),
    ],
)
def test_cross_scheme_asks_are_found(det: ScriptDetector, text: str, rule: str) -> None:
    a = det.assess(text, style="call")
    assert rule in {h.rule_id for h in a.hits if not h.narrated}
    assert a.level >= Level.CAUTION


def test_the_new_asks_are_asks() -> None:
    assert {"generic.coach_lie", "generic.cash_withdraw", "generic.pay_person"} <= ASK_RULES


@pytest.mark.parametrize(
    "text",
    [
        "姥姥 有人要是打电话问您要验证码 您就说不知道 然后直接挂掉",
        "大爷您好 我是邮储银行的 您刚才在我们网点的ATM机上往外转了三万 想跟您确认一下是给谁转的",
        "春游车费八十五元请在学校家校通里缴费，收费明细已在学校公众号公示。",
        "物业费请打到物业公司的对公账户，账号在缴费通知书上。",
    ],
)
def test_honest_words_about_the_same_things_stay_calm(det: ScriptDetector, text: str) -> None:
    assert det.assess(text, style="call").level < Level.WARN
