"""A small generic table model plus a filter proxy, shared by the Check/Recordings/Lists/History tables.

Each concrete model declares its columns once (key + header text, translated with ``self.tr``) and
how one row renders for each column.  Rows are plain Python objects held in a list; the model
never touches the database or threads — pages feed it results delivered on the GUI thread.

Sorting uses :data:`SORT_ROLE`, so a risk column sorts by the ordered :class:`Level` and a score
column numerically, while the displayed text stays human (the level word beside its icon).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon

from app.display import TEXT_NOTHING_FOUND_ICON, icon_path, level_label, level_style, level_word, render_text
from screening.i18n import BiText, normalise_language
from screening.types import Level

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # value used for sorting (Level int, float score, text)
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the row object itself
LEVEL_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # Level of the row (or None)
CATEGORY_ROLE = int(Qt.ItemDataRole.UserRole) + 4  # category key/text of the row (or "")
SEARCH_ROLE = int(Qt.ItemDataRole.UserRole) + 5  # text searched by the free-text filter

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")


def bi(value: Any, lang: str) -> str:
    """Render a BiText / Message / Level / plain value in ``lang`` (``app.display.render_text``)."""
    return render_text(value, lang)


def level_text(level: Level | None, lang: str) -> str:
    """``✖ 拦截`` — glyph plus word, never colour alone (for labels without an icon)."""
    return level_word(level, lang)


_ICON_CACHE: dict[Level, QIcon] = {}


def level_icon(level: Level) -> QIcon:
    """The level's icon (the same file the banners show, ``app.display.LEVEL_STYLES``)."""
    icon = _ICON_CACHE.get(level)
    if icon is None:
        icon = QIcon(icon_path(level_style(level).icon))
        _ICON_CACHE[level] = icon
    return icon


def text_nothing_found_icon() -> QIcon:
    """The icon of a checked text with nothing found (``app.display.TEXT_NOTHING_FOUND_ICON``)."""
    icon = _TEXT_ICON.get("icon")
    if icon is None:
        icon = _TEXT_ICON["icon"] = QIcon(icon_path(TEXT_NOTHING_FOUND_ICON))
    return icon


