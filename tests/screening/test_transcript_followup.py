"""Issue 12 follow-up: honest retellings and warnings stay calm, 'pay before you are paid' is an ask,
short key cues survive a misheard character, an off-platform deal is not an official one."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector
from screening.transcript.explain import ReasonText
from screening.transcript.normalise import normalise, sound_key
from screening.types import Level, TranscriptSegment

HONEST = [
    "爸，最近有骗子打电话说是医保局的，说你医保卡被冻结要交钱解冻，你千万别信，直接挂了就行。",
    "朋友：那个什么挖矿平台你别投了，我表哥投了十万提不出来，说要先交保证金才能提现，肯定是骗局。",
    "王先生您好，您在我行申请的房贷已经审批通过，放款前需要您本人带身份证到网点签合同。",
    "您好，顺丰快递，您的快递在中转站丢失了，我们已经登记理赔，赔款会直接退到您下单的支付账户。",
    "我在藏宝阁上买了个号，官方平台交易，钱是平台先保管的，确认收货才给卖家。",
    # a citizen calling an anti-fraud hotline retells the call their father got (a hotline trial: 拦截, 1.00)
    "我爸接到电话说积分即将过期可以兑换现金，让他把验证码告诉对方，他已经说了验证码，现在怎么办？",
]


@pytest.mark.parametrize("text", HONEST)
def test_honest_retellings_and_notices_stay_below_warn(det: ScriptDetector, text: str) -> None:
    a = det.assess(text)
    assert a.level < Level.WARN, (a.score, [(h.rule_id, h.matched) for h in a.hits])


def test_pay_before_payout_is_an_ask(det: ScriptDetector) -> None:
    a = det.assess("你的账户赢了三万，但是要先缴纳百分之十的保证金才能提现，充值五千元才能出款。", style="chat")
    assert "generic.pay_before_payout" in {h.rule_id for h in a.hits}
    assert a.level >= Level.WARN


def test_a_short_key_cue_matches_by_sound(det: ScriptDetector) -> None:
    # 家群 for 加群 (same sound): two-character cues in SOUND_TWO match by sound, others only exactly
    heard = det.assess("退款的话请家群七四零二二一五六三，群里客服给你办理")
    hits = {h.rule_id: h for h in heard.hits}
    assert "refund.join_group" in hits and hits["refund.join_group"].fuzzy


def test_off_platform_deal_is_still_caught(det: ScriptDetector) -> None:
    a = det.assess("我们去平台外交易吧，加我微信，我给你发收款链接，先付定金")
    assert {"used.offsite", "game.offsite"} & {h.rule_id for h in a.hits}
    assert a.level >= Level.WARN


# A cue inside quotation marks that a denial governs is cited, not asked for; one a sentence does not cover is asked.
CITED = [
    "【福彩中心】提醒：彩票中奖无需先缴纳“个人所得税”或“手续费”才能领奖，单注奖金超过一万元需本人持票和身份证到福彩中心兑奖。",
    "【中国电信】尊敬的客户，您的星级积分可兑换话费、视频会员等权益，兑换入口：电信营业厅App-我的-积分。请勿轻信“积分清零，点击链接兑换现金”的短信。",
    "二手交易平台安全须知：请在平台内沟通、下单、付款；平台不存在“交易保证金”“账户解冻费”；卖家不会要求您扫描其他二维码付款。",
]


@pytest.mark.parametrize("text", CITED)
def test_a_cited_cue_is_a_warning_not_an_ask(det: ScriptDetector, text: str) -> None:
    a = det.assess(text, style="sms")
    assert a.level < Level.WARN, (a.score, [(h.rule_id, h.matched) for h in a.hits])


def test_a_quoted_cue_without_a_denial_still_counts(det: ScriptDetector) -> None:
    a = det.assess("恭喜您中奖了，领奖前需先缴纳“个人所得税”和“手续费”共两千元，转到指定账户后即可到账。", style="sms")
    assert {"prize.tax_fee", "generic.upfront_fee"} & {h.rule_id for h in a.hits}
    assert a.level >= Level.WARN


def test_a_rhetorical_denial_is_a_warning(det: ScriptDetector) -> None:
    # 哪有…的 denies: a friend saying no real lender asks for money first is not a lender asking for it
    a = det.assess("你听我说，哪有放款前要先交钱的，正规贷款都是放款后才扣利息。", style="chat")
    assert not {"loan.fee_before", "generic.pay_before_payout"} & {h.rule_id for h in a.hits if not h.narrated}
    assert a.level < Level.WARN


def test_a_gapped_cue_does_not_chain_across_sentences(det: ScriptDetector) -> None:
    # 积分…清零 must not join the 积分 of one sentence to the 清零 of the next
    a = det.assess("您的积分。清零活动明天开始报名。", style="sms")
    assert "telecom.points_expiring" not in {h.rule_id for h in a.hits}


@pytest.mark.parametrize(
    "text", ["读书会群公告：群内禁止发广告、投资、刷单链接，发现即踢。", "本群严禁刷单，违者移出群聊。"]
)
def test_a_rule_against_a_cue_is_not_the_cue(det: ScriptDetector, text: str) -> None:
    a = det.assess(text, style="sms")
    assert "task.brushing" not in {h.rule_id for h in a.hits}, [(h.rule_id, h.matched) for h in a.hits]
    assert a.level < Level.WARN


def test_a_forbidden_report_to_the_police_is_still_a_threat(det: ScriptDetector) -> None:
    # secrecy cues are not negatable: 不许报警 is the scammer's order, not a rule against a scam
    a = det.assess("你现在不许挂电话，也不许报警，马上把钱转过来，不然你儿子就回不来了。", style="call")
    assert "generic.secrecy" in {h.rule_id for h in a.hits}
    assert a.level >= Level.WARN


POSTERS = [
    "【警惕冒充熟人诈骗】\n“我换号了，这是我的新号码”\n“我在开会不方便接电话，先借我五万周转”\n遇到借钱先打电话或视频核实。",
    "电信网络诈骗常见类型一览\n刷单返利类：“点赞关注就赚钱，垫付返现”\n虚假网络贷款类：“无抵押、秒到账，先交保证金”\n"
    "冒充公检法类：“你涉嫌洗钱，转到安全账户”\n记住：不轻信、不透露、不转账！",
]


@pytest.mark.parametrize("text", POSTERS)
def test_a_poster_titled_as_a_fraud_warning_is_not_the_fraud(det: ScriptDetector, text: str) -> None:
    """An anti-fraud poster lists the scam's words, one per line, under a title that says what they are: those cues
    are cited, not said, even in lines of their own; and the explanation says so first, in zh and en."""
    a = det.assess(text, style="sms")
    assert a.hits and all(h.narrated for h in a.hits), [(h.rule_id, h.matched, h.narrated) for h in a.hits]
    assert a.level < Level.WARN, a.score
    assert (a.reasons[0].zh, a.reasons[0].en) == (ReasonText.CITED.zh, ReasonText.CITED.en)


@pytest.mark.parametrize(
    "text",
    [
        # the same lines without such a title are the scam itself
        "【通知】\n“我换号了，这是我的新号码”\n我在开会不方便接电话，先借我五万周转，转到这个卡上",
        "【通知】“我换号了，这是我的新号码”，我在开会不方便接电话，先借我五万周转，转到这个卡上",
        # a 【…】 header run on into a one-line SMS is no title, whatever it says
        "【谨防诈骗】您名下的校园贷账户未注销，会影响征信，请尽快联系客服注销。",
        # a speaker's first turn is not a title, even when it says 诈骗
        "小王：你不会是诈骗吧\n对方：怎么会，我在开会不方便接电话，先借我五万周转，转到这个卡上",
        # a title that names an office is a letterhead fraud borrows
        "国家反诈中心 风险提示函\n您的账户涉嫌洗钱，请于今日下载安全防护APP，将资金转入安全账户配合核查。",
        "国家反诈骗中心 风险提示函\n您的账户涉嫌洗钱，请于今日下载安全防护APP，将资金转入安全账户配合核查。",
        # a warning title over a direct ask to the reader
        "防范电信诈骗\n尊敬的用户，您的银行卡存在风险，请立即下载安全防护APP，将资金转入安全账户。",
        # a "recovery service" for fraud victims that gives a private contact is the recovery scam
        "网络诈骗资金追回服务\n专业律师团队，快速追回被骗资金，先缴纳立案保证金，成功后按比例收费\n联系QQ 2880476637",
        "网络诈骗资金追回服务\n专业律师团队，快速追回被骗资金，先缴纳立案保证金，成功后按比例收费\n联系电话 13812345678",
    ],
)
def test_cues_without_a_warning_title_still_count(det: ScriptDetector, text: str) -> None:
    a = det.assess(text, style="chat")
    assert any(not h.narrated for h in a.hits), [(h.rule_id, h.matched, h.narrated) for h in a.hits]
    assert a.level >= Level.WARN, (a.score, [(h.rule_id, h.matched, h.narrated) for h in a.hits])
    assert ReasonText.CITED.zh not in {r.zh for r in a.reasons}


CALL_WITH_A_FRAUD_WORD_FIRST = [
    "警惕诈骗",
    "我是公安局刑侦支队的，现在侦办一起电信诈骗案，你的身份证涉嫌洗钱",
    "这件事要保密，不许告诉家人",
    "你现在把名下所有资金转到安全账户，配合资金清查",
]


def test_a_call_has_no_title(det: ScriptDetector) -> None:
    """A call's recogniser segments are not lines: a first segment that says 诈骗 is no poster's title, assessed whole
    or streamed."""
    whole = det.assess("\n".join(CALL_WITH_A_FRAUD_WORD_FIRST), style="call")
    assert whole.level >= Level.WARN and ReasonText.CITED.zh not in {r.zh for r in whole.reasons}
    session = det.session()
    for i, text in enumerate(CALL_WITH_A_FRAUD_WORD_FIRST):
        update = session.feed(TranscriptSegment(text=text, is_final=True, start=float(i * 3), end=float(i * 3 + 3)))
    assert Level.parse(update.level) >= Level.WARN, update.score


def test_a_denial_between_the_parts_of_a_cue_denies_it(det: ScriptDetector) -> None:
    """「领奖不需要先交」 is not the ask 领奖…先交; 「积分再不用就要清零」 is a condition, still the cue."""
    denied = det.assess("正规抽奖活动领奖不需要先交个税、公证费或者邮费，中奖信息请到官方网站核对。", style="sms")
    assert "prize.tax_fee" not in {h.rule_id for h in denied.hits if not h.narrated}
    assert denied.level < Level.WARN
    threat = det.assess("你那个积分再不用就要清零了，我帮你换成现金，把收到的验证码给我说一下。")
    assert "telecom.points_expiring" in {h.rule_id for h in threat.hits}
    assert threat.level >= Level.WARN


def test_a_posters_question_answered_with_its_verdict_is_a_warning(det: ScriptDetector) -> None:
    """「自称公检法要求转到安全账户？——诈骗！」 on a bank's counter sign lists the scam; it does not ask for it."""
    a = det.assess("网点提示\n● 自称公检法要求转到安全账户？——诈骗！\n● 刷单要先垫钱？——诈骗！", style="sms")
    assert "generic.safe_account" not in {h.rule_id for h in a.hits if not h.narrated}
    assert a.level < Level.WARN
    asked = det.assess("您的资金涉嫌洗钱，必须转到安全账户？对，今天之内转过去，不然马上冻结。")
    assert "generic.safe_account" in {h.rule_id for h in asked.hits} and asked.level >= Level.WARN


