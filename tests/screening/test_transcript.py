"""Scam-script detection: the real schemes, everyday calls, recogniser-style text, streaming."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from screening.evaluate import evaluate, read_rows
from screening.transcript import ScriptDetector, TranscriptAssessment
from screening.transcript.entities import extract_entities
from screening.transcript.normalise import normalise, sound_key
from screening.types import Level, TranscriptSegment

# Each real scheme from the police-case typology, written for these tests.
SCHEMES = {
    "points": (
        "您好，我这边是移动公司的客服，系统显示您的话费积分即将过期，现在可以兑换现金，"
        "我给您发一条短信，您把收到的验证码报给我，我帮您操作兑换。",
        "telecom_points",
        {"积分即将过期", "验证码报给我"},
    ),
    "brushing": (
        "我们这边招聘网络兼职，在家就能做，就是帮商家刷单提高信誉，每单佣金五十元当天结算。"
        "第一单先垫付，完成后本金和佣金一起返还。",
        "task_rebate",
        {"刷单", "垫付"},
    ),
    "refund_qq": (
        "您好，我是淘宝客服，您上周买的衣服检测出甲醛超标，我们要给您办理双倍退款，"
        "退款需要您先加一下我们的扣扣群，群号幺二三四五六七八，进群后按照群里的提示操作。",
        "refund_group",
        {"加一下我们的qq", "甲醛超标"},
    ),
    "courier_loan": (
        "您好，我是快递客服，您的快递在运输途中丢失了，我们给您三倍赔偿。"
        "理赔金要通过借呗发放，您先打开支付宝开通一下借呗额度，我教你操作。",
        "ecommerce_courier",
        {"快递在运输途中丢失", "借呗"},
    ),
    "loan_95": (
        "您好，这边是金融服务中心，无抵押贷款，额度最高二十万，审批通过后当天放款，"
        "不过您的银行卡流水不足，需要先交五千元保证金验资，放款后一起退还。",
        "fake_loan",
        {"无抵押", "保证金", "流水不足"},
    ),
    "kidnapping": (
        "听好了，你儿子现在在我们手里，想让他活着回来，两个小时内把三十万打到这个账户上，敢报警就撕票。",
        "kidnapping",
        {"在我们手里", "撕票"},
    ),
    "bank_phishing": (
        "您好，我是建设银行风控中心的，您的网银证书今天到期，不更新的话账户会被冻结，"
        "我给您发个链接，您在链接里输入银行卡号和密码就能完成更新。",
        "bank_phishing",
        {"网银证书", "账户会被冻结"},
    ),
    "identity_theft": (
        "您好，这边帮您办理信息更新，请您把身份证号码和银行卡号报一下，再把收到的验证码告诉我。",
        "identity_theft",
        {"身份证号", "验证码告诉我"},
    ),
    "medical_insurance": (
        "这里是医保中心，您的医保卡在外地被人违规消费了两万多，现在已经冻结，我帮您转接到公安局的警官那里做笔录。",
        "medical_insurance",
        {"医保卡在外地被人违规消费", "转接到公安局的警官"},
    ),
    "student_loan": (
        "您好，我是某金融平台的，您大学时开通过校园贷账户，现在按规定要注销，不注销会影响您的征信。",
        "student_loan_cancel",
        {"校园贷", "影响您的征信"},
    ),
    "fake_boss": (
        "小李，我是你们张总，这是我私人号码，你先加我微信。我在开会，有笔合作方的款急着付，你先转过去，回头我补签字。",
        "acquaintance_impersonation",
        {"我是你们张总", "合作方的款"},
    ),
    "investment_mentor": (
        "王姐，我们老师在群里带单，上周跟着操作的都赚了三成，您先下载这个APP充五千试试，稳赚不赔。",
        "fake_investment",
        {"带单", "稳赚不赔"},
    ),
}

EVERYDAY = {
    "food_order": "喂，你好，我想订一份宫保鸡丁盖饭，再加一瓶可乐，送到阳光小区三号楼二单元，大概多久能到？",
    "bank_reminder": "您好，这里是招商银行，提醒您本月信用卡账单二千三百元将于二十五号到期，请按时还款。"
    "银行工作人员不会向您索要验证码和密码，请勿泄露给任何人。",
    "parent_chat": "妈，我周末回家吃饭，你别做太多菜了。爸的腰好点了吗？我给他买了点药，到时候带回去。",
    "anti_fraud_warning": "反诈中心提醒您：凡是让您提供验证码的都是诈骗，公检法机关不会通过电话办案，"
    "更没有所谓的安全账户，接到此类电话请立即挂断。",
    "helpdesk_refund": "您好，您的订单已经取消，退款会在三到五个工作日原路退回您的支付账户，请注意查收。",
    "courier_delivery": "喂，您好，我是顺丰快递员，您有个包裹现在送到小区门口了，您方便下来取一下吗？"
    "或者我给您放到快递柜，取件码会短信发给您。",
    "carrier_sales": "您好，我是移动公司的客户经理，看到您的套餐每月流量都超出，现在有一个新的五十八元套餐，"
    "您考虑升级一下吗？积分也可以在官方App里兑换话费。",
    "card_alert": "您好，您的账户今天上午在外地有一笔消费，如果不是您本人操作，请立即拨打我行官方客服电话冻结卡片，"
    "我们不会要求您转账。",
    "police_found_bike": "您好，这里是派出所，您上周报案丢失的电动车已经找到了，请您带上身份证和购车发票到所里来认领。",
}

# Honest calls that share the topic words of a scheme (理财经理, 年化, 收益, 理赔, 退税) but not its fraudulent ask.
LOOKALIKES = {
    "wealth_manager": "您好，我是工商银行的理财经理，您那笔定期下周到期，我们有一款中低风险的理财，"
    "业绩比较基准年化百分之二点九，不保本，您有空来网点看一下。",
    "broker_past_return": "我是您的投资顾问，提醒一下，这只基金去年收益百分之十五，但是今年波动比较大，"
    "过往业绩不代表未来表现，请您注意风险。",
    "teacher_injury": "您好，是小雨妈妈吗？我是她的班主任，小雨在体育课上摔了一跤，膝盖擦破了，"
    "校医已经处理好了，您放学来接她的时候注意一下。",
    "courier_damage": "您好，我们是顺丰快递理赔部，您寄的那个包裹在运输中破损了，按照保价规则给您赔付三百元，"
    "款项会原路退回到您的寄件支付账户，您不需要做任何操作。",
    "tax_refund_real": "您好，您的个人所得税年度汇算可以开始办理了，请您通过个人所得税App自行申报，如有退税会直接退到您绑定的银行卡。",
}


def _matched(a: TranscriptAssessment) -> set[str]:
    return {h.matched for h in a.hits}


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_each_scheme_is_flagged_with_category_and_evidence(det: ScriptDetector, name: str) -> None:
    text, category, evidence = SCHEMES[name]
    a = det.assess(text)
    assert a.level >= Level.WARN, (name, a.score, a.reasons)
    assert a.category == category
    assert a.category_text is not None and a.category_text.zh and a.category_text.en
    assert category in {h.category for h in a.hits}  # stored calls are named from their hits
    found = _matched(a)
    for phrase in evidence:
        assert any(phrase in m or m in phrase for m in found), (phrase, found)
    for h in a.hits:
        assert a.text[h.start : h.end] == h.matched
        assert h.explanation.zh and h.explanation.en
    assert a.reasons and all(r.zh and r.en for r in a.reasons)


@pytest.mark.parametrize("name", sorted(EVERYDAY) + sorted(LOOKALIKES))
def test_everyday_calls_are_not_flagged(det: ScriptDetector, name: str) -> None:
    a = det.assess(EVERYDAY.get(name) or LOOKALIKES[name])
    assert a.level < Level.WARN, (name, a.score, [h.matched for h in a.hits], a.model_terms)


def test_warning_about_codes_does_not_alarm(det: ScriptDetector) -> None:
    a = det.assess("请注意，不要把验证码告诉任何人。")
    assert a.level < Level.CAUTION
    assert not any(h.rule_id.startswith("generic.code") for h in a.hits)


def test_vosk_style_spaces_and_homophones_still_caught(det: ScriptDetector) -> None:
    text = "您 好 我 是 电 信 客 服 您 的 积 份 即 将 过 期 请 把 收 到 的 验 证 马 告 诉 我"
    a = det.assess(text)
    assert a.level >= Level.WARN
    assert a.category == "telecom_points"
    fuzzy = [h for h in a.hits if h.fuzzy]
    assert any(h.matched == "验证马" and h.canonical == "验证码" for h in fuzzy)
    assert any("积份" in h.matched for h in fuzzy)


def test_a_near_match_is_heard_on_a_call_and_written_in_a_message(det: ScriptDetector) -> None:
    """A call's words were heard: 「验证马」 "sounds like" 「验证码」. A pasted SMS or chat was read, so the same near
    match is 「写法接近」 (a trial: 「听起来像」 under a typed message with a character dropped), in zh and en."""
    text = "您好，我是联通客服，您的积分即将过期，请把收到的验证马告诉我"
    heard = det.assess(text, "call").reasons
    assert any("「收到的验证马」（听起来像「收到的验证码」）" in r.zh for r in heard)
    assert any("(sounds like \u201c收到的验证码\u201d)" in r.en for r in heard)
    for style in ("sms", "chat"):
        read = det.assess(text, style).reasons
        assert any("「收到的验证马」（写法接近「收到的验证码」）" in r.zh for r in read), style
        assert any("(close to \u201c收到的验证码\u201d)" in r.en for r in read), style
        assert not any("听起来像" in r.zh or "sounds like" in r.en for r in read), style


def test_normalise_spoken_forms() -> None:
    assert normalise("加 我 扣 扣 幺 三 八 零 零 一 三 八 零 零 零") == "加我qq13800138000"
    assert normalise("Ｖ信号") == "微信号"
    assert normalise("转五千块") == "转5000块"
    assert normalise("千万不要") == "千万不要"  # not a number
    # amounts as people say them: a last digit straight after a unit counts in the next unit down
    assert normalise("原价一万六 现在六千八 再补三百五") == "原价16000现在6800再补350"
    assert [normalise(n) for n in ("一万零六", "一万二千八", "十六", "一亿二")] == ["10006", "12800", "16", "120000000"]
    assert normalise("统一一起") == "统一一起"
    # spoken decimals before 万/亿, and a digit after 百/千 before 万 (三百五万 is 350万, not 305万)
    assert [normalise(n) for n in ("一点五万", "两点三万块", "三点五亿", "三百五万", "一千五万")] == [
        "15000",
        "23000块",
        "350000000",
        "3500000",
        "15000000",
    ]
    assert [normalise(n) for n in ("一百二十点五万", "两百点五万", "一百零一点五万", "一千二点五万")] == [
        "1205000",
        "2005000",
        "1015000",
        "12005000",
    ]
    # after a time of day the 点 is the clock's (3 p.m., then 10000), not a decimal point (31000)
    assert normalise("下午三点一万块钱") == "下午三点10000块钱"
    assert normalise("晚上八点五万块") == "晚上八点50000块"
    assert normalise("今天一点五万必须到账") == "今天15000必须到账"  # a day alone is no clock
    assert [normalise(n) for n in ("十二点半到", "一点五个点", "零点五", "差一点万一出事")] == [
        "12点半到",
        "一点五个点",
        "零点五",
        "差一点万一出事",
    ]
    key = sound_key()
    assert key.key(normalise("验证马")) == key.key(normalise("验证码"))


def test_normalise_is_idempotent_when_a_spoken_form_follows_a_space() -> None:
    # found by hypothesis: " v信" became " 微信", whose space a second pass removed
    assert normalise(" v信") == normalise(normalise(" v信")) == "微信"
    assert normalise(" 加 v信 123") == "加微信123"


def test_normalise_joins_letters_spelled_out_by_the_recogniser() -> None:
    # Vosk writes "Q Q 群"; the letters must join, not turn into "q qq群".
    assert normalise("请 加 Q Q 群 1 2 3 4 5 6") == "请加qq群123456"
    assert normalise("a p p 下载") == "app下载"
    assert normalise("my Q Q group") == "my qq group"
    assert normalise("i am ok") == "i am ok"  # real words keep their spaces


def test_entities(det: ScriptDetector) -> None:
    a = det.assess(
        "加扣扣群 幺二三四五六七八，微信号 abc_12345，转五千块到6222021234567890123，回电13800138000，打开 www.pay-refund.cn"
    )
    kinds = {(e.kind, e.value) for e in a.entities}
    assert ("qq_group", "12345678") in kinds
    assert ("wechat", "abc_12345") in kinds
    assert ("amount", "5000块") in kinds
    assert ("bank_card", "6222021234567890123") in kinds
    assert ("phone", "13800138000") in kinds
    assert ("url", "www.pay-refund.cn") in kinds


def test_model_terms_explain_model(det: ScriptDetector) -> None:
    a = det.assess(
        "您好，我是银行客服中心的，系统检测到您的账户存在异常交易，为了您的资金安全，"
        "需要核实一下您的身份信息，请提供您的身份证号码和银行卡号，我们马上帮您处理。"
    )
    assert a.model_probability > 0.5
    assert a.model_terms and all(isinstance(p, str) and w > 0 for p, w in a.model_terms)
    assert all(p in a.text for p, _ in a.model_terms)
    said = next(r for r in a.reasons if r.zh.startswith("从整段话看，说法"))
    # one wording for calls, messages and chats (it once said 「诈骗电话」 under a text message)
    assert "诈骗话术" in said.zh and "scam scripts" in said.en and "电话" not in said.zh
    # it quotes whole clauses of the text around the strongest terms, not the terms' syllable fragments, once: in
    # the reason that names the scheme when the model names it, else in its own
    assert a.model_passages and all(p in a.text for p in a.model_passages)
    quoting = [r for r in a.reasons if all(f"「{p}」" in r.zh for p in a.model_passages)]
    assert len(quoting) == 1 and (quoting[0] is said or a.category == a.model_category == "bank_phishing")
    assert any(len(p) > max(len(t) for t, _ in a.model_terms) for p in a.model_passages)


def test_streaming_hysteresis_and_times(det: ScriptDetector) -> None:
    s = det.session()
    u = s.feed(TranscriptSegment("您好 我 是 电信 客服", is_final=True, start=0.0, end=1.5))
    assert u.level == Level.UNKNOWN
    # a single partial mentioning a strong cue does not raise the level yet …
    u = s.feed(TranscriptSegment("您 的 银行卡 涉嫌 洗钱", is_final=False, start=2.0, end=3.0))
    assert u.level == Level.UNKNOWN and not u.level_changed
    # … a retracted partial lowers nothing and raises nothing
    u = s.feed(TranscriptSegment("您 的 快递", is_final=False, start=2.0, end=3.2))
    assert u.level == Level.UNKNOWN
    u = s.feed(TranscriptSegment("请 把 收到 的 验证 马 告诉 我", is_final=True, start=4.0, end=6.0))
    assert u.level >= Level.WARN and u.level_changed
    assert u.new_hits and all(h.t is not None and 4.0 <= h.t <= 6.0 for h in u.new_hits)
    peak = u.level
    u = s.feed(TranscriptSegment("好的 谢谢 再见", is_final=True, start=7.0, end=8.0))
    assert u.level == peak and not u.level_changed  # never drops within a call
    assert s.assessment.level == peak
    s.reset()
    assert s.level == Level.UNKNOWN


def test_streaming_partial_confirmed_twice_raises(det: ScriptDetector) -> None:
    s = det.session()
    u1 = s.feed(TranscriptSegment("请 把 资金 转到 安全 账户", is_final=False, start=0, end=1))
    u2 = s.feed(TranscriptSegment("请 把 资金 转到 安全 账户 配合 资金 清查", is_final=False, start=0, end=2))
    assert u1.level < Level.WARN <= u2.level
    assert u2.new_hits
    u3 = s.feed(TranscriptSegment("请 把 资金 转到 安全 账户 配合 资金 清查", is_final=True, start=0, end=2))
    reported = {(h.rule_id, h.start) for h in u2.new_hits}
    assert not reported & {(h.rule_id, h.start) for h in u3.new_hits}  # not reported twice


# Homophones a Mandarin recogniser writes for the words scams rely on.
HOMOPHONES = str.maketrans("码分证账户款群单贷金期费额赔偿验积兑换", "马份正帐护宽裙担带今其飞鹅陪常严机对还")


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_schemes_with_recognition_errors_still_flagged(det: ScriptDetector, name: str) -> None:
    text, category, _ = SCHEMES[name]
    garbled = " ".join(text.translate(HOMOPHONES))  # homophones + Vosk-style spaces
    assert garbled != " ".join(text)
    a = det.assess(garbled)
    assert a.level >= Level.WARN, (name, a.score, [h.matched for h in a.hits])
    assert a.category == category
    # 刷担 for 刷单 is not matched by sound on purpose (two syllables would match too much); the rest carries it.
    assert any(h.fuzzy for h in a.hits) or name == "brushing"


def test_sound_matching_does_not_fire_on_unrelated_homophones(det: ScriptDetector) -> None:
    # 纸巾擦 sounds like 资金清查 with a syllable dropped; 信号码 like 新号码: neither is a scam cue here.
    a = det.assess("拍照前用纸巾擦一下镜头。这个信号码不太稳定，我换个地方试试。")
    assert a.level < Level.CAUTION, [h.matched for h in a.hits]


def test_a_misheard_two_character_part_of_a_gapped_phrase_still_matches_by_sound(det: ScriptDetector) -> None:
    """A recogniser writes 积分 as 鸡分 or 机分: inside 「积分…过期」 the other part anchors it."""
    for said in ("您 的 鸡分 在 年底 就要 过期 了", "您 的 机分 到 月底 就 清零 了", "你那个 基分 下个月 就 作废 了"):
        a = det.assess(said, style="call")
        assert "telecom.points_expiring" in {h.rule_id for h in a.hits}, said
    # not where the sound is an everyday word, nor on its own (a reviewer's honest sentences)
    for said in (
        "还有 几分钟 就 过期 了 牛奶 赶紧 喝",
        "等 几分钟 我 在 国企 门口 接 你",
        "驾照 记分 周期 到期 清零 了",
        "您 几分 钟 后 再 打 过来 吧",
        "这 道 题 占 几分 你 算 过 没有",
    ):
        a = det.assess(said, style="call")
        assert not any(h.rule_id.startswith("telecom.points") for h in a.hits), (said, [h.matched for h in a.hits])
        assert a.level < Level.CAUTION, said


def test_description_of_a_scam_is_not_the_scam(det: ScriptDetector) -> None:
    # A police warning or news item names the same cues from the outside.
    a = det.assess(
        "警方提醒：骗子常冒充公检法人员，声称你的银行卡涉嫌洗钱，要求把资金转入所谓的安全账户，这都是诈骗。"
        "近期还有人冒充快递客服，谎称快递丢失要双倍赔偿，再诱导受害人开通借呗额度。"
    )
    assert a.level < Level.WARN, [h.matched for h in a.hits]
    assert all(h.narrated for h in a.hits if h.rule_id.startswith(("police.", "courier.")))
    # … but a caller who only *mentions* scammers to sound trustworthy is still caught.
    b = det.assess("现在骗子很多，为了您的资金安全，请马上把钱转到我们提供的安全账户。")
    assert b.level >= Level.WARN
    # the police's own call warns of calls to come and says to hang up (a volunteer's trial: 拦截); a scammer says
    # not to hang up
    c = det.assess("这里是派出所，提醒您家老人，接到要求转账到安全账户的电话马上挂断", style="call")
    assert c.level < Level.WARN, [h.matched for h in c.hits]
    d = det.assess("你涉嫌洗钱，马上把钱转到安全账户，不要挂断电话，立即操作", style="call")
    assert d.level >= Level.WARN
    # the warning is the whole pattern: its words alone are a scammer's too (a review), in recogniser text above all
    for said in (
        "等一下你会接到要求转账的电话你照做就行把钱转到安全账户",
        "你待会接到让你转账的电话按他说的做把钱转到安全账户",
        "如果银行工作人员打电话问你你就直接挂断不要告诉他们然后你把手机收到的验证码告诉我",
        "马上挂断这个电话然后用这个号码回拨把钱转到安全账户",
        "你听完马上挂断然后下载一个会议软件打开屏幕共享",
    ):
        assert det.assess(said, style="call").level >= Level.WARN, said


# An honest teacher's call: its first half reads like a fee scam, the rest says where to pay in person.
TEACHER = (
    "喂，是刘大爷吗？我是您孙子学校的班主任张老师，孩子的研学费八百元需要今天交，您转一下吧。"
    "您别转给我，学校统一在缴费平台交，明天您来学校门卫室，我带您去财务室现场交，交完给您开发票。"
)


def test_the_live_peak_stays_up_while_now_follows_the_whole_text(det: ScriptDetector) -> None:
    """``level`` never drops during a call; ``now`` is the text so far judged whole, as the call's record is."""
    pieces = [p for p in re.split(r"(?<=[，。？])", TEACHER) if p]
    s = det.session()
    updates = [s.feed(TranscriptSegment(p, is_final=True, start=float(i), end=i + 0.9)) for i, p in enumerate(pieces)]
    assert max(u.level for u in updates) >= Level.WARN  # warned mid-call…
    last = updates[-1]
    assert last.level >= Level.WARN  # …and the live level stays up
    assert last.now < Level.WARN and last.now == s.assessment.level  # the whole call is no scam
    assert last.now_score == pytest.approx(s.assessment.score, abs=1e-3) and last.now_score < last.score
    # once the call is past its short start, judged whole and live the damping is the same: now never exceeds the
    # peak (a short start judged whole damps the model less, detector.SHORT_WHOLE_CALL)
    said = [len("".join(pieces[: i + 1])) for i in range(len(pieces))]
    assert all(u.now <= u.level for u, n in zip(updates, said, strict=True) if n >= 45)
    partial = s.feed(TranscriptSegment("好的好的", is_final=False, start=20.0, end=20.5))
    assert partial.now == last.now  # a partial changes nothing permanently


