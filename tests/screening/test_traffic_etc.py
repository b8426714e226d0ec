"""The 冒充交管 / ETC 短信 pack (blocklists/phrases/traffic_etc.json): fake 12123 traffic-fine and ETC "re-certify"
messages and calls, and the honest traffic, toll, parking, charging and driving-school texts that use the same words.

The scheme model was never taught this category, so the rules name it (``ScriptDetector._assessment``); before the pack
these texts were flagged but filed under 冒充公检法, 冒充银行, 套取身份信息 or 中奖.
"""

from __future__ import annotations

import pytest

from screening.transcript.detector import ScriptDetector
from screening.transcript.phrases import load_phrase_book
from screening.types import Level

SCAMS = [
    # SMS: a fine paid through a link (a lookalike of the 12123 site, a shortener, a plain site)
    (
        "sms",
        "【交管12123】您有一条交通违法记录未处理，请点击链接 http://jg12123-wf.cn 缴纳罚款，逾期将影响驾驶证年审。",
    ),
    ("sms", "您有一条交通违法记录未处理，请点击链接缴纳罚款 https://t.cn/A6x2k9 逾期将产生滞纳金并扣分。"),
    (
        "sms",
        "【交管】您驾驶的车辆有3条违章未处理，罚款共计600元，请在24小时内登录 122-jgcx.com 缴纳，逾期驾驶证将被暂扣。",
    ),
    ("sms", "【交管12123】您有违章未处理，请尽快登录 www.jgwfcl.com 处理，逾期将加收滞纳金。"),
    ("sms", "【交通违法处理】车牌粤A***88有一笔违章罚款待缴纳，请点击 http://jtwf-pay.cn 在线缴纳，逾期将加收滞纳金。"),
    ("sms", "【12123】您的车辆有1条违章记录未处理罚款200元扣3分请于3日内点击 t.cn/Rk2x 处理逾期将吊销驾驶证"),
    # SMS: the ETC tag "expired", re-certify through a link
    (
        "sms",
        "【ETC服务中心】尊敬的用户，您的ETC认证已失效，将于今日停用，请点击 etc-rz.top 重新认证，以免影响正常通行。",
    ),
    ("sms", "您的ETC即将停用，请点击链接重新认证 http://etcvip.cc/k 按页面提示填写银行卡号和验证码完成认证。"),
    ("sms", "【粤通卡】您的ETC因信息未更新已被限制使用，请及时登录 http://etc-gd.xyz 更新信息并填写银行卡号完成签约。"),
    ("sms", "尊敬的车主：您的ETC将于今日24点停止使用，请立即访问 www.etc-cx.top 完成认证，避免高速通行受阻。"),
    # calls, punctuated and as a recogniser writes them (no punctuation, spaces, 认证 heard as 人证, 链接 as 连接)
    (
        "call",
        "您好我是高速ETC客服，您的ETC卡认证过期了，今天不重新认证就停用，我发个链接给您，"
        "您在页面上填一下银行卡号和收到的验证码就行。",
    ),
    (
        "call",
        "喂你好 这边是交警大队的 您有一条违章没有处理 罚款两百扣三分 您现在交的话我给你发个链接 在里面输入卡号就能交 "
        "不交的话驾驶证要吊销",
    ),
    ("call", "我们是交警支队的 你有三条违章没处理 今天下午之前把一千二的罚款转到我给你的账户上 不然驾驶证直接吊销"),
    ("call", "你这个违章罚款可以直接转到我们交警队的账户上 我把账号发给你 转完就给你消除记录 不然下周驾驶证就冻结了"),
    (
        "call",
        "您好 这里是ETC服务中心 您的ETC已经失效了 需要重新激活 您打开我们发给你的链接 输入一下银行卡号 密码 "
        "还有手机收到的验证码 激活就好了",
    ),
    ("call", "你好 我是高速 etc 中心 你的 etc 以经失效 需要重新人证 我发个连接给你 你在里面输入银行卡号就行"),
    (
        "call",
        "喂 您好 这里是 e t c 客服中心 您的 e t c 认证 已经 过期 了 明天 就 停用 我 把 认证 链接 发到 您 手机 上 "
        "您 点开 填 一下 卡号 和 验证码",
    ),
    # a chat message
    (
        "chat",
        "您好，您的ETC卡因未完成年审已被暂停使用，需要您打开这个链接 etc-nianshen.cn 重新激活，"
        "激活时输入绑定的银行卡号和收到的验证码即可",
    ),
]


