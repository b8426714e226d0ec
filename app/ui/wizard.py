"""First-run wizard: language, family numbers, speech model, call source (manual, modem, NCID or a SIP line).
Next-Next-Next-Finish works in seconds.

Every page has a sensible default, so a helper in a hurry can press Enter four times; nothing is written until
Finish (then settings are saved and family numbers go to the allowlist through the writer pool).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.audio.model import model_setting
from app.calls.sources.sip import SipConfig
from app.display import render_text
from app.services import AppServices
from app.settings import CallSourceSettings
from app.ui import files, style
from app.ui.widgets import friendly_message

log = logging.getLogger(__name__)

# a number as people write one: +86 138 0013 8000, (021) 6123 4567, 021-61234567; the name is the rest of the line
# (a digit run starts at the line's start, after a space or separator, or at + or a bracket: 王5 and 3号楼 are names)
_FAMILY_NUMBER = re.compile(r"(?:[+＋][(（]?|[(（]|(?<![^\s,，:：;；、\-－]))\d(?:[\d\s\-－()（）]*\d)?")
_NAME_EDGES = " \t,，:：;；-－、"


@dataclass(frozen=True)
class FamilyNumber:
    number: str
    name: str


def parse_family_numbers(text: str, region: str = "CN") -> tuple[list[FamilyNumber], list[str]]:
    """Lines like ``13800138000 女儿`` (or ``女儿 13800138000``) → numbers to trust, plus a translated problem per bad
    line: one :func:`_family_number_problem` finds, or one the list store would refuse."""
    from blocklists.store import StoreError, parse_pattern

    lang = style.current_language()
    good: list[FamilyNumber] = []
    problems: list[str] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        number, name, stray = _split_family_line(line)
        try:
            parse_pattern(number, region)  # what the list store would refuse (a number run has no * or ?)
            reason = _family_number_problem(number, stray, region, lang)
        except StoreError as exc:
            reason = exc.message.render(lang)
        if reason:
            shown = raw.strip()
            problems.append(f"line {i}: {shown} ({reason})" if lang == "en" else f"第 {i} 行：{shown}（{reason}）")
            continue
        good.append(FamilyNumber(number, name))
    return good, problems


def _split_family_line(line: str) -> tuple[str, str, str]:
    """(number, name, a letter typed against the number or "") of one line: the number is the run with the most
    digits (小区3号楼保安 13800138000 is the guard's mobile), the name what is left on either side (妈妈 13800138000,
    张三 021 6123 4567 家)."""
    runs = list(_FAMILY_NUMBER.finditer(line))
    if not runs:
        return line, "", ""
    m = max(runs, key=lambda r: sum(ch.isdigit() for ch in r.group()))
    name = " ".join(part.strip(_NAME_EDGES) for part in (line[: m.start()], line[m.end() :]) if part.strip(_NAME_EDGES))
    beside = (line[m.start() - 1] if m.start() else "") + (line[m.end()] if m.end() < len(line) else "")
    stray = next((ch for ch in beside if ch.isascii() and ch.isalpha()), "")
    return m.group().strip(), name, stray


def _family_number_problem(number: str, stray: str, region: str, lang: str) -> str:
    """Why a family member's number would not be the one that rings (empty when it would): a letter typed into it
    (138OO138000, an O for a zero) or a number no phone has (a digit missing). A list import keeps such numbers (a
    spoofed caller ID can be anything); a relative's number is a real one."""
    from screening.i18n import Message
    from screening.numbers import NumberProblem, normalise

    if stray:
        return Message(NumberProblem.NOT_A_NUMBER, {"char": stray}).render(lang)
    nn = normalise(number, region)
    problem = nn.problem_message
    return problem.render(lang) if problem is not None and not nn.valid else ""


