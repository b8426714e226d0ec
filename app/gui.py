"""Composition root of the desktop app: QApplication, translations, logging, error handling, services, window.

- Error handling (Qt log routing, excepthook, crash file, the dialog switch) lives in :mod:`app.errors`; this
  module passes it the UI's ``ErrorDetailsDialog``.
- ``--screenshot DIR`` is handed to :mod:`app.screenshots` (every page rendered offscreen into PNG files).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.cli.context import CliContext
    from app.services import AppServices
    from app.settings import Settings
    from app.ui.main_window import MainWindow

from app.errors import (
    ExceptHook,
    enable_crash_file,
    error_dialogs_enabled,
    install_qt_logging,
    set_error_dialogs,
)

log = logging.getLogger(__name__)


def show_error_dialog(exc: BaseException, parent: Any, log_path: str | None) -> None:
    from app.ui.widgets import ErrorDetailsDialog

    ErrorDetailsDialog.from_exception(exc, parent=parent, log_path=log_path).exec()


# -------------------------------------------------------------------------------- app and settings
def make_app(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app import APP_NAME, __version__
    from app.ui import style
    from app.ui.inputs import install_input_guard

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
    install_input_guard(app)  # the wheel scrolls pages, not the combo/spin box under the pointer; combos fit text
    from screening.i18n import show_command_hints

    show_command_hints(False)  # messages name the app's buttons; their command-line passages are for the CLI
    from app import inbox

    inbox.start()
    inbox.pin_gc()  # Qt objects die on the GUI thread only (app.inbox.pin_gc says why)
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
        from app.screenshots import take_screenshots

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
    hook = ExceptHook(lambda: window, services.log_path, show_error_dialog)
    hook.install()
    try:
        if not settings.first_run_done:
            run_first_run_wizard(services)
        window = build_window(app, services)
        window.show()
        _tell_about_set_aside_settings(window, ctx.data_dir)
        services.warm_up()
        services.subscriptions.start()  # community lists: background updates on their own schedule
        services.phone_watch.start()  # synced call-recording folders chosen in Settings (issue 14)
        services.speech.name_numbered_devices()  # microphones an earlier version saved by number → by name
        log.info("desktop app started")
        return int(app.exec())
    finally:
        if window is not None:
            window.quit_app()  # the app is quitting: closing asks nothing
        services.close()
        hook.uninstall()
