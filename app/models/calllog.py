"""Reading numbers out of what users paste or export: free text, or a phone's call-log CSV.

A call-log file is read as ``phone import`` and ``callshield check --file`` read it
(``app.phone.importer.call_log_numbers``): UTF-8, UTF-8 with BOM or GBK (GB18030); a title line above the header
skipped; the number column named by the header (号码/电话/来电号码/number/phone …), else the first number-like cell
of each line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from screening.i18n import Message, MessageCode

_SPLIT = re.compile(r"[\r\n,，;；、|\t]+")
MAX_NUMBERS = 1_000_000


class CallLogProblem(MessageCode):
    NOT_TEXT = (
        "文件“{name}”不是文本或 CSV 文件（无法按 UTF-8 或 GBK 读取）。",
        "“{name}” is not a text or CSV file (cannot be read as UTF-8 or GBK).",
    )
    NO_NUMBERS = ("文件“{name}”里没有找到电话号码。", "No phone numbers found in “{name}”.")
    TOO_MANY = (
        "文件“{name}”的号码超过 {limit} 个，只读取了前 {limit} 个。",
        "“{name}” has more than {limit} numbers; only the first {limit} were read.",
    )
    UNREADABLE = ("无法打开文件“{name}”：{error}", "Cannot open “{name}”: {error}")


class CallLogError(Exception):
    """A call log that cannot be used; ``message`` renders in zh/en."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


@dataclass(frozen=True)
class CallLog:
    numbers: list[str]
    encoding: str
    truncated: bool = False
    # lines not checked: digits split over cells (138,0013,8000), or where a message export became unreadable
    unclear_lines: tuple[int, ...] = ()


def split_pasted(text: str) -> list[str]:
    """Numbers pasted one per line (or separated by commas/semicolons/tabs); blanks dropped.

    Spaces inside a line are kept: ``+86 138 0013 8000`` is one number.
    """
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding, decoded as list imports are (``blocklists.importexport.decode_bytes``: UTF-8 with or
    without BOM, UTF-16 with BOM, then GB18030); raise ``UnicodeDecodeError`` for binary or undecodable data."""
    from blocklists.importexport import decode_bytes as decode_lines

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnicodeDecodeError("binary", data[:1], 0, 1, "NUL byte")
    lines, encoding, undecodable, binary = decode_lines(data)
    if undecodable or binary:
        raise UnicodeDecodeError(encoding, data[:1], 0, 1, "undecodable or binary lines")
    return "\n".join(lines), encoding


def read_call_log(path: str | Path, limit: int = MAX_NUMBERS) -> CallLog:
    """The numbers of a call-log CSV (or a plain list, one per line), in file order."""
    from app.phone.importer import CALL_LOG_BROKEN, CALL_LOG_TITLE, call_log_numbers
    from blocklists.importexport import CALL_LOG_AMBIGUOUS

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CallLogError(
            Message(CallLogProblem.UNREADABLE, {"name": path.name, "error": exc.strerror or exc})
        ) from exc
    try:
        text, encoding = decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise CallLogError(Message(CallLogProblem.NOT_TEXT, {"name": path.name})) from exc
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text[:4096]):
        raise CallLogError(Message(CallLogProblem.NOT_TEXT, {"name": path.name}))
    numbers: list[str] = []
    unclear: list[int] = []
    truncated = False
    for line, value in call_log_numbers(text.split("\n"), path):
        if value in (CALL_LOG_AMBIGUOUS, CALL_LOG_BROKEN):
            unclear.append(line)
        elif value and value != CALL_LOG_TITLE:
            if len(numbers) >= limit:
                truncated = True
                break
            numbers.append(value.strip())
    if not numbers:
        raise CallLogError(Message(CallLogProblem.NO_NUMBERS, {"name": path.name}))
    return CallLog(numbers=numbers, encoding=encoding, truncated=truncated, unclear_lines=tuple(unclear))
