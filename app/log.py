"""Logging: a rotating file in the data dir, phone numbers masked in every record."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from screening.privacy import mask_numbers_in_text

LOG_FILENAME = "callshield.log"


class MaskNumbersFilter(logging.Filter):
    """Rewrites each record's message, and its traceback and stack, so that no full phone number reaches a handler
    (a failed recording's traceback ends with its path, and phones name recordings by the number)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = mask_numbers_in_text(message)
        record.args = None
        if record.exc_info:
            # formatted once here, masked, and kept as the text a Formatter prints (it formats exc_info only when
            # exc_text is empty)
            record.exc_text = mask_numbers_in_text(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_numbers_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_numbers_in_text(record.stack_info)
        return True


def setup_logging(log_dir: Path, level: int = logging.INFO, console: bool = False) -> Path | None:
    """Attach a rotating file handler (1 MB × 5) to the root logger; return the log file path.

    If the log file cannot be opened (``logs`` is a file, the folder or the file is read-only, the disk is
    full) the program runs on without a file log: one plain line goes to stderr and ``None`` is returned.
    """
    path = log_dir / LOG_FILENAME
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_callshield", False):
            root.removeHandler(handler)
            handler.close()
    file_handler: logging.Handler | None = None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        print(
            f"无法写入日志文件 {path}（{exc.strerror or exc}），本次不记录日志 / "
            f"cannot write the log file {path} ({exc.strerror or exc}); running without a log file",
            file=sys.stderr,
        )
    if file_handler is not None:
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        file_handler.addFilter(MaskNumbersFilter())
        file_handler._callshield = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(MaskNumbersFilter())
        stream._callshield = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    return path if file_handler is not None else None
