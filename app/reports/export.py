"""CSV and HTML reports of recording scans and of the call/recording history.

* CSV is written as UTF-8 with a BOM so that Chinese Excel opens it correctly; cells that a
  spreadsheet would run as a formula are defused with a leading apostrophe.
* HTML is one self-contained file (inline CSS, no scripts, no external resources) in the report's
  language, every piece of data html-escaped, the evidence phrases highlighted in the transcript
  with their category as a tooltip, and the extracted entities (QQ群号, links, accounts…) listed.

Rows are :class:`app.models.recording_model.RecordingRow` / :class:`app.models.history_model.HistoryRow`
(or anything with the same attributes); the module has no Qt dependency at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from app import __version__
from app.display import (
    about_text,
    call_line,
    join_list,
    label_colon,
    level_style,
    level_word,
    list_sep,
    record_kind_label,
    render_text,
    shown_category,
    shown_name,
    shown_number,
    source_label,
    with_name,
)
from screening.i18n import normalise_language
from screening.types import Level

# Entity kinds from the transcript detector → (zh, en) labels.  Unknown kinds show as-is.
ENTITY_KIND_TEXT: dict[str, tuple[str, str]] = {
    "qq": ("QQ号", "QQ number"),
    "qq_group": ("QQ群号", "QQ group"),
    "qq_number": ("QQ号", "QQ number"),
    "wechat": ("微信号", "WeChat ID"),
    "wechat_id": ("微信号", "WeChat ID"),
    "url": ("链接", "link"),
    "link": ("链接", "link"),
    "app": ("应用 / 软件", "app"),
    "app_name": ("应用 / 软件", "app"),
    "bank_card": ("银行卡号", "bank card"),
    "card": ("银行卡号", "bank card"),
    "account": ("账户", "account"),
    "amount": ("金额", "amount"),
    "money": ("金额", "amount"),
    "phone": ("电话号码", "phone number"),
    "phone_number": ("电话号码", "phone number"),
    "meeting_id": ("会议号", "meeting ID"),
    "code": ("验证码", "verification code"),
}

COMPILED_BY = ("整理", "compiled by")  # who compiled a report (Settings.report_by): this and the family report
_T = {
    # key: (zh, en)
    "file": ("文件", "file"),
    "status": ("状态", "status"),
    "level": ("风险等级", "risk level"),
    "score": ("风险分", "risk score"),
    "category": ("诈骗类型", "scam type"),
    "evidence": ("证据", "evidence"),
    "entities": ("提取的线索", "extracted details"),
    "transcript": ("转写文本", "transcript"),
    # a history row's text: a message's own words, or what a call or recording was heard saying (a trial read
    # 「转写文本」 over SMS)
    "content": ("内容（短信原文或通话转写）", "content (the message, or what was said)"),
    "error": ("错误", "error"),
    "time": ("时间", "time"),
    "name": ("姓名", "name"),
    "line": ("线路", "line"),
    "profile": ("家人", "family member"),  # whose phone a row came from (记录's 家人 column)
    "note": ("备注", "note"),  # the user's own words on a row (标记…, 查号's 备注)
    "kind": ("类型", "kind"),
    "subject": ("号码 / 文件", "number / file"),
    "reasons": ("原因", "reasons"),
    "source": ("来源", "source"),
    "number": ("号码", "number"),
    "e164": ("标准格式", "E.164"),
    "location": ("归属地", "location"),
    "carrier": ("运营商", "carrier"),
    "rec_title": ("来电护盾 录音分析报告", "CallShield recording scan report"),
    "hist_title": ("来电护盾 通话、短信与录音记录", "CallShield history of calls, messages and recordings"),
    "generated": ("生成时间", "generated"),
    "by": COMPILED_BY,
    "summary": ("汇总", "summary"),
    "count": ("数量", "count"),
    "total": ("合计", "total"),
    "unchecked": ("没能检查", "could not be checked"),
    "phrase": ("命中短语", "phrase"),
    "explanation": ("说明", "explanation"),
    "at": ("位置", "at"),
    "none": ("无", "none"),
    "no_items": ("没有可导出的记录。", "Nothing to export."),
    "privacy": (
        "本报告包含通话内容和电话号码，请妥善保管，仅与信任的人分享。",
        "This report contains call content and phone numbers; keep it safe and share it only with people you trust.",
    ),
    "legend": (
        "高亮部分是识别到的诈骗话术（在电脑上把鼠标停在上面，可看它属于哪类诈骗）。",
        "Highlighted text is a detected scam phrase (on a computer, rest the mouse on it to see which kind of scam).",
    ),
    "message": ("短信内容", "message text"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def _colon(lang: str) -> str:
    """Between a field's name and its value: 「类型：去电」, "kind: outgoing" (no full-width colon in English)."""
    return ": " if lang == "en" else "："