def test_traditional_characters_match_by_sound(det: ScriptDetector) -> None:
    a = det.assess("您好，我是電信營業廳客服，您的積分即將過期，請把收到的驗證碼告訴我。")
    assert a.level >= Level.WARN and a.category == "telecom_points"


@pytest.mark.parametrize("name", sorted(SCHEMES) + sorted(EVERYDAY))
def test_streamed_finals_agree_with_whole_text(det: ScriptDetector, name: str) -> None:
    text = SCHEMES[name][0] if name in SCHEMES else EVERYDAY[name]
    pieces = [p for p in text.replace("。", "，").split("，") if p]
    s = det.session()
    for i, piece in enumerate(pieces):
        s.feed(TranscriptSegment(" ".join(piece), is_final=True, start=float(i), end=i + 0.9))
    streamed = s.assessment
    whole = det.assess("\n".join(pieces), style="call")  # a session is a call
    assert streamed.level == whole.level
    assert streamed.category == whole.category
    assert streamed.score == pytest.approx(whole.score, abs=1e-3)
    assert {h.rule_id for h in streamed.hits} == {h.rule_id for h in whole.hits}
    assert all(h.t is not None for h in streamed.hits)


_ALPHABET = "验证码积分过期客服退款群扣幺三八零千万不要告诉安全账户刷单佣金 ，。！？\n aQ1v信…"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80) | st.text(max_size=40))
@example("Q扣扣")  # was 「qq扣」, then 「qqq」 when normalised again
def test_any_text_gives_a_consistent_assessment(det: ScriptDetector, text: str) -> None:
    a = det.assess(text)
    assert 0.0 <= a.score <= 1.0 and a.reasons
    for h in a.hits:
        assert 0 <= h.start < h.end <= len(a.text) and a.text[h.start : h.end] == h.matched
    for e in a.entities:
        assert a.text[e.start : e.end].strip() == e.value
    assert normalise(a.text) == a.text  # normalising is idempotent
    s = det.session()
    s.feed(TranscriptSegment(text, is_final=False))
    u = s.feed(TranscriptSegment(text, is_final=True))
    assert u.level >= Level.UNKNOWN