@pytest.mark.parametrize(
    ("text", "rule", "style"),
    [
        (
            "做任务的本金不会少的会全部返还给您",
            "task.advance_pay",
            "call",
        ),  # a reassurance inside the gap, then the cue
        ("你好我是客服你这个验证码不会扣您钱的告诉我就行", "generic.code_request", "call"),
        ("您的积分如果不用月底就会清零请点击链接兑换", "telecom.points_expiring", "sms"),  # a condition, not a denial
    ],
)
def test_a_reassurance_inside_a_gap_does_not_deny_the_cue(
    det: ScriptDetector, text: str, rule: str, style: str
) -> None:
    a = det.assess(text, style=style)
    assert rule in {h.rule_id for h in a.hits if not h.narrated}
    assert a.level >= Level.WARN


def test_keeping_it_from_the_family_is_the_scams_secrecy_not_a_warning(det: ScriptDetector) -> None:
    """「…不要告诉别人」 after a cue is a warning; 「出车祸了不要告诉爸爸」 is the fake child's own secrecy."""
    a = det.assess("妈我出车祸了不要告诉爸爸赶紧打钱给我")
    assert {"family.accident", "generic.secrecy"} <= {h.rule_id for h in a.hits if not h.narrated}
    assert a.level >= Level.WARN
    assert det.assess("验证码千万不要告诉别人").level < Level.WARN