def _bi(value: Any, lang: str) -> str:
    return render_text(value, lang)


def _category(row: Any, lang: str) -> str:
    """A row's category as every table and banner shows it (``app.display.shown_category``)."""
    return shown_category(
        getattr(row, "level", None), getattr(row, "category", None), getattr(row, "category_text", None), lang
    )


def _kind(row: Any, lang: str) -> str:
    """来电 / 去电 / 未接 / 短信 / 录音, as the history table names the row (``app.display.record_kind_label``)."""
    return record_kind_label(
        str(getattr(row, "kind", "")), lang, getattr(row, "call_type", None), getattr(row, "source", None)
    )


def _subject(row: Any, lang: str | None = None) -> str:
    """A recording's file, or the number as people dial it (``app.display.shown_number``) with the name the phone
    gave it, as the history shows it."""
    path = str(getattr(row, "path", "") or "")
    if path:
        return path
    number = shown_number(str(getattr(row, "number", "") or "") or None, getattr(row, "number_raw", None))
    return with_name(number, getattr(row, "name", None), lang) if lang else number


def entity_kind_text(kind: str, lang: str) -> str:
    zh_en = ENTITY_KIND_TEXT.get(str(kind).lower())
    if zh_en is None:
        return str(kind)
    return zh_en[1] if lang == "en" else zh_en[0]


def entity_line(kind: str, value: str, lang: str) -> str:
    """A clue as the pages list it: its kind, a colon as the language writes it, its value (链接：… / Link: …)."""
    return f"{entity_kind_text(kind, lang)}{label_colon(lang)}{value}"


def _hit_phrase(hit: Any) -> str:
    return str(getattr(hit, "matched", "") or getattr(hit, "canonical", "") or "")


def _hit_category(hit: Any, lang: str) -> str:
    return _bi(getattr(hit, "category_text", None), lang) or str(getattr(hit, "category", "") or "")


def _fmt_time(seconds: Any) -> str:
    if seconds is None:
        return ""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return ""
    minutes, secs = divmod(int(round(value)), 60)
    return f"{minutes:02d}:{secs:02d}"


def _evidence_text(hits: Sequence[Any], lang: str) -> str:
    from screening.transcript.explain import distinct_phrases

    parts: list[str] = []
    kept = set(distinct_phrases(_hit_phrase(h) for h in hits))
    for hit in hits:
        if _hit_phrase(hit) not in kept:
            continue  # “转到安全账户” is listed, “安全账户” inside it is not (screening.transcript.explain)
        if lang == "en":
            item = f"{_hit_phrase(hit)} ({_hit_category(hit, lang)})"
        else:
            item = f"{_hit_phrase(hit)}（{_hit_category(hit, lang)}）"
        if item not in parts:
            parts.append(item)
    return join_list(parts, lang)


def _entities_text(entities: Sequence[Any], lang: str) -> str:
    parts: list[str] = []
    for entity in entities:
        item = f"{entity_kind_text(getattr(entity, 'kind', ''), lang)}{label_colon(lang)}{getattr(entity, 'value', '')}"
        if item not in parts:
            parts.append(item)
    return join_list(parts, lang)


def _reasons_text(reasons: Sequence[Any], lang: str) -> list[str]:
    return [t for t in (_bi(getattr(r, "text", r), lang) for r in reasons) if t]


