"""名单 Lists: the lists themselves and the entries of the selected list.

Entries come from the list store as dataclasses or dict-like records; :func:`field` reads either
so the model does not care which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from app.models.base import SORT_ROLE, RowTableModel, bi

AnyIndex = QModelIndex | QPersistentModelIndex


def field(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute / mapping key of ``names`` on ``obj``."""
    for name in names:
        if isinstance(obj, dict):
            if name in obj and obj[name] is not None:
                return obj[name]
        else:
            value = getattr(obj, name, None)
            if value is not None:
                return value
    return default


def _time_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return str(value.strftime("%Y-%m-%d %H:%M"))
    return str(value)


class ListsModel(RowTableModel[Any]):
    """The lists: name, kind (block/allow), enabled (checkable), entry count."""

    COL_NAME, COL_COUNT = range(2)
    COL_KIND = -1  # shown as the ✔/✖ mark before the name (and in the tooltip), not as its own column

    # The user ticked/unticked a list (mouse or Space key): the page writes it through the store and
    # reloads; the model itself stays a read-only mirror of the store.
    toggleRequested = Signal(str, bool)

    def headers(self) -> Sequence[str]:
        return [self.tr("名单（勾选 = 启用）"), self.tr("条目数")]

    def list_name(self, row: int) -> str:
        return str(field(self.row_at(row), "name", "id", default=""))

    def is_allow(self, item: Any) -> bool:
        kind = field(item, "kind", "list_kind", "type", default="")
        text = str(getattr(kind, "value", kind)).lower()
        return "allow" in text or "white" in text

    def display_name(self, item: Any) -> str:
        title = field(item, "title", "label", "display_name")
        if title is not None:
            return bi(title, self.lang)
        return str(field(item, "name", default=""))

    def cell(self, row: Any, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_NAME:
                text = ("✔ " if self.is_allow(row) else "✖ ") + self.display_name(row)
                if field(row, "subscribed", default=False):
                    text += self.tr("（订阅）")  # a signed community list, not a file imported by hand
                return text
            if column == self.COL_COUNT:
                return str(field(row, "entry_count", "count", "entries", default=""))
        if role == Qt.ItemDataRole.CheckStateRole and column == self.COL_NAME:
            enabled = bool(field(row, "enabled", default=True))
            return Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_NAME:
            kind = (
                self.tr("可信名单（放行）：名单里的号码永远不会被标记")
                if self.is_allow(row)
                else self.tr("拦截名单：名单里的号码来电时报警")
            )
            if field(row, "subscribed", default=False):
                kind += "\n" + self.tr("订阅的社区名单：由发布者签名并自动更新，在“社区订阅”页管理")
            return self.display_name(row) + "\n" + kind + "\n" + self.tr("勾选表示启用此名单")  # the whole name, if cut
        if role == SORT_ROLE and column == self.COL_COUNT:
            value = field(row, "entry_count", "count", default=0)
            return float(value) if isinstance(value, (int, float)) else 0.0
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.COL_NAME:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == self.COL_NAME:
            checked = value in (Qt.CheckState.Checked, int(Qt.CheckState.Checked.value))
            self.toggleRequested.emit(self.list_name(index.row()), bool(checked))
            return True
        return False


class ListEntriesModel(RowTableModel[Any]):
    """Entries of one list: number/pattern, category, note, source, added, hits."""

    COL_PATTERN, COL_CATEGORY, COL_NOTE, COL_SOURCE, COL_ADDED, COL_HITS = range(6)

    def headers(self) -> Sequence[str]:
        return [
            self.tr("号码 / 规则"),
            self.tr("类别"),
            self.tr("备注"),
            self.tr("来源"),
            self.tr("添加时间"),
            self.tr("命中次数"),
        ]

    def row_category(self, row: Any) -> str:
        return str(field(row, "category", default=""))

    def source_text(self, source: str) -> str:
        """Where an entry came from, in words: 手动添加 / 查号页 / 来电监控 / 导入：file.csv."""
        known = {
            "manual": self.tr("手动添加"),
            "check": self.tr("查号页"),
            "live": self.tr("来电监控"),
            "call": self.tr("来电监控"),
            "app": self.tr("来电监控"),  # (what the call card wrote before it said live: a trial read 「app」)
            "wizard": self.tr("首次设置"),
        }
        if source in known:
            return known[source]
        if source.startswith("import:"):
            return self.tr("导入：") + source.split(":", 1)[1]
        return source

    def cell(self, row: Any, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_PATTERN:
                return str(field(row, "pattern", "number", "value", default=""))
            if column == self.COL_CATEGORY:
                return bi(field(row, "category_text", "category", default=""), self.lang)
            if column == self.COL_NOTE:
                return str(field(row, "note", default=""))
            if column == self.COL_SOURCE:
                return self.source_text(str(field(row, "source", default="")))
            if column == self.COL_ADDED:
                return _time_text(field(row, "added_at", "added"))
            if column == self.COL_HITS:
                return str(field(row, "hit_count", "hits", default=0))
        if role == SORT_ROLE and column == self.COL_HITS:
            value = field(row, "hit_count", "hits", default=0)
            return float(value) if isinstance(value, (int, float)) else 0.0
        return None
