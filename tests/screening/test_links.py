"""Links that pose as an official site (仿冒网址): found, explained, and not confused with the real sites."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector
from screening.transcript.links import (
    authority_stray_links,
    host_of,
    impersonated_name,
    is_authority_signature,
    lookalike_links,
    off_authority_sites,
    official_domains,
)
from screening.transcript.normalise import normalise
from screening.types import Level, TranscriptSegment

LOOKALIKE_RULE = "generic.lookalike_link"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("icbc-upd.com", "icbc"),
        ("https://www.10086-jf5g.cn/dh", "10086"),
        ("u.10010-jf.com/hw", "10010"),
        ("m-10086vip.cn", "10086"),  # a name with digits glued to other letters
        ("abchina-zs.top", "abchina"),
        ("cmbchinavip.cc", "cmbchina"),  # a long name glued
        ("www.icbc.com.cn@evil.cc", "icbc"),  # the part before @ is only a user name, shown to look official
        ("http://icbc.com.cn@1.2.3.4/x", "icbc"),
        ("jg12123-cl.cn", "12123"),
        ("rsbt-gov.cc", "gov"),  # an authority's sites end in .gov.cn
        ("boc-ebank-gx.com", "boc"),
        ("xianyu-pay.net", "xianyu"),
        # a brand's bare name counts as its own only under the endings it registers, and never for an authority
        ("ctrip-tk.cn", "ctrip"),
        ("icbc.top", "icbc"),
        ("gov.com", "gov"),
        ("12123.cn", "12123"),
        ("ctrip.cn@1.2.3.4", "ctrip"),
        # a government service's name in pinyin: its sites end in .gov.cn too (round-23 fake tax and subsidy SMS)
        ("gs-tuishui.cn", "tuishui"),
        ("rs-butie.cn/form", "butie"),
        ("www.gjj-dk.top", "gjj"),
        ("shebao-rz.com", "shebao"),
    ],
)
def test_a_borrowed_name_is_found(url: str, name: str) -> None:
    assert impersonated_name(url) == name


@pytest.mark.parametrize(
    "url",
    [
        "www.icbc.com.cn",
        "https://10086.cn/qd",
        "u.jd.com/Xa92kL",
        "https://m.tb.cn/h.5Kq2",
        "etax.chinatax.gov.cn",
        "www.nhsa.gov.cn",
        "t.cn/A6xYz9Qp",  # a shortener names nobody
        "c.abcd.cn/x9kp",  # a short name inside an ordinary word is not borrowed
        "jdcloud.com",
        "weixin.qq.com",
        "www.10010.com,",  # a real carrier's site with the sentence's comma run on (STC-3 helpdesk chats)
        "www.hnpolice.com",  # a provincial police site: authorities are matched by gov only
        # real sites that carry a name of the table, or one glued to other letters (found in review)
        "cmbchina.com",  # official for cmbchina, and carries cmb and cmbc
        "hicloud.com",
        "www.chinaunicom.com.cn",
        "icloud.com.cn",
        "www.citics.com",
        "e.bank.ecitic.com",
        "spdbccc.com.cn",
        "ccb-life.com.cn",
        "huaweicloud.com",
        "tencentcloud.com",
        "tmall.hk",
        "unionpayintl.com",
        "ct10000.com",
        "iesdouyin.com",
        "wechatpay.com.hk",
        "pineapple.com",  # a short name inside a word
        "gov.hk",  # every government's own sites
        "www.ird.gov.hk",
        "www.gov.uk",
        "pingan.gov.cn",
        "tax.pwc.com",
        "189.12.3.4",  # an address, not a name
        "user@mail.qq.com",
        # a brand's bare name under .cn/.com/.com.cn/.net beside the domain the table lists (round-11 honest SMS)
        "ctrip.cn/h/4ZqLm",
        "m.ctrip.cn",
        "bankcomm.cn/jf",
        "icbc.com",
        "ems.cn",
        "si.12333.gov.cn",
        "tuishui.chinatax.gov.cn",
        "yibao.alipay.com",  # under a domain the table lists
        # a service's pinyin name glued into another word is that word (ginseng, a firm, a tax adviser)
        "renshenguo.cn",
        "www.51shebao.com",
        "www.shuiwushi.com",
    ],
)
def test_official_sites_and_ordinary_domains_are_not(url: str) -> None:
    assert impersonated_name(url) is None


def test_host_of_drops_scheme_www_path_port_user_and_punctuation() -> None:
    assert host_of("HTTPS://www.Boc-VIP.cn:8080/a?b=1") == "boc-vip.cn"
    assert host_of("(www.189.cn)") == "189.cn"
    assert host_of("www.icbc.com.cn@evil.cc/login") == "evil.cc"


def test_no_domain_the_table_lists_is_ever_a_lookalike() -> None:
    """One table: every domain listed for a sender number or a name is somebody's own site."""
    table = official_domains()
    assert "icbc.cn" in table.every and "cmbchina.cn" in table.every  # SMS senders' domains count too
    for domain in table.every:
        for url in (domain, f"www.{domain}", f"https://m.{domain}/a"):
            assert impersonated_name(url) is None, url


