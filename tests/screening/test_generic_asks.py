"""Asks that cut across schemes (blocklists/phrases/generic.json): a cover story for the bank teller, cash taken out
or a cash machine worked on instructions, an organisation's fee paid to a person, and being cut off from others."""

from __future__ import annotations

import pytest

from screening.transcript.detector import ASK_RULES, ScriptDetector
from screening.types import Level


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("明天您去银行转这笔钱 柜员要是问您干什么用 您就说是给孙子交学费 别的不要多说", "generic.coach_lie"),
        ("你的账户被人利用了 你现在去把存折里的钱都取出来 取成现金 我们同事上门来登记", "generic.cash_withdraw"),
        (
            "下学期的资料费一百六 学校对公账户这两天在年审收不了 家长直接转到班主任个人微信 备注孩子名字",
            "generic.pay_person",
        ),
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


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("千万不要 嗯 把验证码告诉别人", "call"),
        ("妈你记住啊 嗯 千万不要 嗯 把验证码告诉别人 然后也不要 嗯 共享屏幕", "call"),
        ("这个很重要不要把验证码告诉任何人", "call"),
        ("只要不要把验证码告诉别人 就不会有事", "call"),
        ("贷款费用不用您先垫付 放款时一起扣", "call"),
        ("有没有人让你转账到安全账户", "call"),
        ("你有没有下载什么软件 有没有共享屏幕", "call"),
        ("我们银保监会不会要求你下载任何软件 也不会让你转账", "call"),
        ("您好 我是工商银行的 提醒您一下 银行卡密码和验证码不要跟任何人说 包括我们工作人员", "call"),
        ("妈 我在取款机这边取点现金给你 你先别告诉孩子 周末给他个惊喜", "call"),
        ("阿姨 您一次取这么多现金干什么用 有没有人让您把钱都取出来 有没有人教您怎么说", "call"),
        ("老板 扫我这个码付款就行 十五块", "chat"),
        ("您这个是供血不足 只要不熬夜 按时吃药就行", "call"),
        ("社区义诊的医生说我血稠 只要不吃太油 多走路就行", "call"),
        ("医生说我爸有斑块 再不治疗容易中风 明天住院 准备好现金交押金", "call"),
        ("老师问你为什么迟到 你就说是公交车晚点了", "chat"),
    ],
)
def test_warnings_questions_and_everyday_speech_found_by_review_stay_below_warn(
    det: ScriptDetector, text: str, style: str
) -> None:
    """A reviewer's sentences that the first versions of this session's matcher changes and rules took for asks: a
    denial left hanging before a filler, 重要/只要 before 不要 (no A-not-A question), a teller's 有没有, a bank's "tell
    nobody", a vendor's own QR code, a doctor's 只要不 (which sounds like 只要补)."""
    a = det.assess(text, style=style)
    assert a.level < Level.WARN, (a.score, [h.rule_id for h in a.hits])


@pytest.mark.parametrize(
    "ask",
    [
        "你先转到我微信上就行",
        "直接支付宝转我",
        "定金的收款码发你了，付一下",
        "钱先转到我这里保管",
    ],
)
def test_money_straight_to_the_speaker_is_an_ask(det: ScriptDetector, ask: str) -> None:
    a = det.assess(ask, style="chat")
    assert "generic.pay_me" in {h.rule_id for h in a.hits}
    assert "generic.pay_me" in ASK_RULES


def test_with_a_borrowing_story_it_warns_and_alone_it_is_calm(det: ScriptDetector) -> None:
    story = "老张，我是老班长啊，老伴住院做心脏手术还差三万，儿子在国外钱转不回来，你先转到我微信上，聚会的时候当面还你"
    assert det.assess(story, style="chat").level >= Level.WARN
    # splitting a bill or a parent's grocery money: the same words, no story, no pressure
    for honest in (
        "晚饭一共三百六，四个人一人九十，转我微信就行",
        "今天的菜钱38块，妈你微信转我就行，不急",
        "过年给我发个红包呗",  # a red packet among family, and a parent keeping a child's money, are no asks
        "你把压岁钱放我这，妈给你存着",
    ):
        assert det.assess(honest, style="chat").level < Level.CAUTION


@pytest.mark.parametrize(
    "ask",
    [
        "按我发你的那个账户打过去四十二万",
        "往这张卡里存五万",
        "卡号已经发你了，你去银行转一下",
        "钱转到我说的这个卡",
    ],
)
def test_more_ways_to_ask_for_a_transfer(det: ScriptDetector, ask: str) -> None:
    assert "generic.transfer_request" in {h.rule_id for h in det.assess(ask, style="call").hits}


def test_a_seller_sending_the_game_login_is_no_transfer_ask(det: ScriptDetector) -> None:
    assert "generic.transfer_request" not in {
        h.rule_id for h in det.assess("账号密码发你了，你登录吧", style="chat").hits
    }