# --------------------------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """Defuse spreadsheet formulas (CSV injection) but keep phone numbers like ``+8613800138000`` and the tab
    :func:`csv_number` puts before one (digits, +, spaces and dashes hold no formula)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        stripped = text.replace(" ", "").replace("-", "")
        if not (text[0] in "+-\t" and stripped.lstrip("\t").lstrip("+").isdigit()):
            return "'" + text
    return text


_NUMBER_CELL = re.compile(r"\+?[\d \-]*\d[\d \-]*")


def csv_number(value: Any) -> str:
    """A phone number's cell as Excel, WPS and LibreOffice keep it: after a tab, so it opens as text, not as a number
    that loses its leading zeros (00110 → 110, which then read as the police number blocked), its + or its last
    digits (13912345678 → 1.39123E+10). The tab shows as nothing; the exports quote every cell, so a reader that
    splits at tabs too keeps it in its cell, and this app's own readers strip it (``blocklists.importexport.csv_cells``)."""
    text = csv_safe(value)
    return "\t" + text if _NUMBER_CELL.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 3 else text


def _atomic_write(path: Path, write: Any, newline: str | None = None, encoding: str = "utf-8") -> None:
    """Write through a temporary file in the same folder, then replace: a failed export loses nothing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".callshield-", suffix=path.suffix, dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_recordings_csv(rows: Iterable[Any], path: str | os.PathLike[str], lang: str = "zh") -> int:
    lang = normalise_language(lang)
    items = list(rows)
    header = [
        _t(k, lang) for k in ("file", "status", "level", "score", "category", "evidence", "entities", "transcript")
    ]
    header.append(_t("error", lang))

    def write(fh: Any) -> None:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)  # (a number after its tab stays one cell in any reader)
        writer.writerow(header)
        for row in items:
            status = getattr(row, "status", None)
            writer.writerow(
                [
                    csv_safe(c)
                    for c in (
                        getattr(row, "path", ""),
                        _bi(status, lang),
                        level_word(getattr(row, "level", None), lang, about_text(row)),
                        "" if getattr(row, "level", None) is None else f"{float(getattr(row, 'score', 0.0)):.2f}",
                        _category(row, lang),
                        _evidence_text(getattr(row, "hits", ()), lang),
                        _entities_text(getattr(row, "entities", ()), lang),
                        getattr(row, "transcript", ""),
                        _bi(getattr(row, "error", None), lang),
                    )
                ]
            )

    _atomic_write(Path(path), write, newline="", encoding="utf-8-sig")
    return len(items)


def write_history_csv(rows: Iterable[Any], path: str | os.PathLike[str], lang: str = "zh") -> int:
    lang = normalise_language(lang)
    items = list(rows)
    header = [
        _t(k, lang)
        for k in ("time", "kind", "subject", "level", "score", "category", "reasons", "evidence", "entities")
    ]
    header += [_t("content", lang), _t("source", lang)]
    names = any(getattr(row, "name", None) for row in items)  # the phone's names for the numbers, when it gave any
    if names:
        header.append(_t("name", lang))
    lines = any(call_line(row) for row in items)  # a hotline's lines, where calls came in on named ones
    if lines:
        header.append(_t("line", lang))
    # whose phone each row came from, where any has a person (a volunteer's weekly record for the police named nobody)
    profiles = any(getattr(row, "profile", "") for row in items)
    if profiles:
        header.append(_t("profile", lang))
    notes = any(getattr(row, "note", "") for row in items)
    if notes:
        header.append(_t("note", lang))

    def write(fh: Any) -> None:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)  # (a number after its tab stays one cell in any reader)
        writer.writerow(header)
        for row in items:
            writer.writerow(
                [
                    csv_safe(c)
                    for c in (
                        row.time_text() if hasattr(row, "time_text") else getattr(row, "time", ""),
                        _kind(row, lang),
                        csv_number(_subject(row)),
                        level_word(getattr(row, "level", None), lang, about_text(row)),
                        f"{float(getattr(row, 'score', 0.0) or 0.0):.2f}",
                        _category(row, lang),
                        join_list(_reasons_text(getattr(row, "reasons", ()), lang), lang),
                        _evidence_text(getattr(row, "hits", ()), lang),
                        _entities_text(getattr(row, "entities", ()), lang),
                        getattr(row, "transcript", ""),
                        source_label(getattr(row, "source", ""), lang),
                        *((shown_name(getattr(row, "name", None) or "", lang),) if names else ()),
                        *((call_line(row),) if lines else ()),
                        *((getattr(row, "profile", "") or "",) if profiles else ()),
                        *((getattr(row, "note", "") or "",) if notes else ()),
                    )
                ]
            )

    _atomic_write(Path(path), write, newline="", encoding="utf-8-sig")
    return len(items)


def write_check_csv(rows: Iterable[Any], path: str | os.PathLike[str], lang: str = "zh") -> int:
    """查号 results (``app.models.check_model.CheckRow``): number, E.164, the call log's 姓名 and 时间 when it had them,
    level, score, 归属地, carrier, reasons."""
    lang = normalise_language(lang)
    items = list(rows)
    names = any(getattr(row, "name", "") for row in items)
    times = any(getattr(row, "time", "") for row in items)
    keys = ("number", "e164", *(("name",) if names else ()), *(("time",) if times else ()))
    header = [_t(k, lang) for k in (*keys, "level", "score", "location", "carrier", "reasons")]

    def write(fh: Any) -> None:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)  # (a number after its tab stays one cell in any reader)
        writer.writerow(header)
        sep = list_sep(lang)
        for row in items:
            writer.writerow(
                [
                    csv_safe(c)
                    for c in (
                        csv_number(row.raw),
                        csv_number(row.e164),
                        *((shown_name(row.name, lang),) if names else ()),
                        *((row.time,) if times else ()),
                        row.level_text(lang),
                        f"{row.score:.2f}",
                        row.location(lang),
                        row.carrier(lang),
                        sep.join(row.reasons(lang)),
                    )
                ]
            )

    _atomic_write(Path(path), write, newline="", encoding="utf-8-sig")
    return len(items)


# -------------------------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;font-size:16px;line-height:1.6;
 max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.25em;margin:0 0 .3em 0}
.meta,.note{color:#57606a;font-size:.9em}
table{border-collapse:collapse;margin:.5em 0 1em 0;width:100%}
th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.item{border:1px solid #d0d7de;border-left-width:8px;border-radius:6px;padding:.8em 1em;margin:1.2em 0}
.badge{display:inline-block;padding:.05em .6em;border-radius:1em;color:#fff;font-weight:bold}
.transcript{white-space:pre-wrap;background:#f6f8fa;padding:.6em;border-radius:4px}
mark{background:#ffe08a;color:#000;border-bottom:2px solid #c2410c;padding:0 .1em}
.error{color:#b91c1c}
"""


