"""SMS channel awareness: 106/1069 senders, official numbers with foreign links, the 刷单 seed case."""

from __future__ import annotations

import pytest

from screening.screener import NumberScreener
from screening.sms import assess_sms, split_signature
from screening.transcript.detector import ScriptDetector
from screening.transcript.links import host_of
from screening.types import Level


@pytest.fixture(scope="module")
def screener() -> NumberScreener:
    return NumberScreener()


@pytest.fixture(scope="module")
def detector() -> ScriptDetector:
    return ScriptDetector.default()


@pytest.mark.parametrize("number", ["10690000123", "1069012345678", "106575551234"])
def test_sms_platform_is_suspicious_as_caller_and_normal_as_sender(screener: NumberScreener, number: str) -> None:
    as_call = screener.screen(number)
    assert as_call.level is Level.WARN
    assert "cn.sms_platform.106" in as_call.reason_codes
    as_sms = screener.screen(number, channel="sms")
    assert as_sms.level is Level.UNKNOWN
    assert "cn.sms_platform.106" not in as_sms.reason_codes


def test_channel_default_is_call_and_bad_channel_refused(screener: NumberScreener) -> None:
    assert screener.screen("10690000123").level == screener.screen("10690000123", channel="call").level
    assert [v.level for v in screener.screen_many(["10690000123"] * 2, channel="sms")] == [Level.UNKNOWN] * 2
    with pytest.raises(ValueError):
        screener.screen("10690000123", channel="fax")  # type: ignore[arg-type]


def test_channel_does_not_soften_other_rules(screener: NumberScreener) -> None:
    # A spoofed official number is a block however it arrives; a leased 95 block stays a warning.
    assert screener.screen("+852 96110", channel="sms").level is Level.BLOCK
    assert screener.screen("95275012", channel="sms").level is Level.WARN


@pytest.mark.parametrize("sender", ["+8610086", "+86 95588", "008610086"])
def test_an_official_number_texting_with_plus86_is_the_number_itself(
    screener: NumberScreener, detector: ScriptDetector, sender: str
) -> None:
    # Phones write SMS senders with +86 while roaming, and some backup apps store every sender so: an honest bill
    # from +8610086 was shown as 拦截 (a spoofed official number), which teaches a parent to ignore 拦截.
    honest = assess_sms(sender, "【中国移动】尊敬的客户，您11月账单已出，本月消费58.00元。", screener, detector)
    assert honest.level < Level.CAUTION
    assert "cn.spoof.official_short_intl" not in honest.sender.reason_codes
    assert honest.sender.number.digits.endswith(("10086", "95588"))  # shown as stored
    # … and its links are still held to the number's own sites
    fake = assess_sms(sender, "【中国移动】您的积分即将清零，请登录 http://10086-jf.top/a 兑换", screener, detector)
    assert fake.level >= Level.WARN
    assert [r["code"] for r in fake.reasons()][0] == "sms.official_unfamiliar_link"
    # As a caller, +86 10086 is still the spoof; and a foreign country code texting is too
    assert screener.screen(sender).level is Level.BLOCK
    assert screener.screen("+852 10086", channel="sms").level is Level.BLOCK


def test_seed_case_brushing_recruitment_by_1069_then_qq(screener: NumberScreener, detector: ScriptDetector) -> None:
    a = assess_sms(
        "10690000123", "【优选商城】诚聘兼职刷单，日结200元，动动手指在家赚钱，详情加QQ 3344556677", screener, detector
    )
    assert a.level >= Level.WARN
    assert a.category == "task_rebate"
    assert a.signature == "优选商城"
    assert ("qq", "3344556677") in {(e.kind, e.value) for e in a.content.entities}
    # the sender itself is no reason: as an SMS port it is ordinary
    assert not any(r["code"].startswith("cn.sms_platform") for r in a.reasons())


def test_official_number_linking_to_unfamiliar_domain_warns(screener: NumberScreener, detector: ScriptDetector) -> None:
    a = assess_sms("10086", "【中国移动】尊敬的客户，请登录 http://10086-jf.top/a 领取话费", screener, detector)
    assert a.level >= Level.WARN
    codes = [r["code"] for r in a.reasons()]
    assert codes[0] == "sms.official_unfamiliar_link"
    assert a.reasons()[0]["params"]["domain"] == "10086-jf.top"
    assert "10086-jf.top" in a.reasons()[0]["zh"] and "unfamiliar" in a.reasons()[0]["en"]


