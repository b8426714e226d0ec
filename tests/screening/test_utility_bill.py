"""The 冒充水电燃气公司催缴 pack (blocklists/phrases/utility_bill.json): fake power, gas and water company calls and
messages (arrears about to cut the supply, a meter to replace, paid into a personal account, a WeChat contact, a
payment code or a link), and the honest bills, cut-off notices and meter changes that use the same words.

The scheme model was never taught this category, so the rules name it (``ScriptDetector._assessment``); before the pack
these texts were flagged but filed under 冒充领导 / 熟人, 中奖 / 退税补贴, 微商代理 or 刷单 (a volunteer's trial read
「冒充领导 / 熟人：…说换了新号码」 aloud for a fake electricity bill).
"""

from __future__ import annotations

import pytest

from screening.transcript.detector import ScriptDetector
from screening.transcript.phrases import load_phrase_book
from screening.types import Level

SCAMS = [
    (
        "sms",
        "【国家电网】您家电费已欠费328.6元，今晚20点将停电，请立即向以下账户缴费：6222021234567890123，户名王建国。",
    ),
    ("sms", "【燃气公司】您家燃气表欠费即将停气，请添加客服微信rq5566缴费。"),
    ("sms", "【供电公司】您户电费逾期未缴，将于今日18时停电，请点击 http://sgcc-jf.top 在线缴费，以免影响生活。"),
    ("call", "您好，我是供电局的，您家电表需要更换，换表要先交200元材料费，请转到我这个微信，明天师傅上门。"),
    (
        "call",
        "喂 阿姨 我们 是 电力 公司 的 你家 电费 欠费 了 今天 不交 就 停电 你 把 钱 转到 我 发 给 你 的 账户 上 就行",
    ),
    ("call", "这里是燃气公司，您家燃气表要升级成智能表，升级费三百八，您先把钱转到我们师傅的卡上，不交的话下周停气。"),
    ("sms", "【电力公司】尊敬的用户，您家电表故障需更换，换表费150元，请添加工作人员微信dl8899支付后预约上门。"),
]
HONEST = [
    ("sms", "【国家电网】您户号0012345678电费余额不足10元，请及时通过网上国网App或银行缴费，以免影响用电。"),
    ("sms", "【供电公司】因线路检修，本周六8:00-17:00您所在小区计划停电，给您带来不便敬请谅解。"),
    ("sms", "【燃气公司】工作人员将于本周三上门进行燃气安全检查，请认准工作证，检查不收取任何费用。"),
    ("call", "您好，这里是供电所，您家智能电表明天上午免费更换，换表不收任何费用，有工作人员上门，请家里留人。"),
    ("sms", "【自来水公司】您本期水费56.3元已从银行账户代扣成功，如有疑问请拨打96116。"),
    ("chat", "妈，电费我在网上国网上给你交了两百，余额还有两百多，别听那些打电话说欠费要你转钱的。"),
    ("sms", "【国家电网】提醒：近期有不法分子冒充供电公司以欠费停电为由要求转账，供电公司不会要求您向个人账户缴费。"),
    ("sms", "【国家电网】您户本月电费86.5元，缴费渠道：网上国网App、微信生活缴费、支付宝，逾期将产生违约金。"),
    ("sms", "【燃气公司】您的燃气费可通过微信缴纳，也可到营业厅办理。"),
    ("call", "您好，燃气公司通知，您家燃气表下周免费更换，不收取任何费用，请家里留人。"),
    # (a review: 「换表不收取材料费」 was read as the fee asked for, and warned)
    ("sms", "【北京燃气】您好，您家燃气表将于本周更换，换表不收取材料费和人工费，请家中留人。"),
    ("sms", "【燃气公司】您家燃气表将于本周进行更换，换表免费，不收取任何材料费，请勿相信他人收费。"),
    # (a review: the 供电营业厅 it sends you to read as a phone company's 营业厅)
    ("sms", "【供电公司】您户电费已欠费，请到供电营业厅或网上国网App缴费，以免停电。"),
]


@pytest.mark.parametrize(("style", "text"), SCAMS)
def test_fake_utility_bills_warn_and_are_named_as_such(det: ScriptDetector, style: str, text: str) -> None:
    a = det.assess(text, style=style)
    assert a.level >= Level.WARN, (a.score, [h.rule_id for h in a.hits])
    assert a.category == "utility_bill", (a.category, a.model_category, [h.rule_id for h in a.hits])
    name = load_phrase_book().categories["utility_bill"].name
    assert a.category_text == name and name.zh == "冒充水电燃气公司催缴"
    if a.rule_score >= 0.3:  # the rules name it: the scheme's description comes first
        assert a.reasons[0].zh.startswith(f"话术与「{name.zh}」相符") and "换表不向住户收费" in a.reasons[0].zh


@pytest.mark.parametrize(("style", "text"), HONEST)
def test_honest_bills_cut_offs_and_meter_changes_stay_calm(det: ScriptDetector, style: str, text: str) -> None:
    a = det.assess(text, style=style)
    assert a.level < Level.CAUTION, (a.level, a.score, [(h.rule_id, h.matched) for h in a.hits])


def test_a_personal_account_outside_a_bill_is_not_this_scheme(det: ScriptDetector) -> None:
    """「转到一个个人账户」 in a bank manager's honest check named no utility (the first form of the pack did)."""
    a = det.assess(
        "我是建设银行的客户经理，您今天要把定期的二十万提前支取并转到一个个人账户，我们需要确认用途。", "call"
    )
    assert not any(h.rule_id.startswith("utility.") for h in a.hits)
