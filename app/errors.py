"""Error handling for the desktop app: the error-dialog switch, Qt messages into ``logging``, the excepthook and
the crash file. No widgets here: the start-up module passes the dialog in, so app/ never imports app.ui.

- Qt's own messages are routed into ``logging`` (qutebrowser ``qtlog.py``).
- ``sys.excepthook`` logs unexpected exceptions to the rotating file and shows the error dialog (vorta
  ``__main__.py``); ``--no-error-dialogs`` keeps them in the log and the status bar only (CI, automation).
- ``faulthandler`` writes hard crashes (segfaults in native code) to ``<data dir>/logs/crash.log``.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

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

    def __init__(
        self,
        window_getter: Callable[[], Any],
        log_path: Path | None,
        show_dialog: Callable[[BaseException, Any, str | None], None] | None = None,
    ) -> None:
        self._window_getter = window_getter
        self._log_path = log_path
        self._show_dialog = show_dialog  # the UI's error dialog, passed in by the start-up module
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
        if not error_dialogs_enabled() or self._showing or self._show_dialog is None:
            return
        self._showing = True
        try:
            exc.__traceback__ = tb
            self._show_dialog(exc, window, str(self._log_path) if self._log_path else None)
        finally:
            self._showing = False


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
