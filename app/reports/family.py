"""The family safety report (家人防诈报告): one person's phone over a period, for a family chat.

``collect_report(db, profile, since, until)`` reads the history (counts by SQL, the risky rows in full) into a
:class:`SafetyReport`; ``render_html(report, lang)`` makes **one self-contained HTML file**: inline CSS, the timeline
chart as inline SVG (:mod:`app.reports.chart`: attributes only, no CSS or script — nothing is fetched), no other
resources.
Large plain text, one column that fits a phone screen; in the reader's language (``lang`` "zh" or "en", as the CLI's
``--lang`` and the app's UI; ``None`` keeps both, Chinese with English beneath); every level shown with a glyph and
a word, never by colour alone; all data html-escaped.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils

from app import __version__
from app.display import (
    CHAT,
    CHAT_TEXT,
    LEVEL_STYLES,
    SIMULATED_SOURCE,
    enumerate_words,
    label_colon,
    list_sep,
    with_name,
)
from app.local_zone import LOCAL
from app.phone.backup_xml import OWN_TYPES
from app.reports.export import COMPILED_BY, ENTITY_KIND_TEXT, shown_transcript
from blocklists.db import add_functions
from blocklists.history import UNCHECKED_RECORDING
from screening.language import heard_nothing
from screening.number_plan import numbering_plan
from screening.numbers import normalise
from screening.types import Level

RISKY = Level.WARN
MAX_ITEMS = 50  # flagged messages/recordings shown in full; the rest are counted
MAX_NUMBERS = 10
# A number's events by kind: Chinese (counted with 次, no plural), English for one and for more ("once (text
# message)", "3 times (2 text messages, 1 call)").
KIND_COUNTED = {
    "call": ("电话", "call", "calls"),
    "sms": ("短信", "text message", "text messages"),
    "recording": ("通话录音", "call recording", "call recordings"),
}
# The short names of the kinds: the chart's legend, the table under it, the page's words for the timeline.
KIND_SHORT = {"call": ("电话", "calls"), "sms": ("短信", "SMS"), "recording": ("录音", "recordings")}
# One colour and one pattern (solid, hatched, dotted) per kind, each also named in the legend and the table.
KIND_COLOR = {"call": "#1d4ed8", "sms": "#b45309", "recording": "#7e22ce"}


@dataclass
class NumberSummary:
    number: str
    name: str | None
    events: int
    kinds: list[str]
    level: Level
    reason_zh: str
    reason_en: str
    last_at: str
    kind_counts: dict[str, int] = field(default_factory=dict)  # events of each kind ({} : only ``kinds`` known)
    listed: bool = False  # already on one of the lists (a ``list:…`` reason): nothing more to block
    # the same caller's other contacts in the period, not flagged themselves (a scam text's sender who also rang 3
    # times), by kind; and how often the person called that number back or replied to it (``OWN_TYPES``)
    also_counts: dict[str, int] = field(default_factory=dict)
    answered: int = 0

    @property
    def official(self) -> Any:
        """The official service this number is (10086, 95588), scammers' favourite sender names, or None: the badge,
        the advice not to block it and "what to do next" all ask here."""
        return numbering_plan().official_for_key(normalise(self.number).key)


@dataclass
class FlaggedItem:
    kind: str  # sms | recording
    number: str
    name: str | None
    occurred_at: str
    level: Level
    category: str | None
    scheme_zh: str
    scheme_en: str
    evidence: list[str]  # phrases as heard
    entities: list[tuple[str, str, str]]  # (zh kind, en kind, value)
    reasons: list[tuple[str, str]]
    excerpt: str
    file_name: str | None = None
    call_type: str | None = None  # a message's: ``app.display.CHAT`` for a chat kept from 查号

    def kind_words(self) -> tuple[str, str]:
        """What the item is, in both languages: 短信 / 聊天记录 / 通话录音 (the page and the export alike)."""
        if self.kind == "recording":
            return "通话录音", "Call recording"
        return (CHAT_TEXT[0], CHAT_TEXT[1].capitalize()) if self.call_type == CHAT else ("短信", "Text message")


@dataclass
class ContactedNumber:
    """A number a suspicious message or recording gave (the 「客服电话 400…」 of a fake refund SMS) that the person
    then called or texted: what a family most needs to hear of, since the scam goes on on that line."""

    number: str  # as she dialled or wrote it
    name: str | None
    first_at: str  # her first call or message to it after the scam gave it
    times: int  # her calls and messages to it after that, in the period
    kinds: list[str]  # call / sms, most first
    source_kind: str  # sms | recording
    source_at: str
    source_number: str  # who sent the message or made the call
    scheme_zh: str
    scheme_en: str


@dataclass
class SafetyReport:
    profile: str
    since: datetime
    until: datetime
    tz: tzinfo
    generated_at: datetime
    calls_screened: int = 0
    calls_suspicious: int = 0
    calls_blocked: int = 0
    sms_screened: int = 0
    sms_suspicious: int = 0
    recordings_scanned: int = 0
    recordings_flagged: int = 0
    recordings_unchecked: int = 0  # kept without a check (``UNCHECKED_RECORDING``: no speech model, a broken file)
    timeline: dict[date, Counter[str]] = field(default_factory=dict)
    numbers: list[NumberSummary] = field(default_factory=list)
    items: list[FlaggedItem] = field(default_factory=list)
    items_not_shown: int = 0
    contacted: list[ContactedNumber] = field(default_factory=list)  # numbers from scams she called or texted

    @property
    def risky_total(self) -> int:
        return self.calls_suspicious + self.sms_suspicious + self.recordings_flagged

    @property
    def checked_total(self) -> int:
        """Calls, messages and recordings checked in the period: none means nothing to vouch for, not "all clear"."""
        return self.calls_screened + self.sms_screened + self.recordings_scanned


def _as_written(text: str, hits: list[Any]) -> list[str]:
    """The phrases that weighed, in the words of the message or recording (「加QQ」, not the detector's normalised
    「加qq」: a trial), as 记录 marks them (``app.reports.export.shown_transcript``); a hit that cannot be found in
    the text gives its own words."""
    found = [h for h in hits if isinstance(h, dict)]
    plain = [str(h.get("matched") or h.get("canonical") or "") for h in found]
    try:
        _, anchored = shown_transcript(text, [_HitRecord(h) for h in found]) if text else ("", [])
    except (TypeError, ValueError):  # a hand-edited row's offsets: its own words
        return [p for p in plain if p]
    written = {id(a.record): a.matched for a in anchored}  # (AnchoredHit passes the _HitRecord's record through)
    out = (written.get(id(h), p) for h, p in zip(found, plain, strict=True))
    # a phrase heard across a sender's brackets (医保局】您的医保卡已被冻结) loses them: the chip is 〖…〗 itself
    return [w for w in (" ".join(_BRACKETS.sub(" ", w).split()) for w in out) if w]


_BRACKETS = re.compile(r"[【】〖〗\[\]]")


class _HitRecord:
    """A stored hit (a dict) with the attributes ``shown_transcript`` reads."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.start = record.get("start", -1)
        self.end = record.get("end", -1)
        self.matched = record.get("matched") or ""
        self.canonical = record.get("canonical") or ""


