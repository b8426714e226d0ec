"""Numbers as people write them on a line of their own: pasted on the 查号 page, typed into a list of numbers, or a
plain line of a call log (``callshield check --file``): groups of digits that make one number, and the words around
them (a name, a date, a time, a duration) that are not a number.

Plain Python, no Qt: the app's paste reader (``app.models.calllog``) and the call-log reader
(``blocklists.importexport.call_log_number``) both split a line here.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

SPLIT = re.compile(r"[\r\n,，;；、|\t]+")
MOBILE_DIGITS = 11  # a number as long as a mobile number is whole: a group written after it is the next number
# a date or a time beside a number, as a call log or a person writes it: 2026-12-06, 12/06, 12.6, 06/12/2026, 12月6日, 2026年12月6号,
# 10:30, 下午3点, 15点20分, 12月6日10:30 (never a number's group: those have no slash, 年, 月 or 点)
_MONTH_DAY = (
    r"(?:0?[1-9]|1[0-2])[/.](?:0?[1-9]|[12]\d|3[01])"  # 12.6 (a month and a day that exist; 12-06 may be a group)
)
_DAY_MONTH = (
    r"(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])"  # 06/12 of 06/12/2026, as Excel writes it in some locales
)
_DATE = (
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|(?:{_MONTH_DAY}|{_DAY_MONTH})[-/.]\d{{4}}|\d{{1,2}}/\d{{1,2}}|{_MONTH_DAY}|"
    r"(?:\d{2,4}年)?\d{1,2}月(?:\d{1,2}[日号])?)"
)
_TIME = r"(?:(?:上午|下午|中午|晚上|凌晨|早上|傍晚)?\d{1,2}(?::\d{2}(?::\d{2})?|[点时](?:\d{1,2}分?|半)?))"
DATE_TIME = re.compile(rf"^(?:{_DATE}(?:{_TIME})?|{_TIME})$")
# a call's duration or count as a phone's call log writes it beside the number: 35秒, 1分35秒, 2小时, 3次, 35s
# (a few digits each: 13800138000s is a mistyped number, not a duration)
DURATION = re.compile(
    r"^(?:\d{1,2}(?:小时|时|h)|\d{1,3}(?:分钟|分|min|mins|m|次)|\d{1,4}(?:秒钟|秒|s|sec|secs))+$", re.IGNORECASE
)

# what a phone's call log writes in its name column for a number that is no contact: the phone's (or its security
# app's) mark, 骚扰电话, 快递送餐, 被23人标记为诈骗电话, never the name of someone the owner knows
PHONE_MARK = re.compile(
    r"^(?:被\s*\d+\s*(?:人|位用户|个用户)?标记(?:为)?|疑似|标记[:：]?)?\s*"
    r"(?:陌生号码|骚扰电话|诈骗电话|广告推销|推销电话|快递送餐|快递外卖|外卖送餐|房产中介|保险理财|金融理财|招聘猎头|"
    r"违法犯罪|出租车|响一声|骚扰|诈骗|推销|广告|中介|催收|贷款推销|教育培训)"
    r"\s*(?:[(（]\s*(?:被)?\s*\d+\s*(?:人|位用户|个用户)?标记\s*[)）])?$"  # 骚扰电话（23人标记）
)


def split_pasted(text: str) -> list[str]:
    """Numbers pasted one per line (or separated by commas/semicolons/tabs/spaces); blanks dropped.

    A number written in groups stays one number (``+86 138 0013 8000``, ``0513 8512 3456``, ``400 123 4567``), while
    whole numbers side by side are split (``95588 0513-85123456`` is two): a token joins the one before while that is
    a short prefix (an area or country code) or while it is a group of at most four digits and the number so far is
    shorter than a mobile number. The words of a call-log paste (a name, 手机, a date or a time) are left out: ``张三
    13800138000 2026-01-02 10:30`` is the number 13800138000. A token mixing digits and other characters (``95588a``)
    is kept for the screener to say what is wrong with it.
    """
    return [number for number, _ in pasted_with_names(text)]


def pasted_with_names(text: str) -> list[tuple[str, str]]:
    """:func:`split_pasted`'s numbers, each with the name written beside it when it is the only number on its line
    (``王大爷 13812345678``, ``13812345678（王大爷）``, ``张三,13800138000,2026-01-02``), else ``""``. A date, a time, a
    duration and a label such as 手机 or 来电 are no name."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines() or [text]:
        line = _LEADING_INDEX.sub("", line)  # 1、13800138000, 1.13800138000, ①13800138000: a numbered list's index
        numbers: list[str] = []
        words: list[str] = []
        for part in SPLIT.split(line):
            if len(numbers_in_part := _part_numbers(part, words)) > 1 and _INDEX.fullmatch(numbers_in_part[0]):
                numbers_in_part = numbers_in_part[1:]  # 1) 13800138000, 2. 95588
            numbers += [_without_index(n) for n in numbers_in_part]
        name = " ".join(w for w in words if not is_log_word(w)) if len(numbers) == 1 else ""
        out += [(number, name if len(name) <= NAME_CHARS else "") for number in numbers]
    return out