class _Page(QWizardPage):
    """A wizard page whose subtitle is its own word-wrapped label at the top of the page.

    QWizard's own header sizes the subtitle for two lines of "Pq" in the Latin font, so a longer subtitle, or
    Chinese (drawn with a taller fallback font), was cut off mid-line in large-text mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.subtitle = QLabel(self)
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)

    def page_layout(self) -> QVBoxLayout:
        layout = QVBoxLayout(self)
        layout.addWidget(self.subtitle)
        layout.addSpacing(8)
        return layout

    def set_texts(self, title: str, subtitle: str) -> None:
        self.setTitle(title)
        self.subtitle.setText(subtitle)

    def fit_fields(self) -> None:
        """Widen fields for their current text size before the wizard fits the page (see SourcePage)."""


class LanguagePage(_Page):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.zh = QRadioButton("中文", self)
        self.en = QRadioButton("English", self)
        self.group = QButtonGroup(self)
        self.group.addButton(self.zh)
        self.group.addButton(self.en)
        (self.en if style.current_language() == "en" else self.zh).setChecked(True)
        self.large_text = QCheckBox(self)
        self.large_text.setChecked(services.settings.value.large_text)
        self.zh.toggled.connect(self._language_clicked)
        self.large_text.toggled.connect(self._large_clicked)
        layout = self.page_layout()
        layout.addWidget(self.zh)
        layout.addWidget(self.en)
        layout.addSpacing(16)
        layout.addWidget(self.large_text)
        layout.addStretch(1)
        self.retranslate()

    def language(self) -> str:
        return "en" if self.en.isChecked() else "zh"

    def _language_clicked(self) -> None:
        from PySide6.QtWidgets import QApplication

        from app.i18n import install_language

        app = QApplication.instance()
        if app is not None:
            install_language(app, self.language())  # switch now so the rest of the wizard is readable

    def _large_clicked(self, on: bool) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication):
            style.apply_text_scale(app, on)

    def retranslate(self) -> None:
        self.set_texts(self.tr("欢迎使用来电护盾"), self.tr("只需四步，一分钟内完成。以后都可以在“设置”里修改。"))
        self.large_text.setText(self.tr("大字模式（文字放大 1.5 倍）"))


class FamilyNumbersEdit(QPlainTextEdit):
    """One number per line, and Enter still goes on, as on every other page: Enter after a number starts the next
    line; Enter on an empty line (or in an empty box) is "done" (``finished``); Shift+Enter is always a new line,
    Ctrl+Enter always goes on."""

    finished = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            line = self.textCursor().block().text()
            if mods == Qt.KeyboardModifier.ControlModifier or (
                mods == Qt.KeyboardModifier.NoModifier and not line.strip()
            ):
                event.accept()
                self.finished.emit()
                return
            if mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
                event.accept()
                self.textCursor().insertBlock()  # a real line break (Shift+Enter would be a soft one)
                self.ensureCursorVisible()
                return
        super().keyPressEvent(event)


class FamilyPage(_Page):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)
        self.numbers = FamilyNumbersEdit(self)
        self.numbers.setTabChangesFocus(True)
        self.numbers.textChanged.connect(self._validate)
        self.numbers.finished.connect(self._finished)
        self.keys_hint = QLabel(self)
        self.keys_hint.setWordWrap(True)
        self.keys_hint.setObjectName("hint")
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #cf222e")
        self.problems.hide()
        layout = self.page_layout()
        layout.addWidget(self.explain)
        layout.addWidget(self.numbers, 1)
        layout.addWidget(self.keys_hint)
        layout.addWidget(self.problems)
        self.retranslate()

    def _finished(self) -> None:
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def parsed(self) -> tuple[list[FamilyNumber], list[str]]:
        return parse_family_numbers(self.numbers.toPlainText(), self.services.settings.value.region)

    def _validate(self) -> None:
        _, problems = self.parsed()
        if problems:
            self.problems.setText("⚠ " + self.tr("这些行不像电话号码，请改正或删掉：") + "\n" + "\n".join(problems[:5]))
        else:
            self.problems.clear()
        self.problems.setVisible(bool(problems))

    def validatePage(self) -> bool:
        """A mistyped relative's number (138OO138000) would be trusted as another number and the real one would
        ring as a stranger: the page is not left until every line is a number or gone."""
        _, problems = self.parsed()
        if problems:
            self._validate()
            self.numbers.setFocus()
            return False
        return True

    def retranslate(self) -> None:
        self.set_texts(
            self.tr("家人和熟人的号码"),
            self.tr("这些号码打来时永远不会被提醒。每行一个，可以在号码后写上名字。也可以跳过。"),
        )
        # the names in the reader's language (a trial read 女儿 and 社区 in the English wizard); any name is taken
        self.explain.setText(
            self.tr("例如：") + "\n13800138000 " + self.tr("女儿") + "\n021-61234567 " + self.tr("社区")
        )
        self.numbers.setPlaceholderText(self.tr("每行一个号码"))
        self.keys_hint.setText(self.tr("按回车换到下一行；在空行上按回车，进入下一步。"))
        self.numbers.setAccessibleName(self.tr("家人号码"))
        self._validate()


class ModelPage(_Page):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._job: Any = None
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)
        self.skip = QRadioButton(self)
        self.download = QRadioButton(self)
        self.import_ = QRadioButton(self)
        self.group = QButtonGroup(self)
        for b in (self.skip, self.download, self.import_):
            self.group.addButton(b)
        self.skip.setChecked(True)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self._choose_import)
        self.import_button.setEnabled(False)
        self.import_.toggled.connect(self.import_button.setEnabled)
        # a folder has a button of its own, as in 设置: after a cancelled zip picker a folder picker opened unasked
        self.import_folder_button = QPushButton(self)
        self.import_folder_button.clicked.connect(self._choose_import_folder)
        self.import_folder_button.setEnabled(False)
        self.import_.toggled.connect(self.import_folder_button.setEnabled)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.import_)
        row.addWidget(self.import_button)
        row.addWidget(self.import_folder_button)
        row.addStretch(1)
        layout = self.page_layout()
        layout.addWidget(self.explain)
        layout.addWidget(self.skip)
        layout.addWidget(self.download)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        available = callable(getattr(services.speech, "download_model", None))
        self.download.setEnabled(available)
        self.import_.setEnabled(callable(getattr(services.speech, "import_model", None)))
        self.retranslate()

    def choice(self) -> str:
        if self.download.isChecked():
            return "download"
        if self.import_.isChecked():
            return "import"
        return "skip"

    def _choose_import(self) -> None:
        path = files.open_file(self, self.tr("选择语音模型压缩包"), self.tr("模型压缩包 (*.zip)"))
        if path:
            self.start_import(path)

    def _choose_import_folder(self) -> None:
        path = files.choose_folder(self, self.tr("选择语音模型文件夹"))
        if path:
            self.start_import(path)

    def start_import(self, path: str) -> None:
        fn = getattr(self.services.speech, "import_model", None)
        if callable(fn):
            self.progress.show()
            self._job = fn(path, self._progress, self._done, self._failed, self._cancelled)

    def start_download(self) -> None:
        fn = getattr(self.services.speech, "download_model", None)
        if callable(fn) and self._job is None:
            self.progress.show()
            self._job = fn(self._progress, self._done, self._failed, self._cancelled)

    def _progress(self, done: int, total: int, _text: str) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        else:
            self.progress.setRange(0, 0)

    def _done(self, result: Any) -> None:
        self._job = None
        path = getattr(result, "path", result)
        if path:
            self.services.settings.update(model_path=model_setting(self.services.data_dir, path))
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        # a model of another language (``ModelInfo.language_warning``): never 「已就绪」 (a trial's Korean one)
        warning = result.language_warning() if hasattr(result, "language_warning") else None
        self.status.setText(
            "⚠ " + render_text(warning, style.current_language()) if warning else self.tr("语音模型已就绪。")
        )

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.progress.hide()
        self.status.setText(self.tr("没有成功：") + friendly_message(exc) + "\n" + self.tr("可以稍后在“设置”里再试。"))

    def _cancelled(self) -> None:
        self._job = None
        self.progress.hide()

    def validatePage(self) -> bool:
        if self.download.isChecked():
            self.start_download()  # keeps running in the background after the wizard closes
        return True

    def initializePage(self) -> None:
        """Say what is there already: a model found (and 不是中文模型 where it is of another language: a trial's
        wizard offered 先跳过 over the Korean model it had, without a word), from Settings' own status check."""
        status = getattr(self.services.speech, "model_status", None)
        if callable(status):
            status(self._found)

    def _found(self, found: Any) -> None:
        if self._job is not None or getattr(found, "path", None) is None:
            return  # an import or download under way says its own; no model: the choices say it all
        warning = getattr(found, "warning", None)
        text = self.tr("已有语音模型：%1").replace("%1", str(found.path))
        self.status.setText("⚠ " + render_text(warning, style.current_language()) + "\n" + text if warning else text)

    def retranslate(self) -> None:
        self.set_texts(
            self.tr("听懂通话内容（可选）"),
            # (a trial read 「只按号码判断」 as "no text checks without it" and nearly downloaded it for nothing)
            self.tr(
                "有了语音识别模型，来电护盾能听出电话和录音里的“安全账户”“验证码”等诈骗说法。"
                "没有它，照样能查号码、检查粘贴的短信和聊天。"
            ),
        )
        self.explain.setText(self.tr("模型约 40 MB，全部在本机运行，通话内容不会上传。"))
        self.skip.setText(self.tr("先跳过（查号码、查短信照常可用）"))
        self.download.setText(self.tr("现在下载（需要联网）"))
        self.import_.setText(self.tr("我已经有模型文件"))
        self.import_button.setText(self.tr("从压缩包导入…"))
        self.import_folder_button.setText(self.tr("从文件夹导入…"))


