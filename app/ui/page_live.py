"""来电监控 Live: one card per active line with the verdict, live transcript, risk meter and actions.

Every line is shown at once; with more than one line the cards go compact and a risky line (warn or block) comes to
the top with its banner. A two-channel line shows two labelled transcripts, "对方（电话那头）" (scored) and "我方（麦克风）"
(context only); a line whose recognisers fall behind says so on its card (「第 N 线路识别落后 X 秒」).

Also holds 模拟来电 (type a number to try the app or train volunteers) and a "what the caller says" box that feeds
typed sentences through the real detector for the newest line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.display import (
    LIST_CATEGORIES,
    SIMULATED_SOURCE,
    category_label,
    device_name,
    join_list,
    shown_category,
)
from app.live.service import BridgeError, CallNote, LineState, render
from app.services import AppServices
from app.ui import style
from app.ui.community import open_report_dialog, reported_text
from app.ui.widgets import (
    HighlightedTranscript,
    RiskMeter,
    VerdictBanner,
    hint_label,
    ok_cancel_buttons,
    page_title,
    render_text,
)
from screening.i18n import Message
from screening.types import Level, TranscriptSegment

if TYPE_CHECKING:
    from app.calls.events import CallEvent, SourceStatus
    from screening.i18n import Message
    from screening.screener import NumberVerdict
    from screening.transcript.session import StreamUpdate

log = logging.getLogger(__name__)


class MarkDialog(QDialog):
    """标记: choose a category and write a short note."""

    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("标记这个来电"))
        lang = style.current_language()
        self.category = QComboBox(self)
        for code in LIST_CATEGORIES:
            self.category.addItem(category_label(code, lang), code)
        self.category.setAccessibleName(self.tr("类别"))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("例如：自称银行客服，要求转账"))
        self.note.setAccessibleName(self.tr("备注"))
        # a tick box, not a toggle button: on and off differed only by a shade of grey, and a trial switched it off
        # without seeing it
        self.also_block = QCheckBox(self.tr("同时拉黑"), self)
        self.also_block.setChecked(True)
        form = QFormLayout()
        form.addRow(QLabel(self.tr("号码：") + number, self))
        form.addRow(self.tr("类别"), self.category)
        form.addRow(self.tr("备注"), self.note)
        form.addRow("", self.also_block)
        buttons = ok_cancel_buttons(self, self.tr("保存"), self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, str, bool]:
        return str(self.category.currentData()), self.note.text().strip(), self.also_block.isChecked()


class UsTranscriptPane(QWidget):
    """我方（麦克风）: what our side said on a two-channel line, labelled, never highlighted as a threat (context only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.transcript = HighlightedTranscript(self)
        self.context_note = QLabel(self)
        self.context_note.setObjectName("hint")
        self.context_note.setWordWrap(True)
        self.context_note.hide()
        self._mentioned: dict[str, None] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.context_note)
        self.fit(6)
        self.retranslate()

    def fit(self, lines: int, compact: bool = False) -> None:
        height = lines * self.transcript.fontMetrics().lineSpacing() + 12
        self.transcript.setMinimumHeight(height)
        self.transcript.setMaximumHeight(height if compact else 16777215)

    def add_segment(self, segment: TranscriptSegment, update: StreamUpdate | None) -> None:
        if segment.is_final:
            self.transcript.append_line(segment.text, (), segment.start if segment.end else None)
        else:
            self.transcript.set_partial(segment.text)
        for hit in getattr(update, "new_hits", ()) or ():
            phrase = str(getattr(hit, "matched", "") or "")
            if phrase:
                self._mentioned.setdefault(phrase, None)
        self._show_context()

    def _show_context(self) -> None:
        if not self._mentioned:
            self.context_note.hide()
            return
        from screening.i18n import Message
        from speech.channels import ChannelNote

        sep = ", " if style.current_language() == "en" else "、"
        note = Message(ChannelNote.US_CONTEXT, {"rules": sep.join(f"“{p}”" for p in self._mentioned)})
        self.context_note.setText("ℹ " + note.render(style.current_language()))
        self.context_note.show()

    def retranslate(self) -> None:
        self.title.setText(self.tr("我方说的话（仅作参考，不参与评分）"))
        self.transcript.setAccessibleName(self.tr("我方通话文字"))
        self._show_context()