def test_a_rebuttal_with_commas_is_no_posters_verdict(det: ScriptDetector) -> None:
    a = det.assess("必须把钱转到安全账户，你怀疑我？——骗子会让你去公安局网站查警号吗？")
    assert "generic.safe_account" in {h.rule_id for h in a.hits}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("你放心，我们卖的是货，不是拉人头，你交三千拿货就能做代理。", "agent.recruit_down"),
        ("我们这个不是赌博，是数据分析，跟着老师下注，一个月回本。", "gamble.platform"),
    ],
)
def test_a_scammer_denying_the_scheme_still_names_it(det: ScriptDetector, text: str, rule: str) -> None:
    """「不是拉人头」, 「不是赌博」: the scammer's own denial names the scheme; it is no warning against it."""
    a = det.assess(text, style="call")
    assert rule in {h.rule_id for h in a.hits if not h.narrated}
    assert a.level >= Level.CAUTION
    assert a.score > 0.35


def test_a_denial_in_recognised_speech_stops_where_a_new_clause_starts(det: ScriptDetector) -> None:
    """Recognised speech has no commas: 「你不用念给我 我这边共享屏幕看得到」 denies the reading out, not the screen share
    that follows 我这边; a warning or a reassurance with no such break still denies its cue."""
    a = det.assess("阿姨你不用念给我我这边共享屏幕看得到你别动就行", style="call")
    assert "remote.screen_share" in {h.rule_id for h in a.hits if not h.narrated}
    b = det.assess("短信您不用管 我这边帮您远程操作 您手机放着就行", style="call")
    assert "remote.screen_share" in {h.rule_id for h in b.hits if not h.narrated}
    # a filler, or a denial that states what happened (没有成功), ends the clause as well
    for text in ("女士您好刚才您的转账没有成功您开一下屏幕共享我看看", "验证码您不用念呃您打开屏幕共享我帮您看"):
        assert "remote.screen_share" in {h.rule_id for h in det.assess(text, style="call").hits if not h.narrated}, text
    for honest in (
        "千万不要相信任何要求你共享屏幕的人也不要把验证码告诉别人",
        "这个不需要您先交任何手续费 放款后按月还就行",
        "您不用提供任何验证码我们这边直接给您办好了",
        "我们这边没有通过电话让您开屏幕共享 您放心",  # 没有通过 is "never by way of", no finished statement
    ):
        c = det.assess(honest, style="call")
        assert c.level < Level.WARN, honest
        assert not {"remote.screen_share", "loan.upfront_fee", "generic.code_request"} & {
            h.rule_id for h in c.hits if not h.narrated
        }, honest


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("我在外地碰上点难处 你能不能先借我三万 转到我表弟的卡上 下周就还你", "generic.transfer_request"),
        ("领导让我问你 你要不要先把钱转到这个账户上 他下午要用", "generic.transfer_request"),
        ("您看可不可以先提供一下收到的验证码 我帮您核对一下", "generic.code_request"),
    ],
)
def test_an_a_not_a_question_is_no_denial(det: ScriptDetector, text: str, rule: str) -> None:
    """「能不能」, 「要不要」, 「可不可以」 ask; they do not deny the cue that follows as 「不能」, 「不要」 would."""
    a = det.assess(text, style="call")
    assert rule in {h.rule_id for h in a.hits if not h.narrated}
    denied = det.assess(
        text.replace("能不能", "不能").replace("要不要", "不要").replace("可不可以", "不可以"), style="call"
    )
    assert rule not in {h.rule_id for h in denied.hits if not h.narrated}