NAME_CHARS = 24  # a name beside a number is a short one; a whole sentence around a number is no name
# Words a call log or a list puts beside a number that name no one: the place (…省/市/区/县), the carrier, the kind of
# call, a duration, a label (手机, 电话, Tel); and a phone's marks (``PHONE_MARK``) are no contact either.
LOG_WORD = re.compile(
    r"^(?:\w{0,8}[省市区县州]|\w{0,6}(?:移动|联通|电信|广电|虚拟运营商)|未接来电|已接来电|未接|来电|去电|呼入|呼出|已接|"
    r"拒接|已拒接|挂断|响铃|通话|秒|分钟|分|小时|次|本地|外地|归属地|手机|手机号|手机号码|电话|电话号码|号码|来电号码|"
    r"联系电话|联系方式|座机|固话|拨出|已拨|phone|tel|mobile|number|call|calls|incoming|outgoing|missed|dialled|dialed)$",
    re.IGNORECASE,
)


def is_log_word(word: str) -> bool:
    """Whether a word beside a number is a call log's or a list's own (:data:`LOG_WORD`), or a web address."""
    plain = unicodedata.normalize("NFKC", word).strip(":：")
    return bool(LOG_WORD.match(plain) or _WEB.match(plain))


_WEB = re.compile(r"^(?:https?$|https?://|//|www\.)", re.IGNORECASE)  # (a name parted at its colon: http //x.cn)


_INDEX = re.compile(r"[(（]?\d{1,2}[.)）]?")  # an index before a number on its line (no number has one or two digits)
# an index glued to the number it numbers, or to the name before it, at the start of a line: 1、, 1., 1), (1), ① … ⑳
# (never 12.6, a date)
_LEADING_INDEX = re.compile(
    r"^\s*(?:[(（]?\d{1,2}[、.)）]|[①-⑳])\s*(?=\+?\d{5}|[^\W\d_])"
)  # (or before a name: 1、李阿姨 139…)


def _part_numbers(part: str, words: list[str] | None = None) -> list[str]:
    """The numbers on one line or cell of a paste (:func:`split_pasted`), written as they were; the words beside them
    (no date, time or duration) are added to ``words``."""
    numbers: list[str] = []
    group: list[str] = []
    for token in _unglue(part).split():
        plain = unicodedata.normalize("NFKC", token)
        if DATE_TIME.match(plain):
            continue
        if not any(ch.isdigit() for ch in token) or _name_with_digits(plain):
            if words is not None and any(ch.isalpha() for ch in plain) and not DURATION.match(plain):
                words.append(token)
            continue  # a name or a word beside the number (王5, 3号楼保安)
        duration = DURATION.match(plain) is not None
        if group and _joins(group, token) and (not duration or _completes_mobile(group, token)):
            group.append(token)  # (138 0013 8000s: the last group of a mistyped mobile, not a duration)
            continue
        if duration:
            continue  # a call's duration or count beside the number (95588 12s)
        if group:
            numbers.append(" ".join(group))
        group = [token]
    if group:
        numbers.append(" ".join(group))
    return numbers


def _without_index(number: str) -> str:
    """A number with the list index written before it left out: ``1 138 0013 8000`` (the first of a numbered list)
    is 138 0013 8000, not the twelve digits 113800138000 (so is ``1 400 812 3123``); a country code (``86 138…``,
    ``+1 …``) stays."""
    first, _, rest = number.partition(" ")
    head = digits(first)
    if (
        rest
        and 1 <= len(head) <= 3
        and not first.startswith(("+", "＋", "0"))
        and head != "86"
        and _WHOLE_NUMBER.fullmatch(digits(rest))
    ):
        return rest
    return number