def test_each_place_is_evidence_once(det: ScriptDetector) -> None:
    # "快递丢失" and the gapped "快递…丢失" are phrases of one rule; "qq群" lies inside "加qq群".
    a = det.assess("您的快递丢失了，我们给您理赔，请加扣扣群办理退款。")
    places = [(h.rule_id, h.start, h.end) for h in a.hits]
    assert len(places) == len(set(places)), places
    join_group = [h for h in a.hits if h.rule_id == "refund.join_group"]
    assert [h.matched for h in join_group] == ["加qq群"]
    # The compensation only serves to move you into a QQ group: combo.refund_group fires. The text tells a lost-parcel
    # claim that asks you into a refund group, and the scheme model names one of the two (it names schemes better than
    # the rules' strongest category: see _assessment; the twenty-second session's model scores both 0.9997, the
    # group first), and the first reason names that scheme: as the rules' own when they agree, else as the model's.
    assert a.level >= Level.WARN and "combo.refund_group" in a.combos
    assert a.category == a.model_category and a.category in ("ecommerce_courier", "refund_group")
    named = a.category_text.zh if a.category_text else ""
    assert a.reasons[0].zh.startswith((f"整段话读来最像「{named}」（", f"话术与「{named}」相符"))


PROBE = Path(__file__).parent / "data" / "probe_calls.jsonl"


