"""Composition root of the desktop app: QApplication, translations, logging, error handling, services, window.

- Qt's own messages are routed into ``logging`` (qutebrowser ``qtlog.py``).
- ``sys.excepthook`` logs unexpected exceptions to the rotating file and shows ``ErrorDetailsDialog`` (vorta
  ``__main__.py``); ``--no-error-dialogs`` keeps them in the log and the status bar only (CI, automation).
- ``faulthandler`` writes hard crashes (segfaults in native code) to ``<data dir>/logs/crash.log``.
- ``--screenshot DIR`` renders every page offscreen into PNG files, on a throw-away data dir with demo calls.
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.cli import CliContext
    from app.services import AppServices
    from app.settings import Settings
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

_ERROR_DIALOGS = True
_crash_file: TextIO | None = None


def error_dialogs_enabled() -> bool:
    """False under ``--no-error-dialogs`` (CI, automation): errors are logged and shown in the status bar only."""
    return _ERROR_DIALOGS


def set_error_dialogs(enabled: bool) -> None:
    global _ERROR_DIALOGS
    _ERROR_DIALOGS = enabled


# ---------------------------------------------------------------------------------------- Qt → logging
def qt_message_handler(mode: Any, context: Any, message: str) -> None:
    from PySide6.QtCore import QtMsgType

    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(mode, logging.WARNING)
    category = getattr(context, "category", None) or "default"
    # Harmless noise from the offscreen/minimal platform plugins.
    if "This plugin does not support" in message:
        level = logging.DEBUG
    logging.getLogger(f"qt.{category}").log(level, "%s", message)


def install_qt_logging() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(qt_message_handler)


# ------------------------------------------------------------------------------------ crash handling
def enable_crash_file(log_dir: Path) -> Path:
    """Write faulthandler output (native crashes, hangs on demand) to ``crash.log`` next to the log file."""
    global _crash_file
    path = log_dir / "crash.log"
    if _crash_file is None:
        try:
            _crash_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - must stay open for faulthandler
        except OSError:  # logs unusable (a file, read-only): faulthandler still writes to stderr
            faulthandler.enable(all_threads=True)
            return path
        faulthandler.enable(_crash_file, all_threads=True)
    return path


class ExceptHook:
    """sys.excepthook: log the traceback, then show a friendly dialog with copyable details (unless disabled)."""

    def __init__(self, window_getter: Callable[[], Any], log_path: Path | None) -> None:
        self._window_getter = window_getter
        self._log_path = log_path
        self._previous = sys.excepthook
        self._showing = False
        self.count = 0

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        self.count += 1
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        window = self._window_getter()
        if window is not None:
            try:
                window.statusBar().showMessage(f"{exc_type.__name__}: {exc}", 15000)
            except RuntimeError:
                window = None
        if not error_dialogs_enabled() or self._showing:
            return
        from app.ui.widgets import ErrorDetailsDialog

        self._showing = True
        try:
            exc.__traceback__ = tb
            dialog = ErrorDetailsDialog.from_exception(
                exc, parent=window, log_path=str(self._log_path) if self._log_path else None
            )
            dialog.exec()
        finally:
            self._showing = False


# -------------------------------------------------------------------------------- app and settings
def make_app(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app import APP_NAME, __version__
    from app.ui import style

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(APP_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    # Worker threads (job runner, sources, recogniser) share the GIL with the GUI thread; hand it over every 1 ms
    # instead of 5 ms so the event loop gets it back quickly (halved the scan-start stall in bench_ui_stall.py).
    sys.setswitchinterval(0.001)
    app.setWindowIcon(QIcon(style.icon_path("app.svg")))
    app.setStyleSheet(style.APP_STYLESHEET)
    style.base_point_size(app)
    return app


def apply_ui_settings(app: QApplication, settings: Settings, lang_override: str | None = None) -> str:
    """Language and text size from the settings; returns the language installed."""
    from app.i18n import install_language, resolve_language
    from app.ui import style

    lang = lang_override or resolve_language(settings.language)
    if app.property("callshield_lang") != lang:
        install_language(app, lang)
    if bool(app.property("callshield_large_text")) != settings.large_text:
        style.apply_text_scale(app, settings.large_text)
    return lang


def build_window(app: QApplication, services: AppServices) -> MainWindow:
    """The main window, wired to live settings changes (language and large text switch without a restart)."""
    from app.ui.main_window import MainWindow

    window = MainWindow(services)

    def changed(new: Settings, old: Settings) -> None:
        if new.language != old.language or new.large_text != old.large_text:
            apply_ui_settings(app, new)
        if new.large_text != old.large_text:
            window.text_scale_changed()

    services.settings.changed.connect(changed)
    return window


def _tell_about_set_aside_settings(window: Any, data_dir: Path) -> None:
    """Once, when settings.json could not be read and was kept aside: say so (the defaults are in use)."""
    from app.settings import take_set_aside_notice

    kept = take_set_aside_notice(data_dir)
    if kept is None or not error_dialogs_enabled():
        return
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "设置已重置 / Settings reset",
        f"设置文件无法读取（可能被截断），已改用默认设置。原文件保存在：\n{kept}\n\n"
        f"The settings file could not be read (probably cut off); the defaults are in use. The file was kept "
        f"as:\n{kept}",
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.open()  # not modal-blocking: the app is usable at once


def run_first_run_wizard(services: AppServices, parent: Any = None) -> bool:
    from app.ui.wizard import FirstRunWizard

    wizard = FirstRunWizard(services, parent)
    return bool(wizard.exec())


# --------------------------------------------------------------------------------------------- main
def run_gui(args: argparse.Namespace, ctx: CliContext) -> int:
    screenshot_dir = getattr(args, "screenshot", None)
    if screenshot_dir:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        set_error_dialogs(False)
        return take_screenshots(Path(screenshot_dir), ctx)

    from app import paths
    from app.services import build_services
    from app.settings import load_settings

    set_error_dialogs(not getattr(args, "no_error_dialogs", False))
    app = make_app()
    install_qt_logging()
    log_dir = paths.log_dir(ctx.data_dir)
    enable_crash_file(log_dir)
    settings = load_settings(ctx.data_dir)
    explicit_lang = getattr(args, "lang", None)
    apply_ui_settings(app, settings, explicit_lang)
    try:
        services = build_services(ctx.data_dir, settings)
    except Exception as exc:  # e.g. the database is unreadable or from a newer CallShield: say so, don't vanish
        log.critical("could not start", exc_info=True)
        if error_dialogs_enabled():
            from app.ui.widgets import ErrorDetailsDialog

            ErrorDetailsDialog.from_exception(exc, log_path=str(log_dir / "callshield.log")).exec()
        print(ctx.t("无法启动：", "cannot start: ") + str(exc), file=ctx.err)
        return 1
    window: MainWindow | None = None
    hook = ExceptHook(lambda: window, services.log_path)
    hook.install()
    try:
        if not settings.first_run_done:
            run_first_run_wizard(services)
        window = build_window(app, services)
        window.show()
        _tell_about_set_aside_settings(window, ctx.data_dir)
        services.warm_up()
        log.info("desktop app started")
        return int(app.exec())
    finally:
        if window is not None:
            window.close()
        services.close()
        hook.uninstall()


# ------------------------------------------------------------------------------------- screenshots
SCREEN_SIZE = (1180, 800)

DEMO_SCRIPT = (
    "喂，您好，我是北京市公安局的民警。",
    "您的身份证涉嫌一起洗钱案件，现在需要配合调查。",
    "请不要告诉任何人，把钱转到安全账户里进行资金核查。",
)


def seed_demo(services: AppServices) -> None:
    """Demo content for screenshots: family numbers, a blocked number, a few past calls."""
    store = services.store()
    store.add("allow", "13800138000", note="女儿 / daughter")
    store.add("block", "02161234567", category="fraud", note="冒充公安 / fake police")
    history = services.history()
    screener = services.make_screener()
    for number in ("13800138000", "4008123123", "+85296110123", "02161234567"):
        verdict = screener.screen(number)
        history.add_call(
            number, source="modem", line="1", level=verdict.level, score=verdict.score, reasons=list(verdict.reasons)
        )


def take_screenshots(out_dir: Path, ctx: CliContext | None = None) -> int:
    """Render every page (and the wizard, large text, English) offscreen into PNG files in ``out_dir``."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from app.services import build_services
    from app.settings import Settings
    from screening.types import TranscriptSegment

    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_app()
    install_qt_logging()
    written: list[Path] = []

    def settle(ms: int = 150) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()

    def wait_idle(services: AppServices, timeout_s: float = 30.0) -> None:
        import time

        end = time.monotonic() + timeout_s
        while not services.jobs.is_idle() and time.monotonic() < end:
            settle(50)
        settle(100)

    def save(widget: Any, name: str) -> None:
        path = out_dir / name
        widget.grab().save(str(path))
        written.append(path)

    with tempfile.TemporaryDirectory(prefix="callshield-shots-") as tmp:
        for lang in ("zh", "en"):
            data_dir = Path(tmp) / lang
            settings = Settings(language=lang, first_run_done=True)  # defaults, as a new user sees them
            apply_ui_settings(app, settings)
            services = build_services(data_dir, settings)
            services.alerts.muted = True  # banner yes; no tone, tray pop-up or e-mail while rendering
            try:
                seed_demo(services)
                window = build_window(app, services)
                window.resize(*SCREEN_SIZE)
                window.show()
                settle()
                calls = services.calls
                if calls is not None:
                    calls.simulate_call("95275012", line="1")
                    wait_idle(services)
                    for i, text in enumerate(DEMO_SCRIPT):
                        calls.feed_segment("1", TranscriptSegment(text, True, i * 4.0, i * 4.0 + 3.5))
                        wait_idle(services)
                    settle(300)
                    wait_idle(services)
                pages = [spec.key for spec in _pages()]
                suffix = "" if lang == "zh" else "_en"
                for i, key in enumerate(pages, start=1):
                    page = window.show_page(key)
                    prepare = getattr(page, "prepare_screenshot", None)
                    if callable(prepare):
                        try:
                            prepare()
                        except Exception:
                            log.exception("prepare_screenshot failed on %s", key)
                    wait_idle(services)
                    settle()
                    save(window, f"{i:02d}_{key}{suffix}.png")
                    if lang == "en":
                        break  # one English page is enough to show the translation
                if lang == "zh":
                    services.settings.update(large_text=True)
                    live: Any = window.show_page("live")
                    settle(300)
                    for card in getattr(live, "cards", {}).values():
                        live.cards_scroll.ensureWidgetVisible(card.transcript)  # show the highlighted evidence
                    settle()
                    save(window, "07_live_large_text.png")
                    services.settings.update(large_text=False)
                    settle()
                    from app.ui.wizard import FirstRunWizard

                    wizard = FirstRunWizard(services)
                    wizard.show()
                    settle()
                    save(wizard, "08_wizard.png")
                    wizard.next()
                    wizard.family_page.numbers.setPlainText(
                        "13800138000 女儿\n021-61234567 社区网格员\n139 1234 5678 老伴"
                    )
                    settle()
                    save(wizard, "09_wizard_family.png")
                    wizard.reject()
                    from app.ui.widgets import ErrorDetailsDialog

                    try:
                        raise FileNotFoundError(2, "No such file", "/home/me/录音/通话.m4a")
                    except FileNotFoundError as exc:
                        dialog = ErrorDetailsDialog.from_exception(exc, parent=window, log_path=str(services.log_path))
                    dialog.toggle_button.setChecked(True)
                    dialog.show()
                    settle()
                    save(dialog, "10_error_dialog.png")
                    dialog.close()
                window.close()
                settle()
            finally:
                services.close()
        apply_ui_settings(app, Settings(language="zh"))
    out = ctx.out if ctx is not None else sys.stdout
    for path in written:
        print(path, file=out)
    return 0


def _pages() -> tuple[Any, ...]:
    from app.ui.main_window import PAGES

    return PAGES


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
