"""Qt side of the level style (icons, colours as QColor) and fonts; the facts live in ``app.display``."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from app.display import TEXT_NOTHING_FOUND_ICON, LevelStyle, level_style
from app.display import icon_path as icon_path
from app.i18n import current_language as current_language
from screening.types import Level

# Short advice shown under the verdict: what the family helper should do now.
LEVEL_ADVICE: dict[Level, tuple[str, str]] = {
    Level.ALLOW: ("可信号码，可以放心接听。", "Trusted number — safe to answer."),
    Level.UNKNOWN: ("陌生号码，没有发现风险，接听时保持警惕。", "Unknown number, no risk found — stay alert."),
    Level.CAUTION: (
        "需要注意：核实对方身份再谈钱的事。",
        "Be careful: check who is calling before talking about money.",
    ),
    Level.WARN: ("疑似诈骗！不要转账，不要说验证码。", "Likely fraud! Do not transfer money or share codes."),
    Level.BLOCK: ("诈骗风险很高，建议立即挂断。", "High fraud risk — hang up now."),
}


def style_for(level: Level) -> LevelStyle:
    return level_style(level)


def level_text(level: Level, lang: str | None = None) -> str:
    return Level.parse(level).label(lang or current_language())


def level_advice(level: Level, lang: str | None = None) -> str:
    zh, en = LEVEL_ADVICE[Level.parse(level)]
    return en if (lang or current_language()) == "en" else zh


LARGE_TEXT_FACTOR = 1.5


def set_scaled_font(widget: QWidget, factor: float, bold: bool = False) -> None:
    """Give ``widget`` a font ``factor`` × the application font; re-applied when large-text mode changes."""
    widget.setProperty("callshield_font_factor", float(factor))
    widget.setProperty("callshield_font_bold", bool(bold))
    _apply_scaled(widget)


def _apply_scaled(widget: QWidget) -> None:
    factor = widget.property("callshield_font_factor")
    if factor is None:
        return
    font = QFont(QApplication.font())
    font.setPointSizeF(max(font.pointSizeF(), 6.0) * float(factor))
    font.setBold(bool(widget.property("callshield_font_bold")))
    widget.setFont(font)


def base_point_size(app: QApplication) -> float:
    """The system's font size, remembered before we scale anything (system font scaling is respected)."""
    stored = app.property("callshield_base_point_size")
    if stored is None:
        stored = QApplication.font().pointSizeF()
        if stored <= 0:
            stored = 10.0
        app.setProperty("callshield_base_point_size", float(stored))
    return float(stored)


def apply_text_scale(app: QApplication, large: bool) -> float:
    """Large-text mode: application font = system size × 1.5; returns the point size now in use."""
    size = base_point_size(app) * (LARGE_TEXT_FACTOR if large else 1.0)
    font = QFont(QApplication.font())
    font.setPointSizeF(size)
    QApplication.setFont(font)
    # With an application style sheet Qt does not push a new application font to existing widgets;
    # re-applying the sheet re-polishes them all.
    sheet = app.styleSheet().replace(LARGE_TEXT_SHEET, "")
    app.setStyleSheet("")
    # tick boxes and round choices grow with the text (a volunteer: in large text they stayed small)
    app.setStyleSheet(sheet + LARGE_TEXT_SHEET if large and sheet else sheet)
    app.setProperty("callshield_large_text", bool(large))
    for widget in QApplication.allWidgets():
        own = widget.styleSheet()
        if own:  # same for widgets with their own sheet (banners, cards)
            widget.setStyleSheet("")
            widget.setStyleSheet(own)
        if widget.property("callshield_font_factor") is not None:
            _apply_scaled(widget)
    return size


@cache
def icon(name: str) -> QIcon:
    return QIcon(icon_path(name))


def level_icon(level: Level) -> QIcon:
    return icon(style_for(level).icon)


def level_pixmap(level: Level, size: int, about_text: bool = False) -> QPixmap:
    """The level's icon; ``about_text`` at UNKNOWN: a checked text with nothing found, drawn ○ as its word is."""
    if about_text and Level.parse(level) is Level.UNKNOWN:
        return icon(TEXT_NOTHING_FOUND_ICON).pixmap(QSize(size, size))
    return level_icon(level).pixmap(QSize(size, size))


def level_color(level: Level) -> QColor:
    return QColor(style_for(level).accent)


# Added to the application's sheet in large-text mode: the indicators of check boxes and radio buttons, which the
# platform style draws at a fixed size, follow the text (drawn by the same style, only larger)
LARGE_TEXT_SHEET = """
QCheckBox::indicator, QRadioButton::indicator, QGroupBox::indicator { width: 1.1em; height: 1.1em; }
"""

# Application-wide style sheet: generous spacing and clear focus rings for keyboard users.
# A greyed-out primary button must look disabled, not blue and dead (the Check and Recordings buttons wait on input).
# Qt's style sheets take no outline on a button: a coloured button's focus is a dark border, and a text field's a blue
# one (a keyboard-first trial with weak eyes saw no focus on 查询 or in the big 查号 box, only a blinking caret).
APP_STYLESHEET = """
QListWidget#navigation { border: none; background: #f6f8fa; outline: 0; }
QListWidget#navigation::item { padding: 0.6em 0.8em; border-radius: 6px; margin: 2px 6px; color: #24292f; }
QListWidget#navigation::item:selected { background: #ddf4ff; color: #0969da; font-weight: bold; }
QListWidget#navigation::item:selected:focus { border: 2px solid #0969da; }
QPushButton { padding: 0.35em 0.9em; }
QPushButton:focus, QLineEdit:focus, QComboBox:focus, QCheckBox:focus, QSpinBox:focus {
    outline: 2px solid #0969da;
}
QPushButton#danger {
    background: #cf222e; color: white; font-weight: bold; border-radius: 4px; border: 3px solid #cf222e;
}
QPushButton#primary {
    background: #1f6feb; color: white; font-weight: bold; border-radius: 4px; border: 3px solid #1f6feb;
}
QPushButton#primary:disabled { background: #d0d7de; color: #57606a; border-color: #d0d7de; }
QPushButton#primary:focus, QPushButton#danger:focus { border: 3px solid #24292f; }
QLineEdit:focus, QPlainTextEdit:focus { border: 2px solid #0969da; }
QFrame#callCard { border: 1px solid #d0d7de; border-radius: 8px; background: #ffffff; }
QFrame#emailNotice { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; }
QFrame#emailNotice QLabel { color: #3b2300; background: transparent; border: none; }
QLabel#hint { color: #57606a; }
"""