def test_generalisation_probe_set(det: ScriptDetector) -> None:
    """Our own short fraud and look-alike calls (see data/README.md): a floor, measured 0.98 recall / 0 of 29."""
    rows = read_rows(PROBE, io.StringIO(), "en")
    assert len(rows) >= 60 and {r.label for r in rows} == {0, 1}
    assert {r.expect for r in rows if r.label} >= {
        "kidnapping",
        "bank_phishing",
        "identity_theft",
        "medical_insurance",
        "student_loan_cancel",
        "acquaintance_impersonation",
    }
    result = evaluate(rows, det, Level.WARN)
    overall = result["overall"]
    assert overall["recall"] >= 0.92, overall
    assert overall["fp"] <= 1, overall
    asr = evaluate([r for r in rows if r.id.endswith("_asr")], det, Level.WARN)["overall"]
    assert asr["recall"] >= 0.85 and asr["fp"] == 0, asr  # Vosk-style spacing and homophones
    assert result["category_agreement"]["rate"] >= 0.85, result["category_agreement"]


def test_spoken_amounts_next_to_words_and_service_numbers() -> None:
    assert normalise("五千一个月") == "5000一个月"
    assert normalise("一万两天内转完") == "10000两天内转完"
    assert normalise("五十一个") == "51个"
    kinds = {(e.kind, e.value) for e in extract_entities(normalise("请转九万五块到安全账户 有问题打95588"))}
    assert ("amount", "95000块") in kinds and ("phone", "95588") in kinds and ("phone", "95000") not in kinds