class LagNotice(QLabel):
    """「第 N 线路识别落后 X 秒」: shown on the line's card while its recognisers are behind (sign + words)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lagNotice")
        self.setWordWrap(True)
        self.setStyleSheet("color: #9a6700; font-weight: bold")
        self._message: Message | None = None
        self.hide()

    def set_lag(self, message: Message | None) -> None:
        self._message = message
        self.retranslate()

    def retranslate(self) -> None:
        if self._message is None:
            self.clear()
            self.hide()
            return
        text = "⚠ " + self._message.render(style.current_language())
        self.setText(text)
        self.setAccessibleName(text)
        self.show()


class CardBody(QScrollArea):
    """The part of a call card under its verdict (reasons, risk meter, transcripts, actions). It asks for all the
    room its content wants; when the card is held to the page's height (large text, a small window) it scrolls
    inside the card, so the verdict above it never leaves the screen. Never sideways: it is as wide as its content
    needs at least."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callCardBody")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)
        self.content = content
        content.setAutoFillBackground(False)
        self.viewport().setAutoFillBackground(False)  # the card's white shows through
        self._min_height = 0

    def set_min_height(self, height: int) -> None:
        self._min_height = height
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        """All of the content at the width it has (wrapped reasons are taller when narrow), so a card is as tall
        as before when there is room: no taller, and no inner scrolling."""
        content = self.content
        hint = content.sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        width = self.width() - bar if self.isVisible() else hint.width()
        height = content.heightForWidth(width) if content.hasHeightForWidth() else -1
        return QSize(hint.width() + bar, height if height > 0 else hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the height it asks for follows its width

    def minimumSizeHint(self) -> QSize:
        content = self.content.minimumSizeHint()
        return QSize(content.width() + self.verticalScrollBar().sizeHint().width(), self._min_height)


class CallCard(QFrame):
    """One active line: number, 归属地/carrier and the verdict on top, always in view; under them, in a
    :class:`CardBody` that scrolls inside the card when the page is short, the reasons, risk meter and transcript;
    the actions pinned at its foot."""

    dismissed = Signal(str)

    def __init__(self, services: AppServices, state: LineState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callCard")
        self.services = services
        self.state = state
        self.number_label = QLabel(self)
        style.set_scaled_font(self.number_label, 1.8, bold=True)
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.place_label = QLabel(self)
        self.place_label.setObjectName("hint")
        self.place_label.setWordWrap(True)
        self.meta_label = QLabel(self)
        self.meta_label.setObjectName("hint")
        self.devices_label = QLabel(self)  # which sound devices hear this line (a call centre checks its wiring)
        self.devices_label.setObjectName("hint")
        self.devices_label.setWordWrap(True)
        self.devices_label.hide()
        self.banner = VerdictBanner(self)
        self.meter = RiskMeter(self)
        self.transcript_title = QLabel(self)
        self.transcript_title.setWordWrap(True)
        self.transcript = HighlightedTranscript(self)
        self.us_pane = UsTranscriptPane(self)
        self.us_pane.hide()
        self.lag_notice = LagNotice(self)
        self._compact = False
        self.transcript.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.block_button = QPushButton(self)
        self.block_button.setObjectName("danger")
        self.trust_button = QPushButton(self)
        self.mark_button = QPushButton(self)
        self.stop_button = QPushButton(self)
        self.close_button = QPushButton(self)
        self.close_button.hide()
        self.action_status = QLabel(self)
        self.action_status.setObjectName("hint")
        self._action_text: Callable[[], str] | None = None  # made again on a language switch
        self.block_button.clicked.connect(self.on_block)
        self.trust_button.clicked.connect(self.on_trust)
        self.mark_button.clicked.connect(self.on_mark)
        self.stop_button.clicked.connect(self.on_stop)
        self.close_button.clicked.connect(lambda: self.dismissed.emit(self.state.line))

        head = QHBoxLayout()
        number_box = QVBoxLayout()
        number_box.addWidget(self.number_label)
        number_box.addWidget(self.place_label)
        number_box.addWidget(self.devices_label)
        head.addLayout(number_box, 1)
        head.addWidget(self.meta_label, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        actions = QHBoxLayout()
        for button in (self.block_button, self.trust_button, self.mark_button, self.stop_button, self.close_button):
            actions.addWidget(button)
        self._add_report_action(actions)
        actions.addWidget(self.action_status, 1)
        self._add_answer_button(actions)
        content = QWidget(self)
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.banner.take_reasons())
        body.addWidget(self.meter)
        body.addWidget(self.lag_notice)
        sides = QHBoxLayout()  # 对方 | 我方 side by side on a two-channel line, each with its own title
        caller_box = QVBoxLayout()
        caller_box.addWidget(self.transcript_title)
        caller_box.addWidget(self.transcript, 1)
        caller_box.addStretch(0)  # a compact transcript stays under its title
        sides.addLayout(caller_box, 1)
        sides.addWidget(self.us_pane, 1, Qt.AlignmentFlag.AlignTop)
        body.addLayout(sides, 1)
        self.body = CardBody(content, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addLayout(head)
        layout.addWidget(self.banner)  # the verdict: level sign, word and advice, pinned above the body
        layout.addWidget(self.body, 1)
        # 拉黑 / 信任 / 标记 pinned under the body, never scrolled away: in large text on a laptop a trial found them
        # only by scrolling inside the card
        layout.addLayout(actions)
        self._fit_transcript()
        self.retranslate()
        self.refresh()

    def _fit_transcript(self) -> None:
        lines = 4 if self._compact else 6
        height = lines * self.transcript.fontMetrics().lineSpacing() + 12
        self.transcript.setMinimumHeight(height)
        self.transcript.setMaximumHeight(height if self._compact else 16777215)  # compact: the latest lines only
        self.us_pane.fit(lines, self._compact)
        self.body.set_min_height(2 * self.fontMetrics().lineSpacing() + 8)  # a short page: two lines of the body

    def show_transcript(self) -> None:
        """Scroll the card's body to the newest words (the verdict above it stays where it is): the transcript's title
        at the top when the whole transcript fits, else its last lines at the bottom."""
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())
        content = self.body.content
        top = self.transcript_title.mapTo(content, QPoint(0, 0)).y()
        bottom = self.transcript.mapTo(content, QPoint(0, self.transcript.height())).y()
        self.body.ensureVisible(0, top, 0, 0)
        self.body.ensureVisible(0, bottom, 0, 0)

    def fit_to_font(self) -> None:
        """Large-text mode: keep six lines of transcript visible (four on a compact card)."""
        self._fit_transcript()

    def set_compact(self, compact: bool) -> None:
        """Several lines at once: shorter transcripts so every line fits on the page."""
        if compact != self._compact:
            self._compact = compact
            self._fit_transcript()

    @property
    def compact(self) -> bool:
        return self._compact

    def show_two_sided(self) -> None:
        """The line has two channels: label the caller's transcript and show ours beside it."""
        if self.state.two_sided and self.us_pane.isHidden():
            self.us_pane.show()
            self._title_text()

    def add_us_segment(self, segment: TranscriptSegment, update: StreamUpdate | None) -> None:
        self.show_two_sided()
        self.us_pane.add_segment(segment, update)

    def show_lag(self) -> None:
        self.lag_notice.set_lag(self.state.lag)

    def _title_text(self) -> None:
        if self.state.two_sided:
            self.transcript_title.setText(self.tr("对方说的话（参与评分，可疑说法高亮）"))
            self.transcript.setAccessibleName(self.tr("对方通话文字"))
        else:
            self.transcript_title.setText(self.tr("通话内容（可疑说法会高亮）"))

    # --------------------------------------------------------------- display
    def refresh(self) -> None:
        state = self.state
        lang = style.current_language()
        display = getattr(state.event, "display_number", None)  # withheld / unavailable numbers say why
        self.number_label.setText(display(lang) if callable(display) else state.number)
        attribution = getattr(getattr(state.verdict, "number", None), "attribution", None)
        place = render(attribution, lang) if attribution is not None else ""
        self.place_label.setText(place or self.tr("归属地未知"))
        when = getattr(state.event, "received_at", None)
        when_text = when.astimezone().strftime("%H:%M:%S") if isinstance(when, datetime) else ""
        if getattr(state.event, "source", None) == SIMULATED_SOURCE:  # typed in to try the app: no line to name
            self.meta_label.setText(self.tr("模拟的来电 · %1").replace("%1", when_text))
        else:
            self.meta_label.setText(self.tr("线路 %1 · %2").replace("%1", state.line).replace("%2", when_text))
        self._show_devices()
        from app.live.service import CallBridge

        reasons = [render(r, lang) for r in CallBridge.ordered_reasons(state)]  # the alert's and history's order
        if state.withdrawn:  # the call has ended and, heard whole, did not bear its warning out
            reasons.insert(0, Message(CallNote.WITHDRAWN).render(lang))
        # the scheme the call is shown under, as every table names it (a warning's story, not each cue's category)
        self.banner.set_verdict(state.level, shown_category(state.level, state.category, None, lang), reasons)
        self.meter.set_risk(state.score, state.level)
        self.setAccessibleName(f"{state.number} {style.level_text(state.level)}")
        self.show_two_sided()
        if hasattr(self, "answer_button"):
            self._show_answer()

    def _show_devices(self) -> None:
        """「对方：… · 我方：…」 once the line listens on sound devices (SIP and typed-in calls have none)."""
        devices = self.state.devices
        if devices is None:
            self.devices_label.hide()
            return
        caller, us = devices
        us_text = device_name(us) if us else self.tr("系统默认麦克风")
        text = (
            self.tr("对方：%1 · 我方：%2").replace("%1", device_name(caller)).replace("%2", us_text)
            if caller
            else self.tr("录音设备：%1").replace("%1", us_text)
        )
        self.devices_label.setText(text)
        self.devices_label.setToolTip(self.tr("这条线路正在用这些设备听通话（设置 → 声音输入 → 各线路的设备）"))
        self.devices_label.show()

    def add_segment(self, segment: TranscriptSegment, update: StreamUpdate) -> None:
        if segment.is_final:
            hits = list(update.new_hits)
            self.transcript.append_line(segment.text, hits, segment.start if segment.end else None)
        else:
            self.transcript.set_partial(segment.text)
            late = list(update.new_hits)
            if late:
                self.transcript.add_hits(late)
        self.refresh()

    def set_stopped(self) -> None:
        self.answer_button.hide()
        self.stop_button.setEnabled(False)
        self.close_button.show()
        self._done(lambda: self.tr("已结束监听"))

    def retranslate(self) -> None:
        self.block_button.setText(self.tr("拉黑"))
        self.block_button.setToolTip(self.tr("把这个号码加入我的黑名单，以后直接拦截"))
        self.trust_button.setText(self.tr("信任"))
        self.trust_button.setToolTip(self.tr("把这个号码加入白名单（家人、熟人），以后不再提醒"))
        self.mark_button.setText(self.tr("标记…"))
        self.mark_button.setToolTip(self.tr("给这个来电记下类别和备注"))
        self.stop_button.setText(self.tr("结束监听"))
        self.stop_button.setToolTip(self.tr("停止听这通电话（记录会保存）"))
        self.close_button.setText(self.tr("移除卡片"))
        self.action_status.setText(self._action_text() if self._action_text is not None else "")
        self._title_text()
        self.us_pane.retranslate()
        self.lag_notice.retranslate()
        for button in (self.block_button, self.trust_button, self.mark_button, self.stop_button, self.close_button):
            button.setAccessibleName(button.text())
        self.banner.retranslate()
        self.meter.retranslate()
        self.transcript.retranslate()
        self._retranslate_report()
        self.refresh()

    # ------------------------------------------------ 举报 report (issue 15)
    def _add_report_action(self, actions: QHBoxLayout) -> None:
        """举报…: record this caller for the volunteer centre (dialog and write in app.ui.community)."""
        self.report_button = QPushButton(self)
        self.report_button.clicked.connect(self.on_report)
        self.report_dialog: QDialog | None = None
        actions.addWidget(self.report_button)

    def _retranslate_report(self) -> None:
        self.report_button.setText(self.tr("举报…"))
        self.report_button.setToolTip(self.tr("举报这个号码（记在本机，可导出给志愿者中心）"))
        self.report_button.setAccessibleName(self.report_button.text())

    def on_report(self) -> None:
        if not self.state.number:
            return
        self.report_dialog = open_report_dialog(
            self.services, self, self.state.number, on_done=lambda r: self._done(lambda: reported_text(r))
        )

    # --------------------------------------------------------------- actions
    def _done(self, text: Callable[[], str]) -> None:
        """What the last action did, shown beside the buttons; ``text`` makes it in the current language."""
        self._action_text = text
        self.action_status.setText(text())

    def on_block(self) -> None:
        number = self.state.number
        if not number:
            return
        self.block_button.setEnabled(False)
        self.services.calls.block(number, "fraud", on_done=lambda _e: self._done(lambda: self.tr("已拉黑")))

    def on_trust(self) -> None:
        number = self.state.number
        if not number:
            return
        if self.state.level >= Level.WARN:
            no = QMessageBox.StandardButton.No
            answer = QMessageBox.question(
                self,
                self.tr("确认信任"),
                self.tr("这个来电有诈骗风险。确定要把它加入白名单吗？以后它不会再被提醒。"),
                QMessageBox.StandardButton.Yes | no,
                no,  # Enter must not trust a scammer (a trial: 「是」 was the default)
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.trust_button.setEnabled(False)
        self.services.calls.trust(number, on_done=lambda _e: self._done(lambda: self.tr("已加入白名单")))

    def on_mark(self) -> None:
        dialog = MarkDialog(self.state.number, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        category, note, also_block = dialog.chosen()
        self.mark(category, note, also_block)

    def mark(self, category: str, note: str, also_block: bool = False) -> None:
        calls = self.services.calls
        calls.mark(
            self.state.number,
            category,
            note,
            self.state.history_id,
            on_done=lambda _r: self._done(
                lambda: self.tr("已标记为：") + category_label(category, style.current_language())
            ),
        )
        if also_block and self.state.number:
            calls.block(self.state.number, category, note)

    def on_stop(self) -> None:
        self.services.calls.stop_line(self.state.line)

    # ----------------------------------------------------- SIP: pick up here
    def _add_answer_button(self, actions: QHBoxLayout) -> None:
        """接听: a SIP call rings in CallShield's own line (baresip); without auto-answer the user picks it up here."""
        self.answer_button = QPushButton(self)
        self.answer_button.setObjectName("primary")
        self.answer_button.clicked.connect(self.on_answer)
        actions.insertWidget(0, self.answer_button)
        self._show_answer()

    def _show_answer(self) -> None:
        state = self.state
        ringing = state.event.source == "sip" and state.listening and not state.two_sided and not state.answering
        self.answer_button.setVisible(ringing and self.services.calls.can_answer(state.line))
        self.answer_button.setText(self.tr("接听"))
        self.answer_button.setToolTip(self.tr("接起这通 SIP 来电，并转写双方的话"))
        self.answer_button.setAccessibleName(self.answer_button.text())

    def on_answer(self) -> None:
        if self.services.calls.answer(self.state.line):
            self.answer_button.hide()
            self._done(lambda: self.tr("正在接听…"))


class LivePage(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.cards: dict[str, CallCard] = {}
        self._status: SourceStatus | Message | None = None
        # the latest status of each line of a kind that runs several (a hotline's modems), by (kind, line)
        self._line_statuses: dict[tuple[str, str], SourceStatus] = {}
        self.title = page_title(self)
        self.source_status = hint_label(self)

        self.sim_label = QLabel(self)
        self.sim_number = QLineEdit(self)
        self.sim_number.setClearButtonEnabled(True)
        self.sim_number.returnPressed.connect(self.on_simulate)
        self.sim_button = QPushButton(self)
        self.sim_button.setObjectName("primary")
        self.sim_button.clicked.connect(self.on_simulate)
        self.sim_label.setBuddy(self.sim_number)
        self.say_label = QLabel(self)
        self.say_text = QLineEdit(self)
        self.say_text.setClearButtonEnabled(True)
        self.say_text.returnPressed.connect(self.on_say)
        self.say_button = QPushButton(self)
        self.say_button.clicked.connect(self.on_say)
        self.say_label.setBuddy(self.say_text)
        self.input_error = QLabel(self)
        self.input_error.setStyleSheet("color: #cf222e")
        self.input_error.setWordWrap(True)

        sim_box = QFrame(self)
        sim_box.setObjectName("callCard")
        grid = QFormLayout(sim_box)
        row1 = QHBoxLayout()
        row1.addWidget(self.sim_number, 1)
        row1.addWidget(self.sim_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.say_text, 1)
        row2.addWidget(self.say_button)
        grid.addRow(self.sim_label, row1)
        grid.addRow(self.say_label, row2)
        grid.addRow("", self.input_error)

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("hint")
        self.cards_box = QWidget(self)
        self.cards_layout = QVBoxLayout(self.cards_box)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.addWidget(self.empty_label)
        self.cards_grid = QGridLayout()  # every line at once: one column, or two when there is room
        self.cards_grid.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.addLayout(self.cards_grid)
        self.cards_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.cards_box)
        self.cards_scroll = scroll
        scroll.viewport().installEventFilter(self)  # each card is held to the visible height (fit_cards_to_view)
        self._top_line: str | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.source_status)
        layout.addWidget(scroll, 1)
        layout.addWidget(sim_box)

        calls = services.calls
        calls.callScreened.connect(self.on_call_screened)
        calls.transcriptUpdated.connect(self.on_transcript)
        calls.usTranscriptUpdated.connect(self.on_us_transcript)
        calls.lineLag.connect(self.on_line_lag)
        calls.lineChanged.connect(self.on_line_changed)
        calls.callEnded.connect(self.on_call_ended)
        calls.sourceStatus.connect(self.on_source_status)
        self.retranslate()

    # ----------------------------------------------------------------- input
    def on_simulate(self) -> None:
        self.input_error.clear()
        calls = self.services.calls
        try:
            calls.simulate_call(self.sim_number.text())
        except BridgeError as exc:
            self.input_error.setText(exc.message.render(style.current_language()))
            self.sim_number.setFocus()
            return
        self.sim_number.clear()

    def newest_line(self) -> str | None:
        calls = self.services.calls
        listening = [s for s in calls.lines.values() if s.listening]
        if not listening:
            return None
        return str(max(listening, key=lambda s: s.started).line)

    def on_say(self) -> None:
        self.input_error.clear()
        text = self.say_text.text().strip()
        if not text:
            return
        line = self.newest_line()
        if line is None:
            self.input_error.setText(self.tr("没有正在监听的来电。请先模拟一个来电。"))
            return
        state = self.services.calls.lines[line]
        t = len(state.final_text) * 4.0
        self.services.calls.feed_segment(line, TranscriptSegment(text, True, t, t + 3.5))
        self.say_text.clear()

    # ---------------------------------------------------------------- events
    def on_call_screened(self, event: CallEvent, verdict: NumberVerdict, history_id: int | None) -> None:
        line = str(event.line)
        state = self.services.calls.lines.get(line)
        if state is None:
            return
        old = self.cards.pop(line, None)
        if old is not None:
            self.cards_grid.removeWidget(old)
            old.deleteLater()
        card = CallCard(self.services, state, self.cards_box)
        card.dismissed.connect(self.dismiss)
        self.cards[line] = card
        self.empty_label.hide()
        self.fit_cards_to_view()
        self._top_line = None  # a new call: bring the verdict on top into view, even if the same line stays on top
        self.arrange_cards()

    def on_transcript(self, line: str, segment: TranscriptSegment, update: StreamUpdate) -> None:
        card = self.cards.get(line)
        if card is not None:
            card.add_segment(segment, update)

    def on_us_transcript(self, line: str, segment: TranscriptSegment, update: StreamUpdate | None) -> None:
        card = self.cards.get(line)
        if card is not None:
            card.add_us_segment(segment, update)

    def on_line_lag(self, line: str) -> None:
        card = self.cards.get(line)
        if card is not None:
            card.show_lag()

    def on_line_changed(self, line: str) -> None:
        card = self.cards.get(line)
        if card is not None:
            card.refresh()
            self.arrange_cards()

    def ordered_lines(self) -> list[str]:
        """Risky lines (warn or block) first, the riskiest on top; otherwise the newest call first."""

        def key(line: str) -> tuple[int, float]:
            state = self.cards[line].state
            risk = int(state.level) if state.level >= Level.WARN else -1
            return (-risk, -state.started)

        return sorted(self.cards, key=key)

    def arrange_cards(self) -> None:
        """Every line at once: compact cards when there are several, side by side when there is room, and a risky
        line first (top left) with its banner."""
        order = self.ordered_lines()
        for line in order:
            self.cards[line].set_compact(len(order) > 1)
        columns = self.card_columns()
        for index, line in enumerate(order):
            card = self.cards[line]
            row, column = divmod(index, columns)
            if self.card_position(line) != (row, column):
                self.cards_grid.removeWidget(card)
                self.cards_grid.addWidget(card, row, column)
                card.show()
        for column in range(2):
            self.cards_grid.setColumnStretch(column, 1 if column < columns else 0)
        self.keep_room_for_the_top_card()
        top = order[0] if order else None
        if top != self._top_line:  # a new call, or a line that turned risky, came to the top
            self._top_line = top
            QTimer.singleShot(0, self, self.show_top_verdict)  # once the grid is laid out

    def show_top_verdict(self) -> None:
        """Scroll the page so the top card's number and verdict are in view (its body may stay below the fold)."""
        order = self.ordered_lines()
        if not order:
            return
        card = self.cards[order[0]]
        box = self.cards_box
        top = card.mapTo(box, QPoint(0, 0))
        bottom = card.banner.mapTo(box, QPoint(0, card.banner.height()))
        self.cards_scroll.ensureVisible(top.x(), bottom.y(), 0, 0)
        self.cards_scroll.ensureVisible(top.x(), top.y(), 0, 0)  # the card's top wins on a very short page

    def fit_cards_to_view(self) -> None:
        """No card is taller than the visible part of the page: what does not fit scrolls inside the card's body,
        under its verdict, so the verdict of a line is never scrolled away with its transcript."""
        height = self.cards_scroll.viewport().height()
        for card in self.cards.values():
            card.setMaximumHeight(max(height, card.minimumSizeHint().height()))

    def keep_room_for_the_top_card(self) -> None:
        """The page is never shorter than the top card's number, verdict and a glimpse of its body (so the window's
        smallest size, large text included, still shows the verdict without scrolling)."""
        order = self.ordered_lines()
        need = self.cards[order[0]].minimumSizeHint().height() if order else 0
        frame = self.cards_scroll.height() - self.cards_scroll.viewport().height()
        self.cards_scroll.setMinimumHeight(need + max(0, frame) if need else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.cards_scroll.viewport():
            self.fit_cards_to_view()
        return super().eventFilter(watched, event)

    def card_columns(self) -> int:
        """Two columns when several lines and two cards fit side by side (large text may need one)."""
        if len(self.cards) < 2:
            return 1
        widest = max(card.minimumSizeHint().width() for card in self.cards.values())
        widest = max(widest, 28 * self.fontMetrics().height())  # large text: one column, nothing clipped
        room = self.cards_scroll.viewport().width() - self.cards_grid.horizontalSpacing()
        return 2 if room >= 2 * widest else 1

    def card_position(self, line: str) -> tuple[int, int] | None:
        index = self.cards_grid.indexOf(self.cards[line])
        if index < 0:
            return None
        position: Any = self.cards_grid.getItemPosition(index)  # (row, column, row span, column span)
        return int(position[0]), int(position[1])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if len(self.cards) > 1:
            self.arrange_cards()

    def on_call_ended(self, line: str) -> None:
        card = self.cards.get(line)
        if card is not None:
            card.set_stopped()

    def on_source_status(self, status: SourceStatus | Message) -> None:
        from app.calls.events import SourceState, SourceStatus

        if isinstance(status, SourceStatus) and status.line:  # one of several modems: each line's latest
            key = (str(status.source), status.line)
            if status.state is SourceState.STOPPED:  # (a stopped one leaves)
                self._line_statuses.pop(key, None)
            else:
                self._line_statuses[key] = status
        else:
            self._status = status
        self._show_status()

    def _show_status(self) -> None:
        if self._line_statuses:
            said = [f"[{line}] {render_text(st)}" for (_, line), st in self._line_statuses.items()]  # first seen first
            self.source_status.setText(self.tr("来电来源：") + join_list(said, style.current_language()))
        elif self._status is not None:
            self.source_status.setText(self.tr("来电来源：") + render_text(self._status))
        else:
            self.source_status.setText(self.tr("来电来源：手动输入。可在“设置”里连接来电显示设备。"))
        problem = self.services.calls.source_problem  # the saved source runs only in part (a hand-edited file)
        if problem is not None:
            self.source_status.setText(self.source_status.text() + "\n⚠ " + render_text(problem))

    def dismiss(self, line: str) -> None:
        card = self.cards.pop(line, None)
        if card is not None:
            self.cards_grid.removeWidget(card)
            card.deleteLater()
        self.services.calls.remove_line(line)
        if not self.cards:
            self.empty_label.show()
            self.keep_room_for_the_top_card()
        else:
            self.arrange_cards()

    def fit_to_font(self) -> None:
        for card in self.cards.values():
            card.fit_to_font()
        self.fit_cards_to_view()
        self._top_line = None
        self.arrange_cards()

    # -------------------------------------------------------------- language
    def keyboard_start(self) -> QWidget:
        """Where Ctrl+1 puts the caret: the number of a call to simulate (training, trying the app)."""
        return self.sim_number

    def retranslate(self) -> None:
        self.title.setText(self.tr("来电监控"))
        self.sim_label.setText(self.tr("模拟来电："))
        self.sim_number.setPlaceholderText(self.tr("输入号码试一试，例如 95275012"))
        self.sim_number.setAccessibleName(self.tr("模拟来电号码"))
        self.sim_button.setText(self.tr("模拟来电"))
        self.say_label.setText(self.tr("对方说："))
        self.say_text.setPlaceholderText(self.tr("输入对方说的话，例如：我是公安局的，你涉嫌洗钱"))
        self.say_text.setAccessibleName(self.tr("模拟通话内容"))
        self.say_button.setText(self.tr("加入通话内容"))
        self.empty_label.setText(
            self.tr(
                "现在没有来电。\n有电话打进来时，这里会显示号码、风险判断和通话内容。\n也可以在下方输入号码模拟一个来电。"
            )
        )
        self._show_status()
        for card in self.cards.values():
            card.retranslate()
