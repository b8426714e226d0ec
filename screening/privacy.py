"""Masking phone numbers before they reach a log file."""

from __future__ import annotations

import re

# (after a Chinese character or _ too: 「号码13812345678」 and 「录音13812345678_2026…」 were left whole, a review; not after a
# Latin letter or digit, which makes it part of a word such as an ID, nor after a dot, a decimal)
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z.])(\+?)(\d[\d \-]{4,}\d)")


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


# A time stamp as file names carry one (callshield-20261207104045.db, a backup): no phone number is 14 digits that read
# as a date and time, and masking it left a volunteer unable to tell which backup a log line meant (a trial)
_TIME_STAMP = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d")


def mask_numbers_in_text(text: str) -> str:
    """Mask every run of five or more digits (optionally with spaces/dashes) in free text, but a time stamp."""

    def mask(m: re.Match[str]) -> str:
        if not m.group(1) and _TIME_STAMP.fullmatch(m.group(2)):
            return m.group(0)
        return mask_number(m.group(1) + m.group(2))

    return _DIGIT_RUN.sub(mask, text)
