"""The family report's HTML is in one language, the reader's (a volunteer's trial: every line written twice, Chinese
then English, made the page twice as long on a phone): ``lang="zh"`` has no English sentence, ``lang="en"`` no
Chinese words of ours (only the messages' own words and the data stay as written); ``None`` keeps both."""

from __future__ import annotations

import html
import re

from app.reports.family import FlaggedItem, NumberSummary, SafetyReport, render_html
from screening.types import Level
from tests.app.reports.test_family_chart import _report

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _full_report(profile: str = "妈妈") -> SafetyReport:
    rep = _report()
    rep.profile = profile
    rep.calls_screened, rep.sms_screened, rep.recordings_scanned, rep.calls_blocked = 9, 9, 1, 1
    rep.numbers = [
        NumberSummary(
            "106905951234", None, 2, ["sms", "call"], Level.BLOCK, "短信平台端口不应来电", "an SMS port calling",
            "2026-12-01T01:12:00+00:00",
        ),
        NumberSummary("", None, 1, ["call"], Level.WARN, "隐藏号码", "hidden number", "2026-12-02T01:12:00+00:00"),
    ]  # fmt: skip
    rep.items = [
        FlaggedItem(
            kind="sms", number="10690000123", name=None, occurred_at="2026-12-01T01:12:00+00:00", level=Level.WARN,
            category="task_scam", scheme_zh="刷单返利", scheme_en="Task scams", evidence=["刷单", "日结"],
            entities=[("QQ号", "QQ number", "3344556677"), ("链接", "link", "http://10086-jf.top")],
            reasons=[("要求加 QQ", "asks you to add a QQ"), ("兼职刷单", "paid-task work")],
            excerpt="【优选商城】诚聘兼职刷单，日结200元",
        ),
        FlaggedItem(
            kind="recording", number="", name=None, occurred_at="2026-12-04T01:12:00+00:00", level=Level.BLOCK,
            category="police", scheme_zh="冒充公检法", scheme_en="Fake police", evidence=["安全账户"], entities=[],
            reasons=[("要求转账到安全账户", "asks for a transfer to a safe account")], excerpt="把钱转到安全账户",
            file_name="call-0001.mp3",
        ),
    ]  # fmt: skip
    rep.items_not_shown = 3
    return rep


def _visible(page: str, keep_quoted: bool = True) -> str:
    """What a reader sees (the title too), tags and CSS dropped; without the messages' own words if asked."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    if not keep_quoted:
        page = re.sub(r"<span class='hl'>.*?</span>", " ", page)
        page = re.sub(r"<div class='excerpt'>.*?</div>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_chinese_report_has_no_english() -> None:
    page = render_html(_full_report(), "zh")
    assert page.startswith("<!DOCTYPE html>\n<html lang='zh-CN'>")
    text = _visible(page)
    for zh in ("妈妈的手机 · 家人防诈报告", "数字一览", "可疑事件时间线", "最可疑的号码", "接下来怎么做", "拿不准时"):
        assert zh in text
    assert "号码：" in text and "诈骗类型：" in text and "QQ号：" in text and "未知号码" in text and "另有 3 条" in text
    # the only Latin words left are the app's name, "QQ" in 不加陌生人的 QQ/微信, and the data (a link)
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - {"CallShield", "QQ", "http", "jf", "top", "call", "mp"}
    assert not words, f"English in the Chinese report: {sorted(words)}"
    assert "class='en'" not in page


def test_english_report_has_no_chinese_words_of_ours() -> None:
    page = render_html(_full_report("Mum"), "en")
    assert page.startswith("<!DOCTYPE html>\n<html lang='en'>")
    text = _visible(page, keep_quoted=False)
    for en in ("Family safety report for Mum's phone", "At a glance", "Timeline of risky events", "What to do next"):
        assert en in text
    assert "Number: " in text and "Scheme: Task scams" in text and "QQ number: 3344556677" in text
    assert "an SMS port calling" in text and "unknown" in text and "3 more not listed" in text
    assert not CJK.search(text), f"Chinese in the English report: {CJK.findall(text)}"
    # the messages' own words stay as written, marked as evidence
    assert "【刷单】" in page and "诚聘兼职刷单" in page


def test_language_codes_and_both_on_request() -> None:
    rep = _full_report()
    assert render_html(rep, "en-US") == render_html(rep, "en") and render_html(rep, "zh_CN") == render_html(rep, "zh")
    both = render_html(rep, None)  # a caller that wants both still can: Chinese with the English beneath
    assert "<html lang='zh-CN'>" in both and "接下来怎么做<span class='en' lang='en'>What to do next</span>" in both
    assert len(_visible(render_html(rep, "zh"))) < 0.6 * len(_visible(both))