class SourcePage(_Page):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        current = services.settings.value.call_source
        self.manual = QRadioButton(self)
        self.modem = QRadioButton(self)
        self.ncid = QRadioButton(self)
        self.sip = QRadioButton(self)
        self.group = QButtonGroup(self)
        for b in (self.manual, self.modem, self.ncid, self.sip):
            self.group.addButton(b)
        {"manual": self.manual, "modem": self.modem, "ncid": self.ncid, "sip": self.sip}[current.kind].setChecked(True)
        self.ncid_host = QLineEdit(current.ncid_host, self)
        self.ncid_port = QSpinBox(self)
        self.ncid_port.setRange(1, 65535)
        self.ncid_port.setValue(current.ncid_port)
        self.ncid_host.setEnabled(self.ncid.isChecked())
        self.ncid_port.setEnabled(self.ncid.isChecked())
        self.ncid.toggled.connect(self.ncid_host.setEnabled)
        self.ncid.toggled.connect(self.ncid_port.setEnabled)
        self._build_sip(current.sip)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        # a parent's mobile is reached through its backup, not a line: said here, where the lines are chosen
        self.mobile_hint = QLabel(self)
        self.mobile_hint.setWordWrap(True)
        self.mobile_hint.setObjectName("hint")
        row = QHBoxLayout()
        row.addSpacing(24)
        row.addWidget(self.ncid_host, 1)
        row.addWidget(self.ncid_port)
        layout = self.page_layout()
        layout.addWidget(self.manual)
        layout.addWidget(self.modem)
        layout.addWidget(self.ncid)
        layout.addLayout(row)
        layout.addWidget(self.sip)
        layout.addWidget(self.sip_box)
        layout.addWidget(self.hint)
        layout.addWidget(self.mobile_hint)
        layout.addStretch(1)
        self.retranslate()

    def _build_sip(self, sip: SipConfig) -> None:
        """SIP line: server, user and password (the rest — transport, port, auto-answer — is in Settings)."""
        from app.ui.settings.source import split_account

        server, user = split_account(sip.account)
        self.sip_box = QWidget(self)
        form = QFormLayout(self.sip_box)
        form.setContentsMargins(24, 0, 0, 0)
        self.sip_server = QLineEdit(server, self.sip_box)
        self.sip_user = QLineEdit(user, self.sip_box)
        self.sip_password = QLineEdit(sip.password, self.sip_box)
        self.sip_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sip_labels = [QLabel(self.sip_box) for _ in range(3)]
        for label, field in zip(self.sip_labels, (self.sip_server, self.sip_user, self.sip_password), strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        self.sip_problem = QLabel(self.sip_box)
        self.sip_problem.setWordWrap(True)
        self.sip_problem.setStyleSheet("color: #cf222e")
        self.sip_problem.hide()  # an empty word-wrapped label in a form squashed the SIP fields (large text)
        form.addRow(self.sip_problem)
        self.sip_box.setEnabled(self.sip.isChecked())
        self.sip.toggled.connect(self.sip_box.setEnabled)

    def source(self) -> CallSourceSettings:
        from app.ui.settings.source import join_account

        kind = (
            "modem"
            if self.modem.isChecked()
            else "ncid"
            if self.ncid.isChecked()
            else "sip"
            if self.sip.isChecked()
            else "manual"
        )
        current = self.services.settings.value.call_source
        sip = current.sip
        if self.sip.isChecked():
            sip = dataclasses.replace(
                sip,
                account=join_account(self.sip_server.text(), self.sip_user.text()),
                password=self.sip_password.text(),
            )
        return dataclasses.replace(
            current,
            kind=kind,  # type: ignore[arg-type]
            ncid_host=self.ncid_host.text().strip() or "127.0.0.1",
            ncid_port=int(self.ncid_port.value()),
            sip=sip,
        )

    def validatePage(self) -> bool:
        """A SIP line needs a server and a user name; anything else is finished in Settings (with a 测试 button)."""
        if not self.sip.isChecked():
            return True
        if not self.sip_server.text().strip() or not self.sip_user.text().strip():
            self._sip_problem(self.tr("请填写 SIP 服务器和用户名，或者先选第一项。"))
            return False
        from app.calls.sources.sip import SipConfigError, account_line

        try:
            account_line(self.source().sip)
        except SipConfigError:
            self._sip_problem(self.tr("SIP 设置里有不能用的字符（换行、分号、空格或尖括号），请修改"))
            return False
        self._sip_problem("")
        return True

    def fit_fields(self) -> None:
        """The SIP server's example must be readable in full, in large text and in English too."""
        example = self.sip_server.placeholderText()
        self.sip_server.setMinimumWidth(self.sip_server.fontMetrics().horizontalAdvance(example + "MM"))
        form = self.sip_box.layout()
        if form is not None:
            form.activate()  # the page's layout reads the box's new minimum at once, not after the next event

    def _sip_problem(self, text: str) -> None:
        self.sip_problem.setText(text)
        self.sip_problem.setVisible(bool(text))

    def retranslate(self) -> None:
        self.set_texts(self.tr("来电从哪里来"), self.tr("选择来电护盾怎样得知有电话打进来。"))
        self.manual.setText(self.tr("先不接设备（在“来电监控”里手动输入号码）"))
        self.modem.setText(self.tr("座机：来电显示调制解调器（USB）"))
        self.ncid.setText(self.tr("NCID 来电显示服务器（呼叫中心、交换机）"))
        self.sip.setText(self.tr("网络电话：SIP 线路（需要安装 baresip）"))
        for label, text in zip(
            self.sip_labels, (self.tr("SIP 服务器"), self.tr("用户名（分机号）"), self.tr("密码")), strict=True
        ):
            label.setText(text)
        self.sip_server.setPlaceholderText(self.tr("例如 sip.example.com 或 192.168.1.10:5060"))
        self.hint.setText(self.tr("不确定就选第一项。接好设备后可以在“设置”里更改；SIP 线路可在“设置”里点“测试”检查。"))
        self.mobile_hint.setText(
            self.tr(
                "家人用的是手机？手机不用接线：以后在“家人报告”页为他建一份档案，导入手机的备份（短信、通话记录），"
                "在“设置 → 手机录音文件夹”里选上同步通话录音的文件夹，来电护盾就会一起检查。"
            )
        )


class FirstRunWizard(QWizard):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowIcon(style.icon("app.svg"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.language_page = LanguagePage(services, self)
        self.family_page = FamilyPage(services, self)
        self.model_page = ModelPage(services, self)
        self.source_page = SourcePage(services, self)
        for page in (self.language_page, self.family_page, self.model_page, self.source_page):
            self.addPage(page)
        self.added_numbers: list[FamilyNumber] = []
        self.resize(640, 480)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_page)
        self.currentIdChanged.connect(lambda _id: self._fit_timer.start())
        self.retranslate()

    HEADING_FACTOR = 1.45  # QWizard's own heading: the application font + 4 pt (13 pt on 9 pt), bold

    def _scale_headings(self) -> None:
        """QWizard shows each step's heading in a label of its own whose font is fixed when the wizard is made, so
        ticking 大字模式 on the first step left the headings small until the wizard was run again. That label (the bold
        one outside the pages) gets a font scaled from the application font instead, which
        ``style.apply_text_scale`` re-applies whenever large text is switched."""
        pages = [self.page(i) for i in self.pageIds()]
        for label in self.findChildren(QLabel):
            if label.property("callshield_font_factor") is None and label.font().bold():
                if not any(page.isAncestorOf(label) for page in pages):
                    style.set_scaled_font(label, self.HEADING_FACTOR, bold=True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_timer.start()  # new words or large text: the page may need more room
        super().changeEvent(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.fit_page()

    def fit_page(self) -> None:
        """Grow the wizard until the current page has the height its wrapped text needs at its width.

        QWizard sizes itself from the pages' minimum sizes, which leave out word wrapping; in large-text mode the
        layout then squeezed the SIP fields to make room for a wrapped hint (placeholders cut in half)."""
        self._scale_headings()  # QWizard makes its heading label when first shown
        page = self.currentPage()
        layout = page.layout() if page is not None else None
        if page is None or layout is None:
            return
        if isinstance(page, _Page):
            page.fit_fields()
        layout.activate()
        frame = page.parentWidget()  # QWizard's page area: what the page really gets
        room = frame.contentsRect().size() if frame is not None else page.size()
        width = max(room.width(), layout.totalMinimumSize().width())
        need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalMinimumSize().height()
        page.setMinimumHeight(max(need, page.minimumHeight()))
        grow_w, grow_h = width - room.width(), max(0, need - room.height())
        if grow_w or grow_h:
            self.resize(self.width() + grow_w, self.height() + grow_h)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("来电护盾 — 首次设置"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("以后再说"))
        for page in (self.language_page, self.family_page, self.model_page, self.source_page):
            page.retranslate()

    def accept(self) -> None:
        """Finish: save the choices, add family numbers to the allowlist (writer pool)."""
        numbers, _problems = self.family_page.parsed()
        self.added_numbers = numbers
        self.services.settings.update(
            language=self.language_page.language(),
            large_text=self.language_page.large_text.isChecked(),
            call_source=self.source_page.source(),
            first_run_done=True,
        )
        if numbers:
            from app.operations import DataArea
            from app.operations.lists import add_family_numbers

            self.services.write(
                add_family_numbers,
                self.services,
                [(fam.number, fam.name) for fam in numbers],
                area=DataArea.LISTS,
                name="wizard-family",
            )
        super().accept()

    def reject(self) -> None:
        """以后再说: keep the defaults, do not ask again on every start (it can be reopened from Settings)."""
        if not self.services.settings.value.first_run_done:
            self.services.settings.update(first_run_done=True)
        super().reject()