def test_a_number_dialled_with_00_for_the_plus_is_a_phone_number() -> None:
    """A trial pasted 「…请联系客服 0085212345678 或加QQ…」: the clues listed the QQ number, not the Hong Kong phone
    number that 查号 itself warns about."""
    phones = [e.value for e in extract_entities(normalise("如有疑问请联系客服 0085212345678 或加QQ 2837461923。"))]
    assert "0085212345678" in phones
    assert [e.value for e in extract_entities(normalise("已转账0012元，收到请回复")) if e.kind == "phone"] == []


def test_amounts_written_with_thousands_separators_are_whole() -> None:
    # a bank's SMS: 余额12,876.45元 was listed as 876.45元, and 2,000.00元 as 000.00元
    text = normalise("您尾号1234的卡余额12,876.45元，转账2,000.00元，5,320.00元，共计1,000,000元，另付12.5元")
    amounts = [e.value for e in extract_entities(text) if e.kind == "amount"]
    assert amounts == ["12,876.45元", "2,000.00元", "5,320.00元", "1,000,000元", "12.5元"]


def test_fillers_have_no_sound_and_the_model_reads_across_them() -> None:
    """A recogniser's 嗯/呃 between words keep their place in the key (offsets stay aligned) but give the model no
    syllable: 「你先 嗯 转帐 呃 过来」 has the n-grams of 「你先转帐过来」."""
    from screening.transcript.model import count_ngrams, key_model_string

    key = sound_key(True)
    filled, plain = normalise("嗯 你先 嗯 转帐 呃 过来"), normalise("你先转帐过来")
    assert len(key.key(filled)) == len(filled)
    assert key_model_string(key.key(filled)) == key_model_string(key.key(plain))
    assert count_ngrams(key_model_string(key.key(filled))) == count_ngrams(key_model_string(key.key(plain)))
    assert key.key("恩情") != "恩情"  # 恩 sounds like 嗯 and is a word: it keeps its code


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("请于3日内点击 jg12123-gov.icu 在线处理", ["jg12123-gov.icu"]),
        ("退款请到 tb-refund.shop/a 填写", ["tb-refund.shop/a"]),
        ("登录 a-pay.cyou领取", ["a-pay.cyou"]),
        # a common ending glued to the next words still ends a link
        ("【中国移动】登录10086-jf.cn1天内兑换", ["10086-jf.cn"]),
        ("打开jd-tk.comTD退订", ["jd-tk.com"]),
        # e-mail addresses, names and product names are no links
        ("请将答辩材料发送至 fyla2023@126.com", []),
        ("Dear Mr.Wang，您预约的iPhone15.Pro已到店，我在Apple.Store买的，看read.me", []),
    ],
)
def test_bare_links_under_cheap_endings_are_links(text: str, links: list[str]) -> None:
    assert [e.value for e in extract_entities(normalise(text)) if e.kind == "url"] == links