def test_a_fake_reassurance_does_not_silence_a_sure_model(det: ScriptDetector) -> None:
    """「酒钱我们不会让您先垫」 denies a strong cue (advance payment) the way a warning does; the model, sure of a fee
    before the payout, still warns (it was cut to a third whenever a text denied a strong cue and asked nothing strong)."""
    text = (
        "大爷您好，我们是名酒回收的，听说您家有几瓶二十年的老茅台，现在一瓶能收到三万。回收之前要先做个年份鉴定，"
        "鉴定费一瓶八百，四瓶就是三千二，鉴定完当场打款，鉴定费跟货款一起退给您，酒钱我们不会让您先垫。"
    )
    norm = normalise(text)
    assert det.matcher.find_all(norm, sound_key(True).key(norm)).warned >= 0.4  # it denies a strong cue …
    a = det.assess(text, style="call")
    assert not any(h.weight >= 0.4 and not h.narrated for h in a.hits)  # … and says none of its own
    assert a.model_probability >= 0.9
    assert a.level >= Level.WARN


def test_a_cue_inside_an_everyday_word_is_that_word(det: ScriptDetector) -> None:
    """体验资格 holds 验资, the "capital check" fee of loan scams; 核验资料 too. The fee itself still counts."""
    for honest in ("恭喜您获得宽带提速体验资格，免费提速一个月", "办理时请带好身份证，我们要核验资料"):
        assert "loan.upfront_fee" not in {h.rule_id for h in det.assess(honest, style="sms").hits}, honest
    fee = det.assess("贷款已经批了，放款前要先交五千验资费，证明您的还款能力", style="call")
    assert "loan.upfront_fee" in {h.rule_id for h in fee.hits}
    # only the held cue goes: another rule's phrase that starts inside the word (资料…更新) still counts
    assert "idt.pretext" in {h.rule_id for h in det.assess("您的核验资料需要更新，请联系客服办理。", style="sms").hits}


