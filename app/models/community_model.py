"""Community lists on the Lists page: subscriptions (``SubscriptionView`` rows) and the user's own reports.

The state is never colour alone: every state cell starts with a glyph (✔ ⚠ ✖ ○) and says it in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from app.display import render_text
from app.models.base import SORT_ROLE, RowTableModel
from app.models.list_model import _time_text
from blocklists.subscriptions.reports import report_category_label
from blocklists.subscriptions.subscribe import SubscriptionState

STATE_GLYPH = {
    SubscriptionState.OK: "✔",
    SubscriptionState.EXPIRED: "⚠",
    SubscriptionState.FAILING: "✖",
    SubscriptionState.NEVER: "○",
}


def state_text(state: SubscriptionState, lang: str) -> str:
    """Glyph and words ("✔ 正常", "⚠ expired (still in use)"): never colour alone."""
    return f"{STATE_GLYPH[state]} {state.label(lang)}"


def short_fingerprint(fingerprint: str) -> str:
    """The key id in groups of four (0AAA 0C73 8B51 8F46), easier to read out on the phone to a publisher."""
    fp = fingerprint.upper()
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))


class SubscriptionsModel(RowTableModel[Any]):
    """One row per subscription: list, publisher, key, serial, last update, state, entries (wildcards flagged)."""

    # the state first after the title: in large text the right-hand columns scroll out of view
    COL_TITLE, COL_STATE, COL_ENTRIES, COL_UPDATED, COL_SERIAL, COL_PUBLISHER, COL_KEY = range(7)

    def headers(self) -> Sequence[str]:
        return [
            self.tr("订阅的名单"),
            self.tr("状态"),
            self.tr("条目"),
            self.tr("上次更新"),
            self.tr("版本"),
            self.tr("发布者"),
            self.tr("公钥指纹"),
        ]

    def entries_text(self, row: Any) -> str:
        text = str(row.entry_count)
        if row.wildcard_count or row.prefix_count:
            # Wildcards and prefixes block whole ranges of numbers: flag them, in words.
            text += "  ⚠ " + self.tr("通配 %1 / 号段 %2").replace("%1", str(row.wildcard_count)).replace(
                "%2", str(row.prefix_count)
            )
        return text

    def cell(self, row: Any, column: int, role: int) -> Any:
        lang = self.lang
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_TITLE:
                return render_text(row.title, lang)
            if column == self.COL_PUBLISHER:
                return row.publisher or self.tr("（未署名）")
            if column == self.COL_KEY:
                return short_fingerprint(row.fingerprint)
            if column == self.COL_SERIAL:
                return str(row.serial) if row.serial else "—"
            if column == self.COL_UPDATED:
                return _time_text(row.last_success) or self.tr("从未")
            if column == self.COL_STATE:
                return state_text(row.state, lang)
            if column == self.COL_ENTRIES:
                return self.entries_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_STATE and row.last_error is not None:
                return render_text(row.last_error, lang)
            if column == self.COL_ENTRIES and (row.wildcard_count or row.prefix_count):
                return self.tr("此名单含通配或号段规则，会拦截整段号码（官方号码和您的白名单不受影响）")
            if column == self.COL_TITLE:
                return row.source
        if role == SORT_ROLE:
            if column == self.COL_SERIAL:
                return float(row.serial)
            if column == self.COL_ENTRIES:
                return float(row.entry_count)
        return None


class ReportsModel(RowTableModel[Any]):
    """The user's own reports (``blocklists.subscriptions.reports.Report``): time, number, category, note."""

    COL_TIME, COL_NUMBER, COL_CATEGORY, COL_NOTE = range(4)

    def headers(self) -> Sequence[str]:
        return [self.tr("时间"), self.tr("号码"), self.tr("类别"), self.tr("备注")]

    def cell(self, row: Any, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_TIME:
                return _time_text(row.reported_at)
            if column == self.COL_NUMBER:
                return row.number
            if column == self.COL_CATEGORY:
                return report_category_label(row.category, self.lang)
            if column == self.COL_NOTE:
                return row.note
        return None