def _badge(level: Level | None, lang: str, about_text: bool = False) -> str:
    if level is None:
        return ""
    word = html.escape(level_word(level, lang, about_text))
    return f'<span class="badge" style="background:{level_style(level).text}">{word}</span>'


def hit_span(text: str, hit: Any) -> tuple[int, int] | None:
    """Where a hit sits in ``text``: its own offsets when they fit, else where its words occur.

    Hit offsets refer to the detector's normalised text; a raw Vosk transcript (spaces between
    characters) is searched with optional whitespace between the characters of the phrase, and one that words it
    otherwise (五千元 for 5000元) is searched normalised.
    """
    matched = str(getattr(hit, "matched", "") or "")
    try:
        start, end = int(getattr(hit, "start", -1)), int(getattr(hit, "end", -1))
    except (TypeError, ValueError):
        start = end = -1
    if 0 <= start < end <= len(text) and (not matched or text[start:end] == matched):
        return start, end
    for candidate in (matched, str(getattr(hit, "canonical", "") or "")):
        compact = "".join(candidate.split())
        if not compact:
            continue
        pos = text.find(candidate)
        if pos >= 0:
            return pos, pos + len(candidate)
        found = re.search(r"\s*".join(re.escape(ch) for ch in compact), text, re.IGNORECASE)
        if found:
            return found.start(), found.end()
    if matched:  # words the recogniser wrote otherwise (五千元 for the hit's 5000元, 扣扣 for qq): found normalised
        norm = _normalised(text)
        pos = norm.find(matched)
        if pos >= 0:
            try:
                from screening.transcript.normalise import source_spans
            except ImportError:  # pragma: no cover - the detector ships with the app
                return None
            return source_spans(text, norm, [(pos, pos + len(matched))])[0]
    return None