@pytest.mark.parametrize(("style", "text"), SCAMS)
def test_fake_traffic_fine_and_etc_texts_warn_and_are_named_as_such(det: ScriptDetector, style: str, text: str) -> None:
    a = det.assess(text, style=style)
    assert a.level >= Level.WARN, (a.score, [h.rule_id for h in a.hits])
    assert a.category == "traffic_etc", (a.category, a.model_category, [h.rule_id for h in a.hits])
    # the name comes from categories.json, and a hit carries the category, so a stored call can name it from its hits
    name = load_phrase_book().categories["traffic_etc"].name
    assert a.category_text == name
    assert any(h.category == "traffic_etc" and h.category_text == name for h in a.hits)
    assert a.reasons[0].zh.startswith(f"话术与「{name.zh}」相符") and f"'{name.en}'" in a.reasons[0].en


HONEST = [
    # real 12123 notices send you to the official app (or its gov.cn site), never to a link of their own
    (
        "sms",
        "【交管12123】您的小型汽车粤B8***6于3月1日在中山大道有一条交通违法记录，请及时登录交管12123App查询处理。"
        "交管部门不会通过短信发送缴款链接。",
    ),
    (
        "sms",
        "【交管12123】您的机动车粤A***88于3月2日有一条交通违法记录，请登录交管12123App或 https://gab.122.gov.cn 查询处理。",
    ),
    ("sms", "【交管12123】您的驾驶证将于2025年5月20日有效期满，请在期满前90日内通过交管12123App或到车管所申请换证。"),
    ("sms", "【交管12123】您的驾驶证记分周期即将结束，本周期累计记分6分，请及时登录交管12123App参加学法减分。"),
    # real ETC notices from banks and toll operators
    ("sms", "【工商银行】您尾号6621的ETC记账卡于03月05日产生通行费38.50元，将于次月5日从您的信用卡扣款。"),
    ("sms", "【建设银行】您申请的ETC设备已寄出，收到后请在ETC助手小程序按提示自行激活，如有疑问请拨打95533。"),
    ("sms", "【招商银行】您的ETC卡即将到期，新卡已寄出，收到后请登录招商银行App激活，旧卡届时停用。"),
    ("sms", "【粤通卡】您的ETC设备因拆卸已失效，请携带行驶证和身份证到就近服务网点重新激活。"),
    ("sms", "【工商银行】您的ETC签约账户已变更为尾号3321的借记卡，如非本人操作请致电95588。"),
    ("sms", "【ETC助手】您的验证码为482913，用于ETC设备激活，5分钟内有效，请勿泄露。"),
    (
        "call",
        "您好 这边是建设银行的 您在我们这办的ETC 设备已经寄出了 您收到以后在ETC助手小程序上自己激活 不需要提供任何验证码",
    ),
    (
        "call",
        "您好 这里是高速公路客服 您昨天通过收费站时ETC没有扣费成功 需要补缴通行费十五元 您可以在ETC助手小程序里补缴",
    ),
    # toll, parking and charging receipts
    ("sms", "【粤通卡】您的车辆粤B12345于03-05 14:22驶出广州北站，通行费38.00元，已从绑定账户扣款，余额126.00元。"),
    ("sms", "【万达停车】您的车辆粤B12345已离场，停车时长2小时15分，缴费10元，欢迎再次光临。"),
    ("sms", "【捷停车】您的车辆已入场，离场时请扫码缴费或使用ETC无感支付。"),
    ("sms", "【特来电】您的充电订单已完成，充电量32.5度，费用45.6元，已从账户余额扣除。"),
    ("sms", "【星星充电】您的充电已结束，本次消费58.20元，如有疑问请在App内联系客服。"),
    # driving schools
    ("sms", "【东方驾校】学员您好，您预约的科目二考试定于3月10日上午8点，请携带身份证提前30分钟到达考场。"),
    ("sms", "【顺安驾校】学员您好，您的科目一已通过，请于3日内到驾校前台缴纳科目二培训费2800元，可刷卡或微信支付。"),
    ("call", "喂 你好 我是驾校的李教练 明天上午科目三练车改到九点 你带上身份证 学费还差五百 来了交给前台就行"),
    # the real traffic police, and family talking about a fine
    (
        "call",
        "您好这里是交警大队 您的车昨天在路口有一个闯红灯的记录 您可以在交管12123上面看一下 有异议的话带上驾驶证过来处理",
    ),
    (
        "call",
        "喂 你好 我是交警大队事故科的 你上周那个事故的责任认定书出来了 你明天带驾驶证和行驶证过来签字 "
        "罚款两百可以在12123上交",
    ),
    ("chat", "老公 你上周那个违章罚款我在12123上交了 扣了三分 记得下次别开那么快"),
    ("chat", "爸，刚才那条说你违章没处理、让点链接交罚款的短信是假的，12123从来不发链接，别理它。"),
    # police warnings that describe these very scams
    (
        "sms",
        "【市公安局反诈中心】提醒：近期有不法分子冒充交管12123发短信，称您有违章未处理，让您点击链接缴纳罚款，"
        "或以ETC认证失效为由让您点击链接输入银行卡号和验证码，这些都是诈骗！违法记录请通过交管12123App查询。",
    ),
    (
        "sms",
        "【XX交警】温馨提示：近期出现冒充交管部门发送“交通违法缴款”链接的诈骗短信，交管部门不会通过短信链接收取罚款，"
        "请通过交管12123App查询处理。",
    ),
    (
        "sms",
        "警方提醒：收到“ETC认证失效”“交通违法待缴罚款”之类的短信，不要点里面的链接，ETC不需要认证，"
        "罚款请在交管12123App缴纳。",
    ),
    (
        "call",
        "各位居民注意了 最近有骗子冒充交管12123发短信 说您有违章没处理 让您点击链接缴纳罚款 还有的说您的etc认证失效了 "
        "让您点链接重新认证 输入银行卡号和验证码 这些都是诈骗 交罚款只能在交管12123app上 etc也不需要认证",
    ),
    (
        "call",
        "您好 我们是反诈中心的 最近有骗子冒充交管12123发短信 说你有违章 让你点链接交罚款 这都是假的 "
        "罚款只能在交管12123 app上交 您千万别点",
    ),
    ("chat", "妈 你要是收到说ETC认证失效 让你点链接重新认证的短信 千万别点 那是骗子 上次我同事就被骗了两千"),
]


