"""Asks found in round 15 of the written texts (stories no earlier round told), each as a rule: keeping a grandchild's
trouble from the parents, cash collected at the door, school fees to a teacher's own account "while the payment
system is down", payback promised in months, "don't call, delete the chat", a bank card's number and password read
out, a bank's "protection account". Each is caught in a wording written for this test; honest texts that use the
same words stay below WARN. Real packs, real model."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector
from screening.types import Level

ASKS = [
    (
        "family.cash_pickup",
        "call",
        "奶奶，是我，小刚。我跟同学打球把人家眼镜撞碎了，人家要八千块私了，你千万别告诉我爸。"
        "你把钱准备好，我同学一会儿去你家拿，他正好顺路。",
    ),
    (
        "acq.fee_off_platform",
        "chat",
        "班主任-刘老师：各位家长好，本学期教辅资料费每人三百二十元。\n"
        "班主任-刘老师：学校缴费平台这周在维护，这次请直接转给班主任微信，备注孩子姓名，今天下午五点前交齐。",
    ),
    (
        "invest.payback",
        "call",
        "阿姨您听我说，这个养老项目一股两万，每个月分红一千六，一年多就回本了，后面都是白赚的。"
        "您今天带上银行卡来公司，签了合同现场就能转账，名额就剩三个了。",
    ),
    (
        "generic.no_callback",
        "chat",
        "王总：小陈，那笔十八万的预付款你现在就付给对方，账户我发你了。\n王总：我在开会，别打电话了。\n"
        "王总：付完把回单发我，然后把聊天记录删了。",
    ),
    (
        "generic.code_request",
        "call",
        "大爷您好，我是信用社的，存折要统一换成卡了。您把存折上的号跟密码告诉我，我在系统里帮您转到新卡上，一分都不会少。",
    ),
    (
        "generic.safe_account",
        "call",
        "阿姨，最近骗子多，我们行给老年客户开了专门的账户，您把卡里的钱先转到保护账户里，骗子就转不走了，要用的时候我再帮您转回来。",
    ),
]


def test_a_request_to_keep_quiet_in_the_group_is_no_warning(det: ScriptDetector) -> None:
    """「进群之后先别说话」 tells the victim how to behave in the scammer's group; it does not warn against the group."""
    a = det.assess("您进群之后先别说话，看管理员发的任务，做完一单本金和佣金一起返到您支付宝。", style="call")
    assert {"refund.join_group", "task.principal_back"} <= {h.rule_id for h in a.hits if not h.narrated}


HONEST = [
    "各位家长好，本学期教辅资料费每人三百二十元，请通过学校官方缴费平台缴纳，班主任不收取现金和个人转账。",
    "妈，周六给爸过生日的事你先别告诉我爸，我想给他一个惊喜，蛋糕我已经订好了，到时候你带他出门转转就行。",
    "您好，这款理财产品是净值型的，不保本，也没有固定分红，过往业绩不代表未来表现，您先看看产品说明书再决定。",
    "李阿姨，您的药明天上午送到，货到付款，一共八十六元，现金或者扫我们药店的码都可以。",
    "【支付宝】为了保护账户安全，请开启指纹支付，并定期修改登录密码。",  # bank boilerplate, not 「转到保护账户」
]
# Said aloud (a call, or a transcript read as one) it stays calm. Typed as a message, the model alone warns (p 0.96
# as a chat, 1.0 as an SMS, no phrase rule): a known false alarm of short personal messages, which the honest
# messages the model was calibrated on barely include. The style guesser reads it as an SMS (0.9): that case is an
# expected failure below (strict, so a fix shows), and the spoken request is tested as such.
SPOKEN = "爸你把家里wifi密码告诉我，我连一下网，顺便帮你把电视也连上。"


@pytest.mark.parametrize(("rule", "style", "text"), ASKS, ids=[a[0] for a in ASKS])
def test_each_ask_is_a_cue_and_the_text_warns(det: ScriptDetector, rule: str, style: str, text: str) -> None:
    a = det.assess(text, style=style)
    assert rule in {h.rule_id for h in a.hits if not h.narrated}, [h.rule_id for h in a.hits]
    assert a.level >= Level.WARN, (a.level, a.score, a.model_probability, [h.rule_id for h in a.hits])
    # the reason names the cue in both languages
    assert a.reasons and all(r.zh and r.en for r in a.reasons)


@pytest.mark.parametrize("text", HONEST)
def test_honest_texts_with_the_same_words_stay_calm(det: ScriptDetector, text: str) -> None:
    a = det.assess(text)
    assert a.level < Level.WARN, (a.level, a.score, a.model_probability, [h.rule_id for h in a.hits])


@pytest.mark.xfail(
    strict=True,
    reason="known false alarm: typed without a style hint it is guessed an SMS, and the model alone warns "
    "(short personal messages; see SPOKEN's comment)",
)
def test_the_wifi_request_typed_without_a_style_stays_calm(det: ScriptDetector) -> None:
    a = det.assess(SPOKEN)
    assert a.level < Level.WARN, (a.style, a.level, a.score, a.model_probability)


def test_a_family_request_for_the_wifi_password_stays_calm(det: ScriptDetector) -> None:
    a = det.assess(SPOKEN, style="call")
    assert a.level < Level.WARN, (a.level, a.score, a.model_probability, [h.rule_id for h in a.hits])


def test_a_misheard_fee_before_a_misheard_ask_denies_nothing() -> None:
    """The noise channel turned 「医药费转到这个卡」 into 「历药非转倒这歌卡」: 非 is 费 misheard, not a denial of the
    sound-matched 转到这个卡 (which left a fake child's emergency at CAUTION with the model sure).  A written 非
    before an exact cue still denies it."""
    det = ScriptDetector.default()
    misheard = "你 女 儿 突 发 急 并 住 远 了 你 赶 紧 把 一 千 五 百 元 历 药 非 转 倒 这 歌 卡 那 上"
    a = det.assess(misheard, style="sms")
    hit = next(h for h in a.hits if h.rule_id == "generic.transfer_request")
    assert hit.fuzzy and not hit.narrated
    typed = det.assess("本行热线非转账专线，请勿向来电人员转账", style="sms")
    assert "generic.transfer_request" not in {h.rule_id for h in typed.hits if not h.narrated}