@lru_cache(maxsize=8)
def _normalised(text: str) -> str:
    """``normalise(text)``, kept for the few texts on show: :func:`hit_span` asks it once per hit of the same line."""
    try:
        from screening.transcript.normalise import normalise
    except ImportError:  # pragma: no cover - the detector ships with the app
        return text
    return normalise(text)


class AnchoredHit:
    """A hit re-anchored onto the text being shown: same attributes, ``start``/``end``/``matched`` fixed."""

    def __init__(self, hit: Any, start: int, end: int, matched: str) -> None:
        self._hit = hit
        self.start = start
        self.end = end
        self.matched = matched

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hit, name)


def anchor_hits(text: str, hits: Sequence[Any]) -> list[AnchoredHit]:
    """The hits that can be found in ``text``, with offsets into ``text`` (see :func:`hit_span`)."""
    out: list[AnchoredHit] = []
    for hit in hits:
        span = hit_span(text, hit)
        if span is not None:
            out.append(AnchoredHit(hit, span[0], span[1], text[span[0] : span[1]]))
    return out


def shown_transcript(transcript: str, hits: Sequence[Any]) -> tuple[str, list[AnchoredHit]]:
    """The transcript to show with its evidence, and the hits anchored on it.

    The words are the ones typed or heard (QQ, 五千元, full-width commas), only the spaces a recogniser puts between
    Chinese characters removed. Hit offsets refer to the detector's normalised text (qq, 5000元); they are carried
    over onto the shown text by aligning the two (:func:`~screening.transcript.normalise.source_spans`). Hits that
    fit neither text (a streaming session's) are found by their words.
    """
    if not hits or not transcript:
        return transcript, []

    def fits(text: str) -> bool:
        for hit in hits:
            try:
                start, end = int(getattr(hit, "start", -1)), int(getattr(hit, "end", -1))
            except (TypeError, ValueError):
                return False
            matched = str(getattr(hit, "matched", "") or "")
            if not (0 <= start < end <= len(text)) or (matched and text[start:end] != matched):
                return False
        return True

    if fits(transcript):
        return transcript, anchor_hits(transcript, hits)
    shown = compact_cjk(transcript)
    try:
        from screening.transcript.normalise import normalise, source_spans
    except ImportError:  # pragma: no cover - the detector ships with the app
        return shown, anchor_hits(shown, hits)
    normalised = normalise(transcript)
    if not fits(normalised):
        return shown, anchor_hits(shown, hits)
    spans = source_spans(shown, normalised, [(int(h.start), int(h.end)) for h in hits])
    out: list[AnchoredHit] = []
    for hit, span in zip(hits, spans, strict=True):
        if span is not None and _holds(normalise(shown[span[0] : span[1]]), str(getattr(hit, "matched", "") or "")):
            out.append(AnchoredHit(hit, span[0], span[1], shown[span[0] : span[1]]))
        else:  # the alignment lost its way here (a review: a chat of 「嗯……」 had its marks on the wrong words)
            out.extend(anchor_hits(shown, [hit]))
    return shown, out


_QUOTED = re.compile(r"「([^「」]+)」|“([^“”]+)”")