# a number complete on its own, so digits before it are no part of it: a mobile, a 400/800 line, a landline with its 0
_WHOLE_NUMBER = re.compile(r"1[3-9]\d{9}|[48]00\d{7}|0\d{9,11}")


# a name written against its number, as a Chinese keyboard types it: 王大爷（13312345678）, 13312345678（王大爷）,
# 周奶奶：177 1234 5678 (the number read as 王大爷（13312345678）, "含有非号码字符“王”")
_WORDS_IN_BRACKETS = re.compile(r"[（(]([^()（）\d]*)[)）]")
_BRACKETS_AFTER_WORD = re.compile(r"(?<=[^\W\d_])\s*[（(]([^()（）]*)[)）]")
_COLON_AFTER_WORD = re.compile(r"(?<=[^\W\d_])\s*[:：]")


def _unglue(part: str) -> str:
    """``part`` with a name parted from the number it is written against by brackets or a colon (a time's 10:30
    and an area code's (021) 6123 4567 stay as they are)."""
    part = _WORDS_IN_BRACKETS.sub(r" \1 ", part)
    part = _BRACKETS_AFTER_WORD.sub(r" \1 ", part)
    return _COLON_AFTER_WORD.sub(" ", part)


def _name_with_digits(token: str) -> bool:
    """Whether a token is a name or a place with a digit or two in it (王5, 3号楼保安, 12栋): Chinese and fewer than
    three digits. (13800138000张 is a mistyped number, kept for the screener to name.)"""
    return any("\u3400" <= ch <= "\u9fff" for ch in token) and sum(ch.isdigit() for ch in token) < 3


def digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def _completes_mobile(group: list[str], token: str) -> bool:
    """Whether ``token``'s digits make the number so far a whole mobile number (138 0013 + 8000s)."""
    so_far = digits("".join(group))
    return so_far.startswith("1") and len(so_far) + len(digits(token)) == MOBILE_DIGITS


def _joins(group: list[str], token: str) -> bool:
    """Whether ``token`` continues the number written so far in ``group`` (see :func:`split_pasted`)."""
    so_far = digits("".join(group))
    first = unicodedata.normalize("NFKC", group[0]).lstrip("(（")
    prefix = len(so_far) <= 4 and (so_far.startswith("0") or first.startswith("+"))
    if prefix:
        return True
    abroad = _abroad(so_far, first)
    if abroad is not None:
        return _continues_abroad(abroad, digits(token))
    # 0086 138 0013 8000: a mobile's length is counted after the country code (a landline's, +86 10 1234 5678, with
    # it: its 0 is not written, and 110 after it is the next number)
    if _MOBILE_AFTER_0086.match(so_far):
        so_far = so_far[4:]
    elif first.startswith("+") and _MOBILE_AFTER_86.match(so_far):
        so_far = so_far[2:]
    return len(digits(token)) <= 4 and len(so_far) < MOBILE_DIGITS


_MOBILE_AFTER_0086 = re.compile(r"00861[3-9]")
_MOBILE_AFTER_86 = re.compile(r"861[3-9]")


def _abroad(so_far: str, first: str) -> str | None:
    """The digits after the + of a number written with another country's code (``+44 …``, ``0044 …``), else None
    (a Chinese number, +86 or 0086 included, keeps the grouping rules of :func:`split_pasted`)."""
    if first.startswith("+"):
        international = so_far
    elif so_far.startswith("00"):
        international = so_far[2:]
    else:
        return None
    return None if not international or international.startswith("86") else international


_STILL_A_NUMBER = (
    phonenumbers.ValidationResult.IS_POSSIBLE,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    phonenumbers.ValidationResult.TOO_SHORT,
)


def _continues_abroad(international: str, token: str) -> bool:
    """Whether a group of digits continues another country's number: its groups run longer than China's (a UK
    mobile is written +44 7700 900123) or shorter (+886 912 345 678, +33 1 23 45 67 89). A group joins when the
    number with it is a valid one of its country (+49 30 1234 5678: valid at +49 30 1234 too), or while the number so
    far is not valid yet and with the group is not too long (``+44 7700 900123 95588`` is two numbers)."""
    if not token or len(token) > 6:
        return False
    try:
        now = phonenumbers.parse("+" + international)
        longer = phonenumbers.parse("+" + international + token)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(longer):
        return True
    if phonenumbers.is_valid_number(now):
        return False
    return phonenumbers.is_possible_number_with_reason(longer) in _STILL_A_NUMBER
