"""录音分析 Recordings: one row per file in a batch scan, updated as the scan progresses."""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import Qt

from app.display import about_text, shown_category
from app.models.base import SORT_ROLE, RowTableModel, bi
from screening.types import Level


class FileStatus(enum.Enum):
    """Per-file state in a batch scan; value is (zh, en)."""

    QUEUED = ("等待中", "waiting")
    SCANNING = ("分析中", "scanning")
    DONE = ("完成", "done")
    SKIPPED = ("已分析过", "already scanned")
    FAILED = ("失败", "failed")
    CANCELLED = ("已取消", "cancelled")

    def label(self, lang: str) -> str:
        return self.value[1] if lang == "en" else self.value[0]


@dataclass(frozen=True)
class RecordingRow:
    """A recording and, once scanned, its transcript, evidence and verdict.

    ``hits`` are ``PhraseHit``-like objects (start, end, matched, category, category_text,
    explanation, t) with offsets into ``transcript``; ``entities`` are ``Entity``-like objects
    (kind, value, start, end).
    """

    path: str
    status: FileStatus = FileStatus.QUEUED
    level: Level | None = None
    score: float = 0.0
    category: str = ""
    category_text: Any = None
    transcript: str = ""
    hits: tuple[Any, ...] = ()
    entities: tuple[Any, ...] = ()
    error: Any = None
    duration: float | None = None
    reasons: tuple[Any, ...] = field(default=())

    @property
    def name(self) -> str:
        return os.path.basename(self.path) or self.path

    def with_status(self, status: FileStatus) -> RecordingRow:
        return replace(self, status=status)


class RecordingResultsModel(RowTableModel[RecordingRow]):
    COL_FILE, COL_STATUS, COL_LEVEL, COL_SCORE, COL_CATEGORY, COL_EVIDENCE = range(6)

    def headers(self) -> Sequence[str]:
        return [
            self.tr("文件"),
            self.tr("状态"),
            self.tr("风险等级"),
            self.tr("风险分"),
            self.tr("诈骗类型"),
            self.tr("证据"),
        ]

    def level_column(self) -> int:
        return self.COL_LEVEL

    def row_level(self, row: RecordingRow) -> Level | None:
        return row.level

    def row_about_text(self, row: RecordingRow) -> bool:
        return about_text(row)

    def row_score(self, row: RecordingRow) -> float:
        return row.score

    def row_category(self, row: RecordingRow) -> str:
        return row.category

    def row_for_path(self, path: str) -> int:
        return self.find_row(lambda r: r.path == path)

    def cell(self, row: RecordingRow, column: int, role: int) -> Any:
        lang = self.lang
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_FILE:
                return row.name
            if column == self.COL_STATUS:
                if row.status is FileStatus.FAILED and row.error:
                    colon = ": " if lang == "en" else "："  # (no full-width colon in English: a trial)
                    return f"{row.status.label(lang)}{colon}{bi(row.error, lang)}"
                return row.status.label(lang)
            if column == self.COL_SCORE:
                return "" if row.level is None else f"{row.score:.2f}"
            if column == self.COL_CATEGORY:
                return shown_category(row.level, getattr(row, "category", None), row.category_text, lang)
            if column == self.COL_EVIDENCE:
                phrases: list[str] = []
                for hit in row.hits:
                    text = str(getattr(hit, "matched", "") or "")
                    if text and text not in phrases:
                        phrases.append(text)
                return "、".join(phrases[:6]) + ("…" if len(phrases) > 6 else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_FILE:
                return row.path
            if column == self.COL_STATUS and row.error:
                return bi(row.error, lang)
        if role == SORT_ROLE:
            if column == self.COL_SCORE:
                return -1.0 if row.level is None else float(row.score)
            if column == self.COL_STATUS:
                return list(FileStatus).index(row.status)
        return None


_STATUS_BY_NAME = {
    "queued": FileStatus.QUEUED,
    "scanning": FileStatus.SCANNING,
    "done": FileStatus.DONE,
    "skipped": FileStatus.SKIPPED,
    "failed": FileStatus.FAILED,
    "cancelled": FileStatus.CANCELLED,
}


def category_text_from_hits(category: str | None, hits: tuple[Any, ...]) -> Any:
    """The category's display name, taken from a hit of that category (hits carry it)."""
    if not category:
        return None
    for hit in hits:
        if getattr(hit, "category", None) == category and getattr(hit, "category_text", None) is not None:
            return hit.category_text
    return None


def row_from_file_result(result: Any) -> RecordingRow:
    """A ``speech.batch.FileResult`` (plain data; hits/entities/reasons as dicts) → :class:`RecordingRow`."""
    from app.models.history_model import decode_objects

    hits = decode_objects(getattr(result, "hits", ()))
    level = getattr(result, "level", None)
    category = str(getattr(result, "category", "") or "")
    return RecordingRow(
        path=str(result.path),
        status=_STATUS_BY_NAME.get(str(getattr(result, "status", "")), FileStatus.FAILED),
        level=Level.parse(level) if level is not None else None,
        score=float(getattr(result, "score", 0.0) or 0.0),
        category=category,
        category_text=category_text_from_hits(category, hits),
        transcript=str(getattr(result, "transcript", "") or ""),
        hits=hits,
        entities=decode_objects(getattr(result, "entities", ())),
        reasons=decode_objects(getattr(result, "reasons", ())),
        error=getattr(result, "error", None),
        duration=float(getattr(result, "duration_s", 0.0) or 0.0) or None,
    )


def row_from_history_record(path: str, record: dict[str, Any], status: FileStatus = FileStatus.SKIPPED) -> RecordingRow:
    """A file skipped because it was scanned before: show the verdict stored in the history."""
    from app.models.history_model import decode_objects

    hits = decode_objects(record.get("hits"))
    level = record.get("level")
    category = str(record.get("category") or "")
    return RecordingRow(
        path=path,
        status=status,
        level=Level.parse(level) if level is not None else None,
        score=float(record.get("score") or 0.0),
        category=category,
        category_text=category_text_from_hits(category, hits),
        transcript=str(record.get("transcript") or ""),
        hits=hits,
        entities=decode_objects(record.get("entities")),
        reasons=decode_objects(record.get("reasons")),
        duration=float(record.get("duration_s") or 0.0) or None,
    )