def test_a_denial_inside_a_phrase_gap_denies_what_follows(det: ScriptDetector) -> None:
    """「中奖者凭小票当场领取，无需缴纳任何税费」: the gapped phrase 领取…税费 spans the 无需 that denies the fee."""
    honest = det.assess("店庆抽奖，中奖者凭小票当场领取，无需缴纳任何税费或手续费。", style="sms")
    assert "prize.tax_fee" not in {h.rule_id for h in honest.hits}
    assert honest.level < Level.WARN
    scam = det.assess("恭喜您中奖了，领取奖金前需要先缴纳个人所得税费三千元", style="call")
    assert "prize.tax_fee" in {h.rule_id for h in scam.hits}


def test_reporting_to_the_police_is_no_secrecy_cue(det: ScriptDetector) -> None:
    """「报了警」 told by the one who reported is no threat; 「报了警你就再也见不到他」 is."""
    told = det.assess("幸亏我舅妈在旁边，直接把电话挂了报了警", style="call")
    assert "generic.secrecy" not in {h.rule_id for h in told.hits}
    for threat in (
        "你儿子在我们手上，报了警你就再也见不到他了",
        "你儿子在我们手上，报了警，你就再也见不到他了",
        "你儿子在我们手上 要是报了警 撕票",
        "你儿子在我们手上 报了警的话后果自负",
    ):
        assert "generic.secrecy" in {h.rule_id for h in det.assess(threat, style="call").hits}, threat


def test_a_transfer_told_as_done_is_no_request(det: ScriptDetector) -> None:
    """「生存金已按约定转入万能账户」 reports money paid to the reader; 「请将资金转入这个账户」 asks for it."""
    done = det.assess("【泰和人寿】您的生存金1500元已按约定转入万能账户，当前账户价值36022元。", style="sms")
    assert "generic.transfer_request" not in {h.rule_id for h in done.hits}
    for text in (
        "请您今天把资金转入这个安全账户，核查完就退回",
        "只是走个流程而已转入这个账户马上就退回",
    ):  # (而已: "merely")
        assert "generic.transfer_request" in {h.rule_id for h in det.assess(text, style="call").hits}, text


def test_an_office_fee_and_an_hour_window_are_no_loan_fee_or_money_ask(det: ScriptDetector) -> None:
    """工本费 is what every office charges for a card (the loan scam's fee still counts as a fee paid first), and
    「两小时内」 is a time, not a demand to send money (it still counts as urgency)."""
    office = det.assess("【福邻物业】您家门禁卡已补办完成，工本费二十元，请到物业服务中心领取。", style="sms")
    assert "loan.fee_before" not in {h.rule_id for h in office.hits}
    bill = det.assess("【星网移动】您的号码已欠费23.40元，已暂停呼出功能，缴清欠费后两小时内自动恢复。", style="sms")
    assert "family.send_money_now" not in {h.rule_id for h in bill.hits}
    loan = det.assess("贷款已经审批通过了，放款前要先交一笔工本费和保证金，两千块，放款后一起退给您", style="call")
    assert {"generic.upfront_fee", "loan.fee_before"} <= {h.rule_id for h in loan.hits}
    assert loan.level >= Level.WARN
    hostage = det.assess("你儿子在我们手里，两个小时内把三十万打到这个账户上，敢报警就撕票。", style="call")
    assert "generic.urgency" in {h.rule_id for h in hostage.hits} and hostage.level >= Level.BLOCK


