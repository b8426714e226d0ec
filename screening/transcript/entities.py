"""Evidence the caller mentions: QQ numbers and groups, WeChat IDs, links, apps, card numbers,
amounts and phone numbers.  Runs on normalised text (digits already converted from 幺三八…)."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

ENTITY_KINDS = ("qq", "qq_group", "wechat", "url", "app", "bank_card", "amount", "phone")


@dataclass(frozen=True)
class Entity:
    kind: str  # one of ENTITY_KINDS
    value: str
    start: int
    end: int


# Apps that scams steer people to: meeting/remote-control tools, chat apps, payment and loan apps.
APPS = (
    "腾讯会议",
    "钉钉",
    "飞书",
    "zoom",
    "向日葵",
    "todesk",
    "teamviewer",
    "anydesk",
    "qq",
    "微信",
    "支付宝",
    "云闪付",
    "借呗",
    "花呗",
    "微粒贷",
    "京东金融",
    "抖音",
    "快手",
    "telegram",
    "whatsapp",
)

# Endings a bare link (no http://, no www.) is recognised by: the common ones, and the cheap ones phishing hosts are
# registered under (jg12123-gov.icu, tb-refund.shop, a-pay.cyou). A common ending may run on into what follows, as
# in SMS that glue the link to the next words (10086-jf.cn1天内兑换, jd-tk.comTD退订); one of the others must not be
# followed by a letter (a-pay.cyouX is no link), and words that are also names or English words (.wang, .kim, .pro,
# .store, .me, .info, .co …) are left out: Mr.Wang, App.Store and read.me are no links.
_TLDS = (
    r"(?:com|cn|net|org|top|xyz|vip|cc|app|"
    r"(?:shop|icu|club|online|site|ink|ren|win|bet|cyou|buzz|sbs|cfd|io|hk|tk|ml|ga|cf|gq|pw|ws|cx)(?![a-z]))"
)
_DIGIT = re.compile(r"\d")
# Each pattern comes with a cheap test for something every match contains (a keyword, a run of digits):
# most calls mention no QQ number, card or link, and the test skips the pattern's slower scan.
_PATTERNS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("qq_group", re.compile(r"qq群(?:号)?(?:码)?(?:是|为|:)?\s*(\d{5,11})"), re.compile("qq群")),
    ("qq", re.compile(r"qq(?:号)?(?:码)?(?:是|为|:)?\s*(\d{5,11})"), re.compile("qq")),
    ("qq_group", re.compile(r"(?:群号|群号码)(?:是|为|:)?\s*(\d{5,11})"), re.compile("群号")),
    ("wechat", re.compile(r"微信(?:号)?(?:是|为|:)?\s*([a-z][-_a-z0-9]{5,19})"), re.compile("微信")),
    (
        "url",
        # (a bare link starts a word: not inside an e-mail address such as fyla2023@126.com)
        re.compile(
            rf"((?:https?://|www\.)[\x21-\x7e]+|(?<![a-z0-9@._-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.{_TLDS}(?:/[\x21-\x7e]*)?)"
        ),
        re.compile(rf"://|www\.|\.{_TLDS}"),
    ),
    (
        "bank_card",
        re.compile(r"(?<!\d)(62\d{14,17}|4\d{15}|5[1-5]\d{14}|\d{16,19})(?!\d)"),
        re.compile(r"\d\d{15}"),  # (a leading single \d lets the regex engine skip ahead to the digits)
    ),
    (
        "phone",
        re.compile(
            # (also as people write them: +852 96110, +86 139-1234-5678, 138 0013 8000, 400-820-8820, 1069 0000 123,
            # and dialled from abroad with 00 for the +: 0085212345678, 00852 9611 0)
            r"(?<![\d+])(\+\d{1,3}(?:[ -]?\d{2,5}){1,4}|00[1-9]\d{0,2}(?:[ -]?\d{2,5}){2,4}|1[3-9]\d(?:[ -]?\d{4}){2}|106\d{1,2}(?:[ -]?\d{3,5}){1,3}"
            r"|95\d{3,6}(?![万千元块])|96\d{3,6}(?![万千元块])|[48]00[ -]?\d{3}[ -]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"
        ),
        re.compile(r"\d\d\d"),  # every form has at least three digits in a row
    ),
    (
        "amount",
        # (thousands separated by commas, as banks write them: 12,876.45元 is one amount, not 876.45元)
        re.compile(
            r"((?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:万元|万块|万|千元|千块|元|块钱|块|rmb|人民币|美元|u|usdt))(?![a-z])"
        ),
        _DIGIT,
    ),
)
_NEEDS_DIGIT_OR_LATIN = re.compile(r"[0-9a-z]")
# A number right after a label of its own is that, not a phone number: 「户号0012345678」 on a real electricity bill
# was read as a call from abroad (+1) and warned about (a trial). Not after 账号 or 账户: 「转到支付宝账号13800138000」
# names a mobile (a review).
_NOT_A_PHONE_LABEL = re.compile(
    r"(?:户号|单号|运单号|订单号|编号|工号|会员号|客户号|缴费号|学号|证号|尾号)(?:是|为|:)?\s*$"
)
_APP_RE = re.compile("|".join(re.escape(a) for a in sorted(APPS, key=len, reverse=True)))


@functools.lru_cache(maxsize=16)
def extract_entities(norm: str) -> tuple[Entity, ...]:
    """Entities in normalised text, ordered by position; overlapping spans keep the first kind listed.

    Remembered for the last few texts: one assessment asks for them up to three times (the poster check, lookalike
    links, the entity list), and the answer is an immutable tuple."""
    found: list[Entity] = []
    starts: list[int] = []  # sorted, non-overlapping spans already taken
    ends: list[int] = []

    def free(a: int, b: int) -> bool:
        i = bisect.bisect_left(starts, b)
        return i == 0 or ends[i - 1] <= a

    def take(a: int, b: int) -> None:
        i = bisect.bisect_left(starts, a)
        starts.insert(i, a)
        ends.insert(i, b)

    if _NEEDS_DIGIT_OR_LATIN.search(norm) is None:  # numbers, IDs and links all need one of these
        patterns: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = ()
    else:
        patterns = _PATTERNS
    for kind, pattern, needs in patterns:
        if needs.search(norm) is None:
            continue
        for m in pattern.finditer(norm):
            start, end = m.span(1)
            if kind == "phone" and _NOT_A_PHONE_LABEL.search(norm, max(0, start - 8), start):
                continue
            if free(start, end):
                found.append(Entity(kind, m.group(1).strip(), start, end))
                take(start, end)
    for m in _APP_RE.finditer(norm):
        if free(m.start(), m.end()):
            found.append(Entity("app", m.group(0), m.start(), m.end()))
    found.sort(key=lambda e: e.start)
    return tuple(found)
