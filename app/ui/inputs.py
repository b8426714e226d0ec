"""How value inputs (combo boxes, spin boxes, date edits) behave everywhere in the app: one event filter on the
application, installed by :func:`app.gui.make_app`, so every page and dialog, present and future, gets it.

- **The mouse wheel scrolls the page, not the setting.** Qt's combo and spin boxes take the wheel even without focus,
  so scrolling the Settings page changed whatever passed under the pointer, and it was saved at once (a trial user's
  alert sensitivity went from warning to block; the SMTP port 587 → 582 → 574). Here these inputs take focus only by
  click or Tab (``Qt.StrongFocus``, not ``WheelFocus``), and a wheel turn over one that has no focus goes on to the
  widgets under it (the scroll area), as if the input were not there. Once clicked, the wheel changes it as usual.
- **Combo boxes fit their text again when it changes.** Qt's default sizes a combo box once, when first shown, so
  items filled in later, a language switch or large-text mode left it cutting its text ("Last 7 day"). Combos that
  kept that default now follow their contents; a combo that chose another policy (long names shown shortened, not
  widening the page) keeps it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

_GUARDED = (QComboBox, QAbstractSpinBox)


class InputGuard(QObject):
    """The application-wide event filter (see the module's docstring)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            if isinstance(watched, _GUARDED) and not watched.hasFocus() and isinstance(event, QWheelEvent):
                pass_wheel_on(watched, event)
                return True
        elif kind == QEvent.Type.Polish and isinstance(watched, _GUARDED):
            prepare_input(watched)
        return False


def prepare_input(widget: QWidget) -> None:
    """Focus by click or Tab only (a wheel turn must not focus it first); combos size to their current text."""
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if (
        isinstance(widget, QComboBox)
        and widget.sizeAdjustPolicy() == QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow
    ):
        widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)


def pass_wheel_on(widget: QWidget, event: QWheelEvent) -> None:
    """Offer the wheel turn to ``widget``'s ancestors, nearest first, until one takes it (a scroll area scrolls), as
    Qt does for a widget that ignores the wheel. ``event`` ends accepted, so Qt does not offer it a second time."""
    position = QPointF(event.position())
    child = widget
    parent = widget.parentWidget()
    while parent is not None:
        position += QPointF(child.pos())
        turn = QWheelEvent(
            position,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
            event.pointingDevice(),
        )
        QApplication.sendEvent(parent, turn)
        if turn.isAccepted() or parent.isWindow():
            break
        child, parent = parent, parent.parentWidget()
    event.accept()


def install_input_guard(app: QApplication) -> InputGuard:
    """Install the filter on ``app`` once (again: the same one); returns it."""
    guard = app.findChild(InputGuard, "callshield_input_guard")
    if guard is None:
        guard = InputGuard(app)
        guard.setObjectName("callshield_input_guard")
        app.installEventFilter(guard)
    return guard
