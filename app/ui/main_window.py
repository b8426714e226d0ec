"""Main window: left navigation (icon + words) and a stack of pages, plus the window-wide alert bar.

Pages are imported by name; a page that is missing or fails to import shows a placeholder with the reason, so the
window always opens.
"""

from __future__ import annotations

import html
import importlib
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from app.alerts.policy import Alert, Reinstatement, Withdrawal
from app.services import AppServices
from app.ui import style
from app.ui.widgets import ErrorDetailsDialog, enter_presses_buttons, friendly_message, render_text

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1100, 760)  # a first start's window, where the screen has room for it
WINDOW_FRAME = (16, 40)  # what the window system adds around it: borders, and the title bar


@dataclass(frozen=True)
class PageSpec:
    key: str
    module: str
    cls: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("live", "app.ui.page_live", "LivePage", "nav_live.svg"),
    PageSpec("check", "app.ui.page_check", "CheckPage", "nav_check.svg"),
    PageSpec("recordings", "app.ui.page_recordings", "RecordingsPage", "nav_recordings.svg"),
    PageSpec("lists", "app.ui.page_lists", "ListsPage", "nav_lists.svg"),
    PageSpec("history", "app.ui.page_history", "HistoryPage", "nav_history.svg"),
    PageSpec("family", "app.ui.page_family", "FamilyReportPage", "nav_family.svg"),
    PageSpec("settings", "app.ui.settings.page", "SettingsPage", "nav_settings.svg"),
)


class PlaceholderPage(QWidget):
    """Shown instead of a page that could not be loaded; says why in plain words, details for the curious."""

    def __init__(self, title: str, error: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self._title = title
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QLabel(f"<pre>{html.escape(error[-1500:])}</pre>", self)
        self.details.setObjectName("hint")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.details)
        layout.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("“%1”页面暂时不可用。其他功能可以照常使用。").replace("%1", self._title))


class AlertBar(QFrame):
    """The unmissable window-wide banner shown when a call reaches warn/block."""

    showRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertBar")
        self.alert: Alert | None = None
        # The alert's call is over and another call has its card (a trial: a new, calm call came in under a bar that
        # still said 警告 about the last one and whose 查看来电 opened the calm card): said as past, shown in 记录
        self.past = False
        # On the page that shows the alert's own card (a call's on 来电监控) the bar says only its title in one line:
        # the card below gives the reasons (a trial: in large text the bar repeated them in 130 px over the card)
        self.compact = False
        self.icon = QLabel(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        style.set_scaled_font(self.text, 1.3, bold=True)
        self.show_button = QPushButton(self)
        self.show_button.clicked.connect(self.showRequested)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.icon)
        row.addWidget(self.text, 1)
        row.addWidget(self.show_button)
        row.addWidget(self.close_button)
        self.hide()
        self.retranslate()

    def show_alert(self, alert: Alert) -> None:
        self.alert = alert
        self.past = False
        st = style.style_for(alert.level)
        self.setStyleSheet(
            f"QFrame#alertBar {{ background: {st.background}; border: 3px solid {st.accent}; border-radius: 6px; }}"
            f"QFrame#alertBar QLabel {{ color: {st.foreground}; border: none; background: transparent; }}"
        )
        self._render()
        self.show()

    def _render(self) -> None:
        alert = self.alert
        if alert is None:
            return
        lang = style.current_language()
        texts = alert.reason_texts(lang)
        reason = texts[0] if texts else style.level_advice(alert.level, lang)
        if self.past:
            when = datetime.fromtimestamp(alert.at).strftime("%H:%M")
            reason = self.tr("这通电话已经结束（%1 的来电），现在显示的来电和它无关；它的详情在“记录”里").replace(
                "%1", when
            )
        self.text.setText(alert.title(lang) if self.compact else f"{alert.title(lang)}\n{reason}")
        self.show_button.setText(self.tr("查看记录") if self.past else self.tr("查看来电"))
        self.show_button.setVisible(not self.compact)  # its page is the one shown
        self.icon.setPixmap(style.level_pixmap(alert.level, 28 if self.compact else 40))
        self.setAccessibleName(alert.title(lang))
        self.setAccessibleDescription(reason)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._render()

    def source_page(self) -> str | None:
        """The page that shows this alert's source: a call's card on 来电监控, a watched recording on 家人报告."""
        if self.alert is None:
            return None
        if self.alert.source == "recording":
            return "family"
        return "history" if self.past else "live"

    def calls_now(self, keys: set[str], withdrawn: set[str]) -> None:
        """The calls the live page's cards show now (``LineState.key``): a call alert's call no longer among them
        is over and replaced, and the bar says so (:attr:`past`); one whose warning the whole call did not bear out
        (``withdrawn``) leaves the bar, its card says why."""
        if self.alert is None or self.alert.source != "call":
            return
        if self.alert.key in withdrawn:
            self.dismiss()
        elif not self.past and self.alert.key not in keys:
            self.past = True
            self._render()

    def dismiss(self) -> None:
        self.alert = None
        self.past = False
        self.hide()

    def retranslate(self) -> None:
        self.close_button.setText(self.tr("关闭提醒"))
        self._render()
        if self.alert is None:
            self.show_button.setText(self.tr("查看来电"))


