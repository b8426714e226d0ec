"""Asks that round 18's case-report chats and elderly-targeted calls made and no rule named: a fee by another name
(诚意金, 起号费, 解封费, interest "paid first"), a bankbook's password got ready for a "home visit", a fine that keeps it
from the school, a boss's contract payment "first", red-envelope minesweeping and 六合彩 tips, a buyer's "confirm the
payment" link.  Each phrase was measured on every written text, the
blind probe and STC-3 before it went in; the honest sentences below are the look-alikes a reviewer would try."""

from __future__ import annotations

import pytest

from screening.transcript.detector import ASK_RULES, ScriptDetector
from screening.types import Level


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("额度批下来了 三万 不过首期利息先付 一千零八十 转过来马上放款", "generic.upfront_fee"),
        ("今天还有名额 你先交一千块诚意金 我们排队给你审核", "generic.upfront_fee"),
        ("帮你把账号做起来 起号费三千八 一个月涨粉十万", "generic.upfront_fee"),
        ("明天我们同事上门给您换新卡 您把存折 身份证和密码准备好就行", "elder.visit_password"),
        ("我们带着设备过去 您的密码到时候在设备上输一下 五分钟就好", "elder.visit_password"),
        ("浏览记录都在系统里 交罚款就不会通知学校 不交就拘留", "police.case"),
        ("合同在我这儿 下午给你 你先把合同款打过去 先打款", "acq.leader_transfer"),
        ("今晚特码二十八 内部资料 包中", "gamble.lure"),
        ("群里玩扫雷红包 一个包五十 VIP群一个包五百", "gamble.lure"),
        ("钱我付过去了 平台提示需要您确认收款 点这个链接填一下", "used.offsite"),
    ],
)
def test_the_asks_are_found(det: ScriptDetector, text: str, rule: str) -> None:
    a = det.assess(text, style="chat")
    assert rule in {h.rule_id for h in a.hits if not h.narrated}, [h.rule_id for h in a.hits]
    assert a.level >= Level.CAUTION


def test_a_password_for_a_home_visit_is_an_ask() -> None:
    assert "elder.visit_password" in ASK_RULES


def test_one_cue_in_both_groups_of_a_combo_is_no_combination(det: ScriptDetector) -> None:
    """gamble.lure sits in both groups of combo.gamble_topup; one 稳赢 made the combination with itself and an
    honest boast about a football match reached WARN, and so did the same boast twice.  A platform and a lure still
    make it, and so does a lure plus a top-up."""
    one = det.assess("这场球我们稳赢，晚上请你吃饭。", style="chat")
    assert one.combos == () and one.level < Level.WARN
    twice = det.assess("这场球我们稳赢，这把稳赢", style="chat")
    assert twice.combos == () and twice.level < Level.WARN
    two = det.assess("百家乐稳赢的计划，跟着我走", style="chat")
    assert "combo.gamble_topup" in two.combos
    topup = det.assess("今天下午有个必中号，我把号码私发给你，你先去充值", style="chat")
    assert "combo.gamble_topup" in topup.combos


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("宽带新装免开通费，师傅明天上门安装。", "sms"),
        ("老规矩，先打款后发货，合同我下午快递给你。", "chat"),
        ("驾校暑期班报名费三千八，包教包会，学不会免费重学。", "sms"),
        ("酒后驾驶的，依法处以罚款或者拘留，请广大司机朋友注意。", "sms"),
        ("今天那家店又踩雷了，菜难吃还贵。", "chat"),
        ("用微信授权登录就可以看订单了。", "chat"),
        ("附近的ATM机在哪呀，我取点现金给你。", "chat"),
        # found by a reviewer in the first versions of these rules
        ("您好，这里是链家，您看中的那套房子需要先交两万诚意金。", "call"),
        ("先转我一半吧，剩下的月底给。", "chat"),
        ("宽带开通费一百，装好到账后再扣。", "chat"),
        ("爸，存折都拿出来，我带你去银行换卡。", "chat"),
        ("这个菜按我说的步骤做，先焯水再炒，保证不腥。", "chat"),
        ("违章交了罚款就行，12123上就能交。", "chat"),
        ("群里有人发扫雷红包，别玩。", "chat"),
        ("六合彩特码是什么意思？新闻里看到的。", "chat"),
        ("医保电子凭证过期了怎么办？", "chat"),
        ("【闲鱼】买家已付款，平台提示：请在发货后等待买家确认收款，钱款将自动打入您的账户，切勿点击站外链接。", "sms"),
        ("爸，那个拉人进群的功能是这样用的：主要是拉人进家庭群，没别的。", "chat"),
        ("喂 这个 不是 起号 费 是 广告 费 有 发票 的", "call"),
        ("把wifi密码准备好，师傅明天上门装电视。", "chat"),
        ("这场球我们稳赢，晚上请你吃饭。", "chat"),
        ("您好，银行卡密码请您自己保管好，办业务时在柜台密码器上输入，工作人员不会看。", "call"),
    ],
)
def test_honest_look_alikes_stay_below_warn(det: ScriptDetector, text: str, style: str) -> None:
    a = det.assess(text, style=style)
    assert a.level < Level.WARN, (a.score, [h.rule_id for h in a.hits])
