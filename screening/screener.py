"""Number screening: a normalised number + the user's lists + the Chinese number rules → a verdict.

Order of precedence (issue #2, STYLE.md §3.4):

1. **Spoofed official number** (an official short number such as 110/96110/10086/955xx/12345 arriving with
   an international prefix or a foreign country code, alone or after a trunk 0 and area code: ``+852 0513 96110``)
   → block.  This beats the allowlist: nobody's family calls from ``+852 96110``.
2. **Allowlist** → allow.  Beats every blocklist and every heuristic.
3. **Protected numbers** (110, 119, 120, 122, 96110, 12381, 12345 — ``"protected": true`` in the official
   directory ``official_numbers.json``, also with a city's area code: 0513-96110) → allow; no list
   entry or pattern ever blocks them.  Numbers of the bundled **official directory** (95588 …) are allowed
   too and are immune to prefix/wildcard entries (``95*`` does not block 95588); only an *exact* entry the
   user made for that very number blocks it — never one from a subscribed community list.
4. **Blocklists** (user, imported, bundled) → block.
5. **Number rules** (``number_rules.json``): the highest level among the facts that hold.
6. Otherwise → unknown.

The verdict is deterministic: the same number and the same lists give the same verdict.  ``screen`` never
writes; a caller handling a real call records hits with ``ListStore.record_hits(verdict.matches)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import phonenumbers

from screening.i18n import BiText, Message
from screening.number_plan import Rule, number_rules, numbering_plan
from screening.numbers import NormalisedNumber, NumberProblem, NumberType, area_short, country_name, normalise
from screening.types import Level

if TYPE_CHECKING:
    from blocklists.store import ListMatch, ListStore

BLOCKLIST_SCORE = 0.95
ALLOWLIST_SCORE = 0.0
UNKNOWN_SCORE = 0.2
MAX_LIST_REASONS = 5

Channel = Literal["call", "sms", "dialled"]
"""How the number reached the phone.  Some facts depend on it: a 106/1069 SMS-platform port is how banks and
shops send text messages (normal for ``sms``) but should never place a call (suspicious for ``call``); ``dialled``
is a number the person called themselves, which no caller-ID spoof can be."""
CHANNELS: tuple[Channel, ...] = ("call", "sms", "dialled")
# Facts that are only a warning sign when the number *called*; as an SMS sender they are ordinary.
CALL_ONLY_FACTS = frozenset({"sms_platform"})
# What only a caller's shown number can be (a spoof of itself), not a number the person dialled: a 400/800 number does
# not call out, but people call it (a trial's family report explained the mother's call to the 400 number in a scam
# SMS as a spoofed incoming call). The lists still judge a dialled number (she called the scammer back).
CALLER_ID_FACTS = frozenset({"toll_free"})
_LEFT_OUT: dict[str, frozenset[str]] = {"sms": CALL_ONLY_FACTS, "dialled": CALL_ONLY_FACTS | CALLER_ID_FACTS}


@dataclass(frozen=True)
class Reason:
    """Why a verdict is what it is.  ``text`` is already filled in, in both languages."""

    code: str  # rule id ("cn.95.leased") or "list:<name>" / "list-ignored:<name>"
    text: BiText
    reference: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    level: Level = Level.UNKNOWN

    def render(self, lang: str = "zh") -> str:
        return self.text.render(lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level.name.lower(),
            "zh": self.text.zh,
            "en": self.text.en,
            "reference": self.reference,
            "params": {k: v for k, v in self.params.items()},
        }


@dataclass(frozen=True)
class NumberVerdict:
    level: Level
    score: float  # 0 (trusted) … 1 (certainly fraud)
    reasons: tuple[Reason, ...]  # most important first
    number: NormalisedNumber
    matches: tuple[ListMatch, ...] = ()  # list entries that matched (for record_hits / the UI)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        n = self.number
        a = n.attribution
        return {
            "input": n.raw,
            "e164": n.e164,
            "key": n.key,
            "number_type": n.number_type.value,
            "valid": n.valid,
            "problem": None
            if n.problem is None
            else {
                "code": n.problem.name,
                "zh": Message(n.problem, n.params).render("zh"),
                "en": Message(n.problem, n.params).render("en"),
            },
            "international_prefix": n.international_prefix,
            "country_code": n.country_code,
            "national_number": n.national_number,
            "attribution": {
                "region_code": a.region_code,
                "zh": a.description_zh,
                "en": a.description_en,
                "province_zh": a.province_zh,
                "city_zh": a.city_zh,
                "province_en": a.province_en,
                "city_en": a.city_en,
                "carrier_zh": a.carrier_zh,
                "carrier_en": a.carrier_en,
            },
            "level": self.level.name.lower(),
            "level_zh": self.level.zh,
            "score": round(self.score, 3),
            "reasons": [r.to_dict() for r in self.reasons],
        }

    def reasons_json(self) -> str:
        """The reasons as JSON text, for ``history.reasons``."""
        return json.dumps([r.to_dict() for r in self.reasons], ensure_ascii=False)


def _rule_reason(rule: Rule, params: Mapping[str, Any]) -> Reason:
    zh_params = {k: (v.zh if isinstance(v, BiText) else v) for k, v in params.items()}
    en_params = {k: (v.en if isinstance(v, BiText) else v) for k, v in params.items()}
    return Reason(
        code=rule.id,
        text=BiText(_fmt(rule.text.zh, zh_params), _fmt(rule.text.en, en_params)),
        reference=rule.reference,
        params=zh_params,
        level=rule.level,
    )


def _with_code(name: str, country_code: int | None, lang: str) -> str:
    """美国等，+1 / United States etc., +1; the code alone where no region has it."""
    code = f"+{country_code}"
    if not name:
        return code
    return f"{name}，{code}" if lang == "zh" else f"{name}, {code}"


def _fmt(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class NumberScreener:
    """``NumberScreener(store).screen("+852 96110")`` → ``NumberVerdict``.  Cheap to create, reusable."""

    def __init__(self, store: ListStore | None = None, region: str = "CN") -> None:
        self.store = store
        self.region = region
        self.plan = numbering_plan()
        self.rules_version, self.rules = number_rules()
        self._rule_order = {rid: i for i, rid in enumerate(self.rules)}
        self.home_cc: int | None = phonenumbers.country_code_for_region(region) or None

    # ------------------------------------------------------------------ facts
    def facts(self, n: NormalisedNumber, channel: Channel = "call") -> dict[str, dict[str, Any]]:
        """Which rule facts hold for ``n`` arriving by ``channel``, with their parameters.  Pure; no lists involved."""
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}")
        if channel == "call":
            return self._facts(n)
        if (
            n.international_prefix
            and n.country_code == self.home_cc
            and self.plan.looks_official_short(n.national_number or "")
        ):
            # An official short number *texting* with the home country code (+86 10086, +86 95588) is the number
            # itself, not the spoof it is as a caller: phones write SMS senders that way while roaming abroad, and
            # some backup apps store every sender with +86. (A fake base station sends as plain 10086.) The
            # message's text and links decide, as for the bare number (``screening.sms``).
            n = normalise(n.national_number or "", self.region)
        left_out = _LEFT_OUT[channel]
        return {fact: params for fact, params in self._facts(n).items() if fact not in left_out}

    def _facts(self, n: NormalisedNumber) -> dict[str, dict[str, Any]]:
        if (
            n.problem is None
            and not n.international_prefix
            and (n.number_type is NumberType.MOBILE or n.number_type is NumberType.FIXED_LINE)
            and n.country_code == self.home_cc
        ):
            return {}  # an ordinary valid domestic mobile/landline number: no rule applies (the common case)
        plan = self.plan
        out: dict[str, dict[str, Any]] = {}
        if n.problem in (NumberProblem.EMPTY, NumberProblem.NOT_A_NUMBER, NumberProblem.UNPARSEABLE) or (
            n.problem is NumberProblem.TOO_LONG and not n.international_prefix
        ):
            problem = Message(n.problem or NumberProblem.UNPARSEABLE, n.params)
            out["no_number"] = {"detail": BiText(problem.render("zh"), problem.render("en"))}
            return out
        home_cc = self.home_cc
        foreign = n.country_code is not None and home_cc is not None and n.country_code != home_cc
        national = n.national_number or ""
        if n.international_prefix or foreign:
            for cand in (n.dialled_digits, national):
                # +852 0513 96110: a Chinese area code and short number after a foreign prefix; never a number that
                # is valid where it says it is from (+39 0571 12345 is a landline in Empoli, not Hangzhou's 12345)
                chinese = n.country_code == home_cc or not n.valid
                local = area_short(cand[1:]) if cand.startswith("0") and chinese else None
                short = local[1] if local is not None else cand
                if short and plan.looks_official_short(short):
                    official = plan.official.get(short)
                    name = official.name if official else BiText(short, short)
                    out["spoofed_official"] = {"name": name, "number": short}
                    # 00110 is 00 before 110, not a call from +1 (the USA): no country to name then
                    foreign = foreign and not (cand == n.dialled_digits and cand != national)
                    break
        if not n.international_prefix and not foreign:
            # (only as a number of its own: 「0110」 is no way to show 110, and reads as a landline of 3 digits)
            official = plan.official.get(national) if n.valid else None
            if national in plan.protected and n.valid:
                out["protected"] = {"name": official.name if official else BiText(national, national)}
            elif official is not None:
                out["official_directory"] = {"name": official.name}
            if n.area_code:
                city = n.attribution
                out["area_code_short"] = {
                    "number": n.display(),
                    "short": national,
                    "area": "0" + n.area_code,
                    "city": BiText(city.description_zh or "0" + n.area_code, city.description_en or "0" + n.area_code),
                }
        if n.plus_double_zero:
            out["plus_double_zero"] = {}
        if n.problem is NumberProblem.INVALID_COUNTRY_CODE:
            out["invalid_country_code"] = {}
        if n.problem is NumberProblem.INVALID_FOR_REGION and "spoofed_official" not in out:
            region = n.attribution.description_zh or f"+{n.country_code}"
            region_en = n.attribution.description_en or f"+{n.country_code}"
            out["invalid_for_region"] = {"region": BiText(region, region_en)}
        if foreign:
            cc = n.country_code
            region = n.attribution.description_zh or _with_code(country_name(cc, "zh"), cc, "zh")
            region_en = n.attribution.description_en or _with_code(country_name(cc, "en"), cc, "en")
            out["international"] = {"region": BiText(region, region_en)}
        if n.number_type is NumberType.LEASED_95:
            out["leased_95"] = {}
        if n.number_type is NumberType.SERVICE_95 and national not in plan.official and n.valid:
            out["unlisted_95"] = {}
        if n.number_type is NumberType.TOLL_FREE_400_800:
            out["toll_free"] = {}
        if n.number_type is NumberType.SMS_PLATFORM_106:
            out["sms_platform"] = {}
        if n.number_type is NumberType.VIRTUAL_OPERATOR:
            out["virtual_operator"] = {}
        if n.problem is NumberProblem.UNALLOCATED_MOBILE:
            out["unallocated_mobile"] = {"prefix": n.params.get("prefix", "")}
        if (n.problem in (NumberProblem.INVALID_LENGTH, NumberProblem.TOO_SHORT)) and not foreign:
            problem = Message(n.problem, n.params)
            out["invalid_length"] = {"detail": BiText(problem.render("zh"), problem.render("en"))}
        return out

    def rule_reasons(self, n: NormalisedNumber, channel: Channel = "call") -> list[Reason]:
        """The rule reasons for ``n`` (arriving by ``channel``) in rule-file order."""
        facts = self.facts(n, channel)
        if not facts:
            return []
        return [_rule_reason(rule, facts[rule.fact]) for rule in self.rules.values() if rule.fact in facts]

    # ------------------------------------------------------------------ verdict
    def screen(self, raw: str | NormalisedNumber, channel: Channel = "call") -> NumberVerdict:
        """The verdict for a number that called (``channel="call"``, the default) or sent a text (``"sms"``)."""
        n = raw if isinstance(raw, NormalisedNumber) else normalise(raw, self.region)
        rule_reasons = self.rule_reasons(n, channel)
        matches: tuple[ListMatch, ...] = self.store.lookup(n) if self.store is not None else ()
        if not rule_reasons and not matches:
            return NumberVerdict(level=Level.UNKNOWN, score=UNKNOWN_SCORE, reasons=(), number=n)
        # Precedence follows the facts (not the rule ids or levels, which are data and may be retuned).
        by_fact = {self.rules[r.code].fact: r for r in rule_reasons}
        allow = [m for m in matches if not m.list_kind.blocks]
        block = [m for m in matches if m.list_kind.blocks]

        spoof = [r for r in rule_reasons if self.rules[r.code].fact == "spoofed_official"]
        others = [r for r in rule_reasons if self.rules[r.code].fact != "spoofed_official"]
        if spoof:
            # 1. Spoofed official number: beats the allowlist.
            reasons = [*spoof, *self._list_reasons(block), *sorted(others, key=lambda r: -r.level)]
            return self._verdict(Level.BLOCK, self._score(spoof), reasons, n, matches)
        if allow:
            # 2. Allowlist.
            reasons = [*self._list_reasons(allow), *self._ignored(block, "allow"), *others]
            return self._verdict(Level.ALLOW, ALLOWLIST_SCORE, reasons, n, matches)
        # 0513-96110 is 96110 with its city's area code: said beside the verdict, which is the short number's own.
        local = [by_fact["area_code_short"]] if "area_code_short" in by_fact else []
        if "protected" in by_fact:
            # 3a. Protected numbers: never blocked.
            protected = by_fact["protected"]
            reasons = [protected, *local, *self._ignored(block, "protected")]
            return self._verdict(Level.ALLOW, self._score([protected]), reasons, n, matches)
        if "official_directory" in by_fact:
            # 3b. Official directory: immune to patterns, not to the user's exact entry for this number.
            # A subscribed or imported community list never blocks it, not even with an exact entry (95588 on a
            # community list blocked the bank's real calls; the import says so: ``ImportNote.OFFICIAL_NUMBERS``).
            exact = [
                m for m in block if m.match_kind == "exact" and not m.subscribed and m.list_kind.value != "imported"
            ]
            if not exact:
                official = by_fact["official_directory"]
                reasons = [official, *local, *self._ignored(block, "official")]
                return self._verdict(Level.ALLOW, self._score([official]), reasons, n, matches)
            block = exact
        if block:
            # 4. Blocklists.
            reasons = [*self._list_reasons(block), *sorted(others, key=lambda r: -r.level)]
            return self._verdict(Level.BLOCK, BLOCKLIST_SCORE, reasons, n, matches)
        if others:
            # 5. Number rules: highest level first, file order within a level.
            ordered = sorted(others, key=lambda r: (-r.level, self._rule_order.get(r.code, 0)))
            return self._verdict(ordered[0].level, self._score(ordered), ordered, n, matches)
        return self._verdict(Level.UNKNOWN, UNKNOWN_SCORE, [], n, matches)

    def screen_many(self, raws: Iterable[str], channel: Channel = "call") -> list[NumberVerdict]:
        """Screen a call log.  A number that repeats is screened once: verdicts are deterministic, so while
        the lists do not change the result equals ``[screen(r, channel) for r in raws]``."""
        seen: dict[str, NumberVerdict] = {}
        out = []
        for raw in raws:
            verdict = seen.get(raw)
            if verdict is None:
                verdict = seen[raw] = self.screen(raw, channel)
            out.append(verdict)
        return out

    # ------------------------------------------------------------------ helpers
    def _score(self, reasons: list[Reason]) -> float:
        scores = [self.rules[r.code].score for r in reasons if r.code in self.rules]
        return max(scores) if scores else UNKNOWN_SCORE

    @staticmethod
    def _verdict(
        level: Level, score: float, reasons: list[Reason], n: NormalisedNumber, matches: tuple[ListMatch, ...]
    ) -> NumberVerdict:
        return NumberVerdict(level=level, score=score, reasons=tuple(reasons), number=n, matches=matches)

    @staticmethod
    def _list_reasons(matches: list[ListMatch]) -> list[Reason]:
        out = []
        for m in matches[:MAX_LIST_REASONS]:
            allow = not m.list_kind.blocks
            note_zh = f"，备注：{m.note}" if m.note else ""
            note_en = f"; note: {m.note}" if m.note else ""
            if allow:
                text = BiText(
                    f"在白名单“{m.list_title.zh}”中（{m.pattern}）{note_zh}",
                    f"On allowlist “{m.list_title.en}” ({m.pattern}){note_en}",
                )
            else:
                text = BiText(
                    f"在名单“{m.list_title.zh}”中（{m.pattern}，{m.category.zh}）{note_zh}",
                    f"On list “{m.list_title.en}” ({m.pattern}, {m.category.en}){note_en}",
                )
            out.append(
                Reason(
                    code=f"list:{m.list_name}",
                    text=text,
                    reference=m.source or None,
                    params={
                        "list": m.list_name,
                        "pattern": m.pattern,
                        "match_kind": m.match_kind,
                        "category": m.category.value,
                        "entry_id": m.entry_id,
                    },
                    level=Level.ALLOW if allow else Level.BLOCK,
                )
            )
        return out

    @staticmethod
    def _ignored(block: list[ListMatch], why: str) -> list[Reason]:
        why_text = {
            "allow": ("白名单优先", "the allowlist wins"),
            "protected": ("紧急/公共服务号码受保护，永不拦截", "protected emergency/public number, never blocked"),
            "official": ("官方服务号码不受号段规则影响", "official service numbers are immune to range patterns"),
        }[why]
        out = []
        for m in block[:MAX_LIST_REASONS]:
            out.append(
                Reason(
                    code=f"list-ignored:{m.list_name}",
                    text=BiText(
                        f"名单“{m.list_title.zh}”中的 {m.pattern} 未生效：{why_text[0]}",
                        f"entry {m.pattern} of list “{m.list_title.en}” not applied: {why_text[1]}",
                    ),
                    params={"list": m.list_name, "pattern": m.pattern, "entry_id": m.entry_id},
                    level=Level.UNKNOWN,
                )
            )
        return out