class NoticeBar(QFrame):
    """A yellow bar above every page for something to fix, not an alarm: its text, a button that opens the settings
    section concerned, and (``closable``) 知道了. Subclasses fill the text in ``_render`` and name the buttons in
    ``retranslate``."""

    settingsRequested = Signal()

    def __init__(self, parent: QWidget | None = None, closable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("emailNotice")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.settings_button = QPushButton(self)
        self.settings_button.clicked.connect(self.settingsRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.settings_button)
        self.close_button: QPushButton | None = None
        if closable:
            self.close_button = QPushButton(self)
            self.close_button.clicked.connect(self.dismiss)
            row.addWidget(self.close_button)
        self.hide()

    def dismiss(self) -> None:
        self.hide()


class EmailNotice(NoticeBar):
    """「提醒邮件没有发出去」: an alert e-mail to the family failed, so the family was not told; the user should know.
    The same for the correction that follows a withdrawn warning (「更正邮件没有发出去」): the family was not told
    that the alert they got was withdrawn; and for the follow-up when that warning stands again (「“提醒仍然有效”
    邮件没有发出去」): the family was told that the alert was withdrawn, and not that it stands.

    Says why in plain words (the failure's code, rendered in the current language when shown, never the password),
    offers the e-mail settings, and stays until dismissed. It does not block anything: calls go on being screened.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alert: Alert | Withdrawal | Reinstatement | None = None
        self.error: BaseException | None = None
        self.retranslate()

    def show_failure(self, alert: Alert | Withdrawal | Reinstatement, error: BaseException) -> None:
        self.alert, self.error = alert, error
        self._render()
        self.show()

    def _render(self) -> None:
        if self.alert is None or self.error is None:
            return
        reason = friendly_message(self.error).splitlines()[0]
        if isinstance(self.alert, Reinstatement):
            number = self.alert.alert.number or self.tr("未知号码")
            title = self.tr("“提醒仍然有效”邮件没有发出去：%1").replace("%1", reason)
            advice = self.tr(
                "家人收到了更正，以为关于 %1 的提醒已经撤回，其实提醒仍然有效。请直接告诉家人，并到“设置”里检查邮件设置。"
            ).replace("%1", number)
        elif isinstance(self.alert, Withdrawal):
            number = self.alert.alert.number or self.tr("未知号码")
            title = self.tr("更正邮件没有发出去：%1").replace("%1", reason)
            advice = self.tr("家人不知道关于 %1 的提醒已经撤回。请到“设置”里检查邮件设置。").replace("%1", number)
        else:
            number = self.alert.number or self.tr("未知号码")
            title = self.tr("提醒邮件没有发出去：%1").replace("%1", reason)
            advice = self.tr("家人没有收到关于 %1 的提醒。请到“设置”里检查邮件设置。").replace("%1", number)
        self.text.setText(f"✉✖ {title}\n{advice}")
        self.setAccessibleName(title)
        self.setAccessibleDescription(advice)

    def dismiss(self) -> None:
        self.alert = self.error = None
        self.hide()

    def retranslate(self) -> None:
        self.settings_button.setText(self.tr("检查邮件设置"))
        if self.close_button is not None:
            self.close_button.setText(self.tr("知道了"))
        self._render()


class SourceNotice(NoticeBar):
    """「来电来源断开了」: the modem was unplugged, the NCID server went away, the SIP line lost its server: until it is
    back, calls ring without being checked, and a grey line on the Live page was easy to miss (a hotline trial). Shown
    on every page while the source is down, gone when it connects again (or the user picks another source); it does
    not block anything."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, closable=False)  # it goes when the source is back, not when dismissed
        self.down: dict[tuple[str, str], Any] = {}  # (kind, line) → its status, for each source that is down
        self.retranslate()

    def on_status(self, status: Any) -> None:
        from app.calls.events import SourceState

        state = getattr(status, "state", None)
        if getattr(status, "source", "manual") == "manual":
            return  # typing numbers in never goes down; its hang-up notes must not hide a modem's outage (a review)
        key = (str(getattr(status, "source", "")), str(getattr(status, "line", "")))
        if state is SourceState.DISCONNECTED:  # each line of a hotline's several modems on its own, in line order
            self.down[key] = status
        elif state in (SourceState.CONNECTED, SourceState.STOPPED):
            self.down.pop(key, None)
        else:
            return
        self._render()
        self.setVisible(bool(self.down))

    def _render(self) -> None:
        if not self.down:
            return
        title = self.tr("来电来源断开了，来电现在不会被检查")
        said = [(f"[{line}] " if line else "") + render_text(st) for (_, line), st in self.down.items()]
        self.text.setText("\n".join([f"☎✖ {title}", *said]))
        self.setAccessibleName(title)
        self.setAccessibleDescription(" ".join(said))

    def retranslate(self) -> None:
        self.settings_button.setText(self.tr("检查来电来源"))
        self._render()


class MainWindow(QMainWindow):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("mainWindow")
        self.setWindowIcon(style.icon("app.svg"))
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(28, 28))
        self.nav.setSpacing(2)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        self.page_errors: dict[str, str] = {}
        titles = self._titles()
        for spec in PAGES:
            page = self._load_page(spec, titles[spec.key])
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(style.icon(spec.icon), titles[spec.key])
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(150, 48))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        self._fit_navigation()

        self.alert_bar = AlertBar(self)
        self.alert_bar.showRequested.connect(self._show_alert_source)
        self.nav.currentRowChanged.connect(self._page_changed)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 8, 8, 8)
        right_layout.addWidget(self.alert_bar)
        self.email_notice = EmailNotice(self)
        self.email_notice.settingsRequested.connect(lambda: self.show_settings("email"))
        right_layout.addWidget(self.email_notice)
        self.source_notice = SourceNotice(self)
        self.source_notice.settingsRequested.connect(lambda: self.show_settings("source"))
        services.calls.sourceStatus.connect(self.source_notice.on_status)
        right_layout.addWidget(self.source_notice)
        right_layout.addWidget(self.stack, 1)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(right, 1)
        self.setCentralWidget(central)

        # Keyboard: Ctrl+1..7 jump to a page (and Alt+1..7 for screen-reader users whose Ctrl is taken), the caret
        # in its first input; Enter presses a focused button (EnterPressesButtons)
        self._shortcuts: list[QShortcut] = []
        for i in range(len(PAGES)):
            for mod in ("Ctrl", "Alt"):
                sc = QShortcut(QKeySequence(f"{mod}+{i + 1}"), self)
                sc.activated.connect(lambda i=i: self.jump_to(i))
                self._shortcuts.append(sc)
        app = QApplication.instance()
        self._enter_filter = enter_presses_buttons(app) if isinstance(app, QApplication) else None

        self.tray: QSystemTrayIcon | None = None
        self.tray_menu: QMenu | None = None
        self._quitting = False  # the user chose to quit: closing no longer asks
        self.close_box: QMessageBox | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(style.icon("app.svg"), self)
            self.tray.activated.connect(self._tray_activated)
            self.tray_menu = QMenu(self)
            self._tray_show = self.tray_menu.addAction("", self.bring_to_front)
            self._tray_quit = self.tray_menu.addAction("", self.quit_app)
            self.tray.setContextMenu(self.tray_menu)
            self.tray.show()
        services.alerts.set_tray(self.tray)
        services.alerts.alertRaised.connect(self.on_alert)
        services.calls.callScreened.connect(self._calls_changed)
        services.calls.lineChanged.connect(self._calls_changed)
        services.alerts.emailFailed.connect(self.on_email_failed)
        services.alerts.withdrawalFailed.connect(self.email_notice.show_failure)
        services.alerts.reinstatementFailed.connect(self.email_notice.show_failure)
        services.jobs.unhandledError.connect(self.on_job_error)
        self.statusBar().setSizeGripEnabled(True)
        self._window_settings = QSettings(str(services.data_dir / "window.ini"), QSettings.Format.IniFormat)
        geometry = self._window_settings.value("geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self._first_size()
        self.retranslate()

    def _first_size(self) -> None:
        """The size of a first start: 1100×760, or the whole screen where that would not fit (a 1366×768 laptop
        with its taskbar has about 728 pixels of height: the window ran under the taskbar, its buttons out of
        reach). Later starts restore the size the user left."""
        self.resize(*DEFAULT_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        frame = WINDOW_FRAME  # the title bar and borders the window system adds around the window
        if room.width() < DEFAULT_SIZE[0] + frame[0] or room.height() < DEFAULT_SIZE[1] + frame[1]:
            self.resize(min(DEFAULT_SIZE[0], room.width() - frame[0]), min(DEFAULT_SIZE[1], room.height() - frame[1]))
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    # ----------------------------------------------------------------- pages
    def _titles(self) -> dict[str, str]:
        return {
            "live": self.tr("来电监控"),
            "check": self.tr("查号"),
            "recordings": self.tr("录音分析"),
            "lists": self.tr("名单"),
            "history": self.tr("记录"),
            "family": self.tr("家人报告"),
            "settings": self.tr("设置"),
        }

    def _nav_width(self) -> int:
        font = QFont(self.nav.font())
        font.setBold(True)  # the selected item is bold
        metrics = QFontMetrics(font)
        widest = max(metrics.horizontalAdvance(t) for t in self._titles().values())
        # item padding (0.8 em each side) + margins + icon + gap + frame
        return max(150, widest + self.nav.iconSize().width() + 2 * metrics.height() + 40)

    def _load_page(self, spec: PageSpec, title: str) -> QWidget:
        try:
            module = importlib.import_module(spec.module)
            cls = getattr(module, spec.cls)
            page: QWidget = cls(self.services, self)
        except Exception as exc:  # a page that cannot load must not take the window down
            error = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            if isinstance(exc, ModuleNotFoundError) and exc.name == spec.module:
                log.info("page %s not available yet", spec.module)
            else:
                log.error("page %s failed to load:\n%s", spec.module, error)
            self.page_errors[spec.key] = error
            page = PlaceholderPage(title, error, self)
        page.setObjectName(f"page_{spec.key}")
        page.setAccessibleName(title)
        return page

    def jump_to(self, index: int) -> None:
        """A page by its shortcut, the keyboard in its main input (its ``keyboard_start``, else its first focusable
        widget): a trial's typing after Ctrl+2 went into a hidden 备注 field left focused, and was lost."""
        self.nav.setCurrentRow(index)
        page = self.stack.currentWidget()
        start = getattr(page, "keyboard_start", None)
        target = start() if callable(start) else None
        if isinstance(target, QWidget) and target.isVisible() and target.isEnabled():
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif page is not None:
            page.setFocus(Qt.FocusReason.ShortcutFocusReason)
            page.focusNextChild()

    def show_page(self, key: str) -> QWidget:
        index = [p.key for p in PAGES].index(key)
        self.nav.setCurrentRow(index)
        return self.pages[key]

    def show_settings(self, section: str) -> None:
        """The settings page scrolled to one of its sections (``email``, ``model`` …), not the top of a long page:
        where another page's notice sends the user."""
        page: Any = self.show_page("settings")  # (a SettingsPage: pages are imported by name, see PAGES)
        page.reveal(getattr(page, section))

    def current_page_key(self) -> str:
        return PAGES[self.stack.currentIndex()].key

    # ---------------------------------------------------------------- alerts
    def on_alert(self, alert: Alert) -> None:
        self.alert_bar.show_alert(alert)
        if alert.source == "call":
            self.show_page("live")
        self._fit_alert_bar()
        if self.services.settings.value.bring_to_front:
            self.bring_to_front()

    def _calls_changed(self, *_: object) -> None:
        states = self.services.calls.lines.values()
        self.alert_bar.calls_now({s.key for s in states}, {s.key for s in states if s.withdrawn})
        self._fit_alert_bar()

    def _page_changed(self, _row: int) -> None:
        self._fit_alert_bar()

    def _fit_alert_bar(self) -> None:
        """Compact on the page that shows the alert's source, whole elsewhere (:meth:`AlertBar.set_compact`)."""
        source = self.alert_bar.source_page()  # (a past call's bar stays whole: 记录 lists it, it shows no card)
        self.alert_bar.set_compact(not self.alert_bar.past and source is not None and source == self.current_page_key())

    def on_email_failed(self, alert: Alert, error: BaseException) -> None:
        """An alert e-mail failed: say so in the window (a test e-mail's failure shows on the Settings page)."""
        if alert.source != "test":
            self.email_notice.show_failure(alert, error)

    def _show_alert_source(self) -> None:
        """查看: a call's alert opens the live page; a watched-folder recording's opens the family report."""
        self.show_page(self.alert_bar.source_page() or "live")

    def show_at(self, width: int, height: int) -> None:
        """Size the window to ``width``×``height``, out of the maximised state a first start may have put it in."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMaximized)
        self.resize(width, height)

    def bring_to_front(self) -> None:
        if self.isMinimized():  # back as it was, maximised or not (showNormal() un-maximised it)
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    def on_job_error(self, name: str, exc: BaseException) -> None:
        self.show_error(exc)

    def show_error(self, exc: BaseException, message: str = "") -> None:
        from app.errors import error_dialogs_enabled

        self.statusBar().showMessage(message or friendly_message(exc).splitlines()[0], 15000)
        if not error_dialogs_enabled():
            return
        dialog = ErrorDetailsDialog.from_exception(exc, message, self, str(self.services.log_path))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # ------------------------------------------------------------- language
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.FontChange:  # the system font size changed
            self.text_scale_changed()
        super().changeEvent(event)

    def text_scale_changed(self) -> None:
        """Large-text mode toggled: re-fit sizes that depend on the font once the new font has reached widgets."""
        QTimer.singleShot(0, self._after_font_change)

    def _after_font_change(self) -> None:
        self._fit_navigation()
        for page in self.pages.values():
            fit = getattr(page, "fit_to_font", None)
            if callable(fit):
                fit()

    def _fit_navigation(self) -> None:
        height = max(48, self.nav.fontMetrics().height() + 24)
        icon = max(28, self.nav.fontMetrics().height() + 6)
        self.nav.setIconSize(QSize(icon, icon))
        for i in range(self.nav.count()):
            self.nav.item(i).setSizeHint(QSize(150, height))
        self.nav.setFixedWidth(self._nav_width())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("来电护盾 CallShield"))
        titles = self._titles()
        for i, spec in enumerate(PAGES):
            item = self.nav.item(i)
            item.setText(titles[spec.key])
            item.setToolTip(f"{titles[spec.key]} (Ctrl+{i + 1})")
            page = self.pages[spec.key]
            page.setAccessibleName(titles[spec.key])
            retranslate = getattr(page, "retranslate", None)
            if callable(retranslate):
                try:
                    retranslate()
                except Exception:
                    log.exception("retranslate failed on %s", spec.key)
        self.nav.setAccessibleName(self.tr("页面导航"))
        self.alert_bar.retranslate()
        self.email_notice.retranslate()
        self.source_notice.retranslate()
        if self.tray is not None:
            self.tray.setToolTip(self.tr("来电护盾 CallShield"))
            self._tray_show.setText(self.tr("打开来电护盾"))
            self._tray_quit.setText(self.tr("退出（停止监听）"))
        self.nav.setFixedWidth(self._nav_width())

    # ----------------------------------------------------------------- close
    def still_listening(self) -> list[str]:
        """What closing the window would stop, in words: the call lines being listened to and the watched recording
        folders (empty when nothing is running)."""
        from app.display import source_label

        lang = style.current_language()
        parts = [source_label(kind, lang) for kind in self.services.calls.listening_kinds()]
        watch = getattr(self.services, "phone_watch", None)
        if watch is not None and watch.running and watch.folders:
            parts.append(source_label("watched-folder", lang))
        return parts

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        """A click on the tray icon opens the window; a right click only opens the tray's menu (打开 / 退出)."""
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.bring_to_front()

    def quit_app(self) -> None:
        """Quit for real (the tray's 退出, the close question's 退出): nothing more is asked."""
        self._quitting = True
        in_tray = not self.isVisible()  # closing a hidden window is no "last window closed": quit the app itself
        self.close()
        if in_tray:
            QApplication.quit()

    def _ask_before_closing(self, listening: list[str]) -> None:
        """Closing stops listening for calls, which an elderly parent's helper may not know: say so and let them keep
        it running in the tray (where there is one), quit, or go back. Window-modal, answered by signal."""
        if self.close_box is not None:
            self.close_box.raise_()
            return
        text = self.tr("来电护盾正在监听：%1。\n关闭后，来电和新录音都不会再检查，也不会提醒您。").replace(
            "%1", self.tr("、").join(listening)
        )
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("还在监听来电"), text, parent=self)
        to_tray = None
        if self.tray is not None:
            to_tray = box.addButton(self.tr("缩到托盘，继续监听"), QMessageBox.ButtonRole.AcceptRole)
            box.setInformativeText(self.tr("缩到托盘后，点托盘里的图标即可打开窗口。"))
        quit_button = box.addButton(self.tr("退出并停止监听"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(to_tray or quit_button)

        def answered(button: object) -> None:
            self.close_box = None
            if button is quit_button:
                self.quit_app()
            elif to_tray is not None and button is to_tray:
                self.hide()
                if self.tray is not None and self.services.settings.value.tray_notifications:
                    self.tray.showMessage(self.tr("来电护盾仍在监听"), self.tr("窗口已缩到托盘，来电仍会检查和提醒。"))

        box.buttonClicked.connect(answered)
        box.rejected.connect(lambda: setattr(self, "close_box", None))
        self.close_box = box
        self.close_quit_button = quit_button
        self.close_tray_button = to_tray
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        listening = [] if self._quitting else self.still_listening()
        if listening:
            event.ignore()
            self._ask_before_closing(listening)
            return
        self._window_settings.setValue("geometry", self.saveGeometry())
        self._window_settings.sync()
        for page in self.pages.values():
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                try:
                    shutdown()
                except Exception:
                    log.exception("page shutdown failed")
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    def flash_status(self, text: str, ms: int = 5000) -> None:
        self.statusBar().showMessage(text, ms)

    def page(self, key: str) -> Any:
        return self.pages[key]