def test_a_remark_about_fake_sites_is_not_a_link() -> None:
    """The rule has no phrases: only a link can be a hit of it."""
    a = ScriptDetector.default().assess("最近网上山寨官网很多，我买东西都只在京东自营买。", style="chat")
    assert not [h for h in a.hits if h.rule_id == LOOKALIKE_RULE]
    assert a.level < Level.WARN


def test_positions_point_at_the_link_in_normalised_text() -> None:
    norm = normalise("【工商银行】您的电子密码器即将过期，请登录 icbc-upd.com 更新。")
    ((start, end, name),) = lookalike_links(norm)
    assert norm[start:end] == "icbc-upd.com" and name == "icbc"
    assert lookalike_links(normalise("没有链接的一句话。")) == []


FAKE = "【中国银行】您的网银盾将于今日到期失效，为不影响正常使用，请登录 boc-ebank-gx.com 进行在线升级。"
REAL = "【中国银行】您的网银盾将于今日到期失效，为不影响正常使用，请登录 www.boc.cn 进行在线升级。"


def test_a_fake_bank_site_is_a_cited_hit_and_warns(det: ScriptDetector) -> None:
    a = det.assess(FAKE, style="sms")
    hits = [h for h in a.hits if h.rule_id == LOOKALIKE_RULE]
    assert [h.matched for h in hits] == ["boc-ebank-gx.com"]
    assert a.level >= Level.WARN, (a.score, [(h.rule_id, h.matched) for h in a.hits])
    explained = " ".join(r.zh + r.en for r in a.reasons)
    assert "仿冒网站" in explained and "fake site" in explained


def test_the_same_text_with_the_real_site_has_no_such_hit(det: ScriptDetector) -> None:
    a = det.assess(REAL, style="sms")
    assert not [h for h in a.hits if h.rule_id == LOOKALIKE_RULE]


def test_a_warning_against_the_fake_site_is_not_an_ask(det: ScriptDetector) -> None:
    a = det.assess("【中国银行】近期有不法分子发送短信冒充我行，请勿登录 boc-ebank-gx.com 等仿冒网址。", style="sms")
    assert not [h for h in a.hits if h.rule_id == LOOKALIKE_RULE and not h.narrated]
    assert a.level < Level.WARN, (a.score, [(h.rule_id, h.matched) for h in a.hits])


def test_a_streaming_session_finds_it_too(det: ScriptDetector) -> None:
    session = det.session(style="sms")
    session.feed(TranscriptSegment(text=FAKE, is_final=True, start=0.0, end=1.0))
    assert any(h.rule_id == LOOKALIKE_RULE for h in session.assessment.hits)


# -- a message signed by a government office, linking off the government sites ------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        "人社",
        "交管12123",
        "深圳市南山区人民法院",
        "区征兵办公室",
        "自然资源局",
        "国家税务总局",
        "12345",
        "财政部",
        "国家反诈中心",
    ],
)
def test_a_government_office_signature(signature: str) -> None:
    assert is_authority_signature(signature)


@pytest.mark.parametrize(
    "signature",
    [
        "国家开放大学",
        "国家助学贷款",
        "国网供电局",
        "幸福里居民委员会",
        "工商银行",
        "京东",
        # found by a reviewer: 局, 厅 and 委员会 alone, and offices' words inside other names
        "外婆家餐厅",
        "中国移动营业厅",
        "中华书局",
        "邮局",
        "阳光小区业主委员会",
        "21世纪不动产",
        "幸福老人社区",
        "个人社区服务",
        "社保代缴服务",
        "税务师事务所",
        "公安县人民医院",
    ],
)
def test_schools_companies_and_neighbourhood_committees_are_no_office(signature: str) -> None:
    assert not is_authority_signature(signature)