def test_official_number_linking_to_its_own_site_is_fine(screener: NumberScreener, detector: ScriptDetector) -> None:
    a = assess_sms("95588", "【工商银行】您尾号1234的卡入账100元，详见 https://m.icbc.com.cn/x", screener, detector)
    assert a.level < Level.WARN
    assert not a.findings
    ordinary = assess_sms("13800138000", "晚上回家吃饭吗", screener, detector)
    assert ordinary.level <= Level.UNKNOWN and ordinary.reasons() == []


def test_a_government_signature_linking_off_government_sites_warns(
    screener: NumberScreener, detector: ScriptDetector
) -> None:
    # the detector reads the message whole, signature and all: its authority_link rule is the one judge of it, and
    # with a model fairly sure the text is a scam the sign warns (it is an ask)
    a = assess_sms("13912345678", "【人社】养老金资格认证今日截止，速点 ylj-rz.top 认证", screener, detector)
    assert a.level >= Level.WARN and a.signature == "人社"
    assert [h.matched for h in a.content.hits if h.rule_id == "generic.authority_link"] == ["ylj-rz.top"]
    reason = next(r for r in a.reasons() if "ylj-rz.top" in r["zh"])
    assert reason["code"] == "script" and "政府" in reason["zh"] and "government" in reason["en"]
    assert not any(r["code"].startswith("sms.") for r in a.reasons())  # said once, by the detector
    real = assess_sms("12333", "【江苏人社】养老金资格认证请登录 jshrss.jiangsu.gov.cn 办理", screener, detector)
    assert not any(h.rule_id == "generic.authority_link" for h in real.content.hits)


def test_a_police_warning_that_names_the_fake_site_stays_calm(
    screener: NumberScreener, detector: ScriptDetector
) -> None:
    body = "【XX公安】警惕！近期有人冒充人社部门发送短信，其中链接 rs-rzzx.cn 为钓鱼网站，请勿点击。"
    a = assess_sms("13912345678", body, screener, detector)
    assert a.level < Level.WARN


def test_an_office_linking_to_its_own_site_off_gov_cn_is_at_most_a_caution(
    screener: NumberScreener, detector: ScriptDetector
) -> None:
    a = assess_sms(
        "13912345678", "【深圳公积金】您的公积金年度结息已完成，详情请登录 www.szzfgjj.com 查询", screener, detector
    )
    assert any(h.rule_id == "generic.authority_link" for h in a.content.hits)
    assert a.level == Level.CAUTION


@pytest.mark.parametrize(
    "body",
    [
        "老李，我是你老同学周建华，换号了，存一下。明天有空吗，有点事想麻烦你。",
        "【金海湾线上】真人视讯、电子游艺，日存日提，首存送百分之三十，点 jhw-88.net 立即体验",
        "【优品汇】您购买的“老年钙片”批次检测不合格，可获三倍退款，请回复1并保持电话畅通，售后专员将与您联系。",
        "【工商银行】您尾号1234的卡入账100元，详见 https://m.icbc.com.cn/x",
    ],
)
def test_the_message_is_judged_as_the_evaluation_reads_messages(
    screener: NumberScreener, detector: ScriptDetector, body: str
) -> None:
    # whole, with its signature, in SMS style; it once went without the signature and with the style guessed (most
    # message bodies read as calls), and written messages lost recall 0.986 -> 0.928
    a = assess_sms("13912345678", body, screener, detector)
    expected = detector.assess(body, style="sms")
    assert (a.content.level, a.content.score) == (expected.level, expected.score)
    if "金海湾" in body:
        assert a.level >= Level.WARN


def test_helpers() -> None:
    assert host_of("https://www.Example.COM/a?b") == "example.com"
    assert host_of("10086-jf.top/x") == "10086-jf.top"
    assert split_signature("您的验证码是1234【京东】") == ("京东", "您的验证码是1234")
    assert split_signature("没有签名") == (None, "没有签名")
