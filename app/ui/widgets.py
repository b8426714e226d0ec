"""Shared widgets: verdict banner, level badge, risk meter, highlighted transcript, error dialog.

Every level is shown with an icon *and* words *and* colour, never colour alone; each custom widget sets an
accessible name/description so a screen reader announces the verdict. UI-pages may append new classes at the end.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTextBrowser,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app import display
from app.local_zone import local_day_start
from app.reports.export import hit_span
from app.ui import style
from screening.types import Level


def render_text(value: Any, lang: str | None = None) -> str:
    """Render a core result (BiText, Message, Level, str) in ``lang``, by default the current UI language."""
    return display.render_text(value, lang or style.current_language())


def page_title(parent: QWidget) -> QLabel:
    """A page's large bold title (the ``pageTitle`` style)."""
    label = QLabel(parent)
    label.setObjectName("pageTitle")
    style.set_scaled_font(label, 1.5, bold=True)
    return label


def hint_label(parent: QWidget) -> QLabel:
    """A wrapped explanatory line in the muted ``hint`` style."""
    label = QLabel(parent)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def date_range_edits(parent: QWidget, days_back: int) -> tuple[QDateEdit, QDateEdit]:
    """The from/until date pickers of a custom period: calendar pop-ups, ``yyyy-MM-dd``, ``days_back`` days to today."""
    since, until = QDateEdit(parent), QDateEdit(parent)
    for edit in (since, until):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(QDate.currentDate())
    since.setDate(QDate.currentDate().addDays(-days_back))
    return since, until


def qdate_to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def picked_days(since_edit: QDateEdit, until_edit: QDateEdit) -> tuple[int, dt.datetime, dt.datetime]:
    """(days, since, until) of the whole local days between two date pickers, either way round."""
    start, end = qdate_to_date(since_edit.date()), qdate_to_date(until_edit.date())
    if end < start:
        start, end = end, start
    return (end - start).days + 1, local_day_start(start), local_day_start(end + dt.timedelta(days=1))


ZWSP = "\u200b"  # a zero-width space: where a line may break inside a word, not shown
_UNBROKEN = re.compile(r"[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]{16,}")  # a long word: a path, a file, a link
_BREAK_AFTER = re.compile(r"([_@()/\\.\-])(?=\S)")
_LONG_RUN = re.compile(r"[0-9A-Za-z]{12,}")


def breakable(text: str) -> str:
    """``text`` with places a QLabel may wrap inside long words (16 characters or more without a space or a Chinese
    character): after ``_ @ ( ) / . -`` and every 8 characters of a long run of letters and digits. A phone names a
    recording 「通话录音@95275012(95275012)_20261205093000.wav」: in large text that one word made the window wider than a
    laptop's screen (a trial). A phone number is shorter, and is left whole; the marks are zero-width."""

    def marks(m: re.Match[str]) -> str:
        word = _BREAK_AFTER.sub(lambda b: b.group(1) + ZWSP, m.group(0))
        return _LONG_RUN.sub(lambda r: ZWSP.join(r.group(0)[i : i + 8] for i in range(0, len(r.group(0)), 8)), word)

    return _UNBROKEN.sub(marks, text)