def test_the_older_spelling_of_account_is_the_same_word() -> None:
    # 帐户 / 转帐 (a recogniser's and many writers' spelling) reach the rules' two-character parts, which match characters
    assert normalise("你转到那个帐户以后把转帐记录删了") == "你转到那个账户以后把转账记录删了"
    assert normalise("帐篷和蚊帐") == "帐篷和蚊帐"


def test_a_stream_names_the_scheme_the_whole_text_is_shown_under(det: ScriptDetector) -> None:
    """StreamUpdate.category is the one-shot assessment's category (the scheme model's, over the first cue's)."""
    pieces = ["爷爷，我是小军，", "我在外面跟人打架被派出所扣了，", "警察说要交两万保证金才能放人，", "千万别告诉我爸，",
              "钱转到这个卡上，快点！"]  # fmt: skip
    s = det.session()
    updates = [s.feed(TranscriptSegment(p, is_final=True, start=float(i), end=i + 0.9)) for i, p in enumerate(pieces)]
    assert updates[-1].level >= Level.WARN
    assert updates[-1].category == s.assessment.category == det.assess("".join(pieces), style="call").category
    assert updates[-1].category != "police_impersonation"  # 派出所, the first cue, tells where, not who
    assert s.feed(TranscriptSegment("你", is_final=False)).category is None  # partials name nothing