def test_an_office_signature_with_a_link_off_government_sites() -> None:
    norm = normalise("【人社】您的养老金领取资格认证已过期，下月起停发，速认证：rs-rzzx.cn")
    assert [norm[a:b] for a, b in authority_stray_links(norm)] == ["rs-rzzx.cn"]
    assert authority_stray_links(normalise("【京东】您的养老金领取资格认证已过期，速认证：rs-rzzx.cn")) == []
    # a trailing signature counts too; a government site, a WeChat article (qq.com) and an unsigned text do not
    assert authority_stray_links(normalise("养老金认证今日截止：ylj-rz.top【社保】")) != []
    assert authority_stray_links(normalise("【江苏人社】请登录 jshrss.jiangsu.gov.cn 认证")) == []
    assert authority_stray_links(normalise("【区卫健委】详见 mp.weixin.qq.com/s/abc")) == []
    assert authority_stray_links(normalise("您的养老金认证已过期，速认证：rs-rzzx.cn")) == []
    assert not off_authority_sites("fuwu.nhsa.gov.cn") and off_authority_sites("jg12123-gov.icu")
    # schools, the national anti-fraud app's own site and link shorteners are places offices link to; gov.cc is not
    for host in ("zs.xxsz.edu.cn", "fzapp.gjfzpt.cn", "t.cn"):
        assert not off_authority_sites(host), host
    assert off_authority_sites("jg12123.gov.cc")


def test_words_inside_a_web_address_are_no_wording(det: ScriptDetector) -> None:
    # 10086 in the carrier's own https://h5.10086.cn was read as a caller saying he is from 10086 (CAUTION)
    real = det.assess(
        "【中国移动】尊敬的客户，您本月可用积分2860分，可登录 https://h5.10086.cn/pd/jf 兑换话费、流量等权益。",
        style="sms",
    )
    assert real.hits == () and real.level == Level.UNKNOWN
    fake = det.assess("【中国移动】您的积分即将清零，请登录 10086-jf.top 兑换现金", style="sms")
    assert fake.level == Level.BLOCK
    assert [h.rule_id for h in fake.hits if h.matched == "10086-jf.top"] == ["generic.lookalike_link"]


def test_such_a_link_warns_and_says_why(det: ScriptDetector) -> None:
    # a sign, not proof: alone a caution; with a model fairly sure the text is a scam it is an ask and warns
    warned = det.assess("【人社】您的养老金领取资格认证已过期，下月起停发，速认证：rs-rzzx.cn", style="sms")
    assert warned.level >= Level.WARN
    a = det.assess(
        "【区征兵办公室】您报名的兵役登记已通过初审，请于3个工作日内缴纳体检费460元，缴费方式见 zbb-tj.cn", style="sms"
    )
    assert a.level >= Level.CAUTION
    hit = next(h for h in a.hits if h.rule_id == "generic.authority_link")
    assert hit.matched == "zbb-tj.cn" and hit.canonical == "gov.cn"
    assert any("政府网站" in r.zh and "government site" in r.en for r in a.reasons)
    honest = det.assess("【江苏人社】您的养老金资格认证将于下月到期，可登录 jshrss.jiangsu.gov.cn 办理", style="sms")
    assert not any(h.rule_id == "generic.authority_link" for h in honest.hits)


def test_the_sign_alone_is_a_caution(det: ScriptDetector) -> None:
    # some offices link to a site of their own off gov.cn: the sign alone is no warning, and the model's veto still
    # holds (the rule weighed 0.6 through the fourteenth session while its notes said 0.45, and this was a WARN)
    a = det.assess("【深圳公积金】您的公积金年度结息已完成，详情请登录 www.szzfgjj.com 查询", style="sms")
    assert any(h.rule_id == "generic.authority_link" for h in a.hits)
    assert a.level == Level.CAUTION


def test_a_link_that_also_borrows_a_name_is_said_once(det: ScriptDetector) -> None:
    a = det.assess("【交管12123】您有一条超速记录，罚款2000元，请于3日内点击 jg12123-gov.icu 在线处理", style="sms")
    link_hits = [h.rule_id for h in a.hits if h.matched == "jg12123-gov.icu"]
    assert link_hits == ["generic.lookalike_link"]