class VerdictBanner(QFrame):
    """Large banner: level icon + level word + headline + reasons, coloured by level."""

    def __init__(self, parent: QWidget | None = None, icon_size: int = 48) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self._level = Level.UNKNOWN
        self._icon_size = icon_size
        self._icon = QLabel(self)
        self._icon.setFixedSize(QSize(icon_size, icon_size))
        self._title = QLabel(self)
        style.set_scaled_font(self._title, 1.6, bold=True)
        self._title.setWordWrap(True)
        self._advice = QLabel(self)
        self._advice.setWordWrap(True)
        self._reasons = QLabel(self)
        self._reasons.setWordWrap(True)
        self._reasons.setTextFormat(Qt.TextFormat.RichText)
        self._reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text_box = QVBoxLayout()
        text_box.setSpacing(2)
        text_box.addWidget(self._title)
        text_box.addWidget(self._advice)
        text_box.addWidget(self._reasons)
        self._text_box = text_box
        self._reasons_apart = False
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 12, 10)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text_box, 1)
        # never shorter than its text: squeezed by a short detail pane (large text, 1100 × 760) the title ran over the
        # advice and the reasons were cut off; the lists below it give way instead
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._headline = ""
        self._reason_lines: list[str] = []
        self._about_text = False
        self._no_verdict: str | None = None
        self.set_verdict(Level.UNKNOWN)

    @property
    def level(self) -> Level:
        return self._level

    def take_reasons(self) -> QLabel:
        """The reasons list, out of the banner, for the owner to lay out apart from the verdict (the live card keeps
        the level sign, word and advice pinned and lets the reasons scroll with the transcript). It keeps the level's
        colours and is still filled by :meth:`set_verdict`."""
        if not self._reasons_apart:
            self._text_box.removeWidget(self._reasons)
            self._reasons.setObjectName("verdictReasons")
            self._reasons_apart = True
            self._refresh()
        return self._reasons

    def title_text(self) -> str:
        return self._title.text().replace(ZWSP, "")

    def reasons_text(self) -> list[str]:
        return list(self._reason_lines)

    def set_verdict(
        self,
        level: Level,
        headline: str = "",
        reasons: Sequence[Any] = (),
        about_text: bool = False,
        no_verdict: str | None = None,
    ) -> None:
        """``about_text``: the verdict is on what was said or written (a recording, a message), so the advice is
        ``app.display.TEXT_VERDICT``'s, not a caller's number's (「陌生号码…接听时保持警惕」 fits no recording).
        ``no_verdict`` (``app.display.NO_VERDICT``: failed, pending): a recording with no verdict is ? 未知 and says
        why, never ○ 未发现诈骗."""
        self._level = Level.UNKNOWN if no_verdict else Level.parse(level)
        self._about_text = about_text and not no_verdict
        self._no_verdict = no_verdict
        self._headline = headline
        self._reason_lines = [render_text(r) for r in reasons if render_text(r)]
        self._refresh()

    def retranslate(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        st = style.style_for(self._level)
        if self._about_text:  # ``○ 未发现诈骗`` / ``✖ 拦截``: the glyph and the icon say "read, nothing found"
            word = display.level_word(self._level, style.current_language(), about_text=True)
            word = word[:2] + word[2:3].upper() + word[3:]
        else:
            word = display.level_label(self._level, style.current_language())
            word = word[:1].upper() + word[1:]
        self._icon.setPixmap(style.level_pixmap(self._level, self._icon_size, self._about_text))
        title = f"{word} · {self._headline}" if self._headline else word
        self._title.setText(breakable(title))  # a phone's recording name is one long word: it must wrap, not widen
        if self._no_verdict:
            advice = display.no_verdict_text(self._no_verdict, style.current_language())
            self._advice.setText(advice[:1].upper() + advice[1:])
        elif self._about_text:
            advice = display.text_verdict(self._level, style.current_language(), cues=bool(self._reason_lines))
            self._advice.setText(advice[:1].upper() + advice[1:])
        else:
            self._advice.setText(style.level_advice(self._level))
        if self._reason_lines:
            items = "".join(f"<li>{breakable(html.escape(line))}</li>" for line in self._reason_lines)
            self._reasons.setText(f"<ul style='margin:0; -qt-list-indent:1'>{items}</ul>")
            self._reasons.show()
        else:
            self._reasons.clear()
            self._reasons.hide()
        self.setStyleSheet(
            f"QFrame#verdictBanner {{ background: {st.background}; border: 3px solid {st.accent}; border-radius: 8px; }}"
            f"QFrame#verdictBanner QLabel {{ color: {st.foreground}; background: transparent; border: none; }}"
        )
        if self._reasons_apart:  # under the banner: the same colours, an accent bar on the left
            self._reasons.setStyleSheet(
                f"QLabel#verdictReasons {{ color: {st.foreground}; background: {st.background};"
                f" border-left: 6px solid {st.accent}; border-radius: 4px; padding: 4px 8px; }}"
            )
        self.setAccessibleName(title)
        # the labels' own names without the break marks: a screen reader reads them, not the marks (a review)
        self._title.setAccessibleName(title)
        self._reasons.setAccessibleName(" ".join(self._reason_lines))
        self.setAccessibleDescription(" ".join([self._advice.text(), *self._reason_lines]))
        self.setToolTip("\n".join([self._advice.text(), *self._reason_lines]))


class LevelBadge(QLabel):
    """Small chip for tables and lists: icon + level word on the level colour."""

    def __init__(self, level: Level = Level.UNKNOWN, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = Level.UNKNOWN
        self.set_level(level)

    @property
    def level(self) -> Level:
        return self._level

    def set_level(self, level: Level) -> None:
        self._level = Level.parse(level)
        self.retranslate()

    def retranslate(self) -> None:
        st = style.style_for(self._level)
        self.setText(f"{st.symbol} {style.level_text(self._level)}")
        self.setStyleSheet(
            f"QLabel {{ background: {st.background}; color: {st.foreground}; border: 1px solid {st.accent};"
            f" border-radius: 9px; padding: 1px 8px; font-weight: bold; }}"
        )
        self.setAccessibleName(style.level_text(self._level))


class RiskMeter(QWidget):
    """A horizontal meter (0–100) with level marks; shows the number and the level word, not only colour."""

    valueChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self._level = Level.UNKNOWN
        self.setMinimumHeight(max(28, self.fontMetrics().height() + 12))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._update_accessible()

    def value(self) -> int:
        return self._value

    @property
    def level(self) -> Level:
        return self._level

    def set_risk(self, score: float, level: Level) -> None:
        """``score`` in 0..1 (or 0..100); the meter only follows what the caller decides (hysteresis is upstream)."""
        value = score * 100 if score <= 1.0 else score
        value_int = int(max(0, min(100, round(value))))
        self._level = Level.parse(level)
        changed = value_int != self._value
        self._value = value_int
        self._update_accessible()
        self.update()
        if changed:
            self.valueChanged.emit(value_int)

    def retranslate(self) -> None:
        self._update_accessible()
        self.update()

    def _label(self) -> str:
        prefix = "Risk" if style.current_language() == "en" else "风险"
        return f"{prefix} {self._value} · {style.level_text(self._level)}"

    def _update_accessible(self) -> None:
        self.setAccessibleName(self._label())
        self.setToolTip(self._label())

    def sizeHint(self) -> QSize:
        return QSize(240, max(28, self.fontMetrics().height() + 12))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(QPen(QColor("#8c959f"), 1))
        painter.setBrush(QColor("#f6f8fa"))
        painter.drawRoundedRect(rect, 6, 6)
        filled = QRectF(rect)
        filled.setWidth(rect.width() * self._value / 100.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.level_color(self._level))
        if filled.width() > 0:
            painter.drawRoundedRect(filled, 6, 6)
        painter.setPen(QPen(QColor("#24292f")))
        text_rect = rect.adjusted(8, 0, -8, 0)
        # Text drawn on a white pill so it stays readable over any fill colour.
        metrics = self.fontMetrics()
        label = self._label()
        width = metrics.horizontalAdvance(label) + 12
        pill = QRectF(
            text_rect.right() - width, rect.center().y() - metrics.height() / 2 - 1, width, metrics.height() + 2
        )
        painter.setBrush(QColor(255, 255, 255, 220))
        painter.drawRoundedRect(pill, 4, 4)
        painter.setPen(QPen(QColor("#24292f")))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        if self.hasFocus():
            painter.setPen(QPen(QColor("#0969da"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 6, 6)
        painter.end()


@dataclass(frozen=True)
class _Line:
    text: str
    hits: tuple[Any, ...]
    t: float | None


def _escape_lines(text: str) -> str:
    """Text for rich text, its line breaks kept (a pasted message has several lines; a transcript has none)."""
    return html.escape(text).replace("\n", "<br>")


class HighlightedTranscript(QTextBrowser):
    """Transcript with flagged phrases highlighted (colour + underline + [category] tag) and tooltips."""

    HIGHLIGHT = "#ffd8b5"
    CALM_HIGHLIGHT = "#e5e7eb"  # a calm text's cues: marked, not called a scheme

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[_Line] = []
        self._partial = ""
        self._calm = False
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.setAccessibleName(self._name())

    def _name(self) -> str:
        return "Call transcript" if style.current_language() == "en" else "通话文字记录"

    def tooltip_at(self, pos: QPoint) -> str:
        """The category/explanation of the flagged phrase under ``pos`` (viewport coordinates), if any."""
        return self.cursorForPosition(pos).charFormat().toolTip()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tooltip_at(self.viewport().mapFromGlobal(event.globalPos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def clear_transcript(self) -> None:
        self._lines.clear()
        self._partial = ""
        self._render()

    def append_line(self, text: str, hits: Iterable[Any] = (), t: float | None = None) -> None:
        self._lines.append(_Line(text, tuple(hits), t))
        self._partial = ""
        self._render()

    def add_hits(self, hits: Iterable[Any]) -> None:
        """Attach late hits (a phrase spanning two segments) to the line that contains their words."""
        for hit in hits:
            for i in range(len(self._lines) - 1, -1, -1):
                line = self._lines[i]
                if hit_span(line.text, hit) is not None:
                    if all(getattr(h, "rule_id", None) != getattr(hit, "rule_id", object()) for h in line.hits):
                        self._lines[i] = _Line(line.text, (*line.hits, hit), line.t)
                    break
        self._render()

    def set_partial(self, text: str) -> None:
        self._partial = text
        self._render()

    def set_text_with_hits(self, text: str, hits: Iterable[Any], calm: bool = False) -> None:
        """``calm``: the text was judged no more than 未发现 (below caution): its cues are marked in grey with no scheme
        beside them. A trial's volunteer turned the screen to a resident whose honest courier call read 「快递员
        [冒充电商物流客服]」 and whose neighbour's 「想借我」 read [冒充领导 / 熟人]."""
        self._lines = [_Line(text, tuple(hits), None)]
        self._partial = ""
        self._calm = calm
        self._render()

    def lines(self) -> list[str]:
        return [line.text for line in self._lines]

    def highlighted_phrases(self) -> list[str]:
        """The text of each highlighted span, in order (what a reader sees marked)."""
        out: list[str] = []
        for line in self._lines:
            for s, e, _ in self._spans(line):
                out.append(line.text[s:e])
        return out

    def retranslate(self) -> None:
        self.setAccessibleName(self._name())
        self._render()

    @staticmethod
    def _spans(line: _Line) -> list[tuple[int, int, Any]]:
        spans: list[tuple[int, int, Any]] = []
        for hit in line.hits:
            span = hit_span(line.text, hit)
            if span is None:
                continue
            if any(not (span[1] <= s or span[0] >= e) for s, e, _ in spans):
                continue
            spans.append((span[0], span[1], hit))
        spans.sort(key=lambda x: x[0])
        return spans

    def _render(self) -> None:
        lang = style.current_language()
        parts: list[str] = []
        for line in self._lines:
            pos = 0
            chunks: list[str] = []
            for s, e, hit in self._spans(line):
                chunks.append(_escape_lines(line.text[pos:s]))
                category = render_text(getattr(hit, "category_text", None), lang) or str(getattr(hit, "category", ""))
                explanation = render_text(getattr(hit, "explanation", None), lang)
                if self._calm:
                    category = QCoreApplication.translate("HighlightedTranscript", "骗子也常用的词")
                tip = html.escape(f"{category}: {explanation}" if explanation else category, quote=True)
                words = _escape_lines(line.text[s:e])
                if self._calm:
                    chunks.append(
                        f"<span style='background:{self.CALM_HIGHLIGHT}; text-decoration: underline'"
                        f' title="{tip}">{words}</span>'
                    )
                else:
                    chunks.append(
                        f"<span style='background:{self.HIGHLIGHT}; text-decoration: underline; font-weight:bold'"
                        f' title="{tip}">{words}</span>'
                        f"<span style='color:#8a3300; font-size:small'> [{html.escape(category)}]</span>"
                    )
                pos = e
            chunks.append(_escape_lines(line.text[pos:]))
            stamp = (
                f"<span style='color:#57606a'>{int(line.t) // 60:02d}:{int(line.t) % 60:02d} </span>"
                if line.t is not None
                else ""
            )
            parts.append(f"<p style='margin:2px 0'>{stamp}{''.join(chunks)}</p>")
        if self._partial:
            parts.append(f"<p style='margin:2px 0; color:#57606a'><i>{html.escape(self._partial)} …</i></p>")
        self.setHtml("".join(parts))
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


class ErrorDetailsDialog(QDialog):
    """A friendly message first; the technical details (traceback) folded below, with a copy button."""

    def __init__(
        self,
        message: str,
        details: str = "",
        title: str = "",
        parent: QWidget | None = None,
        log_path: str | None = None,
        expected: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or (self.tr("无法完成") if expected else self.tr("出错了")))
        self.setModal(True)
        self._details_text = details
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        self.message_label = QLabel(message, self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head = QHBoxLayout()
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.message_label, 1)
        hint_text = self.tr("您的数据没有丢失。如需帮助，请把下面的详细信息发给帮您安装的人。")
        if log_path:
            hint_text += "\n" + self.tr("日志文件：") + log_path
        hint = QLabel(hint_text, self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint.setVisible(not expected)  # a file of the wrong kind is no fault to report to anyone
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(details)
        self.details.setAccessibleName(self.tr("错误详细信息"))
        self.details.setVisible(False)
        self.toggle_button = QPushButton(self.tr("显示详细信息"), self)
        self.toggle_button.setCheckable(True)
        self.toggle_button.toggled.connect(self._toggle)
        self.toggle_button.setEnabled(bool(details))
        self.copy_button = QPushButton(self.tr("复制详细信息"), self)
        self.copy_button.clicked.connect(self.copy_details)
        self.copy_button.setEnabled(bool(details))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("知道了"))
        buttons.accepted.connect(self.accept)
        buttons.addButton(self.toggle_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.toggle_button.setVisible(not expected)  # (after addButton, which shows a button again)
        self.copy_button.setVisible(not expected)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(hint)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(560, 220)

    def _toggle(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle_button.setText(self.tr("隐藏详细信息") if shown else self.tr("显示详细信息"))
        self.resize(self.width(), 480 if shown else 220)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self._details_text)

    @classmethod
    def from_exception(
        cls,
        exc: BaseException,
        message: str = "",
        parent: QWidget | None = None,
        log_path: str | None = None,
    ) -> ErrorDetailsDialog:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        friendly = message or friendly_message(exc)
        # a problem with what the user gave (a file that is no call log, an Excel file), as its exception says
        # (``expected``): said plainly, not as a crash with a traceback to send to whoever installed the app
        expected = bool(getattr(exc, "expected", False))
        if expected:
            return cls(friendly, "", parent=parent, expected=True)
        return cls(friendly, details, parent=parent, log_path=log_path)


def ok_cancel_buttons(dialog: QDialog, ok_text: str, cancel_text: str, on_ok: Any = None) -> QDialogButtonBox:
    """A dialog's OK/Cancel row with its own words (保存, 创建, 举报 … and 取消, translated by the dialog): OK runs
    ``on_ok`` (default: accept), Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok if on_ok is not None else dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def ask_person_name(parent: QWidget) -> str | None:
    """The 添加家人 question, asked the same wherever a person is added (the 家人报告 page, the 查号 page); None when
    cancelled."""
    name, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("PersonName", "添加家人"),
        QCoreApplication.translate("PersonName", "这位家人的称呼（例如：妈妈的手机）："),
        QLineEdit.EchoMode.Normal,
    )
    return name if ok else None


def friendly_message(exc: BaseException) -> str:
    """Plain-language text for an exception: the core's own translated message if it has one."""
    msg = getattr(exc, "message", None)
    if msg is not None and hasattr(msg, "render"):
        return render_text(msg)
    if isinstance(exc, FileNotFoundError):
        return QApplication.translate("ErrorDetailsDialog", "找不到文件：") + str(exc.filename or exc)
    if isinstance(exc, PermissionError):
        return QApplication.translate("ErrorDetailsDialog", "没有权限访问：") + str(exc.filename or exc)
    if isinstance(exc, OSError):
        return QApplication.translate("ErrorDetailsDialog", "读写文件或设备时出错：") + str(exc)
    return (
        QApplication.translate("ErrorDetailsDialog", "程序遇到了意外问题，已记录到日志。")
        + f"\n({type(exc).__name__}: {exc})"
    )


# --------------------------------------------------------------------------------------------------
# Added by UI-pages: a sortable/filterable results table and a progress strip with cancel.

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QProgressBar, QTableView  # noqa: E402


class DataTable(QTableView):
    """A table over a ``RowTableModel`` through a ``TableFilterProxy``: sortable, row selection, sized to contents.

    The columns are fitted into the visible width: the ``stretch_column`` (reasons, notes) takes what is left but
    never less than ``STRETCH_MIN_EM`` em, so it stays readable; when the text is too wide (large text, a narrow
    window) the ``elide_columns`` give way first (down to ``ELIDE_MIN_EM`` em, with "…" and the full text in the
    tooltip). Only when even that does not fit does a horizontal scroll bar appear. Columns stay resizable by hand
    until the next fit (new rows, a new font, a resize)."""

    STRETCH_MIN_EM = 12
    ELIDE_MIN_EM = 6
    FIT_MAX_EM = 40

    fitted = Signal()  # the columns were measured again (new rows, new font): a page may re-arrange around it

    def __init__(
        self, model: Any, parent: QWidget | None = None, stretch_column: int = -1, elide_columns: Sequence[int] = ()
    ) -> None:
        from app.models.base import TableFilterProxy

        super().__init__(parent)
        self.source = model
        self.proxy = TableFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.verticalHeader().setVisible(False)
        # Columns and rows are fitted to the text, but not in ResizeToContents mode: that re-measures every
        # cell on every change, which stalls the GUI on a 100,000-row call log.  Fit after loads instead
        # (sampling the first rows), whenever the font changes (large-text mode) and when the table is resized.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._stretch_column = stretch_column
        self._elide_columns = tuple(c for c in elide_columns if c != stretch_column)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(200)
        header.setHighlightSections(False)
        header.setStretchLastSection(stretch_column < 0)
        header.setSortIndicatorShown(True)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(150)
        self._fit_timer.timeout.connect(self.fit_to_contents)
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged, model.headerDataChanged):
            signal.connect(self._fit_timer.start)
        self._content_widths: dict[int, int] = {}
        self._fitted_width = -1
        self._fit_rows()

    def _em(self) -> int:
        return max(1, self.fontMetrics().horizontalAdvance("M"))

    def _visible_columns(self) -> list[int]:
        return [c for c in range(self.proxy.columnCount()) if not self.isColumnHidden(c)]

    def _header_width(self, column: int) -> int:
        return self.horizontalHeader().sectionSizeFromContents(column).width()

    def fit_to_contents(self) -> None:
        """Measure the columns' text (first rows sampled) and the rows' height, then fit them to the width."""
        self._fit_rows()
        limit = self._em() * self.FIT_MAX_EM
        self._content_widths = {}
        for column in self._visible_columns():
            if column != self._stretch_column:
                self._content_widths[column] = min(
                    max(self.sizeHintForColumn(column), self._header_width(column)), limit
                )
        self.fit_to_width()
        self.fitted.emit()

    def refit_later(self) -> None:
        """Measure again shortly (after a column was shown or hidden)."""
        self._fit_timer.start()

    def _floor(self, column: int) -> int:
        wanted = self._content_widths.get(column, 0)
        return min(wanted, max(self._header_width(column), self._em() * self.ELIDE_MIN_EM))

    def fit_to_width(self) -> None:
        """Share the visible width out (see the class doc): cheap, so it also runs on every resize."""
        columns = [c for c in self._visible_columns() if c in self._content_widths]
        widths = {c: self._content_widths[c] for c in columns}
        available = self.viewport().width()
        self._fitted_width = available
        if self._stretch_column < 0 or self.isColumnHidden(self._stretch_column):
            for column, width in widths.items():
                self.setColumnWidth(column, width)
            return
        stretch_min = max(self._header_width(self._stretch_column), self._em() * self.STRETCH_MIN_EM)
        excess = sum(widths.values()) + stretch_min - available
        elidable = [c for c in self._elide_columns if c in widths]
        for stage in range(1, len(elidable) + 1):  # in the given order: the first gives way first
            if excess <= 0:
                break
            excess = self._trim(widths, elidable[:stage], excess)
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self.setColumnWidth(self._stretch_column, max(stretch_min, available - sum(widths.values())))

    def _trim(self, widths: dict[int, int], columns: list[int], excess: int) -> int:
        """Lower one common cap over ``columns`` (none below its floor) until ``excess`` is gone; returns the rest."""
        floors = {c: self._floor(c) for c in columns}

        def trimmed(cap: int) -> dict[int, int]:
            return {c: max(floors[c], min(widths[c], cap)) for c in columns}

        def cut(cap: int) -> int:
            return sum(widths[c] - w for c, w in trimmed(cap).items())

        low, high = 0, max(widths[c] for c in columns)  # the largest cap that removes the excess
        while low < high:
            cap = (low + high + 1) // 2
            if cut(cap) >= excess:
                low = cap
            else:
                high = cap - 1
        left = excess - cut(low)
        widths.update(trimmed(low))
        return left

    def natural_width(self) -> int:
        """The table width that shows every column whole (the stretch column at its readable minimum)."""
        return self._needed_width(trim=False)

    def comfortable_width(self) -> int:
        """The narrowest table width that shows every column without scrolling (elidable ones trimmed)."""
        return self._needed_width(trim=True)

    def _needed_width(self, trim: bool) -> int:
        if not self._content_widths:
            self.fit_to_contents()
        fixed = sum(
            self._floor(c) if trim and c in self._elide_columns else w
            for c, w in self._content_widths.items()
            if not self.isColumnHidden(c)
        )
        stretch = 0
        if self._stretch_column >= 0 and not self.isColumnHidden(self._stretch_column):
            stretch = max(self._header_width(self._stretch_column), self._em() * self.STRETCH_MIN_EM)
        return fixed + stretch + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()

    def viewportEvent(self, event: QEvent) -> bool:
        handled = super().viewportEvent(event)
        # the viewport also narrows when the vertical scroll bar appears, not only when the table is resized
        if event.type() == QEvent.Type.Resize and self._content_widths:
            if self.viewport().width() != self._fitted_width:
                self.fit_to_width()
        return handled

    def _fit_rows(self) -> None:
        height = max(self.fontMetrics().height() + 10, self.iconSize().height() + 6, 22)
        self.verticalHeader().setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_timer.start()

    def selected_rows(self) -> list[Any]:
        """Row objects of the selected rows, in view order."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.source.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row()) for r in rows]

    def current_row(self) -> Any | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.source.row_at(self.proxy.mapToSource(index).row())

    def select_source_row(self, source_row: int) -> None:
        index = self.proxy.mapFromSource(self.source.index(source_row, 0))
        if index.isValid():
            self.setCurrentIndex(index)
            self.selectRow(index.row())

    def visible_rows(self) -> list[Any]:
        """Row objects as shown (after filter and sort)."""
        return [self.source.row_at(r) for r in self.proxy.source_rows()]


class TaskProgress(QWidget):
    """A progress bar, a status line and a cancel button for one long job. Hidden while idle."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self._cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 2)
        row.addWidget(self.status, 3)
        row.addWidget(self.cancel_button)
        self.retranslate()
        self.setVisible(False)

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("取消"))
        self.cancel_button.setAccessibleName(self.tr("取消当前任务"))
        self.bar.setAccessibleName(self.tr("进度"))

    def start(self, text: str, total: int = 0) -> None:
        self.bar.setRange(0, max(0, total))
        self.bar.setValue(0)
        self.status.setText(text)
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    def set_progress(self, done: int, total: int, text: str = "") -> None:
        if total > 0:
            if self.bar.maximum() != total:
                self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if text:
            self.status.setText(text)

    def finish(self) -> None:
        self.setVisible(False)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("正在取消…"))
        self.cancelRequested.emit()


class LevelFilterCombo(QComboBox):
    """ "All levels / caution and above / warning and above / block" filter for result tables.

    ``currentData()`` is ``None`` (all) or the minimum level as an int; ``min_level()`` gives the Level.
    The current choice survives ``retranslate`` (language switch).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.retranslate()

    def min_level(self) -> Level | None:
        data = self.currentData()
        return None if data is None else Level(int(data))

    def retranslate(self) -> None:
        lang = style.current_language()
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(self.tr("全部等级"), None)
        for level in (Level.CAUTION, Level.WARN, Level.BLOCK):
            self.addItem(style.level_icon(level), self.tr("%1 及以上").replace("%1", level.label(lang)), int(level))
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)
        self.setAccessibleName(self.tr("按风险等级筛选"))


# A toolbar that wraps instead of widening the window (large text, English: the trial's 1,528-px Recordings row).

import functools  # noqa: E402

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import QLayout, QLayoutItem, QScrollArea, QSpacerItem  # noqa: E402

_LIVE_FLOWS: set[FlowLayout] = set()


class FlowLayout(QLayout):
    """A row of widgets that wraps onto more rows when the width runs out (after Qt's flow-layout example).

    Its minimum width is that of its widest widget, so a long toolbar never makes the window wider than the screen.
    While everything fits on one row it looks like a ``QHBoxLayout``: widgets at their size hints, the spare room at
    the ``addStretch()`` mark (what follows sits at the right end), ``addSpacing()`` gaps. On each row the spare room
    goes to what grows sideways (a search box), else to the stretch mark if it falls inside that row; a wrapped row
    is otherwise left-aligned, and a gap that would start a row is left out. ``addLayout()`` keeps widgets together
    (a label and its field). A widget wider than the whole width gets the width, down to its minimum size. Widgets
    are centred vertically in their row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch_at = -1
        self._measured: tuple[int, int] = (-1, 0)  # (width, height) of the last heightForWidth
        self.setContentsMargins(0, 0, 0, 0)
        # Handed to Qt (addLayout, addRow), this layout's Python side could be collected while Qt still lays it out
        # (seen: a page deleted later than its Python objects; Qt's call to itemAt() then found no Python method and
        # the test run aborted). Keep it until Qt destroys it.
        _LIVE_FLOWS.add(self)
        self.destroyed.connect(functools.partial(_LIVE_FLOWS.discard, self))

    # ------------------------------------------------------------- QLayout's interface
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self.invalidate()

    def addLayout(self, layout: QLayout) -> None:
        """Widgets that wrap together (a label and its field, a from–to pair); skipped while all are hidden."""
        self.addChildLayout(layout)
        self.addItem(layout)

    def addSpacing(self, size: int) -> None:
        """A gap between two widgets of one row (none where a row starts)."""
        self.addItem(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    def addStretch(self) -> None:
        """The spare room of the row this falls in goes here (one mark per layout)."""
        self._stretch_at = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        if index < self._stretch_at:
            self._stretch_at -= 1
        item = self._items.pop(index)
        self.invalidate()
        return item

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self._measured[0] != width:
            self._measured = (width, self._arrange(QRect(0, 0, width, 0), move=False))
        return self._measured[1]

    def invalidate(self) -> None:
        self._measured = (-1, 0)
        super().invalidate()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one row."""
        margins = self.contentsMargins()
        shown = [i for i, item in enumerate(self._items) if self._shown(item)]
        gaps = sum(self._gap(self._items[i]) for i in shown[1:])
        width = sum(self._hint(self._items[i]) for i in shown) + gaps
        height = max((self._items[i].sizeHint().height() for i in shown), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        """As wide as the widest widget (narrower, nothing can wrap any more); as tall as one row. The rows it wraps
        into are asked for through ``heightForWidth`` at the width it gets, as a ``QVBoxLayout`` does, and taken
        from what stretches (a table): the worst case, every widget on a row of its own, would make the window
        taller than a 768-px screen."""
        margins = self.contentsMargins()
        shown = [item for item in self._items if self._widget_like(item)]
        width = max((item.minimumSize().width() for item in shown), default=0)
        height = max((item.minimumSize().height() for item in shown), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    # ------------------------------------------------------------------------ the layout
    @staticmethod
    def _widget_like(item: QLayoutItem) -> bool:
        return item.spacerItem() is None and not item.isEmpty()

    def _shown(self, item: QLayoutItem) -> bool:
        return item.spacerItem() is not None or not item.isEmpty()

    def _spacing(self) -> int:
        gap = self.spacing()
        if gap < 0:
            parent = self.parentWidget()
            style = parent.style() if parent is not None else QApplication.style()
            gap = style.layoutSpacing(
                QSizePolicy.ControlType.PushButton, QSizePolicy.ControlType.PushButton, Qt.Orientation.Horizontal
            )
        return max(0, gap)

    def _gap(self, item: QLayoutItem) -> int:
        """The room before ``item`` when something precedes it on its row (a spacer replaces the spacing after it)."""
        return 0 if item.spacerItem() is not None else self._spacing()

    @staticmethod
    def _hint(item: QLayoutItem) -> int:
        spacer = item.spacerItem()
        if spacer is not None:
            return spacer.sizeHint().width()
        return max(item.sizeHint().width(), item.minimumSize().width())

    @staticmethod
    def _grows(item: QLayoutItem) -> bool:
        if item.spacerItem() is not None:
            return False
        return bool(item.expandingDirections() & Qt.Orientation.Horizontal)

    def _rows(self, width: int) -> list[list[tuple[int, int]]]:
        """Rows of (item index, width), each row's widths plus gaps within ``width`` where possible."""
        rows: list[list[tuple[int, int]]] = [[]]
        used = 0
        for index, item in enumerate(self._items):
            if not self._shown(item):
                continue
            is_spacer = item.spacerItem() is not None
            if is_spacer and not rows[-1]:
                continue  # no gap where a row starts
            need = self._hint(item)
            if not is_spacer:
                need = max(min(need, width), item.minimumSize().width())
            gap = self._gap(item) if rows[-1] else 0
            if rows[-1] and used + gap + need > width:
                while rows[-1] and self._items[rows[-1][-1][0]].spacerItem() is not None:
                    rows[-1].pop()  # nor where it ends
                if is_spacer:
                    continue
                rows.append([])
                used, gap = 0, 0
            used += gap + need
            rows[-1].append((index, need))
        return [row for row in rows if row]

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Lay out into ``rect`` (or only measure); returns the height used."""
        margins = self.contentsMargins()
        width = rect.width() - margins.left() - margins.right()
        y = rect.y() + margins.top()
        rows = self._rows(width)
        for row in rows:
            items = [self._items[i] for i, _ in row]
            height = max(item.sizeHint().height() for item in items)
            gaps = sum(self._gap(item) for item in items[1:])
            spare = max(0, width - sum(w for _, w in row) - gaps)
            growing = [i for i, _ in row if self._grows(self._items[i])]
            x = rect.x() + margins.left()
            for n, (i, w) in enumerate(row):
                item = self._items[i]
                if n:
                    x += self._gap(item)
                if i in growing:
                    share = spare // len(growing)
                    w += share + (spare - share * len(growing) if i == growing[-1] else 0)
                elif not growing and n and row[n - 1][0] < self._stretch_at <= i:
                    x += spare  # the stretch mark is inside this row: what follows goes to the right end
                if move and item.spacerItem() is None:
                    h = min(height, max(item.sizeHint().height(), item.minimumSize().height()))
                    item.setGeometry(QRect(x, y + (height - h) // 2, w, h))
                x += w
            y += height + self._spacing()
        return int((y - self._spacing() if rows else y) - rect.y() + margins.bottom())


class VerticalScrollArea(QScrollArea):
    """A page body that scrolls up and down only. It asks for the width its contents need (plus the scroll bar), so
    the page and the window do too, instead of hiding the right-hand side behind a sideways scroll bar: the Settings
    page asked for 146 px while its sections needed 969 px in English with large text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = body.minimumSizeHint().width() + 2 * self.frameWidth() + bar
        return QSize(max(hint.width(), width), hint.height())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the contents' minimum may have changed (new words, large text)
        return super().event(event)


from PySide6.QtCore import QObject  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402


class EnterPressesButtons(QObject):
    """Enter on a focused button presses it, on every page as in a dialog (Qt's pages take only Space: a trial's
    keyboard user pressed Enter on 存入记录 and 添加家人… and nothing happened, with nothing said). A dialog's own
    handling (its default button) is left alone; a tick box or a radio button keeps Space."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            return False
        button = watched  # (key events go to the focused widget)
        if not isinstance(button, QPushButton) or isinstance(button.window(), QDialog):
            return False
        if not button.isEnabled() or not button.isVisible():
            return False
        button.animateClick()
        return True


def enter_presses_buttons(app: QApplication) -> EnterPressesButtons:
    """Install :class:`EnterPressesButtons` on the application (once); returned so its owner keeps it alive."""
    existing = app.findChild(EnterPressesButtons)
    if isinstance(existing, EnterPressesButtons):
        return existing
    filt = EnterPressesButtons(app)
    app.installEventFilter(filt)
    return filt