def quoted_as_written(lines: Iterable[str], transcript: str) -> list[str]:
    """Reasons as shown beside the text they explain: a passage they quote from the detector's normalised text
    (「请加qq 88765432」, 「逾期扣除5000元手续费」) in the words as written (「请加ＱＱ 8876 5432」, 「逾期扣除五千元手续费」), as
    :func:`shown_transcript` shows the text. Quotes that are not from the text (a scheme's name, 「验证码」 in 「听起来像」)
    stay as they are."""
    lines = list(lines)
    if not transcript or not lines:
        return lines
    shown = compact_cjk(transcript)
    norm = _normalised(shown)
    if norm == shown:
        return lines
    try:
        from screening.transcript.normalise import source_spans
    except ImportError:  # pragma: no cover - the detector ships with the app
        return lines

    def written(match: re.Match[str]) -> str:
        quote = match.group(1) or match.group(2)
        pos = norm.find(quote)
        if pos < 0 or quote in shown:
            return match.group(0)
        span = source_spans(shown, norm, [(pos, pos + len(quote))])[0]
        if span is None or not _holds(_normalised(shown[span[0] : span[1]]), quote):
            return match.group(0)
        opening, closing = ("「", "」") if match.group(1) else ("“", "”")
        return f"{opening}{shown[span[0] : span[1]]}{closing}"

    return [_QUOTED.sub(written, line) for line in lines]


def _holds(shown_norm: str, matched: str) -> bool:
    """Whether a carried-over span holds the hit's words: normalised, it is them, or takes them in whole (a span that
    began inside 五千 took all of it), or is most of them."""
    if not matched or matched in shown_norm:
        return True
    return len(shown_norm) * 2 >= len(matched) and shown_norm in matched


_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]+(?=[\u3000-\u9fff\uff00-\uffef])")


def compact_cjk(text: str) -> str:
    """``积 分 即 将 过 期`` → ``积分即将过期``; spaces between Latin words and digits stay."""
    return _CJK_GAP.sub("", text)


