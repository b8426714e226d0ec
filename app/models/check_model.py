"""查号 Check results: one row per screened number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from app.display import join_list, level_word, not_a_number_word, number_nothing_found, shown_name
from app.models.base import SORT_ROLE, RowTableModel, bi
from screening.types import Level


@dataclass(frozen=True)
class CheckRow:
    """What the user typed (``raw``) and the screener's verdict for it (a ``NumberVerdict``)."""

    raw: str
    verdict: Any
    in_scam_text: bool = False  # found in a message the detector flagged (``app.operations.check.check_text``)
    name: str = ""  # the 姓名 and 时间 of the call-log row the number came from (``app.phone.importer.CallDetails``)
    time: str = ""

    @property
    def level(self) -> Level:
        return Level.parse(getattr(self.verdict, "level", Level.UNKNOWN))

    @property
    def not_a_number(self) -> bool:
        """A line with a character no number has (139-1234-567O, abc): said so, not judged (``NOT_A_NUMBER_TEXT``)."""
        from screening.numbers import NumberProblem

        return bool(self.raw.strip()) and getattr(self.number, "problem", None) is NumberProblem.NOT_A_NUMBER

    def level_text(self, lang: str) -> str:
        """The level column's words as the table and the CSV show them."""
        return not_a_number_word(lang) if self.not_a_number else level_word(self.level, lang)

    @property
    def score(self) -> float:
        return float(getattr(self.verdict, "score", 0.0) or 0.0)

    @property
    def number(self) -> Any:
        return getattr(self.verdict, "number", None)

    @property
    def e164(self) -> str:
        return str(getattr(self.number, "e164", "") or "")

    @property
    def list_value(self) -> str:
        """The form to put on a block/allow list: E.164 when the number parsed, else as typed, for the list to read or
        refuse with its reason (the digits alone put 「abc123」 on a blocklist as 123, and 「1381234567O」 as a
        ten-digit number: a trial)."""
        if self.e164:
            return self.e164
        return self.raw.strip()

    def _attribution_text(self, lang: str, kind: str) -> str:
        attribution = getattr(self.number, "attribution", None)
        if attribution is None:
            return ""
        first, second = ("en", "zh") if lang == "en" else ("zh", "en")
        for suffix in (first, second):
            value = getattr(attribution, f"{kind}_{suffix}", None)
            if value:
                return str(value)
        generic = getattr(attribution, kind, None)
        return bi(generic, lang) if generic is not None else ""

    def location(self, lang: str) -> str:
        """归属地: 江苏省南通市 / Nantong, Jiangsu."""
        return self._attribution_text(lang, "description")

    def carrier(self, lang: str) -> str:
        return self._attribution_text(lang, "carrier")

    def reasons(self, lang: str) -> list[str]:
        out = []
        for reason in getattr(self.verdict, "reasons", ()) or ():
            text = getattr(reason, "text", reason)
            out.append(bi(text, lang))
        out = [r for r in out if r]
        if not out and self.level <= Level.UNKNOWN:
            out = [number_nothing_found(lang, self.in_scam_text)]
        return out


class CheckResultsModel(RowTableModel[CheckRow]):
    """The 姓名 and 时间 columns hold what an opened or pasted call log said beside each number; the page hides them
    when no row has one (``detail_columns``)."""

    COL_NUMBER, COL_NAME, COL_TIME, COL_LEVEL, COL_LOCATION, COL_CARRIER, COL_REASONS = range(7)

    def headers(self) -> Sequence[str]:
        return [
            self.tr("号码"),
            self.tr("姓名"),
            self.tr("时间"),
            self.tr("风险等级"),
            self.tr("归属地"),
            self.tr("运营商"),
            self.tr("原因"),
        ]

    def detail_columns(self, rows: Sequence[CheckRow]) -> dict[int, bool]:
        """Whether each of the 姓名 and 时间 columns has something to show for ``rows``."""
        return {self.COL_NAME: any(r.name for r in rows), self.COL_TIME: any(r.time for r in rows)}

    def level_column(self) -> int:
        return self.COL_LEVEL

    def row_level(self, row: CheckRow) -> Level | None:
        return None if row.not_a_number else row.level

    def value(self, row: CheckRow, column: int, role: int) -> Any:
        if (
            row.not_a_number
            and column == self.COL_LEVEL
            and role
            in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.AccessibleTextRole,
            )
        ):
            return not_a_number_word(self.lang)
        return super().value(row, column, role)

    def row_score(self, row: CheckRow) -> float:
        return row.score

    def cell(self, row: CheckRow, column: int, role: int) -> Any:
        lang = self.lang
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_NUMBER:
                return row.raw if not row.e164 or row.e164 == row.raw else f"{row.raw}  ({row.e164})"
            if column == self.COL_NAME:
                return shown_name(row.name, lang)
            if column == self.COL_TIME:
                return row.time
            if column == self.COL_LOCATION:
                return row.location(lang)
            if column == self.COL_CARRIER:
                return row.carrier(lang)
            if column == self.COL_REASONS:
                return join_list(row.reasons(lang), lang)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_REASONS:
            return "\n".join(row.reasons(lang))
        if role == SORT_ROLE and column == self.COL_NUMBER:
            return row.e164 or row.raw
        return None