@lru_cache(maxsize=1)
def _categories() -> dict[str, tuple[str, str, str, str]]:
    from screening.transcript.phrases import bundled_categories

    out = {cid: (c.name.zh, c.name.en, c.scheme.zh, c.scheme.en) for cid, c in bundled_categories().items()}
    out.setdefault("generic", ("常见诈骗手法", "Common scam tactics", "", ""))
    return out


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat()


def report_window(
    days: int = 7, since: datetime | None = None, until: datetime | None = None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The period a report covers: ``since`` to ``until``, else the last ``days`` up to ``until`` or now."""
    until = until or now or datetime.now(timezone.utc)
    return since or until - timedelta(days=days), until


def collect_report(
    db: sqlite_utils.Database,
    profile: str,
    since: datetime | None = None,
    until: datetime | None = None,
    days: int = 7,
    tz: tzinfo | None = None,
    now: datetime | None = None,
) -> SafetyReport:
    """Gather the report for ``profile`` ('' = rows without a profile) from ``since`` to ``until``."""
    zone = tz or LOCAL
    now = now or datetime.now(timezone.utc)
    since, until = report_window(days, since, until, now)
    rep = SafetyReport(profile=profile, since=since, until=until, tz=zone, generated_at=now)
    conn = db.conn
    add_functions(conn)  # UNCHECKED_RECORDING's SQL function, whoever opened the database
    window = [profile, _iso(since), _iso(until)]
    # a 模拟来电 (trying the app, training volunteers) is no call to the person (a trial's report counted one as a
    # suspicious call to block)
    where = f"profile = ? AND occurred_at >= ? AND occurred_at < ? AND source IS NOT '{SIMULATED_SOURCE}'"
    for kind, level, n in conn.execute(
        f"SELECT kind, level, count(*) FROM history WHERE {where} AND NOT ({UNCHECKED_RECORDING}) GROUP BY kind, level",
        window,
    ):
        if level is None:
            continue  # kept but not screened (the parent's own messages, a recording not checked: below)
        risky = level >= RISKY
        if kind == "call":
            rep.calls_screened += n
            rep.calls_suspicious += n if risky else 0
            rep.calls_blocked += n if level >= Level.BLOCK else 0
        elif kind == "sms":
            rep.sms_screened += n
            rep.sms_suspicious += n if risky else 0
        elif kind == "recording":
            rep.recordings_scanned += n
    (rep.recordings_unchecked,) = conn.execute(
        f"SELECT count(*) FROM history WHERE {where} AND {UNCHECKED_RECORDING}", window
    ).fetchone()
    # 可疑录音: every risky recording, as the items and the timeline list them, flagged by what was said or by the
    # caller's number (a recording the wrong model heard is also counted apart, unchecked); the headline counts them
    (rep.recordings_flagged,) = conn.execute(
        f"SELECT count(*) FROM history WHERE {where} AND kind = 'recording' AND level >= ?", [*window, int(RISKY)]
    ).fetchone()
    rows = conn.execute(
        "SELECT kind, occurred_at, number_raw, name, level, category, reasons, transcript, hits, entities, file_path,"
        f" number_e164, call_type FROM history WHERE {where} AND level >= ? ORDER BY occurred_at DESC, id DESC",
        [*window, int(RISKY)],
    ).fetchall()
    per_number: dict[str, dict[str, Any]] = {}
    given: dict[str, tuple[str, str, str, str, str | None]] = {}  # number key → the first scam that gave it
    cats = _categories()
    for (
        kind,
        at,
        number,
        name,
        level,
        category,
        reasons_json,
        text,
        hits_json,
        entities_json,
        file_path,
        e164,
        call_type,
    ) in rows:
        level = Level(level)
        local_day = datetime.fromisoformat(at).astimezone(zone).date()
        rep.timeline.setdefault(local_day, Counter())[kind] += 1
        reasons = _loads(reasons_json)
        # a speech warning (a cut-off file, a model of another language, with the PC's path in it) says why the
        # recording says little, not why the number is suspicious: the card and the item lead with the verdict's own
        # reasons (a trial's 95 number showed only the wrong model's warning, not the blocklist it was on)
        reasons = sorted(
            (r for r in reasons if isinstance(r, dict)), key=lambda r: str(r.get("code", "")).startswith("speech.")
        )
        first = reasons[0] if reasons else {}
        key = _number_key(number or "", e164)  # +85296110 and +852 96110 from two backups are one caller
        if key:
            s = per_number.setdefault(
                key,
                {
                    "number": number,
                    "name": name,
                    "events": 0,
                    "answered": 0,
                    "listed": False,
                    "kinds": Counter(),
                    "level": level,
                    "reason": first,
                    "last": at,
                },
            )
            if call_type in OWN_TYPES:  # a flagged number called back or answered (a listed one is flagged)
                s["answered"] += 1
            else:
                s["events"] += 1
                s["kinds"][kind] += 1
            if level > s["level"]:
                s["level"], s["reason"] = level, first
            s["name"] = s["name"] or name
            s["listed"] = s["listed"] or any(
                isinstance(r, dict) and str(r.get("code", "")).startswith("list:") for r in reasons
            )
        if kind in ("sms", "recording"):
            for e in _loads(entities_json):  # the numbers it gives to call or text (rows newest first: the oldest wins)
                if isinstance(e, dict) and e.get("kind") == "phone" and (given_key := _number_key(str(e.get("value")))):
                    # its own sender's number is the number's card (``answered``); an official number a scam quotes
                    # as a decoy (「详询官方客服95566」) is the one to call (a review: 110 was advised over it)
                    if given_key != key and numbering_plan().official_for_key(given_key) is None:
                        given[given_key] = (str(e.get("value")), kind, at, number or "", category)
            if len(rep.items) >= MAX_ITEMS:
                rep.items_not_shown += 1
                continue
            cat = cats.get(category or "", ("", "", "", ""))
            hits = _loads(hits_json)
            evidence = list(dict.fromkeys(_as_written(text or "", hits)))
            ents = []
            for e in _loads(entities_json):
                if not isinstance(e, dict) or e.get("kind") in ("amount", "attachment"):
                    continue
                zh_en = ENTITY_KIND_TEXT.get(str(e.get("kind")), (str(e.get("kind")), str(e.get("kind"))))
                ents.append((zh_en[0], zh_en[1], str(e.get("value", ""))))
            rep.items.append(
                FlaggedItem(
                    kind=kind,
                    number=number or "",
                    name=name,
                    occurred_at=at,
                    level=level,
                    category=category,
                    scheme_zh=cat[0],
                    scheme_en=cat[1],
                    evidence=[e for e in evidence if e][:8],
                    entities=list(dict.fromkeys(ents))[:8],
                    # the verdict's own reasons; a speech warning (the PC's path, the other script) only when alone:
                    # the report counts such recordings apart and says why in words for the family
                    reasons=[
                        (str(r.get("zh", "")), str(r.get("en", "")))
                        for r in ([r for r in reasons if not str(r.get("code", "")).startswith("speech.")] or reasons)[
                            :3
                        ]
                    ],
                    # what a model of another language wrote is no quote of the caller (Hangul for a Mandarin call)
                    excerpt="" if kind == "recording" and heard_nothing(text, hits) else _excerpt(text or ""),
                    file_name=Path(file_path).name if file_path else None,
                    call_type=call_type,
                )
            )
    if given:
        rep.contacted = _contacted(conn, where, window, given, cats)
    ranked = sorted(per_number.items(), key=lambda kv: (-kv[1]["level"], -kv[1]["events"], kv[1]["last"]))[:MAX_NUMBERS]
    also: dict[str, Counter[str]] = {key: Counter() for key, _ in ranked}
    answered: Counter[str] = Counter({key: s["answered"] for key, s in ranked})
    for kind, call_type, number, e164, screened, n in conn.execute(  # the shown numbers' rows that were not flagged
        f"SELECT kind, call_type, number_raw, number_e164, level IS NOT NULL AND NOT ({UNCHECKED_RECORDING}), count(*)"
        f" FROM history WHERE {where} AND (level IS NULL OR level < ?) AND call_type IS NOT 'draft'"
        f" GROUP BY kind, call_type, number_raw, number_e164, level IS NOT NULL AND NOT ({UNCHECKED_RECORDING})",
        [*window, int(RISKY)],
    ):
        key = _number_key(number or "", e164)
        if key not in also:
            continue
        if call_type in OWN_TYPES:
            answered[key] += n
        elif screened:  # (a recording kept unchecked, say, is counted apart)
            also[key][kind] += n
    for key, s in ranked:
        rep.numbers.append(
            NumberSummary(
                number=s["number"],
                name=s["name"],
                events=s["events"],
                kinds=[k for k, _ in s["kinds"].most_common()],
                level=s["level"],
                reason_zh=str(s["reason"].get("zh", "")),
                reason_en=str(s["reason"].get("en", "")),
                last_at=s["last"],
                kind_counts=dict(s["kinds"]),
                listed=s["listed"],
                also_counts=dict(also[key].most_common()),
                answered=answered[key],
            )
        )
    return rep


def _contacted(
    conn: Any,
    where: str,
    window: list[Any],
    given: dict[str, tuple[str, str, str, str, str | None]],
    cats: dict[str, tuple[str, str, str, str]],
) -> list[ContactedNumber]:
    """The numbers in ``given`` (number key → the scam that gave it) that the person called or texted after the scam
    gave them, in the period, first contact first."""
    own = sorted(OWN_TYPES)
    found: dict[str, dict[str, Any]] = {}
    for kind, at, number, e164, name in conn.execute(
        f"SELECT kind, occurred_at, number_raw, number_e164, name FROM history WHERE {where}"
        f" AND kind IN ('call', 'sms') AND call_type IN ({', '.join('?' * len(own))}) ORDER BY occurred_at, id",
        [*window, *own],
    ):
        key = _number_key(number or "", e164)
        source = given.get(key)
        if source is None or datetime.fromisoformat(at) < datetime.fromisoformat(source[2]):
            continue  # not from a scam, or before the scam gave it
        entry = found.setdefault(key, {"number": number or source[0], "name": name, "at": at, "kinds": Counter()})
        entry["kinds"][kind] += 1
        entry["name"] = entry["name"] or name
    out = []
    for key, entry in found.items():
        _, source_kind, source_at, source_number, category = given[key]
        cat = cats.get(category or "", ("", "", "", ""))
        out.append(
            ContactedNumber(
                number=entry["number"],
                name=entry["name"],
                first_at=entry["at"],
                times=sum(entry["kinds"].values()),
                kinds=[k for k, _ in entry["kinds"].most_common()],
                source_kind=source_kind,
                source_at=source_at,
                source_number=source_number,
                scheme_zh=cat[0],
                scheme_en=cat[1],
            )
        )
    return sorted(out, key=lambda c: c.first_at)


# The report's first warning, above its numbers (the page and the export alike): the person called or texted a number
# a scam gave, so the scam may have gone on there
CONTACTED_TITLE = ("拨打或回复了可疑短信、录音里留的号码", "Called or texted a number that a suspicious message gave")
CONTACTED_ADVICE = (
    "请尽快问问家人：电话里对方让做了什么？如果已经转账、说了验证码或装了对方让装的软件，马上打 110 报警。",
    "Ask your parent soon what the other side asked them to do. If money was sent, a code given or an app installed "
    "at their request, call 110 at once.",
)


def contacted_text(c: ContactedNumber, tz: tzinfo) -> tuple[str, str]:
    """One contacted number, in Chinese and English: 「12-03 10:15 拨打 400-123-4567（2 次）：这个号码是 12-03 09:50 的
    可疑短信（冒充电商物流客服，来自 10690000）里留的。」"""
    how_zh = "、".join({"call": "拨打", "sms": "发短信给"}[k] for k in c.kinds)
    how_en = " and ".join({"call": "called", "sms": "texted"}[k] for k in c.kinds)
    source_zh = {"sms": "可疑短信", "recording": "可疑通话录音"}.get(c.source_kind, "可疑短信")
    source_en = {"sms": "suspicious message", "recording": "suspicious call recording"}.get(
        c.source_kind, "suspicious message"
    )
    about_zh = "，".join(x for x in (c.scheme_zh, f"来自 {c.source_number}" if c.source_number else "") if x)
    about_en = ", ".join(x for x in (c.scheme_en, f"from {c.source_number}" if c.source_number else "") if x)
    who = with_name(c.number, c.name, "zh")
    who_en = with_name(c.number, c.name, "en")
    times_zh = f"（{c.times} 次）" if c.times > 1 else ""
    times_en_ = f" ({times_en(c.times)})" if c.times > 1 else ""
    return (
        f"{_when(c.first_at, tz)} {how_zh} {who}{times_zh}：这个号码是 {_when(c.source_at, tz)} 的{source_zh}"
        + (f"（{about_zh}）" if about_zh else "")
        + "里留的。",
        f"{_when(c.first_at, tz)} {how_en} {who_en}{times_en_}: that number was given by the {source_en} of "
        f"{_when(c.source_at, tz)}" + (f" ({about_en})" if about_en else "") + ".",
    )


def _number_key(number: str, e164: str | None = None) -> str:
    """What the lists match a number on: the E.164 form the history stored when it screened the number (in the
    settings' region), else ``screening.numbers``' key; one caller however each backup wrote the number."""
    if not number:
        return ""
    return e164 or normalise(number).key or number


BLOCK_NAMED = 5  # numbers "what to do next" names to block; more are counted (「等 7 个」)


def block_numbers(rep: SafetyReport) -> list[str]:
    """The numbers "what to do next" says to block: each flagged warn or block that is no official service number
    (10086 and 95588 are faked as senders, and blocking them would also block their real calls, as the lists warn),
    no withheld one and none already on a list; without the spaces a backup wrote it with (1069 0000 123 is typed
    10690000123). Every one, most suspicious first (a trial read one number and took it for the whole list). The
    page and the exported report say the same."""
    out: list[str] = []
    for s in rep.numbers:
        number = normalise(s.number)
        shown = len(number.digits) >= 3  # (a withheld caller's "-2" or "Unknown" is nobody to block)
        if s.level >= Level.WARN and shown and not s.listed and s.official is None:
            out.append("".join(s.number.split()))
    return out


def block_numbers_text(numbers: Sequence[str], lang: str | None) -> str:
    """「10690000123、17112345678 等 7 个（其余的见“最可疑的号码”）」: the first BLOCK_NAMED, the rest counted and
    where to find them."""
    named = enumerate_words(numbers[:BLOCK_NAMED], lang)
    more = len(numbers) - BLOCK_NAMED
    if more <= 0:
        return named
    if lang == "en":
        return f"{named} and {more} more (listed under “Most suspicious numbers”)"
    return f"{named} 等 {len(numbers)} 个（其余的见上面“最可疑的号码”）"


def _loads(value: str | None) -> list[Any]:
    if not value:
        return []
    try:
        out = json.loads(value)
    except ValueError:
        return []
    return out if isinstance(out, list) else []


def _excerpt(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------------ chart
def _t(pair: tuple[str, str], lang: str | None, sep: str = " ") -> str:
    """``pair`` (Chinese, English) in ``lang`` ("zh" or "en", falling back to the other when one is empty);
    ``None``: both, joined by ``sep``."""
    zh, en = pair
    if lang == "en":
        return en or zh
    if lang == "zh":
        return zh or en
    return sep.join(t for t in (zh, en) if t)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def times_en(n: int) -> str:
    """once, twice, 3 times."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def seen_text(s: NumberSummary) -> tuple[str, str]:
    """How often a number was seen and as what, in Chinese and English (the page's cards and the HTML report):
    「1 次（短信）」 / "once (text message)", 「3 次（短信、电话）」 / "3 times (2 text messages, 1 call)"."""
    if not s.events and not s.kinds:  # only called back or answered (a listed number): told by ``also_text``
        return "没有来电或来信", "no calls or messages from it"
    kinds_zh = "、".join(KIND_COUNTED[k][0] for k in s.kinds)
    counts = dict(s.kind_counts)
    if not counts and s.kinds:  # only the kinds known: one kind holds every event; as many events as kinds, one each
        if len(s.kinds) == 1:
            counts = {s.kinds[0]: s.events}
        elif s.events == len(s.kinds):
            counts = dict.fromkeys(s.kinds, 1)

    def noun(kind: str, n: int) -> str:
        return KIND_COUNTED[kind][1 if n == 1 else 2]

    if len(s.kinds) == 1:
        kinds_en = noun(s.kinds[0], counts.get(s.kinds[0], s.events))
    elif counts:
        kinds_en = ", ".join(f"{counts[k]} {noun(k, counts[k])}" for k in s.kinds if k in counts)
    else:
        kinds_en = ", ".join(KIND_COUNTED[k][2] for k in s.kinds)
    zh = f"{s.events} 次（{kinds_zh}）" if kinds_zh else f"{s.events} 次"
    en = f"{times_en(s.events)} ({kinds_en})" if kinds_en else times_en(s.events)
    return zh, en


def unchecked_text(rep: SafetyReport) -> tuple[str, str]:
    """The recordings of the period that could not be checked, in Chinese and English, or ("", "")."""
    n = rep.recordings_unchecked
    if not n:
        return "", ""
    return (
        f"另有 {n} 段通话录音没能检查（比如还没装语音识别模型，或装的不是中文模型），导入时的提示写了原因。"
        "装好中文模型后再导入一次，就会检查它们。",
        ("1 call recording" if n == 1 else f"{n} call recordings")
        + " could not be checked (for example, no speech model is installed yet, or one for another language); the"
        " import said why. Import again once the Chinese model is in place and "
        + ("it" if n == 1 else "they")
        + " will be checked.",
    )


def seen_line(s: NumberSummary, tz: tzinfo) -> tuple[str, str]:
    """:func:`seen_text` with when the number was last seen: 「2 次（短信、电话），最近 2026-12-01 10:12」 / "twice (1 text
    message, 1 call), last 2026-12-01 10:12" (the page's cards and the HTML report alike)."""
    zh, en = seen_text(s)
    last = _when(s.last_at, tz)
    return f"{zh}，最近 {last}", f"{en}, last {last}"


# The badge of an official number that scammers used as a sender (10086, 95588): the level's colour and glyph with
# this word, not 「拦截」 beside 「不要拉黑这个号码」 (a trial)
IMPERSONATED = ("被冒名", "impersonated")


def number_badge_word(s: NumberSummary) -> tuple[str, str] | None:
    """The word on a number card's badge when it is not the level's own (an official number used by scammers)."""
    return IMPERSONATED if s.official is not None else None


def official_text(s: NumberSummary) -> tuple[str, str]:
    """For an official service number flagged (a scam text sent in 10086's name), what to do instead of blocking it,
    or ("", ""): a trial read 「✖ 拦截 10086」 and 「把可疑号码加入黑名单」 and would have blocked China Mobile."""
    official = s.official
    if official is None:
        return "", ""
    return (
        f"这是{official.name.zh}的官方号码，被骗子借用了名义：别点消息里的链接，别回拨消息里留的其他号码；"
        f"不要拉黑这个号码，否则真正的{official.name.zh}也联系不上您。",
        f"This is the official number of {official.name.en}, and scammers used its name: do not open the links in the "
        f"message or call back any other number it gives; do not block this number, or the real {official.name.en} "
        "cannot reach you either.",
    )


def also_text(s: NumberSummary) -> tuple[str, str]:
    """What else the period holds from and to a flagged number, in Chinese and English, or ("", ""): 「同一号码另有
    3 次电话，本身没被判为可疑；回拨或回复过这个号码 1 次。」 / "Also from this number: 3 calls, not flagged themselves;
    called this number back or replied to it once." A scam text is often followed by its sender's calls, and a reply
    is what a family most needs to hear of."""
    zh: list[str] = []
    en: list[str] = []
    if s.also_counts:
        kinds = "、".join(f"{n} 次{KIND_COUNTED[k][0]}" for k, n in s.also_counts.items())
        zh.append(f"同一号码另有 {kinds}，本身没被判为可疑")
        en.append(
            "Also from this number: "
            + ", ".join(f"{n} {KIND_COUNTED[k][1 if n == 1 else 2]}" for k, n in s.also_counts.items())
            + (", not flagged itself" if sum(s.also_counts.values()) == 1 else ", not flagged themselves")
        )
    if s.answered:
        zh.append(f"回拨或回复过这个号码 {s.answered} 次")
        en.append(f"called this number back or replied to it {times_en(s.answered)}")
    if not zh:
        return "", ""
    return "；".join(zh) + "。", _capital("; ".join(en)) + "."


def report_file_name(profile: str | None, lang: str, day: date | None = None) -> str:
    """The report's file name when none is given: whose and which day (妈妈-防诈报告-20261206.html), so the reports of
    several residents, or of one resident week after week, do not overwrite each other."""
    stamp = (day or date.today()).strftime("%Y%m%d")
    who = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", profile or "").strip(" .") or None  # a file name on every system
    if lang == "en":
        return f"{who or 'family'}-report-{stamp}.html"
    return f"{who or '家人'}-防诈报告-{stamp}.html"


def timeline_svg(rep: SafetyReport, lang: str | None = None) -> str:
    """The risky events per day (stacked by kind) as an inline SVG string (:mod:`app.reports.chart`).

    ``lang`` "zh" or "en": in the reader's language (the page, the report); ``None``: in both."""
    from app.reports.chart import Series, stacked_bars_svg

    first = rep.since.astimezone(rep.tz).date()
    last = (rep.until - timedelta(microseconds=1)).astimezone(rep.tz).date()
    ndays = (last - first).days + 1
    step = 1 if ndays <= 31 else 7  # long periods: one bar per week
    buckets: list[date] = [first + timedelta(days=i) for i in range(0, ndays, step)]
    series = []
    for kind, pattern in zip(("call", "sms", "recording"), ("solid", "hatch", "dots"), strict=True):
        values = [sum(rep.timeline.get(b + timedelta(days=i), Counter())[kind] for i in range(step)) for b in buckets]
        series.append(Series(_capital(_t(KIND_SHORT[kind], lang)), KIND_COLOR[kind], pattern, values))
    title = {"zh": "每天的可疑事件", "en": "Risky events per day"}.get(lang or "", "每天的可疑事件 / per day")
    if step > 1:
        title = {"zh": "每周的可疑事件", "en": "Risky events per week"}.get(lang or "", "每周的可疑事件 / per week")
    return stacked_bars_svg(
        title,
        [b.strftime("%m-%d") for b in buckets],
        series,
        label_every=max(1, -(-len(buckets) // 5)),
        empty_note=_t(timeline_empty_pair(rep), lang, "\n"),  # both languages: a line each
    )


def timeline_empty_pair(rep: SafetyReport) -> tuple[str, str]:
    """What an empty timeline says, (Chinese, English), for the chart and the page alike: no risky event, or, where
    nothing was checked at all, that (a review: 「没有可疑事件」 under 「什么也没有检查」 was false reassurance)."""
    if not rep.checked_total:
        return ("这段时间没有检查任何记录", "Nothing was checked in this period")
    return ("这段时间没有可疑事件", "No risky events in this period")


# ------------------------------------------------------------------------------------------------ HTML
_CSS = """
:root { color-scheme: light; }
body { font-family: 'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif; font-size: 20px;
  line-height: 1.55; margin: 0; color: #111827; background: #f3f4f6; }
html[lang='en'] body { font-family: system-ui,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Noto Sans CJK SC',
  'Microsoft YaHei',sans-serif; }
main { max-width: 760px; margin: 0 auto; padding: 16px; }
h1 { font-size: 30px; margin: 8px 0 2px; } h2 { font-size: 25px; margin: 28px 0 8px; }
.en { color: #4b5563; font-size: 17px; display: block; }
section, .card { background: #fff; border-radius: 12px; padding: 14px 16px; margin: 12px 0; overflow-wrap: anywhere;
  border: 1px solid #d1d5db; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; }
.stat { border: 2px solid #d1d5db; border-radius: 12px; padding: 10px 12px; background: #fff; }
.stat b { font-size: 34px; display: block; }
.stat.alert { border-color: #b91c1c; }
.urgent { border: 4px solid #b91c1c; } .urgent h2 { margin-top: 0; }
.badge { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 999px; color: #fff; }
.hl { background: #fde68a; font-weight: 700; padding: 0 2px; }
.excerpt { background: #f9fafb; border-left: 6px solid #9ca3af; padding: 6px 10px; margin: 6px 0; }
.todo li { margin: 8px 0; } .chart svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #d1d5db; padding: 4px 8px;
  text-align: left; } .muted { color: #4b5563; font-size: 17px; }
.verdict { font-size: 24px; font-weight: 700; }
/* no heading, verdict or tile label ends on one lone character (「有诈骗话术的录」 then 「音」): "pretty" where the
   browser has it, else balanced lines */
h1, h2, .verdict, .stat { text-wrap: balance; text-wrap: pretty; }
/* printed (a trial printed it for her brother: 7 Letter pages on grey, a heading alone at a page's foot, cards cut in
   two, the table left folded): A4, white, no card or heading parted from what follows, folded parts open */
@page { size: A4; margin: 14mm; }
@media print {
  body { background: #fff; font-size: 16px; }
  main { max-width: none; padding: 0; }
  .card, .stat, .excerpt, li, .chart, table { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  details::details-content { content-visibility: visible; display: block; }
}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _lang(lang: str | None) -> str | None:
    """ "zh" or "en" (any "en-…" is English, anything else Chinese); ``None`` stays ``None`` (both)."""
    return None if lang is None else "en" if lang.lower().startswith("en") else "zh"


def _bi(zh: str, en: str, lang: str | None) -> str:
    """Escaped text in the reader's language; with ``lang=None`` Chinese with the English beneath it."""
    if lang is not None:
        return _e(_t((zh, en), lang))
    return f"{_e(zh)}<span class='en' lang='en'>{_e(en)}</span>"


def _label(zh: str, en: str, lang: str | None) -> str:
    """A field's name before its value: "号码：", "Number: ", or both "号码 / number: "."""
    if lang == "zh":
        return f"{zh}："
    if lang == "en":
        return f"{_capital(en)}: "
    return f"{zh} / {en}: "


def _badge(level: Level, lang: str | None, word: tuple[str, str] | None = None) -> str:
    return (
        f"<span class='badge' style='background:{LEVEL_STYLES[level].text}'>{LEVEL_STYLES[level].glyph} "
        f"{_e(_t(word or (level.zh, level.en), lang, ' / '))}</span>"
    )


def _when(iso: str, tz: tzinfo) -> str:
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _who(number: str, name: str | None, lang: str | None) -> str:
    number = number or _t(("未知号码", "unknown"), lang, " / ")
    return with_name(number, name, lang)


def render_html(rep: SafetyReport, lang: str | None, by: str = "") -> str:
    """The report as one HTML page in ``lang`` ("zh" or "en": the reader's language, what the CLI and the page
    write); ``None``: both, each line in Chinese with the English beneath it. ``by``: who compiled it
    (``Settings.report_by``), under the title."""
    lang = _lang(lang)
    tz = rep.tz
    person = rep.profile or _t(("未命名", "unnamed"), lang, " / ")
    period = f"{rep.since.astimezone(tz):%Y-%m-%d} — {(rep.until - timedelta(seconds=1)).astimezone(tz):%Y-%m-%d}"
    title_zh, title_en = f"{person}的手机 · 家人防诈报告", f"Family safety report for {person}'s phone"
    parts: list[str] = []
    parts.append(f"<h1>{_e(title_en if lang == 'en' else title_zh)}</h1>")
    if lang is None:
        parts.append(f"<span class='en' lang='en'>{_e(title_en)}</span>")
    generated = f"{rep.generated_at.astimezone(tz):%Y-%m-%d %H:%M}"
    parts.append(f"<p class='muted'>{_e(period)} · {_e(_t(('生成于', 'generated'), lang, ' / '))} {generated}</p>")
    if by.strip():
        parts.append(f"<p class='muted'>{_label(*COMPILED_BY, lang)}{_e(by.strip())}</p>")
    if rep.risky_total:
        verdict = _bi(
            f"这段时间发现 {rep.risky_total} 个可疑的电话、短信或录音，请看下面的说明，并和家人聊一聊。",
            "1 suspicious call, message or recording in this period; see below and talk it over."
            if rep.risky_total == 1
            else f"{rep.risky_total} suspicious calls, messages or recordings in this period; see below and talk it "
            "over.",
            lang,
        )
    elif not rep.checked_total and rep.recordings_unchecked:
        verdict = ""  # the recordings not checked are all there is, said below
    elif not rep.checked_total:
        verdict = _bi(
            "这段时间没有任何记录，所以什么也没有检查。请导入这段时间的手机备份，或换一段时间。",
            "Nothing was recorded in this period, so nothing was checked. Import a phone backup of this period, or "
            "choose another period.",
            lang,
        )
    else:
        verdict = _bi(
            "这段时间没有发现可疑的电话、短信或录音。",
            "No suspicious calls, messages or recordings in this period.",
            lang,
        )
    unchecked = _bi(*unchecked_text(rep), lang) if rep.recordings_unchecked else ""
    parts.append(
        "<section>"
        + (f"<p class='verdict'>{verdict}</p>" if verdict else "")
        + (f"<p class='verdict'>ⓘ {unchecked}</p>" if unchecked else "")
        + "</section>"
    )
    if rep.contacted:  # first: the scam may have gone on on that line
        lines = "".join(f"<li>{_bi(*contacted_text(c, tz), lang)}</li>" for c in rep.contacted)
        parts.append(
            f"<section class='card urgent' role='alert'><h2>⚠ {_bi(*CONTACTED_TITLE, lang)}</h2><ul>{lines}</ul>"
            f"<p><b>{_bi(*CONTACTED_ADVICE, lang)}</b></p></section>"
        )
    # counts
    stats = [
        ("检查的电话", "calls screened", rep.calls_screened, False),
        ("可疑电话", "suspicious calls", rep.calls_suspicious, rep.calls_suspicious > 0),
        ("应拦截的电话", "calls to block", rep.calls_blocked, rep.calls_blocked > 0),
        ("检查的短信", "messages screened", rep.sms_screened, False),
        ("可疑短信", "suspicious messages", rep.sms_suspicious, rep.sms_suspicious > 0),
        ("检查的录音", "recordings scanned", rep.recordings_scanned, False),
        ("可疑录音", "suspicious recordings", rep.recordings_flagged, rep.recordings_flagged > 0),
    ]
    cells = "".join(
        f"<div class='stat{' alert' if alert else ''}'><b>{n}</b>{'⚠ ' if alert else ''}{_bi(zh, en, lang)}</div>"
        for zh, en, n, alert in stats
    )
    parts.append(f"<h2>{_bi('数字一览', 'At a glance', lang)}</h2><div class='grid'>{cells}</div>")
    # timeline
    parts.append(f"<h2>{_bi('可疑事件时间线', 'Timeline of risky events', lang)}</h2>")
    chart_name = _t(("每天的可疑事件", "risky events per day"), lang)
    parts.append(f"<section class='chart' role='img' aria-label='{_e(chart_name)}'>{timeline_svg(rep, lang)}")
    if rep.timeline:
        rows = "".join(
            f"<tr><td>{d:%m-%d}</td><td>{c['call']}</td><td>{c['sms']}</td><td>{c['recording']}</td></tr>"
            for d, c in sorted(rep.timeline.items())
        )
        parts.append(
            f"<details><summary>{_e(_t(('表格', 'As a table'), lang, ' / '))}</summary><table>"
            f"<tr><th>{_e(_t(('日期', 'Date'), lang))}</th>"
            + "".join(f"<th>{_e(_capital(_t(KIND_SHORT[k], lang)))}</th>" for k in ("call", "sms", "recording"))
            + f"</tr>{rows}</table></details>"
        )
    parts.append("</section>")
    # numbers
    if rep.numbers:
        parts.append(f"<h2>{_bi('最可疑的号码', 'Most suspicious numbers', lang)}</h2>")
        for s in rep.numbers:
            seen = _bi(*seen_line(s, tz), lang)
            also_zh, also_en = also_text(s)
            also = f"<p><b>{_bi(also_zh, also_en, lang)}</b></p>" if also_zh else ""
            official_zh, official_en = official_text(s)
            official = f"<p><b>{_bi(official_zh, official_en, lang)}</b></p>" if official_zh else ""
            parts.append(
                f"<div class='card'><p>{_badge(s.level, lang, number_badge_word(s))} "
                f"<b>{_e(_who(s.number, s.name, lang))}</b></p>"
                f"<p>{seen}</p>{also}<p>{_bi(s.reason_zh, s.reason_en, lang)}</p>{official}</div>"
            )
    # items
    if rep.items:
        parts.append(f"<h2>{_bi('可疑短信和录音', 'Suspicious messages and recordings', lang)}</h2>")
        for it in rep.items:
            kind = it.kind_words()
            body = [f"<p>{_badge(it.level, lang)} <b>{_e(_t(kind, lang, ' / '))}</b> · {_when(it.occurred_at, tz)}</p>"]
            body.append(f"<p>{_label('号码', 'number', lang)}<b>{_e(_who(it.number, it.name, lang))}</b></p>")
            if it.file_name:
                body.append(f"<p class='muted'>{_label('文件', 'file', lang)}{_e(it.file_name)}</p>")
            if it.scheme_zh or it.scheme_en:
                scheme = (
                    f"<b>{_e(it.scheme_zh)}</b><span class='en' lang='en'>{_e(it.scheme_en)}</span>"
                    if lang is None
                    else f"<b>{_e(_t((it.scheme_zh, it.scheme_en), lang))}</b>"
                )
                body.append(f"<p>{_label('诈骗类型', 'scheme', lang)}{scheme}</p>")
            if it.evidence:  # the phrases as written or heard: the message's own words, in its language
                marks = "".join(f"<span class='hl'>〖{_e(p)}〗</span> " for p in it.evidence)
                body.append(f"<p>{_label('证据', 'evidence', lang)}{marks}</p>")
            if it.entities:
                sep, colon = list_sep(lang), label_colon(lang)
                ents = sep.join(f"{_e(_t((zh, en), lang, ' / '))}{colon}<b>{_e(v)}</b>" for zh, en, v in it.entities)
                body.append(f"<p>{_label('线索', 'details', lang)}{ents}</p>")
            for zh, en in it.reasons[:2]:
                if zh or en:
                    body.append(f"<p class='muted'>• {_bi(zh, en, lang)}</p>")
            if it.excerpt:
                body.append(f"<div class='excerpt'>“{_e(it.excerpt)}”</div>")
            parts.append("<div class='card'>" + "".join(body) + "</div>")
        if rep.items_not_shown:
            more = (f"另有 {rep.items_not_shown} 条没有列出", f"{rep.items_not_shown} more not listed")
            parts.append(f"<p class='muted'>{_e(_t(more, lang, ' / '))}</p>")
    # what to do
    to_block = block_numbers(rep)
    parts.append(f"<h2>{_bi('接下来怎么做', 'What to do next', lang)}</h2><section><ol class='todo'>")
    parts.append(
        "<li>"
        + _bi(
            "拿不准时，拨打 96110（全国反诈专线）问一问；已经转账的，马上打 110 报警。",
            "When in doubt, call 96110 (the national anti-fraud line); if money was already sent, call 110 at once.",
            lang,
        )
        + "</li>"
    )
    # plain steps in the app for a family reader, never a command line
    if len(to_block) > 1:  # several at once: pasted on 查号 and added together (the list's dialog takes one)
        block_zh = (
            f"把可疑号码加入黑名单：{block_numbers_text(to_block, 'zh')}。在家里电脑上打开来电护盾，点“查号”，"
            "把这些号码粘贴进去查一下，在表格里选中它们，“把选中的号码加入”选“我的黑名单”，再点“加入名单”"
        )
        block_en = (
            f"Block the suspicious numbers: {block_numbers_text(to_block, 'en')}. On the family computer open "
            "CallShield, go to “Check”, paste these numbers and check them, select them in the table, choose "
            "“My blocklist” beside “Add the selected numbers to” and click “Add to list”"
        )
    else:
        number_zh = f" {to_block[0]}" if to_block else "可疑号码"
        number_en = f" {to_block[0]}" if to_block else " the number"
        block_zh = (
            "把可疑号码加入黑名单：在家里电脑上打开来电护盾，点“名单”，选中“我的黑名单”，点“添加号码…”，"
            f"填入{number_zh}，再点“保存”"
        )
        block_en = (
            "Block the suspicious numbers: on the family computer open CallShield, go to “Lists”, select "
            f"“My blocklist”, click “Add number…”, enter{number_en} and click “Save”"
        )
    parts.append(f"<li>{_bi(block_zh + '；也在手机上拉黑。', block_en + '; block them on the phone too.', lang)}</li>")
    parts.append(
        "<li>"
        + _bi(
            "和家人聊一聊：不点短信里的链接，不加陌生人的 QQ/微信，不说验证码，不给任何人转账；有人自称公检法、客服或亲友要钱时，先挂断再打给本人核实。",
            "Talk to your parent: no links from messages, no QQ/WeChat from strangers, never read out codes, never "
            "transfer money; if someone claims to be police, customer service or family and asks for money, hang up "
            "and call the person back.",
            lang,
        )
        + "</li></ol></section>"
    )
    parts.append(
        "<p class='muted'>"
        + _bi(
            "本报告由家中电脑上的来电护盾离线生成，包含电话号码和短信内容，请只分享给信任的家人。",
            "Made offline by CallShield on the family computer. It contains numbers and message text; share it only "
            "with family you trust.",
            lang,
        )
        + f" CallShield {_e(__version__)}</p>"
    )
    title = {"zh": title_zh, "en": title_en}.get(lang or "", f"{title_zh} / Family safety report")
    return (
        f"<!DOCTYPE html>\n<html lang='{'en' if lang == 'en' else 'zh-CN'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        + "\n".join(parts)
        + "</main></body></html>\n"
    )


def write_html(rep: SafetyReport, path: str | os.PathLike[str], lang: str | None, by: str = "") -> Path:
    """Write the report in ``lang`` (see :func:`render_html`) atomically (a temporary file renamed into place)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render_html(rep, lang, by), encoding="utf-8")
    os.replace(tmp, out)
    return out