def highlight_html(text: str, hits: Sequence[Any], lang: str = "zh") -> str:
    """``text`` html-escaped, each hit's ``[start, end)`` span wrapped in ``<mark title=category>``.

    Overlapping or out-of-range spans are merged/clamped; the text itself is never altered.
    """
    lang = normalise_language(lang)
    spans: list[tuple[int, int, str]] = []
    for hit in hits:
        span = hit_span(text, hit)
        if span is None:
            continue
        start, end = span
        title = _hit_category(hit, lang)
        explanation = _bi(getattr(hit, "explanation", None), lang)
        if explanation:
            title = f"{title} — {explanation}" if title else explanation
        spans.append((start, end, title))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, title in spans:
        if merged and start < merged[-1][1]:
            prev_start, prev_end, prev_title = merged[-1]
            joined = prev_title if title in prev_title else f"{prev_title}; {title}"
            merged[-1] = (prev_start, max(prev_end, end), joined)
        else:
            merged.append((start, end, title))
    out: list[str] = []
    pos = 0
    for start, end, title in merged:
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark title="{html.escape(title, quote=True)}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _evidence_table(hits: Sequence[Any], lang: str) -> str:
    if not hits:
        return ""
    timed = any(getattr(hit, "t", None) is not None for hit in hits)  # hits from a recording carry times
    keys = ("at", "phrase", "category", "explanation") if timed else ("phrase", "category", "explanation")
    head = "".join(f"<th>{html.escape(_t(k, lang))}</th>" for k in keys)
    body = []
    for hit in hits:
        cells = [f"<td>{html.escape(_fmt_time(getattr(hit, 't', None)))}</td>"] if timed else []
        cells += [
            f"<td><mark>{html.escape(_hit_phrase(hit))}</mark></td>",
            f"<td>{html.escape(_hit_category(hit, lang))}</td>",
            f"<td>{html.escape(_bi(getattr(hit, 'explanation', None), lang))}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<h3>{html.escape(_t('evidence', lang))}</h3><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _entities_list(entities: Sequence[Any], lang: str) -> str:
    if not entities:
        return ""
    seen: list[tuple[str, str]] = []
    for entity in entities:
        pair = (entity_kind_text(getattr(entity, "kind", ""), lang), str(getattr(entity, "value", "")))
        if pair not in seen:
            seen.append(pair)
    colon = _colon(lang)
    items = "".join(f"<li><b>{html.escape(k)}</b>{colon}<code>{html.escape(v)}</code></li>" for k, v in seen)
    return f"<h3>{html.escape(_t('entities', lang))}</h3><ul>{items}</ul>"


def _summary_table(rows: Sequence[Any], lang: str) -> str:
    """How many rows at each level; a checked message or recording with nothing found is counted as ○ 未发现诈骗,
    apart from the ? 未知 of calls and of recordings that could not be checked (as every row's own badge says)."""
    counts = Counter(
        (level, level is Level.UNKNOWN and about_text(row))
        for row in rows
        if (level := getattr(row, "level", None)) is not None
    )
    keys = [(level, about) for level in sorted(Level, reverse=True) for about in (False, True)]
    rows_html = "".join(
        f"<tr><td>{_badge(level, lang, about)}</td><td>{counts.get((level, about), 0)}</td></tr>"
        for level, about in keys
        if not about or counts.get((level, about), 0)
    )
    # a file that could not be checked (failed, or not analysed yet) has no level: counted too, so the rows add up to
    # the total (a trial's summary said 合计 7 over rows that made 5)
    unchecked = sum(1 for row in rows if getattr(row, "level", None) is None)
    if unchecked:
        rows_html += f"<tr><td>{_badge(Level.UNKNOWN, lang)} · {html.escape(_t('unchecked', lang))}</td><td>{unchecked}</td></tr>"
    return (
        f'<h2>{html.escape(_t("summary", lang))}</h2><table style="width:auto">'
        f"<thead><tr><th>{html.escape(_t('level', lang))}</th><th>{html.escape(_t('count', lang))}</th></tr></thead>"
        f"<tbody>{rows_html}<tr><td>{html.escape(_t('total', lang))}</td><td>{len(rows)}</td></tr></tbody></table>"
    )


def _page(title: str, body: str, lang: str, generated_at: dt.datetime | None, by: str = "") -> str:
    when = (generated_at or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    html_lang = "en" if lang == "en" else "zh-CN"
    compiled = (
        f'<p class="meta">{html.escape(_t("by", lang))}{_colon(lang)}{html.escape(by.strip())}</p>\n'
        if by.strip()
        else ""
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f'<p class="meta">{html.escape(_t("generated", lang))}{_colon(lang)}{html.escape(when)} · CallShield {__version__}</p>\n'
        f"{compiled}"
        f'<p class="note">{html.escape(_t("privacy", lang))} {html.escape(_t("legend", lang))}</p>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _item_html(
    heading: str, meta: list[tuple[str, str]], row: Any, lang: str, reasons: Sequence[str] = (), error: str = ""
) -> str:
    level = getattr(row, "level", None)
    color = level_style(level).text if level is not None else "#d0d7de"
    parts = [f'<section class="item" style="border-left-color:{color}">']
    parts.append(f"<h2>{_badge(level, lang, about_text(row))} {html.escape(heading)}</h2>")
    meta_html = " · ".join(f"{html.escape(k)}{_colon(lang)}{html.escape(v)}" for k, v in meta if v)
    if meta_html:
        parts.append(f'<p class="meta">{meta_html}</p>')
    if error:
        parts.append(f'<p class="error">{html.escape(_t("error", lang))}{_colon(lang)}{html.escape(error)}</p>')
    if reasons:
        items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
        parts.append(f"<h3>{html.escape(_t('reasons', lang))}</h3><ul>{items}</ul>")
    hits = tuple(getattr(row, "hits", ()) or ())
    parts.append(_evidence_table(hits, lang))
    parts.append(_entities_list(tuple(getattr(row, "entities", ()) or ()), lang))
    transcript, shown_hits = shown_transcript(str(getattr(row, "transcript", "") or ""), hits)
    if transcript:
        heading_key = "message" if str(getattr(row, "kind", "")) == "sms" else "transcript"
        parts.append(
            f"<h3>{html.escape(_t(heading_key, lang))}</h3>"
            f'<div class="transcript">{highlight_html(transcript, shown_hits, lang)}</div>'
        )
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _risk_order(rows: list[Any]) -> list[Any]:
    def key(row: Any) -> tuple[int, float]:
        level = getattr(row, "level", None)
        return (-1 if level is None else int(level), float(getattr(row, "score", 0.0) or 0.0))

    return sorted(rows, key=key, reverse=True)


def render_recordings_html(
    rows: Iterable[Any], lang: str = "zh", generated_at: dt.datetime | None = None, by: str = ""
) -> str:
    lang = normalise_language(lang)
    items = _risk_order(list(rows))
    body = [_summary_table(items, lang)]
    if not items:
        body.append(f"<p>{html.escape(_t('no_items', lang))}</p>")
    for row in items:
        score = "" if getattr(row, "level", None) is None else f"{float(getattr(row, 'score', 0.0)):.2f}"
        meta = [
            (_t("file", lang), str(getattr(row, "path", ""))),
            (_t("status", lang), _bi(getattr(row, "status", None), lang)),
            (_t("score", lang), score),
            (_t("category", lang), _category(row, lang)),
        ]
        name = os.path.basename(str(getattr(row, "path", ""))) or str(getattr(row, "path", ""))
        reasons = quoted_as_written(
            _reasons_text(tuple(getattr(row, "reasons", ()) or ()), lang), str(getattr(row, "transcript", "") or "")
        )
        body.append(_item_html(name, meta, row, lang, reasons, _bi(getattr(row, "error", None), lang)))
    return _page(_t("rec_title", lang), "\n".join(body), lang, generated_at, by)


def render_history_html(
    rows: Iterable[Any], lang: str = "zh", generated_at: dt.datetime | None = None, by: str = ""
) -> str:
    lang = normalise_language(lang)
    items = list(rows)
    body = [_summary_table(items, lang)]
    if not items:
        body.append(f"<p>{html.escape(_t('no_items', lang))}</p>")
    for row in items:
        meta = [
            (_t("time", lang), row.time_text() if hasattr(row, "time_text") else str(getattr(row, "time", ""))),
            (_t("kind", lang), _kind(row, lang)),
            (_t("score", lang), f"{float(getattr(row, 'score', 0.0) or 0.0):.2f}"),
            (_t("category", lang), _category(row, lang)),
            (_t("source", lang), source_label(getattr(row, "source", ""), lang)),
            *(((_t("line", lang), call_line(row)),) if call_line(row) else ()),
            *(((_t("profile", lang), str(getattr(row, "profile", ""))),) if getattr(row, "profile", "") else ()),
            *(((_t("note", lang), str(getattr(row, "note", ""))),) if getattr(row, "note", "") else ()),
        ]
        reasons = quoted_as_written(
            _reasons_text(tuple(getattr(row, "reasons", ()) or ()), lang), str(getattr(row, "transcript", "") or "")
        )
        body.append(_item_html(_subject(row, lang), meta, row, lang, reasons))
    return _page(_t("hist_title", lang), "\n".join(body), lang, generated_at, by)


def write_recordings_html(
    rows: Iterable[Any],
    path: str | os.PathLike[str],
    lang: str = "zh",
    generated_at: dt.datetime | None = None,
    by: str = "",
) -> int:
    items = list(rows)
    text = render_recordings_html(items, lang, generated_at, by)
    _atomic_write(Path(path), lambda fh: fh.write(text))
    return len(items)


def write_history_html(
    rows: Iterable[Any],
    path: str | os.PathLike[str],
    lang: str = "zh",
    generated_at: dt.datetime | None = None,
    by: str = "",
) -> int:
    items = list(rows)
    text = render_history_html(items, lang, generated_at, by)
    _atomic_write(Path(path), lambda fh: fh.write(text))
    return len(items)


def write_report(
    kind: str, fmt: str, rows: Iterable[Any], path: str | os.PathLike[str], lang: str = "zh", by: str = ""
) -> int:
    """One entry point for the pages: ``kind`` is recordings/history, ``fmt`` csv/html; ``by``: who compiled it
    (``Settings.report_by``), under the title of an HTML report."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "html":
        html_writers = {"recordings": write_recordings_html, "history": write_history_html}
        return html_writers[kind](rows, path, lang, by=by)
    if fmt != "csv":
        raise KeyError((kind, fmt))
    csv_writers = {"recordings": write_recordings_csv, "history": write_history_csv, "check": write_check_csv}
    return csv_writers[kind](rows, path, lang)
