"""Issue 12: the seed schemes, their paraphrases and recogniser-noised versions, honest look-alikes,
messages vs calls, and explanations when only the statistical model speaks.  Real packs, real model."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector
from screening.transcript.detector import guess_style
from screening.transcript.noise import NoiseChannel, number_as_words
from screening.transcript.normalise import normalise
from screening.transcript.phrases import bundled_pack_dir, load_phrase_book
from screening.types import Level

# (case, expected category, style, wordings: the seed first, then paraphrases written for this test)
SEEDS: list[tuple[str, str, str, list[str]]] = [
    (
        "points",
        "telecom_points",
        "call",
        [
            "您好，我是电信营业厅客服，您的积分即将过期，可以兑换现金，请把收到的验证码告诉我。",
            "喂，这边移动公司的，您话费积分月底清零，今天能折成现金，短信里的六位数字您念给我一下。",
            "您好联通客服，您名下积分马上作废了，帮您换成现金直接打到卡上，报一下收到的校验码。",
        ],
    ),
    (
        "task_sms",
        "task_rebate",
        "sms",
        [
            "【招聘】在家手机兼职，点赞关注一单3元，佣金日结，新人首单垫付100返130，加QQ 2390018。",
            "诚招宝妈学生线上兼职，动动手指刷好评赚佣金，做任务先垫付本金，完成后连本带佣金返还。",
            "足不出户也能赚钱！给店铺刷单提升销量，一单一结，第二单需先垫付500元，返现650元。",
        ],
    ),
    (
        "refund_qq_group",
        "refund_group",
        "call",
        [
            "您好，我是淘宝的售后，您买的衣服甲醛超标，给您办理全额退款，您加一下我们的退款QQ群，群号85632197。",
            "这边是京东商家客服，您的订单要给您退款，退款需要您加我们的qq群，进群后有专员一对一处理。",
            "您好拼多多售后，您购买的商品质量有问题，给您双倍退款，您扫码进群按群里的老师操作就行。",
        ],
    ),
    (
        "claim_to_loan_app",
        "ecommerce_courier",
        "call",
        [
            "您好，我是中通快递理赔中心的，您的快递在运输途中丢失了，我们给您三倍赔偿，赔偿金要先开通借呗额度才能到账。",
            "喂您好顺丰理赔，您的包裹弄丢了，理赔款要通过支付宝备用金发放，您先把备用金开通一下。",
            "您好，您的快递丢失了，给您理赔五百元，理赔要在微粒贷上看一下额度，把额度借出来验证流水后原路退回。",
        ],
    ),
    (
        "loan_fee_95",
        "fake_loan",
        "call",
        [
            "请问您需要贷款吗？您下载一下360金融APP注册一下，充值1799元就可以免6个月的利息。",
            "您好，请问有资金需求吗，我们这边无抵押当天放款，不过放款前需要先交两千元的保证金。",
            "您的贷款已经审批通过了，但是您银行卡号填错了，资金被冻结，需要先交解冻费才能放款。",
        ],
    ),
]

LOOKALIKES: dict[str, tuple[str, str]] = {
    "bank_fraud_warning": (
        "call",
        "您好，这里是中国工商银行客服中心，我们注意到您今天有一笔大额转账，想跟您确认是不是本人操作。"
        "提醒您，我行不会要求您转账到任何所谓安全账户，也不会索要验证码。",
    ),
    "bank_warning_sms": (
        "sms",
        "【招商银行】警惕！近期有不法分子冒充银行客服以提额、退款为由索要验证码，请勿泄露，如有疑问请拨打95555。",
    ),
    "courier_delivery": (
        "call",
        "喂你好，顺丰快递，你有个件到了，家里有人吗？没人的话我给你放丰巢柜，取件码一会短信发你。",
    ),
    "broker_market_talk": (
        "call",
        "王先生您好，我是证券公司的客户经理，最近比特币挖矿的收益下降了，您之前问的那只矿业股我们研报建议谨慎，"
        "股市有风险，具体您自己决定。",
    ),
    "promo_sms_gold": ("sms", "【老凤祥】会员积分兑换开启，金条每克优惠15元，积分可抵扣现金，详情到店咨询。回T退订"),
    "promo_sms_points": (
        "sms",
        "【京东】尊敬的会员，您的京豆和积分可在App内兑换好礼，金条金饰工费八折，活动截至本周日。拒收请回复R",
    ),
    "verification_sms": (
        "sms",
        "【京东】验证码：581204，您正在登录京东账户，京东客服不会向您索要验证码，切勿告知他人。",
    ),
}


@pytest.fixture(scope="module")
def channel() -> NoiseChannel:
    return NoiseChannel([w for _, _, _, ws in SEEDS for w in ws], seed=3)


@pytest.mark.parametrize(("case", "category", "style", "wordings"), SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_schemes_and_paraphrases_flagged_with_their_category(
    det: ScriptDetector, case: str, category: str, style: str, wordings: list[str]
) -> None:
    for text in wordings:
        a = det.assess(text, style=style)
        assert a.level >= Level.WARN, (case, text, a.score, [h.matched for h in a.hits])
        assert a.category == category, (case, text, a.category)


@pytest.mark.parametrize(("case", "category", "style", "wordings"), SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_schemes_survive_recogniser_noise(
    det: ScriptDetector, channel: NoiseChannel, case: str, category: str, style: str, wordings: list[str]
) -> None:
    """Each wording at 10 % and 25 % CER, three draws each (homophones, drops, inserts, digits read out,
    Vosk spaces, no punctuation): most stay flagged, with the right category.  (These are one-sentence
    texts; at 25 % CER a quarter of their few key characters are wrong, so a few misses are expected.)"""
    flagged = right = total = 0
    for text in wordings:
        for cer in (0.1, 0.25):
            for _ in range(3):
                noisy, rate = channel.corrupt(text, cer)
                assert " " in noisy and "，" not in noisy
                a = det.assess(noisy, style=style)
                total += 1
                flagged += a.level >= Level.WARN
                right += a.level >= Level.WARN and a.category == category
    assert flagged >= 0.75 * total, (case, flagged, total)
    assert right >= 0.65 * total, (case, right, total)


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_honest_lookalikes_stay_below_warn(det: ScriptDetector, name: str) -> None:
    style, text = LOOKALIKES[name]
    for s in (style, None):
        a = det.assess(text, style=s)
        assert a.level < Level.WARN, (name, s, a.score, [h.matched for h in a.hits], a.model_probability)


def test_model_alone_names_the_scheme_and_its_passages_in_zh_and_en() -> None:
    """With no phrase rules at all, only the model can speak: it must say which scheme and why."""
    book = load_phrase_book([bundled_pack_dir().joinpath("categories.json")])
    assert not book.rules
    full = ScriptDetector.default()
    det = ScriptDetector(book, full.model, full.key)
    text = (
        "你好，我收王者荣耀的账号，你这个号我出1200收，我们走这个交易平台，你在平台上注册上架，你的提现账户被冻结了，"
        "要先交保证金才能解冻，交了连本带货款一起提出来，别走官方，手续费太高，马上操作，不然订单作废。"
    )
    a = det.assess(text, style="chat")
    assert a.level >= Level.WARN and not a.hits
    assert a.category == "game_trade" and a.model_category == "game_trade"
    assert a.model_passages and all(p in a.text for p in a.model_passages)
    first = a.reasons[0]
    assert "网络游戏虚假交易" in first.zh and "game" in first.en.lower()
    assert any(p in first.zh and p in first.en for p in a.model_passages)
    # the passages are quoted once: the model's own reason then gives only its share
    assert sum(a.model_passages[0] in r.zh for r in a.reasons) == 1
    share = [r for r in a.reasons[1:] if r.zh.startswith("从整段话看，说法与诈骗话术")]
    assert (
        share and share[0].zh.endswith("相似") and "%" not in share[0].zh
    )  # in words (a trial: 「（62%）」 meant nothing)
    assert "%" not in first.zh and "%" not in first.en and "reads" in first.en


def test_a_text_that_is_merely_call_like_does_not_warn(det: ScriptDetector) -> None:
    text = "正是因为存在绝对正义所以我们接受现实的相对正义但是不要因为现实的相对正义我们就认为这个世界没有正义"
    assert det.assess(text).level < Level.WARN


def test_style_is_guessed_from_the_shape_of_the_text() -> None:
    assert guess_style("A: 喂您好\nB: 你好") == "call"
    assert guess_style("客服小美：亲在吗\n我：在的\n客服小美：给您退款") == "chat"
    assert guess_style("【中国移动】您的积分即将清零，回T退订") == "sms"
    assert guess_style("请问您需要贷款吗，我们这边利息很低") == "call"


def test_styles_are_calibrated_and_change_the_model_only(det: ScriptDetector) -> None:
    assert det.model is not None and set(det.model.styles) == {"call", "sms", "chat"}
    # (a text the model is unsure of: a sure one rounds to 1.0 whatever the offset)
    text = "请问您需要贷款吗，我们这边利息很低"
    by_style = {s: det.assess(text, style=s) for s in ("call", "sms", "chat")}
    assert len({a.rule_score for a in by_style.values()}) == 1  # rules do not care about the style
    assert len({a.model_probability for a in by_style.values()}) == 3
    assert all(a.style == s for s, a in by_style.items())


def test_entities_still_come_out_of_messages(det: ScriptDetector) -> None:
    a = det.assess(
        "加我微信 kefu_0921 或QQ群 740221563，下载向日葵，卡号6222021234567890123，详情 www.jd-kf.top", "sms"
    )
    kinds = {e.kind for e in a.entities}
    assert {"wechat", "qq_group", "app", "bank_card", "url"} <= kinds


def test_links_and_ids_that_hold_wx_or_vx_come_out_whole(det: ScriptDetector) -> None:
    """A volunteer's trial: 「wx-pay-jd.com」 was kept, marked and exported as 「-pay-jd.com」 (wx read as 微信), and
    the WeChat IDs 「wx123456」 and 「vx5566」 came out as nothing. A bill's 户号 was read as a call from abroad."""
    a = det.assess(
        "【微信支付】您的零钱已冻结，请登录 wx-pay-jd.com 或 www.wx-pay.cn 解冻，或加客服微信 wx123456、vx5566", "sms"
    )
    got = {(e.kind, e.value) for e in a.entities}
    assert {("url", "wx-pay-jd.com"), ("url", "www.wx-pay.cn"), ("wechat", "wx123456"), ("wechat", "vx5566")} <= got
    assert not any(v.startswith("-") for _, v in got), got
    assert normalise("加vx领红包") == "加微信领红包" and normalise("加我vx: abc_1") == "加我微信: abc_1"  # still 微信
    assert normalise(normalise("加vx5566")) == normalise("加vx5566")  # normalising twice changes nothing
    # (a review) before a mobile's digits it is 微信 and the number is found; a sentence's own dot or dash ends it
    me = det.assess("加我vx13800138000，有好事跟你说", "sms")
    assert ("phone", "13800138000") in {(e.kind, e.value) for e in me.entities}
    assert normalise("有意者加vx…") == "有意者加微信..." and normalise("请加vx.") == "请加微信."
    # a mobile after 账号 or 账户 is still one (the label rule is for 户号, 单号 …)
    paid = det.assess("把钱转到支付宝账号13800138000，收款账户：13912345678", "sms")
    assert [e.value for e in paid.entities if e.kind == "phone"] == ["13800138000", "13912345678"]
    bill = det.assess("【国家电网】您的户号0012345678本月电费128.50元，请于25日前缴纳，客服95598。", "sms")
    assert [e.value for e in bill.entities if e.kind == "phone"] == ["95598"]