_TEXT_ICON: dict[str, QIcon] = {}


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """A read-only table of row objects.  Subclasses implement ``headers`` and ``cell``."""

    def __init__(self, parent: QObject | None = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []
        self._lang = normalise_language(lang)
        self._headers: list[str] | None = None  # cached: views ask for columnCount() constantly
        self._search_cache: dict[int, tuple[Any, str]] = {}
        # The level icons named in app.display; pages hand in style.level_icon (the same files, cached once).
        self.icon_provider: Callable[[Level], QIcon] = level_icon

    # --- to implement -------------------------------------------------------------------------
    def headers(self) -> Sequence[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def cell(self, row: RowT, column: int, role: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def row_level(self, row: RowT) -> Level | None:
        return None

    def row_category(self, row: RowT) -> str:
        return ""

    def row_about_text(self, row: RowT) -> bool:
        """Whether the row's level is a verdict on what was said or written (``app.display.level_label``)."""
        return False

    def level_column(self) -> int:
        return -1

    def row_score(self, row: RowT) -> float:
        """Tie-breaker inside one level when sorting by risk."""
        return 0.0

    # --- data access --------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self._lang

    def set_language(self, lang: str) -> None:
        self._lang = normalise_language(lang)
        self.retranslate()

    def header_texts(self) -> list[str]:
        if self._headers is None:
            self._headers = list(self.headers())
        return self._headers

    def retranslate(self) -> None:
        self._headers = None
        self._search_cache.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1))

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def set_rows(self, rows: Iterable[RowT]) -> None:
        self._search_cache.clear()
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: Iterable[RowT]) -> None:
        new = list(rows)
        if not new:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._rows.extend(new)
        self.endInsertRows()

    def replace_row(self, row: int, value: RowT) -> None:
        self._rows[row] = value
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def find_row(self, predicate: Callable[[RowT], bool]) -> int:
        for i, row in enumerate(self._rows):
            if predicate(row):
                return i
        return -1

    def clear(self) -> None:
        self.set_rows([])

    # --- QAbstractTableModel ------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.header_texts())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = self.header_texts()
            if 0 <= section < len(headers):
                return headers[section]
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        return self.value(self._rows[index.row()], index.column(), role)

    def search_text(self, row: RowT) -> str:
        """Everything shown for ``row``, case-folded (the free-text filter searches this); cached per row."""
        cached = self._search_cache.get(id(row))
        if cached is not None and cached[0] is row:
            return cached[1]
        text = " ".join(
            str(self.cell(row, c, Qt.ItemDataRole.DisplayRole) or "") for c in range(self.columnCount())
        ).casefold()
        self._search_cache[id(row)] = (row, text)
        return text

    def value(self, row: RowT, column: int, role: int) -> Any:
        """``data()`` for a row object — also used directly by sorting and filtering (no QModelIndex)."""
        if role == ROW_ROLE:
            return row
        if role == LEVEL_ROLE:
            return self.row_level(row)
        if role == CATEGORY_ROLE:
            return self.row_category(row)
        if role == SEARCH_ROLE:
            return self.search_text(row)
        if column == self.level_column():
            level = self.row_level(row)
            if role == Qt.ItemDataRole.DecorationRole and level is not None:
                if level is Level.UNKNOWN and self.row_about_text(row):
                    return text_nothing_found_icon()  # the ○ its word has, not the ? of an unknown caller
                return self.icon_provider(level)
            if role == Qt.ItemDataRole.ForegroundRole and level is not None:
                return QBrush(QColor(level_style(level).text))
            if role == SORT_ROLE:
                if level is None:
                    return -1.0
                return int(level) * 1_000_000.0 + max(0.0, min(999_999.0, self.row_score(row)))
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                # the word; the icon beside it carries the symbol
                return level_label(level, self._lang, self.row_about_text(row)) if level is not None else ""
        value = self.cell(row, column, role)
        if value is None and role == SORT_ROLE:
            display = self.cell(row, column, Qt.ItemDataRole.DisplayRole)
            return "" if display is None else str(display)
        return value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in Python (a 100,000-row call log sorts in a fraction of a second)."""
        if not (0 <= column < self.columnCount()) or not self._rows:
            return

        def key(i: int) -> tuple[int, Any]:
            value = self.value(self._rows[i], column, SORT_ROLE)
            if isinstance(value, (int, float)):
                return (0, value)
            return (1, "" if value is None else str(value).casefold())

        self.layoutAboutToBeChanged.emit()
        order_idx = sorted(range(len(self._rows)), key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        new_pos = {old: new for new, old in enumerate(order_idx)}
        self._rows = [self._rows[i] for i in order_idx]
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(persistent, [self.index(new_pos[idx.row()], idx.column()) for idx in persistent])
        self.layoutChanged.emit()


class TableFilterProxy(QSortFilterProxyModel):
    """Free-text search plus optional minimum level and category filters, sorting on SORT_ROLE."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._min_level: Level | None = None
        self._category = ""
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)  # re-filter when rows change; sorting happens in the source model

    def set_text(self, text: str) -> None:
        self._change_filter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_min_level(self, level: Level | None) -> None:
        self._change_filter(lambda: setattr(self, "_min_level", level))

    def set_category(self, category: str) -> None:
        self._change_filter(lambda: setattr(self, "_category", category))

    def _change_filter(self, change: Callable[[], None]) -> None:
        # Qt ≥ 6.9 deprecates invalidateFilter() in favour of begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is done by the source model in Python; the proxy only filters (fast on big tables)."""
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._min_level is None and not self._category and not self._text:
            return True
        model = self.sourceModel()
        if not isinstance(model, RowTableModel):
            return True
        row = model.row_at(source_row)
        if self._min_level is not None:
            level = model.row_level(row)
            if level is None or int(level) < int(self._min_level):
                return False
        if self._category and str(model.row_category(row) or "") != self._category:
            return False
        if self._text and self._text not in model.search_text(row):
            return False
        return True

    def source_rows(self) -> list[int]:
        """Source row numbers in the current (filtered, sorted) order."""
        return [self.mapToSource(self.index(r, 0)).row() for r in range(self.rowCount())]


def bitext(zh: str, en: str) -> BiText:
    return BiText(zh=zh, en=en)
