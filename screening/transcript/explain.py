"""How phrase hits become reasons: one home for the wording, used by the detector, live calls and reports.

- :func:`assessment_reasons`: the reasons of a :class:`~screening.transcript.detector.TranscriptAssessment`
  (category, each rule heard, combos, the statistical model), moved here unchanged from the detector.
- :func:`hit_reasons`: one :class:`HitReason` per scam category with the phrases heard (live alerts, call cards),
  each stretch of speech quoted once (“转到安全账户” is not followed by “安全账户”).
- :func:`distinct_phrases`: that quote-once rule on its own (reports' evidence column uses it too).
- :func:`hit_to_dict`: a hit as plain JSON-able data (history rows, batch results, the CLI's JSON).

Codes and parameters travel; text is made by ``render(lang)`` when shown.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screening.i18n import BiText, MessageCode, normalise_language
from screening.types import Level

if TYPE_CHECKING:
    from screening.transcript.detector import PhraseHit
    from screening.transcript.phrases import Category, Combo

MAX_QUOTED = 4  # phrases quoted per category in a hit reason; the rest are counted


class ReasonText(MessageCode):
    CATEGORY = ("话术与「{name}」相符：{scheme}", "Matches the '{name}' script: {scheme}")
    HIT = ("「{matched}」：{explanation}", "\u201c{matched}\u201d: {explanation}")
    HIT_FUZZY = (
        "「{matched}」（听起来像「{canonical}」）：{explanation}",
        "\u201c{matched}\u201d (sounds like \u201c{canonical}\u201d): {explanation}",
    )
    # a message or chat is read, not heard: 「手机丢了」 for 「手机卡丢了」 is written close to it, it does not
    # "sound like" it (a trial of 查号 on a pasted SMS)
    HIT_FUZZY_WRITTEN = (
        "「{matched}」（写法接近「{canonical}」）：{explanation}",
        "\u201c{matched}\u201d (close to \u201c{canonical}\u201d): {explanation}",
    )
    COMBO = ("多个可疑说法同时出现：{explanation}", "Several cues together: {explanation}")
    MODEL = (
        # calls, messages and chats alike: 「诈骗电话」 read oddly under a text message; no 「统计模型」, words a
        # neighbour does not follow (a volunteer)
        # how much in words, not 「（62%）」: a percentage beside 注意 meant nothing to an elderly reader (a trial)
        "从整段话看，说法与诈骗话术{degree}，最可疑的说法：{terms}",
        "Taken as a whole, the wording {degree_en} scam scripts; passages that weighed most: {terms}",
    )
    MODEL_ONLY = (  # when the scheme reason above already quotes the passages
        "从整段话看，说法与诈骗话术{degree}",
        "Taken as a whole, the wording {degree_en} scam scripts",
    )
    NOTHING = ("没有发现诈骗话术", "No scam script found")
    # a call's card, alert e-mail and record, once what was said made it a warning: how the scheme works in plain
    # words first (the card listed only labels, 「虚假投资理财：“先投5000试试”」, where 查号 says how it works)
    HOW_IT_WORKS = ("「{name}」的常见套路：{scheme}", "The usual '{name}' trick: {scheme}")
    CITED = (
        "这段文字以反诈提醒为题，里面的诈骗说法是在引用、提醒，不是向你提要求",
        "Titled as an anti-fraud warning: the scam wording in it is quoted to warn, not asked of you",
    )
    MODEL_SCHEME = (
        # (the names already say 诈骗 / scam where they need to: 「二手交易诈骗」, 'Second-hand trade scam')
        "没有哪一句直接点明是哪类骗局，但整段话读来{sure}「{name}」：{scheme}",
        "No one sentence names the scheme, but the text as a whole reads {sure_en} '{name}': {scheme}",
    )
    MODEL_SCHEME_OVER = (  # rules matched cues of other schemes; the whole text reads most like this one
        "整段话读来最像「{name}」（{sure}）：{scheme}",
        "The text as a whole reads most like '{name}' ({sure_en}): {scheme}",
    )
    # after a scheme's description: Chinese needs no space after its 。 (a trial: 「垫付。 最可疑的说法」)
    PASSAGES = ("最可疑的说法：{passages}", " Passages that weighed most: {passages}")
    CALMED = (  # the rules alone said caution; the model firmly says honest (detector.MODEL_CALM_P)
        "有{phrases}这样的说法，但整段话读来像正常的通知或交谈，几乎不像诈骗话术，所以不算可疑",
        "Has wording such as {phrases}, but the text as a whole reads like an ordinary notice or conversation, "
        "hardly like a scam script, so it is not called suspicious",
    )


# How sure, in words (``p``: at least this → these words): the model's share of a text's resemblance to scam scripts,
# and how sure the scheme model is of the scheme it names (the scheme reasons give the degree of the resemblance)
RESEMBLANCE: tuple[tuple[float, str, str], ...] = (
    (0.8, "非常相似", "closely resembles"),
    (0.5, "比较相似", "fairly resembles"),
    (0.0, "有些相似", "somewhat resembles"),
)
SCHEME_SURE: tuple[tuple[float, str, str, str, str], ...] = (
    # p, 读来{…}「X」, (最像「X」的){…}, en reads {…} 'X', en most like 'X' ({…})
    (0.75, "很像", "很有把握", "very much like", "quite sure"),
    (0.5, "像", "比较有把握", "like", "fairly sure"),
    (0.0, "有点像", "把握不大", "somewhat like", "not very sure"),
)


def _resemblance(p: float) -> dict[str, str]:
    _, zh, en = next(row for row in RESEMBLANCE if p >= row[0])
    return {"degree": zh, "degree_en": en}


def _bi(code: ReasonText, **params: object) -> BiText:
    return BiText(code.zh.format(**params), code.en.format(**params))


def assessment_reasons(
    rule_score: float,
    combos: Sequence[Combo],
    cat: Category | None,
    hits: Sequence[PhraseHit],
    p: float,
    terms: tuple[tuple[str, float], ...],
    passages: Sequence[str] | None = (),
    spoken: bool = True,
) -> tuple[BiText, ...]:
    """The detector's reasons for one assessment (at most five rules, strongest first). The model's reason quotes
    ``passages`` (the clauses around its strongest terms) when given: 「收到的验证马告诉我」 reads, 「到的验」 does not;
    ``None``: another reason quotes them, the model's gives only its share. ``spoken``: a call's words were heard, so a
    near match "sounds like" its phrase; a message's or chat's is written close to it."""
    reasons: list[BiText] = []
    if cat is not None and cat.id != "generic" and rule_score >= 0.3:
        reasons.append(_bi(ReasonText.CATEGORY, name=cat.name.zh, scheme=cat.scheme.zh))
        reasons[-1] = BiText(reasons[-1].zh, ReasonText.CATEGORY.en.format(name=cat.name.en, scheme=cat.scheme.en))
    seen: set[str] = set()
    for h in sorted(hits, key=lambda h: -h.weight):
        if h.rule_id in seen:
            continue
        seen.add(h.rule_id)
        code = (ReasonText.HIT_FUZZY if spoken else ReasonText.HIT_FUZZY_WRITTEN) if h.fuzzy else ReasonText.HIT
        params = {"matched": h.matched, "canonical": h.canonical}
        reasons.append(
            BiText(
                code.zh.format(explanation=h.explanation.zh, **params),
                code.en.format(explanation=h.explanation.en, **params),
            )
        )
        if len(seen) >= 5:
            break
    for c in combos:
        reasons.append(
            BiText(
                ReasonText.COMBO.zh.format(explanation=c.explanation.zh),
                ReasonText.COMBO.en.format(explanation=c.explanation.en),
            )
        )
    if terms and passages is None:  # quoted by the reason that names the scheme
        reasons.append(_bi(ReasonText.MODEL_ONLY, **_resemblance(p)))
    elif terms:
        degree = _resemblance(p)
        quoted = list(passages or ()) or [t for t, _ in terms]
        reasons.append(
            BiText(
                ReasonText.MODEL.zh.format(terms="、".join(f"「{t}」" for t in quoted), **degree),
                ReasonText.MODEL.en.format(terms=", ".join(f"\u201c{t}\u201d" for t in quoted), **degree),
            )
        )
    if not reasons:
        reasons.append(_bi(ReasonText.NOTHING))
    return tuple(reasons)


def calmed_reason(hits: Sequence[PhraseHit]) -> BiText:
    """Why cues were heard and the text is still not called suspicious (the model firmly says honest)."""
    phrases = distinct_phrases(h.matched for h in sorted(hits, key=lambda h: -h.weight))[:3]
    return BiText(
        ReasonText.CALMED.zh.format(phrases="、".join(f"「{t}」" for t in phrases)),
        ReasonText.CALMED.en.format(phrases=", ".join(f"\u201c{t}\u201d" for t in phrases)),
    )


def how_it_works(cat: Category) -> BiText:
    """:data:`ReasonText.HOW_IT_WORKS` for ``cat``: its name and its plain description."""
    return BiText(
        ReasonText.HOW_IT_WORKS.zh.format(name=cat.name.zh, scheme=cat.scheme.zh),
        ReasonText.HOW_IT_WORKS.en.format(name=cat.name.en, scheme=cat.scheme.en),
    )


def distinct_phrases(heard: Iterable[str]) -> list[str]:
    """The phrases in order, each once, leaving out one that a longer phrase heard already contains."""
    unique: list[str] = []
    for phrase in heard:
        if phrase and phrase not in unique:
            unique.append(phrase)
    return [p for p in unique if not any(p != q and p in q for q in unique)]


@dataclass(frozen=True)
class HitReason:
    """One scam category and the phrases heard for it; rendered when shown, e.g. 冒充公检法：“公安局”“安全账户”."""

    category: str
    category_text: BiText | None
    phrases: tuple[str, ...]

    def render(self, lang: str = "zh") -> str:
        lang = normalise_language(lang)
        name = (self.category_text.render(lang) if self.category_text is not None else "") or self.category
        shown = "".join(f"“{p}”" for p in self.phrases[:MAX_QUOTED])
        more = len(self.phrases) - MAX_QUOTED
        if more > 0:
            shown += f" (+{more})" if lang == "en" else f" 等 {len(self.phrases)} 处"
        return f"{name}{': ' if lang == 'en' else '：'}{shown}"


def hit_reasons(hits: Iterable[Any]) -> tuple[HitReason, ...]:
    """One reason per category, in the order first heard (hits: ``PhraseHit`` or anything with its fields)."""
    grouped: dict[str, tuple[BiText | None, list[str]]] = {}
    for hit in hits:
        category = str(getattr(hit, "category", "") or "")
        text = getattr(hit, "category_text", None)
        key = category or (text.render("zh") if isinstance(text, BiText) else "")
        entry = grouped.setdefault(key, (text if isinstance(text, BiText) else None, []))
        entry[1].append(str(getattr(hit, "matched", "") or ""))
    return tuple(HitReason(key, text, tuple(distinct_phrases(heard))) for key, (text, heard) in grouped.items())


HIT_FIELDS = ("rule_id", "category", "matched", "canonical", "start", "end", "t", "weight", "fuzzy")


def plain_data(value: Any) -> Any:
    """Enums, Levels, tuples and dicts made JSON-able (dataclasses first go through ``dataclasses.asdict``)."""
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    if isinstance(value, Level):
        return value.name.lower()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def hit_to_dict(hit: Any) -> dict[str, Any]:
    """A phrase hit as JSON-able data; BiText fields become ``{"zh": …, "en": …}``."""
    if dataclasses.is_dataclass(hit) and not isinstance(hit, type):
        plain: dict[str, Any] = plain_data(dataclasses.asdict(hit))
        return plain
    out: dict[str, Any] = {}
    for key in (*HIT_FIELDS, "category_text", "explanation", "narrated"):
        value = getattr(hit, key, None)
        if value is not None:
            out[key] = {"zh": value.zh, "en": value.en} if isinstance(value, BiText) else plain_data(value)
    return out


# -- the statistical model's own verdict: which scheme, which passages -------------------------------------
_CLAUSE = re.compile(
    r"[，。！？；,.!?;\n【】「」《》（）()\[\]]"
)  # (a quote does not run into a signature: 「驿站】您的…」)
WORD_REACH = 40  # how far a passage widens to take a link or an ID whole
PASSAGE_REACH = 8  # characters either side of a model term quoted as its passage
PASSAGE_SLACK = 6  # further characters a passage may run to end at a clause break rather than mid-word


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._-/@:")


def _whole_words(norm: str, lo: int, hi: int) -> tuple[int, int]:
    """Widen ``[lo, hi)`` so that it does not cut a link, an ID or a number in two (「com进行在线升级」 was half a
    link); a run longer than WORD_REACH is cut off at the edge instead."""
    start = lo
    while start > 0 and lo - start < WORD_REACH and _latin(norm[start - 1]) and _latin(norm[start]):
        start -= 1
    if start > 0 and _latin(norm[start - 1]) and _latin(norm[start]):  # too long to take whole: drop the piece
        while start < hi and _latin(norm[start]):
            start += 1
    end = hi
    while end < len(norm) and end - hi < WORD_REACH and _latin(norm[end - 1]) and _latin(norm[end]):
        end += 1
    if end < len(norm) and _latin(norm[end - 1]) and _latin(norm[end]):
        while end > start and _latin(norm[end - 1]):
            end -= 1
    return start, end


_TIME_OF_DAY = re.compile(r"(?<![\d.])\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?![\d])")


def model_passages(norm: str, terms: Sequence[tuple[str, float]], k: int = 3) -> tuple[str, ...]:
    """The stretches of ``norm`` around the model's strongest terms, cut at clause breaks, each once."""
    out: list[str] = []
    covered: list[tuple[int, int]] = []
    for term, _ in terms:
        pos = norm.find(term)
        if pos < 0:
            continue
        lo = max(0, pos - PASSAGE_REACH)
        hi = min(len(norm), pos + len(term) + PASSAGE_REACH)
        # cut at the clause breaks within reach; a clause that ends (or begins) only a few characters further is
        # taken whole: 「逾期扣除5000元手」 cut 手续费 in two
        left = [m.end() for m in _CLAUSE.finditer(norm, max(0, lo - PASSAGE_SLACK), pos)]
        if left:
            lo = left[-1]
        elif lo - PASSAGE_SLACK <= 0:
            lo = 0
        right = _CLAUSE.search(norm, pos + len(term), hi + PASSAGE_SLACK)
        if right:
            hi = right.start()
        elif hi + PASSAGE_SLACK >= len(norm):
            hi = len(norm)
        lo, hi = _whole_words(norm, lo, hi)
        if any(a <= pos < b for a, b in covered):
            continue
        covered.append((lo, hi))
        # a chat's time stamp is no wording (a trial's passage was 「李老师 09:12」, a speaker and a time)
        passage = _TIME_OF_DAY.sub(" ", norm[lo:hi]).strip()
        if passage:
            out.append(passage)
        if len(out) >= k:
            break
    return tuple(out)


def model_scheme_reason(cat: Category, p: float, passages: Sequence[str], rules_named: bool = False) -> BiText:
    """“The text reads like <scheme> (p %): <how it works>; passages: …” in zh and en: “no rule names the scheme”, or
    (``rules_named``) the phrase rules named another kind but the whole text reads most like this one."""
    _, reads, most, reads_en, most_en = next(row for row in SCHEME_SURE if p >= row[0])
    code = ReasonText.MODEL_SCHEME_OVER if rules_named else ReasonText.MODEL_SCHEME
    sure, sure_en = (most, most_en) if rules_named else (reads, reads_en)
    zh = code.zh.format(name=cat.name.zh, sure=sure, scheme=cat.scheme.zh)
    en = code.en.format(name=cat.name.en, sure_en=sure_en, scheme=cat.scheme.en)
    if passages:
        zh = zh.rstrip() if zh.rstrip().endswith(("。", "：", "；")) else zh.rstrip() + "。"
        zh += ReasonText.PASSAGES.zh.format(passages="、".join(f"「{x}」" for x in passages))
        en += ReasonText.PASSAGES.en.format(passages=", ".join(f"\u201c{x}\u201d" for x in passages))
    return BiText(zh, en)