def test_noise_channel_hits_its_error_rate_and_reads_numbers_out() -> None:
    ch = NoiseChannel(seed=1)
    text = "您好，这里是中国移动积分中心，您的话费积分即将清零，可以兑换现金，请把收到的验证码告诉我。" * 20
    for cer in (0.1, 0.25, 0.4):
        noisy, rate = ch.corrupt(text, cer)
        assert abs(rate - cer) < 0.05, (cer, rate)
        assert noisy.count(" ") > len(noisy) // 3  # Vosk spaces
    rng = __import__("random").Random(0)
    spoken = {number_as_words("1799", rng) for _ in range(20)}
    assert spoken == {"一七九九", "一千七百九十九"}
    assert all(normalise(s) == "1799" for s in spoken)


def test_a_combination_keeps_its_scheme_against_an_unsure_model(det: ScriptDetector) -> None:
    """A 1069 刷单 recruitment SMS (a seed case of the issue, in other words) was named 冒充领导/熟人: the scheme model
    put it there at 0.44, over 刷单返利's combination of 刷单, 日结 and a QQ to add. A combination keeps its scheme
    where the model is under 0.7 sure of another; a model surer than that still names the story."""
    sms = "【优选兼职】诚聘网络刷单员，日结200-500元，详询10690000123，加QQ 3344556677"
    a = det.assess(sms, style="sms")
    assert a.level >= Level.WARN and a.combos
    assert a.category == "task_rebate", (a.category, a.model_category)
    assert "刷单" in det.category(a.category).name.zh
