"""Accessibility of the Check, Recordings, Lists and History pages: every control can be named and reached.

A screen reader announces a control by its accessible name, its text or the label that is its buddy;
keyboard users need every control to take focus.  Both are checked on the real pages in both languages.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)

from app.ui.page_check import CheckPage
from app.ui.page_history import HistoryPage
from app.ui.page_lists import ListsPage
from app.ui.page_recordings import RecordingsPage

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit, QAbstractItemView, QTextBrowser, QDateEdit)


def _names(page: QWidget) -> list[tuple[str, str]]:
    buddies = {id(label.buddy()) for label in page.findChildren(QLabel) if label.buddy() is not None}
    problems = []
    for widget in page.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(page):
            continue
        if type(widget).__name__ in ("QScrollBar",) or widget.objectName().startswith("qt_"):
            continue
        parent = widget.parentWidget()
        if isinstance(parent, (QComboBox, QDateEdit, QAbstractItemView)) or (
            parent is not None and isinstance(parent.parentWidget(), (QAbstractItemView,))
        ):
            continue  # internals of a composite control (line edit of a date edit, header of a table)
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.strip() or id(widget) in buddies):
            problems.append((type(widget).__name__, widget.objectName()))
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            problems.append((type(widget).__name__, "cannot take keyboard focus"))
    return problems


@pytest.mark.parametrize("page_cls", [CheckPage, RecordingsPage, ListsPage, HistoryPage])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_control_has_a_name_and_takes_focus(qtbot, services, wait_jobs, qapp, page_cls, lang) -> None:
    from app.i18n import install_language

    install_language(qapp, lang)
    page = page_cls(services)
    qtbot.addWidget(page)
    page.show()
    wait_jobs()
    page.retranslate()
    assert _names(page) == []
