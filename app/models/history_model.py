"""记录 History: calls and recordings with their verdicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from app.display import (
    about_text,
    join_list,
    record_kind_label,
    shown_category,
    shown_number,
    source_label,
    with_name,
)
from app.models.base import SORT_ROLE, RowTableModel, bi
from screening.types import Level


@dataclass(frozen=True)
class HistoryRow:
    """One history record, already decoded from the store (reasons/hits/entities as objects)."""

    id: Any
    kind: str  # "call" | "recording" | "sms"
    time: dt.datetime | None
    number: str = ""  # E.164 or raw for calls
    path: str = ""  # file for recordings
    level: Level = Level.UNKNOWN
    score: float = 0.0
    category: str = ""
    category_text: Any = None
    reasons: tuple[Any, ...] = ()
    transcript: str = ""
    hits: tuple[Any, ...] = ()
    entities: tuple[Any, ...] = ()
    source: str = ""
    profile: str = ""  # the person (phone) the row belongs to; '' for the desktop's own calls
    note: str = ""  # the user's own words on it (标记… on a call, 备注 on a message kept from 查号)
    raw: Any = None  # the store's record, for details

    @property
    def number_raw(self) -> str | None:
        """The number as it came (a phone's log, a modem), before normalising: what ``shown_number`` starts from."""
        raw = self.raw.get("number_raw") if isinstance(self.raw, dict) else None
        return str(raw) if raw else None

    @property
    def subject(self) -> str:
        if self.kind == "recording":
            return self.path.replace("\\", "/").rsplit("/", 1)[-1] or self.path
        return shown_number(self.number, self.number_raw)

    @property
    def name(self) -> str | None:
        """The contact's name (or the phone's mark, 骚扰电话) a phone's log gave the number."""
        value = self.raw.get("name") if isinstance(self.raw, dict) else None
        return str(value) if value else None

    def subject_text(self, lang: str) -> str:
        """The number with the name the phone gave it (``app.display.with_name``), or the recording's file."""
        return self.subject if self.kind == "recording" else with_name(self.subject, self.name, lang)

    @property
    def call_type(self) -> str | None:
        """incoming / outgoing / missed … as a phone's log gave it; None for this computer's own (incoming) calls."""
        value = self.raw.get("call_type") if isinstance(self.raw, dict) else None
        return str(value) if value else None

    def kind_text(self, lang: str) -> str:
        """来电 / 去电 / 未接 / 短信 / 录音 (``app.display.record_kind_label``), capitalised for a table cell."""
        label = record_kind_label(self.kind, lang, self.call_type, self.source)
        return label[:1].upper() + label[1:]

    def source_text(self, lang: str) -> str:
        """Where the row came from, in words (``app.display.source_label``)."""
        return source_label(self.source, lang)

    def time_text(self) -> str:
        if self.time is None:
            return ""
        return (
            self.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if self.time.tzinfo
            else self.time.strftime("%Y-%m-%d %H:%M:%S")
        )

    def reason_texts(self, lang: str) -> list[str]:
        return [t for t in (bi(getattr(r, "text", r), lang) for r in self.reasons) if t]


class HistoryModel(RowTableModel[HistoryRow]):
    COL_TIME, COL_KIND, COL_SUBJECT, COL_LEVEL, COL_CATEGORY, COL_REASONS, COL_PROFILE = range(7)

    def headers(self) -> Sequence[str]:
        return [
            self.tr("时间"),
            self.tr("类型"),
            self.tr("号码 / 文件"),
            self.tr("风险等级"),
            self.tr("诈骗类型"),
            self.tr("原因"),
            self.tr("家人"),
        ]

    def search_text(self, row: HistoryRow) -> str:
        """What the table shows, and the message's or call's own words (a trial searched 记录 for 「停水」, a word of a
        message she had kept, and found nothing)."""
        cached = self._search_cache.get(id(row))
        if cached is not None and cached[0] is row:  # typed key by key: each row folded once (a review)
            return str(cached[1])
        text = super().search_text(row)  # (which caches what is shown; the words join it in the same cache)
        if row.transcript:
            text = f"{text} {row.transcript.casefold()}"
            self._search_cache[id(row)] = (row, text)
        return text

    def level_column(self) -> int:
        return self.COL_LEVEL

    def row_level(self, row: HistoryRow) -> Level | None:
        return row.level

    def row_about_text(self, row: HistoryRow) -> bool:
        return about_text(row)

    def row_score(self, row: HistoryRow) -> float:
        return row.score

    def row_category(self, row: HistoryRow) -> str:
        return row.category

    def cell(self, row: HistoryRow, column: int, role: int) -> Any:
        lang = self.lang
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_TIME:
                return row.time_text()
            if column == self.COL_KIND:
                return row.kind_text(lang)
            if column == self.COL_SUBJECT:
                return row.subject_text(lang)
            if column == self.COL_CATEGORY:
                return shown_category(row.level, row.category, row.category_text, lang)
            if column == self.COL_REASONS:
                return join_list(row.reason_texts(lang), lang)
            if column == self.COL_PROFILE:
                return row.profile
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of a cell the table may shorten with "…"
            if column == self.COL_SUBJECT:
                return row.path or row.number
            if column == self.COL_CATEGORY:
                return shown_category(row.level, row.category, row.category_text, lang) or None
            if column == self.COL_REASONS:
                return "\n".join(row.reason_texts(lang))
            if column == self.COL_PROFILE:
                return row.profile or None
        if role == SORT_ROLE and column == self.COL_TIME:
            return row.time.timestamp() if row.time is not None else 0.0
        return None


class _Record:
    """Attribute access over a decoded JSON dict; ``{"zh":…, "en":…}`` values become BiText."""

    def __init__(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            setattr(self, key, _decode_value(value))
        # Reason.to_dict() flattens its text into "zh"/"en" keys beside "code", "level"…
        if "text" not in data and isinstance(data.get("zh"), str) and isinstance(data.get("en"), str):
            from screening.i18n import BiText

            self.text = BiText(data["zh"], data["en"])

    def render(self, lang: str = "zh") -> str:
        text = getattr(self, "text", None)
        render = getattr(text, "render", None)
        return str(render(lang)) if callable(render) else str(text or "")

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Record({self.__dict__!r})"


def _decode_value(value: Any) -> Any:
    from screening.i18n import BiText

    if isinstance(value, dict):
        if set(value) == {"zh", "en"}:  # (one with a code beside, a speech reason, keeps it: ``app.display``)
            return BiText(str(value.get("zh") or ""), str(value.get("en") or ""))
        return _Record(value)
    return value


def decode_objects(value: Any) -> tuple[Any, ...]:
    """JSON-decoded reasons/hits/entities (lists of dicts) → objects with attributes (BiText for zh/en)."""
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        value = [value]
    return tuple(_decode_value(v) for v in value)


def _parse_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def history_row_from_record(record: dict[str, Any], category_text: Any = None) -> HistoryRow:
    """A row of ``blocklists.history.History.query`` (a decoded dict) → :class:`HistoryRow`."""
    level = record.get("level")
    hits = decode_objects(record.get("hits"))
    if category_text is None and record.get("category"):
        from app.models.recording_model import category_text_from_hits

        category_text = category_text_from_hits(str(record.get("category")), hits)
    return HistoryRow(
        id=record.get("id"),
        kind=str(record.get("kind") or "call"),
        time=_parse_time(record.get("occurred_at")),
        number=str(record.get("number_e164") or record.get("number_raw") or ""),
        path=str(record.get("file_path") or ""),
        level=Level.parse(level) if level is not None else Level.UNKNOWN,
        score=float(record.get("score") or 0.0),
        category=str(record.get("category") or ""),
        category_text=category_text,
        reasons=decode_objects(record.get("reasons")),
        transcript=str(record.get("transcript") or ""),
        hits=hits,
        entities=decode_objects(record.get("entities")),
        source=str(record.get("source") or ""),
        profile=str(record.get("profile") or ""),
        note=str(record.get("note") or ""),
        raw=record,
    )
