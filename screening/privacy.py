"""Masking phone numbers before they reach a log file."""

from __future__ import annotations

import re

_DIGIT_RUN = re.compile(r"(?<![\w.])(\+?)(\d[\d \-]{4,}\d)")


def mask_number(number: str) -> str:
    """``13800138000`` → ``138****8000``; short numbers keep only their first two digits.

    The caller prefix (``+86``) and the last four digits stay readable so that a log line still
    lets the user recognise which call it was, without the log being a copy of their call list.
    """
    digits = re.sub(r"\D", "", number)
    plus = "+" if number.strip().startswith("+") else ""
    if len(digits) <= 4:
        return plus + digits[:1] + "*" * max(0, len(digits) - 1)
    if len(digits) <= 7:
        return plus + digits[:2] + "*" * (len(digits) - 2)
    return plus + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_numbers_in_text(text: str) -> str:
    """Mask every run of five or more digits (optionally with spaces/dashes) in free text."""
    return _DIGIT_RUN.sub(lambda m: mask_number(m.group(1) + m.group(2)), text)