def test_a_waived_fee_is_denied_and_an_old_peoples_flat_is_no_endearment(det: ScriptDetector) -> None:
    """「不收代理费」 waives the agent fee; 养老公寓 holds 老公 ("husband", a romance cue)."""
    waived = det.assess("我们不收代理费，就是首批货款，有正规合同和发票。", style="chat")
    assert not {"agent.fee", "agent.recruit"} & {h.rule_id for h in waived.hits if not h.narrated}
    asked = det.assess("想做我们的代理，先交三千八代理费，拿货价五折，一个月回本。", style="chat")
    assert "agent.fee" in {h.rule_id for h in asked.hits}
    flat = det.assess("您是不是参加过养老公寓的讲座，让您交钱认购床位？", style="call")
    assert "romance.endearment" not in {h.rule_id for h in flat.hits}
    assert "romance.endearment" in {h.rule_id for h in det.assess("老公，我妈住院了", style="chat").hits}


def test_points_about_to_expire_turned_into_cash_is_the_points_scam_on_the_rules_alone() -> None:
    """Carrier and bank points buy airtime or gifts, never cash: 「积分即将清零…兑换现金」 is the points scam's opening even
    when the recogniser garbles the ask that follows. An honest expiry notice offers gifts."""
    rules = ScriptDetector.load(use_model=False)
    heard = "您 的 话 费 积 分 即 将 过 期 清 零 今 天 兑 黄 现 金 还 有 额 外 赠 品 安 赚 易 借 钱 领 取"
    a = rules.assess(heard, style="call")
    assert "combo.points_cash_expiring" in a.combos
    assert a.level >= Level.WARN and a.category == "telecom_points"
    honest = rules.assess(
        "【东盛银行】您的信用卡积分12,840分将于明年6月30日到期，可兑换电饭煲、行李箱等礼品。", style="sms"
    )
    assert "telecom.points_cash" not in {h.rule_id for h in honest.hits} and honest.level < Level.WARN
    voucher = rules.assess("会员积分即将过期，可兑换现金券，在门店消费时抵扣。", style="sms")
    assert "telecom.points_cash" not in {h.rule_id for h in voucher.hits}  # not_inside: 兑换现金券


def test_a_staff_referral_bonus_and_an_instalment_fee_rate_are_everyday_words(det: ScriptDetector) -> None:
    """内部推荐奖励 is HR's referral bonus (「内部推荐单」 of a stock tipster stays a cue); 手续费率 is a rate."""
    hr = det.assess("关于2025年员工内部推荐奖励办法的通知：推荐人可获奖励2000元，随转正当月工资发放。", style="sms")
    assert "invest.insider" not in {h.rule_id for h in hr.hits}
    tips = det.assess("专业分析师每日推送内部推荐单，跟单胜率九成以上", style="chat")
    assert "invest.insider" in {h.rule_id for h in tips.hits}
    rate = det.assess("【海晟银行】您的一笔信用卡消费2,680.00元可申请分12期，月手续费率0.6%，回复FQ办理。", style="sms")
    assert "loan.upfront_fee" not in {h.rule_id for h in rate.hits}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("我们不收任何费用只需先交保证金", "generic.upfront_fee"),  # 保证金 alone: many scams ask one
        ("贷款免收利息先交五千保证金马上放款", "loan.upfront_fee"),
        ("我们这边不收现金您直接转账到这个账户", "generic.transfer_request"),
        ("我们这个工作不收押金先交两百培训费就能上岗", "generic.upfront_fee"),
    ],
)
def test_a_waiver_denies_only_the_fee_right_after_it(det: ScriptDetector, text: str, rule: str) -> None:
    """「不收任何费用，只需先交保证金」 waives one fee and asks another (recognised speech has no comma between)."""
    assert rule in {h.rule_id for h in det.assess(text, style="call").hits if not h.narrated}