@pytest.mark.parametrize(("style", "text"), HONEST)
def test_honest_traffic_toll_and_driving_texts_stay_under_warning(det: ScriptDetector, style: str, text: str) -> None:
    a = det.assess(text, style=style)
    assert a.level < Level.WARN, (a.score, a.rule_score, a.model_probability, [h.rule_id for h in a.hits])


def test_saying_you_are_the_traffic_police_names_no_scheme(det: ScriptDetector) -> None:
    """交警 / 车管所 / ETC客服 alone tell no story: such a caller asking for ID and card numbers is no traffic-fine scam."""
    a = det.assess("我是交警大队的 你把身份证号和银行卡号报一下 我们这边核实一下", style="call")
    persona = [h for h in a.hits if h.rule_id == "traffic.identity"]
    assert persona and all(h.category == "generic" for h in persona)
    assert a.category != "traffic_etc"


def test_an_etc_tag_taken_off_the_windscreen_is_no_ask(det: ScriptDetector) -> None:
    """A real operator: an ETC tag taken off the windscreen stops working and is reactivated at a service point.
    No link, no card: only the pretext fires, not the re-certification ask."""
    a = det.assess("【粤通卡】您的ETC设备因拆卸已失效，需重新激活，请携带行驶证到就近服务网点办理。", style="sms")
    assert {h.rule_id for h in a.hits} == {"etc.status"}
    assert a.level < Level.CAUTION
