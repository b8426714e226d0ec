"""查号 page, the checked-message section: a pasted SMS, chat or what a caller said, shown as the app shows any checked
text (the recordings and history pages): the verdict banner (glyph and words, scheme, reasons), the text with its cues
highlighted, and what it mentions (links, QQ/WeChat IDs, account numbers). It can keep the message in the history as
a text message of one person (``app.operations.check.save_text`` on the writer).

The reading itself is ``app.operations.check.check_text``, run by the page in a job; this section only shows the
result it is given, and shows it again in the current language on ``retranslate``.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.display import LEVEL_STYLES, join_list, level_word, shown_category, text_reasons
from app.models.calllog import message_count
from app.operations import DataArea
from app.operations.check import TextCheck, save_text
from app.operations.history import load_profiles
from app.operations.phone import ProfileError, add_profile
from app.reports.export import entity_line, quoted_as_written, shown_transcript
from app.ui import style
from app.ui.widgets import ErrorDetailsDialog, HighlightedTranscript, VerdictBanner, ask_person_name, friendly_message
from screening.language import heard_nothing
from screening.numbers import NumberProblem, normalise
from screening.types import Level

log = logging.getLogger(__name__)


class TextResultSection(QWidget):
    """The result of one checked message; hidden until there is one. A paste of several messages offers 逐条检查
    (``eachRequested``: the page reads each in a job) and then lists them, each message's verdict shown on choosing it."""

    eachRequested = Signal()

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.result: TextCheck | None = None
        self.parts: list[TextCheck] = []  # each message of a paste that held several, once read one by one
        self.style_name = ""  # what the text was read as (短信 / 聊天 / 通话内容), named by the page's selector
        self.guessed = False  # the style was guessed, not chosen
        self.error_dialog: ErrorDetailsDialog | None = None
        self._saved_for: str | None = None  # the person the shown result was saved for ('' nobody), None: not saved

        # a risky number in a message the words alone did not flag: said above the text's own verdict, not only in the
        # table further down (a trial read 「○ 未发现诈骗」 over two ⚠ 警告 numbers she had to scroll to)
        self.numbers_alert = QLabel(self)
        self.numbers_alert.setWordWrap(True)
        self.numbers_alert.hide()
        self.banner = VerdictBanner(self, icon_size=40)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)  # all its reasons show
        self.read_as = QLabel(self)
        self.read_as.setObjectName("hint")
        self.read_as.setWordWrap(True)
        self.each_button = QPushButton(self)
        self.each_button.clicked.connect(self.eachRequested)
        self.parts_label = QLabel(self)
        self.parts_list = QListWidget(self)  # one line a message: glyph, level word, scheme, its opening words
        self.parts_list.setMaximumHeight(self.fontMetrics().height() * 8)
        self.parts_list.currentRowChanged.connect(self._part_chosen)
        self.parts_label.setBuddy(self.parts_list)
        self.text_label = QLabel(self)
        self.text_view = HighlightedTranscript(self)
        lines = self.fontMetrics().height()
        self.text_view.setMinimumHeight(lines * 4)  # an SMS fits; a long chat scrolls inside
        self.text_view.setMaximumHeight(lines * 9)
        self.text_label.setBuddy(self.text_view)
        self.entities_label = QLabel(self)
        self.entities = QListWidget(self)
        self.entities.setMaximumHeight(lines * 6)
        self.entities_label.setBuddy(self.entities)

        self.profile_label = QLabel(self)
        self.profile_combo = QComboBox(self)
        self.profile_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profile_label.setBuddy(self.profile_combo)
        # a message is often checked for someone not yet in the history: add them here, not on the 家人 page first
        self.add_profile_button = QPushButton(self)
        self.add_profile_button.clicked.connect(self.ask_add_profile)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save)
        self.save_status = QLabel(self)
        self.save_status.setWordWrap(True)
        # who sent it and what became of it, for the record (a volunteer's weekly list for the police had neither)
        self.sender_label = QLabel(self)
        self.sender_edit = QLineEdit(self)
        self.sender_label.setBuddy(self.sender_edit)
        self.note_label = QLabel(self)
        self.note_edit = QLineEdit(self)
        self.note_label.setBuddy(self.note_edit)
        details_row = QHBoxLayout()
        details_row.addWidget(self.sender_label)
        details_row.addWidget(self.sender_edit, 1)
        details_row.addWidget(self.note_label)
        details_row.addWidget(self.note_edit, 2)
        save_row = QHBoxLayout()
        save_row.addWidget(self.profile_label)
        save_row.addWidget(self.profile_combo)
        save_row.addWidget(self.add_profile_button)
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.save_status, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.parts_label)
        layout.addWidget(self.parts_list)
        layout.addWidget(self.numbers_alert)
        layout.addWidget(self.banner)
        layout.addWidget(self.read_as)
        each_row = QHBoxLayout()
        each_row.addWidget(self.each_button)
        each_row.addStretch(1)
        layout.addLayout(each_row)
        layout.addWidget(self.text_label)
        layout.addWidget(self.text_view)
        layout.addWidget(self.entities_label)
        layout.addWidget(self.entities)
        layout.addLayout(details_row)
        layout.addLayout(save_row)
        layout.addStretch(1)  # alone on the page (no numbers in the message), the section keeps to the top
        self.retranslate()
        self.show_result(None)

    # ------------------------------------------------------------------ show
    def show_result(self, result: TextCheck | None, style_name: str = "", guessed: bool = False) -> None:
        """Show ``result`` (None: nothing checked, the section hides)."""
        self.parts = []
        self.result = result
        self.style_name = style_name
        self.guessed = guessed
        self._saved_for = None
        self.sender_edit.clear()  # a new message: its own sender and note
        self.note_edit.clear()
        if result is not None:
            self.load_profiles()
        self._fill_parts()
        self._render()

    def show_parts(self, parts: list[TextCheck]) -> None:
        """Each message of the paste, read on its own (``app.operations.check.check_each``): listed, the riskiest
        one shown first."""
        self.parts = list(parts)
        self._fill_parts()
        if parts:
            riskiest = max(range(len(parts)), key=lambda i: (parts[i].level, -i))
            self.parts_list.setCurrentRow(riskiest)  # shows it (``_part_chosen``)

    def _fill_parts(self) -> None:
        lang = style.current_language()
        self.parts_list.blockSignals(True)
        current = self.parts_list.currentRow()
        self.parts_list.clear()
        for i, part in enumerate(self.parts, 1):
            a = part.assessment
            scheme = shown_category(part.level, a.category, a.category_text, lang)
            opening = " ".join(part.text.split())
            opening = opening if len(opening) <= 28 else opening[:27] + "…"
            sep = " · "
            self.parts_list.addItem(f"{i}. {level_word(part.level, lang, about_text=True)}{sep}"
                                    + (f"{scheme}{sep}" if scheme else "") + opening)  # fmt: skip
        if 0 <= current < self.parts_list.count():
            self.parts_list.setCurrentRow(current)
        self.parts_list.blockSignals(False)
        self.parts_label.setVisible(bool(self.parts))
        self.parts_list.setVisible(bool(self.parts))

    def _part_chosen(self, row: int) -> None:
        if 0 <= row < len(self.parts):
            self.result = self.parts[row]
            self._saved_for = None
            self._render()

    def retranslate(self) -> None:
        self.each_button.setText(self.tr("逐条检查"))
        self.each_button.setAccessibleName(self.tr("把粘贴的几条短信分开，一条一条地检查"))
        self.parts_label.setText(self.tr("逐条检查的结果（点一条看它的详情）："))
        self.parts_list.setAccessibleName(self.tr("逐条检查的结果"))
        self._fill_parts()
        self.text_label.setText(self.tr("文字（高亮处为可疑话术）："))
        self.entities_label.setText(self.tr("提取的线索（链接、QQ/微信号、账号等）："))
        self.entities.setAccessibleName(self.tr("提取的线索"))
        self.text_view.setAccessibleName(self.tr("检查的文字"))
        self.profile_label.setText(self.tr("家人："))
        self.profile_combo.setAccessibleName(self.tr("这条短信是哪位家人收到的"))
        if self.profile_combo.count():
            self.profile_combo.setItemText(0, self.tr("（不指定）"))
        self.add_profile_button.setText(self.tr("添加家人…"))
        self.add_profile_button.setAccessibleName(self.tr("添加家人"))
        self.sender_label.setText(self.tr("发信号码："))
        self.sender_edit.setPlaceholderText(self.tr("可不填，如 10690000123"))
        self.sender_edit.setAccessibleName(self.tr("这条消息是哪个号码发来的"))
        self.note_label.setText(self.tr("备注："))
        self.note_edit.setPlaceholderText(self.tr("可不填，如 老人没有转账"))
        self.note_edit.setAccessibleName(self.tr("备注，和消息一起存入记录"))
        self.save_button.setText(self.tr("存入记录"))
        self.save_button.setAccessibleName(self.tr("把这条短信和检查结果存入“记录”页"))
        self.banner.retranslate()
        self._render()

    def _show_numbers_alert(self, result: TextCheck, lang: str) -> None:
        risky = [row for row in result.numbers if row.level >= Level.WARN]
        if not risky or result.level >= risky[0].level:
            self.numbers_alert.hide()
            return
        worst = risky[0].level  # (riskiest first)
        st = LEVEL_STYLES[worst]
        numbers = join_list((row.raw.strip() for row in risky), lang)
        text = (
            self.tr("%1 文字里的号码有风险：%2。请看下面的号码表。")
            .replace("%1", level_word(worst, lang))
            .replace("%2", numbers)
        )
        self.numbers_alert.setText(text)
        self.numbers_alert.setStyleSheet(
            f"QLabel {{ background: {st.background}; color: {st.foreground}; border: 2px solid {st.accent};"
            " border-radius: 6px; padding: 6px; font-weight: bold; }"
        )
        self.numbers_alert.show()

    def _render(self) -> None:
        result = self.result
        self.setVisible(result is not None)
        self.entities.clear()
        if result is None:
            self.text_view.clear_transcript()
            self.numbers_alert.hide()
            return
        lang = style.current_language()
        a = result.assessment
        headline = shown_category(result.level, a.category, a.category_text, lang)
        # all of them (the page scrolls, nothing else lists them), quoting the text as written, as it is shown below
        reasons = quoted_as_written(text_reasons(result.level, a.reasons, lang), result.text)
        # another language with nothing found in it: not read, so no verdict (? 未知 and why), never ○ 未发现诈骗
        unread = heard_nothing(result.text, a.hits)
        self.banner.set_verdict(
            result.level,
            headline,
            [] if unread else reasons,
            about_text=True,
            no_verdict="not_chinese" if unread else None,
        )
        self._show_numbers_alert(result, lang)
        how = self.tr("（自动判断的；不对请在上面的“内容”里选）") if self.guessed else ""
        read_as = self.tr("按“%1”检查").replace("%1", self.style_name) + how
        several = message_count(result.text)
        if several > 1:  # one verdict for a pickup code and a refund scam pasted together says little of either
            read_as = (
                self.tr("⚠ 这里好像有 %1 条短信，上面的结论是把它们合在一起读的。点“逐条检查”分别看每一条。").replace(
                    "%1", str(several)
                )
                + "\n"
                + read_as
            )
        self.each_button.setVisible(several > 1 and not self.parts)
        self.read_as.setText(read_as)
        text, shown_hits = shown_transcript(result.text, a.hits)
        self.text_view.set_text_with_hits(text, shown_hits, calm=result.level < Level.CAUTION)
        seen: set[tuple[str, str]] = set()
        for entity in a.entities:
            key = (str(entity.kind), str(entity.value))
            if key not in seen:
                seen.add(key)
                self.entities.addItem(entity_line(key[0], key[1], lang))
        self.entities_label.setVisible(bool(seen))
        self.entities.setVisible(bool(seen))
        self.save_button.setEnabled(self._saved_for is None)
        if self._saved_for is None:
            self.save_status.clear()
        elif self._saved_for:
            self.save_status.setText(self.tr("已存入“记录”页的短信，家人：%1。").replace("%1", self._saved_for))
        else:
            self.save_status.setText(self.tr("已存入“记录”页的短信。"))

    def entity_texts(self) -> list[str]:
        return [self.entities.item(i).text() for i in range(self.entities.count())]

    # ------------------------------------------------------------------ save
    def load_profiles(self) -> None:
        """The people the history knows (the 家人 page adds them), read in a job."""
        self.services.jobs.run(load_profiles, self.services, on_result=self._profiles_loaded, name="list-profiles")

    def _profiles_loaded(self, names: list[str], select: str | None = None) -> None:
        current = self.profile_combo.currentData() if select is None else select
        self.profile_combo.clear()
        self.profile_combo.addItem(self.tr("（不指定）"), "")
        for name in names:
            self.profile_combo.addItem(name, name)
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData(current)))

    def ask_add_profile(self) -> None:
        name = ask_person_name(self)
        if name is not None:
            self.add_profile(name)

    def add_profile(self, name: str) -> None:
        """Add a person to the history (as the 家人 page does) and choose them for this message."""
        name = name.strip()

        def added(names: list[str]) -> None:
            self._profiles_loaded(names, name)
            if self._saved_for is None:
                self.save_status.clear()  # (an earlier "no name" said beside the button)

        def failed(exc: BaseException) -> None:
            log.warning("adding a person failed: %s", type(exc).__name__)
            if isinstance(exc, ProfileError):  # no name: said in plain words beside the button
                self.save_status.setText("✗ " + friendly_message(exc).splitlines()[0])
                return
            self.error_dialog = ErrorDetailsDialog.from_exception(
                exc, parent=self, log_path=str(self.services.log_path)
            )
            self.error_dialog.open()

        self.services.write(
            add_profile, self.services.data_dir, name,
            area=DataArea.HISTORY, on_result=added, on_error=failed,
            name="add-profile",
        )  # fmt: skip

    def save(self) -> None:
        """Keep the message and its verdict in the history as a text message (kind sms) of the chosen person."""
        result = self.result
        if result is None or self._saved_for is not None:
            return
        profile = str(self.profile_combo.currentData() or "")
        sender, note = self.sender_edit.text().strip(), self.note_edit.text().strip()
        # a sender need not be a valid number (a scam's may be anything), but it is one: no letter or stray character,
        # as the numbers module tells them (the character named)
        stray = normalise(sender).problem_message if sender else None
        if stray is not None and stray.code in (NumberProblem.NOT_A_NUMBER, NumberProblem.EMPTY):  # (EMPTY: no digit)
            said = self.tr("发信号码只能有数字（以及 +、空格、-），如 10690000123")
            self.save_status.setText(f"✗ {said}：{stray.render(style.current_language())}")
            return
        self.save_button.setEnabled(False)

        def done(_row_id: int) -> None:
            if self.result is result:  # still the message shown
                self._saved_for = profile
                self._render()
            log.info("checked message saved to the history")

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            log.warning("saving a checked message failed: %s", type(exc).__name__)
            self.error_dialog = ErrorDetailsDialog.from_exception(
                exc, parent=self, log_path=str(self.services.log_path)
            )
            self.error_dialog.open()

        self.services.write(
            save_text, self.services, result, profile, sender, note,
            area=DataArea.HISTORY, on_result=done, on_error=failed, name="save-checked-text",
        )  # fmt: skip