def test_a_held_word_is_found_by_sound_and_no_hit_runs_across_its_end(det: ScriptDetector) -> None:
    """not_inside words are matched like phrases, by sound (兑黄现金券 is 兑换现金券), and only whole: 老公安排 is
    husband + 安排, not 老公安局."""
    heard = det.assess("会 员 积 分 即 将 过 期 可 兑 黄 现 金 券 到 店 使 用", style="call")
    assert "telecom.points_cash" not in {h.rule_id for h in heard.hits}
    assert "romance.endearment" in {h.rule_id for h in det.assess("老公安排一下周末去哪", style="chat").hits}


def test_paying_a_friend_back_soon_is_no_threat_to_hurt_you(det: ScriptDetector) -> None:
    """「马上还你」 (huan, pay back) is keyed by 还's first reading, hai: shang hai ni, the sound of 伤害你. Its
    not_inside word holds the threat only by sound; a threat said or misheard stays one."""
    for text in ("上次借的五百块，我下周一马上还你，别急哈", "钱我马上还他，你放心"):
        honest = det.assess(text, style="chat")
        assert "kidnap.threat" not in {h.rule_id for h in honest.hits}, text
        assert honest.level < Level.CAUTION, text
    # a threat with 伤 dropped (马上害你) sounds just like 马上还你: the word is looked for as written, not by sound
    for text in (
        "不给钱我们马上伤害你儿子",
        "不 给 钱 马 上 伤 还 你 儿 子",
        "不给钱马上害你全家",
        "不打钱就马上害你儿子",
    ):
        assert "kidnap.threat" in {h.rule_id for h in det.assess(text, style="call").hits}, text


def test_a_partial_segment_that_ends_inside_a_held_word_waits_for_the_rest(det: ScriptDetector) -> None:
    """A partial 「…兑换现金」 may go on as 兑换现金券: its cash cue is not counted until the text says which."""
    s = det.session(style="call")
    for _ in range(2):
        s.feed(TranscriptSegment("积分马上清零可以兑换现金", is_final=False, start=0.0, end=2.0))
    u = s.feed(TranscriptSegment("积分马上清零可以兑换现金券到店使用", is_final=True, start=0.0, end=3.0))
    assert "telecom.points_cash" not in {h.rule_id for h in u.new_hits}
    assert u.level == det.assess("积分马上清零可以兑换现金券到店使用", style="call").level
    # a final segment that ends on the cue counts it
    s = det.session(style="call")
    u = s.feed(TranscriptSegment("积分马上清零可以兑换现金", is_final=True, start=0.0, end=2.0))
    assert "telecom.points_cash" in {h.rule_id for h in u.new_hits}


@pytest.mark.parametrize("text", ["这件事不要告诉子女，他们不懂", "不要跟儿女讲，等钱到了再说", "千万别让子女知道"])
def test_keeping_it_from_the_children_is_secrecy(det: ScriptDetector, text: str) -> None:
    """A trial's elderly-investment chat said 「这件事不要告诉子女」 and no cue was found; 「别跟儿女说」 was one."""
    assert "generic.secrecy" in {h.rule_id for h in det.assess(text, style="chat").hits}


def test_a_scammer_who_mentions_the_text_you_got_is_still_caught(det: ScriptDetector) -> None:
    """「接到短信说」 tells a retelling, but only of its own sentence: the ask that follows is the scammer's own."""
    a = det.assess(
        "您好，您是不是接到短信说您的快递丢了？我是快递理赔专员，我们这边给您三倍理赔，请您加一下理赔QQ群。",
        style="call",
    )
    assert a.level >= Level.WARN and a.category in ("ecommerce_courier", "refund_group"), (a.level, a.category)


@pytest.mark.parametrize(
    "text",
    [
        "我们接到电话说你的身份证涉嫌洗钱你必须把钱转到安全账户",
        "你好，我是市公安局的。我们接到电话说你的身份证涉嫌洗钱，你必须把钱转到安全账户。",
    ],
)
def test_a_fake_officer_who_got_a_call_is_no_retelling(det: ScriptDetector, text: str) -> None:
    """「我们接到电话说」 is a fake police officer's own opening, not a citizen retelling a call (a review)."""
    assert det.assess(text, style="call").level is Level.BLOCK
