"""Composition root of the desktop app: QApplication, translations, logging, error handling, services, window."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli import CliContext

_ERROR_DIALOGS = True


def error_dialogs_enabled() -> bool:
    """False under ``--no-error-dialogs`` (CI, automation): errors are logged and shown in the status bar only."""
    return _ERROR_DIALOGS


def set_error_dialogs(enabled: bool) -> None:
    global _ERROR_DIALOGS
    _ERROR_DIALOGS = enabled


def run_gui(args: argparse.Namespace, ctx: CliContext) -> int:
    from PySide6.QtWidgets import QApplication

    from app.services import build_services
    from app.ui.main_window import MainWindow

    set_error_dialogs(not getattr(args, "no_error_dialogs", False))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = build_services(ctx.data_dir)
    window = MainWindow(services)
    window.show()
    try:
        return int(app.exec())
    finally:
        services.close()