def test_a_long_streamed_call_names_its_scheme_without_rescanning_the_call(
    det: ScriptDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming the scheme on every final segment of a flagged call must not cost the length of the call so far (a
    review measured 4 ms a segment at 30,000 characters): the state keeps the scheme model's dot products as words
    arrive, and its ranking is the same as ranking all the counts afresh."""
    from screening.transcript.model import SchemeModel

    assert det.model is not None and det.model.schemes is not None
    schemes = det.model.schemes
    rescans: list[int] = []
    real_rank = SchemeModel.rank
    monkeypatch.setattr(
        SchemeModel, "rank", lambda self, counts: rescans.append(len(counts)) or real_rank(self, counts)
    )
    s = det.session()
    pieces = ["您好我是公安局的", "您的银行卡涉嫌洗钱", "请把钱转到安全账户", "不要告诉家人"] * 40
    for i, p in enumerate(pieces):
        u = s.feed(TranscriptSegment(p, is_final=True, start=float(i), end=i + 0.9))
    assert u.level >= Level.WARN and u.category is not None
    assert rescans == []  # every final segment was ranked from the kept dot products
    kept = schemes.rank_state(s._state)
    fresh = real_rank(schemes, s._state.counts)
    assert [c for c, _ in kept] == [c for c, _ in fresh]
    assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(kept, fresh, strict=True))


def test_a_short_brushing_recruitment_sms_is_named_as_brushing(det: ScriptDetector) -> None:
    """A strict xfail until the nineteenth session's model: the scheme model named 冒充领导/熟人 (0.64) over 刷单返利
    (0.62) for this short recruitment SMS with 加QQ; retrained with rounds 29 and 32 it names 刷单返利."""
    a = det.assess("【优选商城】诚聘兼职刷单，日结200元，详情加QQ 3344556677", style="sms")
    assert a.level >= Level.WARN
    assert a.category == "task_rebate"


def test_a_scheme_the_scheme_model_has_not_learned_is_named_by_the_rules(det: ScriptDetector) -> None:
    """As in a leave-one-scheme-out fold: with the rules' scheme silenced in the scheme model, the model would name a
    scheme it knows for every text of it; the rules name it instead."""
    from dataclasses import replace as dc_replace

    from screening.transcript.model import NgramModel

    text = "您好，我是电信营业厅客服，您的积分即将过期，可以兑换现金，请把收到的验证码告诉我。"
    a = det.assess(text, style="call")
    assert a.level >= Level.WARN and a.category == "telecom_points"
    assert det.model is not None and det.model.schemes is not None
    schemes = det.model.schemes
    silenced = dc_replace(
        schemes,
        intercepts=tuple(
            -50.0 if c == "telecom_points" else b for c, b in zip(schemes.classes, schemes.intercepts, strict=True)
        ),
    )
    model = NgramModel.__new__(NgramModel)
    model.__dict__.update(det.model.__dict__)
    model.schemes = silenced
    fold = ScriptDetector(det.book, model, det.key)
    assert fold.assess(text, style="call").category == "telecom_points"


def test_cues_in_a_text_the_model_firmly_reads_as_honest_are_listed_but_not_called_suspicious(
    det: ScriptDetector,
) -> None:
    """China Mobile's own points reminder (积分…清零, 10086) was 注意 on the rules alone, explained with the points
    scam's "lure you to click a link and type your card" although it has no link: the model reads it as honest (p
    0.02), so the cues are listed with why they do not count. The same cues in a scam stay flagged."""
    honest = det.assess(
        "【中国移动】尊敬的客户，您的积分将于12月31日清零，可登录中国移动App或发送JF到10086兑换话费。", style="sms"
    )
    assert honest.level < Level.CAUTION and honest.hits
    assert honest.reasons[0].zh.startswith("有「积分将于12月31日清零」") and "不算可疑" in honest.reasons[0].zh
    assert "not called suspicious" in honest.reasons[0].en
    assert not any("诱导你点链接" in r.zh for r in honest.reasons)  # the scheme's story is not told of it
    scam = det.assess(
        "【中国移动】尊敬的客户，您的积分将于今日清零，请点击 10086-jf.cn 填写银行卡号兑换现金，逾期作废。", style="sms"
    )
    assert scam.level >= Level.WARN and scam.category == "telecom_points"
    assert not any("不算可疑" in r.zh for r in scam.reasons)


def test_a_text_the_rules_call_fraud_keeps_caution_when_the_model_reads_it_honest(det: ScriptDetector) -> None:
    """The calm is for a cue or two: where the rules alone say fraud and the model firmly says not (a warning that
    lists the scam's lines), the veto's caution stands and no reason says "not suspicious"."""
    a = det.assess(
        "【反诈中心提醒】“点赞关注就能赚钱”“垫付刷单返佣金”都是诈骗。所有刷单都是违法行为，先给小甜头再骗大钱是惯用"
        "套路。找兼职请通过正规招聘平台，不缴纳任何押金、会费。",
        style="sms",
    )
    assert a.rule_score >= 0.6 and a.model_probability < 0.05
    assert a.level == Level.CAUTION
    assert not any("不算可疑" in r.zh for r in a.reasons)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("客服热线 400-820-8820，请尽快回电", "400-820-8820"),
        ("刚才 +852 96110 打来说是警察", "+85296110"),
        ("1069 0000 123 发来的兼职短信", "10690000123"),
        ("加我新号 138 0013 8000", "13800138000"),
        ("张叔 +86 139-1234-5678", "+86139-1234-5678"),
        ("座机0513-85123456", "0513-85123456"),
    ],
)
def test_numbers_written_with_spaces_dashes_or_a_plus_are_phone_numbers_in_a_message(text: str, number: str) -> None:
    """A trial: 查号 listed the numbers of a message without +852 96110, 400-820-8820 and 1069 0000 123."""
    assert [e.value for e in extract_entities(normalise(text)) if e.kind == "phone"] == [number]


def test_a_date_an_amount_or_a_code_is_no_phone_number() -> None:
    text = normalise("2026-12-01 转账 5000元，验证码 123456，订单号 20261201")
    assert [e for e in extract_entities(text) if e.kind == "phone"] == []
