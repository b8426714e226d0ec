"""The app's log file (``app.log``): what reaches it has every full phone number masked, tracebacks included."""

from __future__ import annotations

import logging
from pathlib import Path

from app.log import LOG_FILENAME, setup_logging


def test_a_logged_traceback_masks_the_number_in_a_recording_path(tmp_path: Path) -> None:
    """Phones name recordings by the number: a scan that failed logged 「No such file or directory:
    '/…/13912345678_20261201083000.m4a'」 in its traceback, though the message line was masked (a review)."""
    root = logging.getLogger()
    old_handlers, old_level = list(root.handlers), root.level
    try:
        path = setup_logging(tmp_path)
        assert path == tmp_path / LOG_FILENAME
        missing = tmp_path / "13912345678_20261201083000.m4a"
        try:
            missing.stat()
        except FileNotFoundError:
            logging.getLogger("app.phone.watch").exception("scanning %s failed", missing.name)
        logging.getLogger("app.test").warning("call from %s", "+86 139 1234 5678", stack_info=True)
        for handler in root.handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
    finally:
        for handler in list(root.handlers):
            if handler not in old_handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(old_level)
    assert "Traceback" in text and "FileNotFoundError" in text and "No such file or directory" in text
    assert "scanning 139" in text and "Stack (most recent call last)" in text
    assert "13912345678" not in text and "139 1234 5678" not in text, text
