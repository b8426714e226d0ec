"""A recogniser-noise channel: turns clean text into what an offline recogniser would plausibly output.

Used to train the model on garbled text and to measure recall at 10/25/40 % character error rate
(``python -m screening.evaluate --noise``).  Not used when screening a call.

Per Chinese character, with probability ``cer`` one error: a homophone (same toneless syllable, 60 %),
a near-homophone (the accent-merged sound key: zh/z, n/l, -ng/-n; else a rhyme, 15 %), a deletion
(13 %) or an inserted filler after it (12 %).  On top: punctuation removed, digits read out as words
(1799 → 一七九九 or 一千七百九十九) and, optionally, a space between every character as Vosk writes.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable

from screening.transcript.normalise import fuzzy_syllable, is_cjk

CER_LEVELS = (0.1, 0.25, 0.4)
_DIGIT_WORDS = "零一二三四五六七八九"
_FILLERS = "嗯啊的了呃那就是"
_PUNCT = re.compile(r"[，。！？；：、,.!?;:“”\"'‘’（）()【】《》…—\-~·]+")
_NUMBER = re.compile(r"\d+")
# Characters common in calls, so substitutes look like real recogniser output rather than rare glyphs.
_BASE_INVENTORY = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然"
    "于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长"
    "儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感见明问力理尔点文几定本公特做外孩相西果"
    "走将月十实向声车全信重三机工物气每并别真打太新比才便夫再书部水像眼等体却加电主界门利海受听表德少克代员许稜"
    "先口由死安写性马光白或住难望教命花结乐色更拉东神记处让母父应直字场平报友关放至张认接告入笑内英军候民岁往何"
    "度山觉路带万男边风解叫任金快原吃妈变通师立象数四失满战远格士音轻目条呢病始达深完今提求清王化空业思切怎非找"
    "片罗钱紧吗语元喜曾离飞科言干流欢约各即指合反题必该论交终林请医晚制球决传画保读运及则房早院量苦火布品近坐产"
    "答星精视五连司巴奇管类未朋且婚台夜青北队久乎越观落尽形影红爸百令周吧识步希亚术留市半热送兴造谈容极随演收首"
    "根讲整式取照办强石古华拿计您装似足双妻尼转诉米称丽客南领节衣站黑刻统断福城故历惊脸选包紧争另建维绝树系伤示"
    "愿持千史谁准联妇纪基买志静阿诗独复痛消社算义竟确酒需单治卡幸兰念举仅钟怕共毛句息功官待究跟穿室易游程号居考"
    "突皮哪费倒价图具刚脑永歌响商礼细专黄块脚味灵改据般破引食仍存众注笔甚某沉血备习校默务土微娘须试怀料调广蜜苏"
    "验证码账户银行贷款转账汇退赔偿理快递积兑换现客服公安警察冻结资金投收益平台下载软件链接群刷单返利佣金任务保险"
)


def _syllable_map(chars: Iterable[str]) -> dict[str, str]:
    from pypinyin import Style, lazy_pinyin

    chars = [c for c in dict.fromkeys(chars) if is_cjk(c)]
    syls = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")
    if len(syls) != len(chars):  # a character without a reading: fall back to one by one
        out: dict[str, str] = {}
        for c in chars:
            s = lazy_pinyin(c, style=Style.NORMAL, errors="ignore")
            if s and s[0].isalpha():
                out[c] = s[0]
        return out
    return {c: s for c, s in zip(chars, syls, strict=True) if s.isalpha()}


def syllable_final(syllable: str) -> str:
    """A toneless pinyin syllable without its initial: ``zhang`` → ``ang`` (the rhyme)."""
    for initial in ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw"):
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return syllable[len(initial) :]
    return syllable


def number_as_words(digits: str, rng: random.Random) -> str:
    """1799 → 一七九九 (read digit by digit, as for phone numbers) or 一千七百九十九 (as an amount)."""
    if len(digits) > 4 or rng.random() < 0.5 or digits.startswith("0"):
        return "".join(_DIGIT_WORDS[int(d)] for d in digits)
    n = int(digits)
    if n == 0:
        return "零"
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out: list[str] = []
    zero = False
    for value, unit in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out.append("零")
                zero = False
            out.append(("" if value == 10 and not out and d == 1 else _DIGIT_WORDS[d]) + unit)
        elif out:
            zero = True
    if n:
        if zero:
            out.append("零")
        out.append(_DIGIT_WORDS[n])
    return "".join(out)


class NoiseChannel:
    """See the module docstring.  ``texts``: extra characters to draw substitutes from."""

    def __init__(self, texts: Iterable[str] = (), seed: int = 7) -> None:
        inventory = list(_BASE_INVENTORY)
        for t in texts:
            inventory.extend(ch for ch in t if is_cjk(ch))
        self.syl = _syllable_map(inventory)
        self.by_syl: dict[str, list[str]] = defaultdict(list)
        self.by_fuzzy: dict[str, list[str]] = defaultdict(list)
        self.by_final: dict[str, list[str]] = defaultdict(list)
        for ch, s in self.syl.items():
            self.by_syl[s].append(ch)
            self.by_fuzzy[fuzzy_syllable(s)].append(ch)
            self.by_final[syllable_final(s)].append(ch)
        self.rng = random.Random(seed)

    def _substitute(self, ch: str, near: bool) -> str | None:
        s = self.syl.get(ch)
        if s is None:
            s = _syllable_map([ch]).get(ch)
            if s is None:
                return None
            self.syl[ch] = s
        same = [c for c in self.by_syl.get(s, ()) if c != ch]
        close = [c for c in self.by_fuzzy.get(fuzzy_syllable(s), ()) if self.syl[c] != s]
        rhyme = [c for c in self.by_final.get(syllable_final(s), ()) if self.syl[c] != s]
        for pool in (close, rhyme, same) if near else (same, close, rhyme):
            if pool:
                return self.rng.choice(pool)
        return None

    def corrupt(self, text: str, cer: float, spaces: bool = True) -> tuple[str, float]:
        """``text`` as a recogniser might output it; returns it and the character error rate applied."""
        rng = self.rng
        text = _NUMBER.sub(lambda m: number_as_words(m.group(0), rng), text)
        text = _PUNCT.sub(" ", text)
        out: list[str] = []
        errors = cjk = 0
        for ch in text:
            if not is_cjk(ch):
                if ch.isspace():
                    if out and out[-1] != " ":
                        out.append(" ")
                else:
                    out.append(ch)
                continue
            cjk += 1
            if rng.random() >= cer:
                out.append(ch)
                continue
            errors += 1
            kind = rng.random()
            if kind < 0.75:
                sub = self._substitute(ch, near=kind >= 0.6)
                out.append(sub if sub is not None else ch)
                errors -= sub is None
            elif kind < 0.88:
                pass  # dropped
            else:
                out.append(ch)
                out.append(rng.choice(_FILLERS))
        joined = "".join(out).strip()
        if spaces:
            joined = " ".join(ch for ch in joined if not ch.isspace())
        return joined, (errors / cjk if cjk else 0.0)


__all__ = ["CER_LEVELS", "NoiseChannel", "number_as_words"]
