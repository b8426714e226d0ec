"""Text normalisation and the pinyin "sound key" used for recognition-error tolerant matching.

Two steps, both cheap enough for streaming:

1. :func:`normalise` turns typed, pasted or recognised text into one canonical form: NFKC (full-width
   letters and digits become half-width), lower case, the spaces a recogniser such as Vosk puts
   between Chinese characters removed, spoken forms unified (扣扣 → qq, V信/威信 → 微信) and runs of
   Chinese numerals written as digits (幺三八 → 138, 五千 → 5000).  Phrase rules go through the same
   function, so rule and text always agree.
2. :class:`SoundKey` maps every Chinese character to one private-use character per toneless pinyin
   syllable (optionally merging the sounds that southern accents and recognisers confuse: zh/z,
   ch/c, sh/s, n/l, -ng/-n).  The mapping is one character to one character, so positions in the
   key string are positions in the normalised text.  Homophone errors (验证马, 积份) have the same
   key as the right words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

# ---------------------------------------------------------------------------------------------------
# normalise()

# Spoken or disguised forms of the same thing.  Order matters only where one is a prefix of another.
# Each pattern starts with a plain character, its "not after a letter" lookbehind right after it, so that
# the regex engine can skip to the candidates (see the space patterns below); the second to fourth mean
#   (?<![a-z])q(?=群|号),  (?<![a-z])(?:v|vx|wx|威|薇|徽)信  and
#   (?<![a-z0-9_./@-])(?<!微信)(?:vx|wx)(?![a-z_]|[.-][a-z0-9]).
# A vx or wx inside a link or an ID is left alone (wx-pay-jd.com, m.wx.cn, wx_abc: a trial's link became
# 「-pay-jd.com」), but not one before a sentence's own dot or dash (「加vx…」, 「请加vx.」). One followed by a short run of
# digits is said as 微信 and kept, as the ID it starts (「加vx5566」, 「wx123456」); before a phone number's digits it is
# 微信 alone, the number being the ID (「加我vx13800138000」 names a mobile to screen).
_PHONE_AFTER = re.compile(r"1[3-9]\d{9}(?!\d)|\d{12,}")


def _vx_wx(match: re.Match[str]) -> str:
    end = match.end()
    if not match.string[end : end + 1].isdigit() or _PHONE_AFTER.match(match.string, end):
        return "微信"
    return "微信" + match.group(0)


_SPOKEN_FORMS: tuple[tuple[str, Any], ...] = (
    # (q扣 not after a letter, 扣q not before one: 「q扣扣」 → 「qq扣」 must stay so when normalised again)
    (r"扣扣|口口|寇寇|抠抠|叩叩|扣q(?![a-z])|q(?<![a-z]q)扣|企鹅号", "qq"),
    (r"q(?<![a-z]q)(?=群|号)", "qq"),
    (r"(?:v(?<![a-z]v)x?|w(?<![a-z]w)x|威(?<![a-z]威)|薇(?<![a-z]薇)|徽(?<![a-z]徽))信", "微信"),
    (r"[vw](?<![a-z0-9_./@-][vw])x(?![a-z_]|[.-][a-z0-9])(?<!微信[vw]x)", _vx_wx),
    (r"支护宝|支负宝|zfb(?![a-z])", "支付宝"),
)
_SPOKEN_RE = [(re.compile(p), r) for p, r in _SPOKEN_FORMS]
_SPOKEN_ANY = re.compile("[扣口寇抠叩企qvw威薇徽支z]")  # a character every spoken form starts with

# Whitespace next to anything that is not ASCII (Chinese characters, Chinese punctuation), and
# between digits, carries no meaning: Vosk writes "验 证 码", people write "138 0013 8000".
# These three patterns start with a plain character (any lookbehind comes after it), which lets the regex
# engine jump from one space to the next instead of trying every position; they mean
#   (?<=[^\x00-\x7f])[ \t]+ | [ \t]+(?=[^\x00-\x7f]) | (?<=\d)[ \t]+(?=\d),   [ \t]{2,}
#   and (?<![a-z0-9])([a-z])[ \t]+(?=[a-z](?![a-z0-9]))   (tests/screening/test_transcript_speed.py checks it).
_SPACE_NON_ASCII = re.compile(r"[ \t](?:(?<=[^\x00-\x7f][ \t])[ \t]*|[ \t]*(?=[^\x00-\x7f])|(?<=\d[ \t])[ \t]*(?=\d))")
_MULTI_SPACE = re.compile(r"[ \t][ \t]+")
# Recognisers spell letters out one by one ("q q 群", "v x"): join runs of single Latin letters.
_SPELLED_LETTERS = re.compile(r"([a-z])(?<![a-z0-9][a-z])[ \t]+(?=[a-z](?![a-z0-9]))")

# The characters NFKC changes on their own (2,972 in the BMP: full-width forms, the ideographic space, the
# ellipsis, circled digits …).  Each is compatibility-equivalent to its NFKC form, so putting those in first
# leaves the text's NFKC unchanged, and in almost every call the full NFKC pass is then only a check.
_NFKC_FORM = {
    chr(c): unicodedata.normalize("NFKC", chr(c))
    for c in range(0x10000)
    if not unicodedata.is_normalized("NFKC", chr(c))
}
_NFKC_COMMON = re.compile("[" + "".join(map(re.escape, _NFKC_FORM)) + "]")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
# A numeral run must start with a digit word or 十 so that 千万(不要)/万一/百分百 stay words.
_NUMERAL_RUN = re.compile(r"[零〇一幺二两三四五六七八九十][零〇一幺二两三四五六七八九十百千万亿]+")
_MIN_DIGIT_RUN = 3  # 一一 / 三五 are words or vague amounts; 幺三八… is a number read out digit by digit


def _numeral_value(run: str) -> str | None:
    """Value of a Chinese numeral run as digits, or None when it is not a number."""
    if all(ch in _CN_DIGITS for ch in run):
        if len(run) < _MIN_DIGIT_RUN:
            return None
        return _spelled(run)  # spoken digit by digit (phone numbers, QQ numbers, card numbers, verification codes)
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 0  # the unit just before the current digit, when nothing (not even 零) came between them
    for ch in run:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # 三五千 — two digits in a row inside a structured number: not ours
            if digit == 0:
                last_unit = 0
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
            last_unit = _CN_UNITS[ch]
        else:  # 万 / 亿
            if digit and last_unit in (100, 1000):
                digit *= last_unit // 10  # 三百五万 = 350万, 一千五万 = 1500万 (as in 一万六 below)
            section += digit or 0
            if section == 0:
                return None
            total += section * _CN_BIG[ch]
            section = 0
            digit = None
            last_unit = _CN_BIG[ch]
    if digit and last_unit > 10:
        # A last digit straight after a unit counts in the next unit down, as people say amounts:
        # 一万六 = 16000, 六千八 = 6800, 三百五 = 350 (一万零六 = 10006 keeps its 零).
        digit *= last_unit // 10
    section += digit or 0
    return str(total + section)


# 一/两 after a unit that begin the next word rather than end the number: 五千一个月 is 5000 a month, 一万两天内 10000
# within two days (not 5100, 12000).
_STARTS_WORD = frozenset("个次天年月日周起定下样共张点直般些位份台条件家口回遍半")


# A spoken decimal before 万/亿: 一点五万 = 15000, 两点三亿 = 230000000 (十二点半 is a time and has no unit after it).
_DECIMAL_AMOUNT = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千])([零〇一二两三四五六七八九十百千]{1,8})点([零〇一二三四五六七八九]{1,3})([万亿])"
)
# … but after a time of day the 点 is the clock's: 下午三点一万块钱 is 3 p.m. and 10000, not 31000.
# (a day alone is no clock: 今天一点五万必须到账 is 15000)
_CLOCK_BEFORE = frozenset(("上午", "下午", "中午", "晚上", "早上", "凌晨", "傍晚", "夜里", "半夜"))


def _spelled(run: str) -> str:
    """Digits spoken one by one (三五八 → 358)."""
    return "".join(str(_CN_DIGITS[ch]) for ch in run)


def _decimal_sub(match: re.Match[str]) -> str:
    whole_run, tenths, unit = match.groups()
    if match.string[max(0, match.start() - 2) : match.start()] in _CLOCK_BEFORE:
        return match.group(0)
    # (one digit alone is no number to _numeral_value, which wants a run that long for codes read digit by digit)
    whole = _spelled(whole_run) if len(whole_run) == 1 and whole_run in _CN_DIGITS else _numeral_value(whole_run)
    if whole is None:
        return match.group(0)
    scale = _CN_BIG[unit]
    return str(int(whole) * scale + int(_spelled(tenths)) * scale // 10 ** len(tenths))


def _numeral_sub(match: re.Match[str]) -> str:
    run = match.group(0)
    if (
        len(run) >= 3
        and run[-1] in "一两"
        and run[-2] in "百千万亿"  # after 十 the digit is the ones: 五十一个 is 51
        and match.string[match.end() : match.end() + 1] in _STARTS_WORD
    ):
        head = _numeral_value(run[:-1])
        return run if head is None else head + run[-1]
    value = _numeral_value(run)
    return run if value is None else value


@lru_cache(maxsize=4096)
def _normalise_cached(text: str) -> str:
    return _normalise(text)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times faster on Chinese text."""
    for ch in "，？！：；（）":  # the most frequent ones by plain replacement, no callback per character
        text = text.replace(ch, _NFKC_FORM[ch])
    text = _NFKC_COMMON.sub(_nfkc_form, text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _nfkc_form(match: re.Match[str]) -> str:
    return _NFKC_FORM[match.group()]


# 帐 is the older (and a recogniser's frequent) spelling of 账 in 帐户, 帐号, 转帐, 到帐: one spelling for the rules'
# two-character parts, which match characters, not sounds (not the tent of 帐篷, 蚊帐, 营帐).
_ZHANG_ACCOUNT = re.compile(r"(?<![蚊营帷军床纱])帐(?![篷幕幔子])")


def _normalise(text: str) -> str:
    text = nfkc(text).lower()
    if " " in text or "\t" in text:
        text = _SPACE_NON_ASCII.sub("", text)
        text = _MULTI_SPACE.sub(" ", text)
        text = _SPELLED_LETTERS.sub(r"\1", text)
    if _SPOKEN_ANY.search(text):  # one cheap pass decides whether the five rewrites are needed
        for pattern, repl in _SPOKEN_RE:
            text = pattern.sub(repl, text)
        if " " in text:  # a rewrite can put Chinese next to a space that stood by a letter (" v信" → " 微信")
            text = _MULTI_SPACE.sub(" ", _SPACE_NON_ASCII.sub("", text))
    if "帐" in text:  # (after the recogniser's spaces are gone: 「蚊 帐」 is 蚊帐)
        text = _ZHANG_ACCOUNT.sub("账", text)
    if "点" in text:
        text = _DECIMAL_AMOUNT.sub(_decimal_sub, text)
    text = _NUMERAL_RUN.sub(_numeral_sub, text)
    if not unicodedata.is_normalized("NFKC", text):  # removing a space can join a letter and a combining mark
        text = unicodedata.normalize("NFKC", text)
    return text


def normalise(text: str) -> str:
    """The canonical form used for matching, entity extraction and the statistical model."""
    if len(text) <= 64:
        return _normalise_cached(text)
    return _normalise(text)


def _folded(ch: str) -> str:
    """One character as :func:`normalise` would begin to write it on its own (ＱＱ → q, … → the first of its dots), so
    that the folded text is as long as the source and a position in one is a position in the other."""
    form = unicodedata.normalize("NFKC", ch).lower()
    return form[:1] or ch


_ALIGN_REACH = 16  # how far a rewrite may run (五千二百三十 → 5230, 扣扣 → qq) before the texts agree again
_ALIGN_FAR = 1024  # how far the walk looks for agreement before giving a stretch up (…… grows to ...... normalised)
_ALIGN_ANCHOR = 3  # characters that must agree for the alignment to pick up again after a rewrite


def _resync(a: str, b: str, i: int, j: int) -> tuple[int, int] | None:
    """The nearest ``(i + di, j + dj)`` (least ``di + dj``, each at most ``_ALIGN_REACH``) where ``a`` and ``b``
    agree again for ``_ALIGN_ANCHOR`` characters, or for what is left of both when that is shorter."""
    n, m = len(a), len(b)
    reach = _ALIGN_REACH
    for total in range(1, 2 * reach + 1):
        for di in range(max(0, total - reach), min(total, reach) + 1):
            ii, jj = i + di, j + total - di
            if ii > n or jj > m:
                continue
            if (ii == n and jj == m) or (
                ii < n and jj < m and a[ii : ii + _ALIGN_ANCHOR] == b[jj : jj + _ALIGN_ANCHOR]
            ):
                return ii, jj
    return None


def _far_resync(a: str, b: str, i: int, j: int, grams: dict[str, list[int]]) -> tuple[int, int] | None:
    """:func:`_resync` out to ``_ALIGN_FAR``, through ``grams`` (each ``_ALIGN_ANCHOR``-gram of ``b`` → its starts):
    one look-up per position of ``a``, not one comparison per pair of positions."""
    from bisect import bisect_left

    best: tuple[int, int, int] | None = None
    for ii in range(i, min(len(a) - _ALIGN_ANCHOR + 1, i + _ALIGN_FAR)):
        if best is not None and ii - i >= best[2]:
            break
        starts = grams.get(a[ii : ii + _ALIGN_ANCHOR])
        if not starts:
            continue
        k = bisect_left(starts, j)
        if k < len(starts) and starts[k] - j <= _ALIGN_FAR:
            total = ii - i + starts[k] - j
            if best is None or total < best[2]:
                best = (ii, starts[k], total)
    return (best[0], best[1]) if best is not None else None


def _align(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """``difflib``-style opcodes from ``a`` to ``b``, for texts that agree but for local rewrites.

    Agreeing runs are walked; after a disagreement, the nearest point where ``_ALIGN_ANCHOR`` characters agree again
    (within ``_ALIGN_REACH`` on either side, else ``_ALIGN_FAR``) closes a replaced stretch, in which difflib then
    finds what the two still share. Where nothing agrees even that far, ``_ALIGN_REACH`` characters each way are given
    up as one replaced stretch and the walk goes on (:func:`source_spans`' callers check what a span then holds).
    A 28,000-character call takes about 20 ms; a text that never agrees (3,000 digits read out) stays under a second.
    """
    ops: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    n, m = len(a), len(b)
    grams: dict[str, list[int]] | None = None
    while i < n and j < m:
        if a[i] == b[j]:
            i0, j0 = i, j
            while i < n and j < m and a[i] == b[j]:
                i += 1
                j += 1
            ops.append(("equal", i0, i, j0, j))
            continue
        found = _resync(a, b, i, j)
        if found is None:
            if grams is None:
                grams = {}
                for k in range(m - _ALIGN_ANCHOR + 1):
                    grams.setdefault(b[k : k + _ALIGN_ANCHOR], []).append(k)
            found = _far_resync(a, b, i, j, grams)
        if found is None:  # nothing agrees anywhere near: give a stretch up and walk on
            step = max(1, min(_ALIGN_REACH, n - i, m - j))
            ops.append(("replace", i, i + step, j, j + step))
            i, j = i + step, j + step
            continue
        ii, jj = found
        if ii - i > 1 and jj - j > 1 and (ii - i) * (jj - j) <= 4096:
            # characters the two stretches still share (扣扣群幺二三 / qq群123: the 群) by difflib, which is quick on
            # a stretch this short
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a[i:ii], b[j:jj], autojunk=False).get_opcodes():
                ops.append((tag, i + i1, i + i2, j + j1, j + j2))
        else:
            ops.append(("replace" if ii > i and jj > j else ("delete" if ii > i else "insert"), i, ii, j, jj))
        i, j = ii, jj
    if i < n:
        ops.append(("delete", i, n, j, j))
    if j < m:
        ops.append(("insert", i, i, j, m))
    return ops


@lru_cache(maxsize=8)
def _aligned(source: str, norm: str) -> tuple[list[int], list[int], list[tuple[str, int, int, int, int]], list[int]]:
    """The two texts aligned without whitespace (a recogniser's spaces, the ones normalising closes up): where each
    non-space character sits in ``source`` and in ``norm``, the opcodes between them, and each opcode's start in
    ``norm``. Kept for the few texts on show: a page asks once per hit of the same text."""
    src_at = [k for k, ch in enumerate(source) if not ch.isspace()]
    norm_at = [k for k, ch in enumerate(norm) if not ch.isspace()]
    blocks = _align("".join(_folded(source[k]) for k in src_at), "".join(norm[k] for k in norm_at))
    return src_at, norm_at, blocks, [blk[3] for blk in blocks]


def source_spans(source: str, norm: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Where each ``[start, end)`` of ``norm`` (``normalise(source)``) lies in ``source`` itself, for showing a
    hit in the words as typed or heard (QQ, 五千, full-width punctuation) rather than in the normalised form.

    The two texts are aligned character by character (:func:`_align`); a span that begins or ends inside a
    rewritten stretch (五千 → 5000, 扣扣 → qq) takes the whole stretch. None: the span maps onto nothing
    (it lies in what normalising added) or is out of range. For display only, not for scoring.
    """
    from bisect import bisect_left, bisect_right

    src_at, norm_at, blocks, j_starts = _aligned(source, norm)

    def block_at(j: int, for_end: bool) -> tuple[str, int, int, int, int] | None:
        # the block holding position j (a start) or the character just before j (an end)
        k = (bisect_left(j_starts, j) if for_end else bisect_right(j_starts, j)) - 1
        while 0 <= k < len(blocks) and blocks[k][3] == blocks[k][4]:  # a deletion holds no position of norm
            k += -1 if for_end else 1
        return blocks[k] if 0 <= k < len(blocks) else None

    out: list[tuple[int, int] | None] = []
    for start, end in spans:
        if not 0 <= start < end <= len(norm):
            out.append(None)
            continue
        # the span's first and last characters that are not spaces, as positions in the text without them
        first_j, end_j = bisect_left(norm_at, start), bisect_left(norm_at, end)
        first = block_at(first_j, False) if first_j < end_j else None
        last = block_at(end_j, True) if first_j < end_j else None
        if first is None or last is None:
            out.append(None)
            continue
        s = first[1] + (first_j - first[3]) if first[0] == "equal" else first[1]
        e = last[1] + (end_j - last[3]) if last[0] == "equal" else last[2]
        out.append((src_at[s], src_at[e - 1] + 1) if s < e else None)
    return out


# ---------------------------------------------------------------------------------------------------
# SoundKey

# Sounds merged in "fuzzy" mode.  Chosen from the confusions of Mandarin recognisers on accented
# speech (the same set the common 模糊音 options of Chinese input methods offer).
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))

FILLERS = "嗯呃"  # said between words, never part of one
_PUA_BASE = 0xE000  # one private-use code point per syllable
_CJK_RUN = re.compile("[\u3400-\u9fff]+")


@lru_cache(maxsize=4096)
def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("ü", "v").replace("u\u0308", "v").strip().lower()


def fuzzy_syllable(syllable: str) -> str:
    """Merge the sounds commonly confused by recognisers and accents (zh→z, n→l, -ing→-in …)."""
    for a, b in _FUZZY_INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a) :]
            break
    else:
        if syllable.startswith("n") and not syllable.startswith("ng") and len(syllable) > 1:
            syllable = "l" + syllable[1:]
    for a, b in _FUZZY_FINALS:
        if syllable.endswith(a):
            syllable = syllable[: -len(a)] + b
            break
    return syllable


_fuzzy_cached = lru_cache(maxsize=4096)(fuzzy_syllable)


class SoundKey:
    """Maps text to a same-length string of syllable codes (see module docstring)."""

    def __init__(self, fuzzy: bool = True) -> None:
        from pypinyin import pinyin_dict  # pypinyin's per-character table: code point → "yàn,..."

        self.fuzzy = fuzzy
        self._syllable_code: dict[str, str] = {}
        self._readings: dict[str, tuple[str, ...]] = {}
        table: dict[int, str] = {}
        for code_point, readings in pinyin_dict.pinyin_dict.items():
            if not 0x3400 <= code_point <= 0x9FFF:
                continue
            syllables = tuple(dict.fromkeys(self._syllable(_toneless(r)) for r in readings.split(",") if r.strip()))
            if not syllables:
                continue
            ch = chr(code_point)
            code = self._code(syllables[0])  # (a filler's syllable still takes its code: 恩 keeps the same one)
            if ch in FILLERS:
                # No syllable of what is said: a recogniser's 嗯 and 呃 between words keep their place (same
                # length) but get no sound code, so the model's n-grams run across them as if they were not there.
                continue
            self._readings[ch] = syllables
            table[code_point] = code
        self._table = table
        # What key() translates with: the table, plus ASCII, common punctuation and the fillers mapped to themselves,
        # because str.translate raises and swallows a KeyError for each character its table lacks.
        plain = (*range(0x80), *range(0x2000, 0x2070), *range(0x3000, 0x3040), *map(ord, FILLERS))
        self._translation: dict[int, str] = {**{cp: chr(cp) for cp in plain}, **table}

    def _syllable(self, syllable: str) -> str:
        return _fuzzy_cached(syllable) if self.fuzzy else syllable

    def _code(self, syllable: str) -> str:
        code = self._syllable_code.get(syllable)
        if code is None:
            code = chr(_PUA_BASE + len(self._syllable_code))
            self._syllable_code[syllable] = code
        return code

    def key(self, normalised_text: str) -> str:
        """The sound key of already normalised text; same length, same positions."""
        return normalised_text.translate(self._translation)

    def variants(self, normalised_phrase: str, limit: int = 8) -> list[str]:
        """Keys of a phrase under the readings its polyphonic characters have in it (银行 = yin hang / yin xing).

        The text side always uses a character's first reading, so a rule must also carry the key of the
        reading the phrase is spoken with, which a recogniser writes a homophone for (银航 for 银行).
        Only that reading (pypinyin's, in the context of the phrase) is added, not every reading in the
        dictionary: rare ones made 不会遇 sound like 不会亏 (亏 yú) and 台打印 like 泰达币 (币 yìn).
        """
        spoken = self._spoken(normalised_phrase)
        keys = [""]
        for ch, said in zip(normalised_phrase, spoken, strict=True):
            syllables = self._readings.get(ch)
            if not syllables:
                keys = [k + ch for k in keys]
                continue
            options = [syllables[0]]
            if said is not None and said != syllables[0] and said in syllables:
                options.append(said)
            keys = [k + self._code(s) for k in keys for s in options][:limit]
        primary = self.key(normalised_phrase)
        return [primary, *[k for k in dict.fromkeys(keys) if k != primary]]

    def _spoken(self, text: str) -> list[str | None]:
        """The reading of each character as pypinyin says it in this phrase (None where it has none)."""
        from pypinyin import Style, lazy_pinyin

        out: list[str | None] = [None] * len(text)
        for run in _CJK_RUN.finditer(text):
            said = lazy_pinyin(run.group(0), style=Style.TONE)  # toned like the table, so ü reads the same
            if len(said) == len(run.group(0)):  # one syllable per character, else leave the run without context
                for i, syllable in enumerate(said):
                    out[run.start() + i] = self._syllable(_toneless(syllable))
        return out

    def syllables(self, key: str) -> list[str]:
        """Readable syllables of a key string (for model files and debugging)."""
        back = {v: k for k, v in self._syllable_code.items()}
        return [back.get(ch, ch) for ch in key]

    def from_syllables(self, syllables: Iterable[str]) -> str:
        """Inverse of :meth:`syllables` (syllables must already be in this key's fuzzy/non-fuzzy form)."""
        return "".join(self._syllable_code.get(s, s) for s in syllables)


@lru_cache(maxsize=2)
def sound_key(fuzzy: bool = True) -> SoundKey:
    """The shared :class:`SoundKey` (building it reads pypinyin's table once, ~0.1 s)."""
    return SoundKey(fuzzy=fuzzy)


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"
