"""Reading numbers out of what users paste or export: free text, or a phone's call-log CSV.

Call logs exported from Chinese phones and opened in Excel arrive as UTF-8, UTF-8 with BOM or GBK
(GB18030); the number column is called 号码/电话/来电号码/手机号… or number/phone/caller.  When no
header names it, the column whose cells look most like phone numbers wins.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from screening.i18n import Message, MessageCode

NUMBER_HEADERS = (
    "号码",
    "电话号码",
    "来电号码",
    "对方号码",
    "主叫号码",
    "手机号",
    "手机号码",
    "电话",
    "手机",
    "联系电话",
    "number",
    "phone",
    "phone number",
    "caller",
    "caller id",
    "from",
    "tel",
)
_SPLIT = re.compile(r"[\r\n,，;；、|\t]+")
_PHONEISH = re.compile(r"^[+＋(（]?[0-9０-９][0-9０-９ \-‐–—()（）.#＃*]{1,30}$")
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
    column: str  # header of the number column ("" when the file had none)
    truncated: bool = False


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


def _looks_like_number(cell: str) -> bool:
    cell = cell.strip()
    if not _PHONEISH.match(cell):
        return False
    digits = sum(ch.isdigit() for ch in cell)
    return 3 <= digits <= 20


def read_call_log(path: str | Path, limit: int = MAX_NUMBERS) -> CallLog:
    """The numbers of a call-log CSV (or a plain list, one per line), in file order."""
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
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if not rows:
        raise CallLogError(Message(CallLogProblem.NO_NUMBERS, {"name": path.name}))
    header = [c.strip().lower() for c in rows[0]]
    column = -1
    for name in NUMBER_HEADERS:
        if name in header:
            column = header.index(name)
            break
    if column < 0:  # a header containing a known word: “来电号码(对方)”
        for i, cell in enumerate(header):
            if any(name in cell for name in NUMBER_HEADERS[:10]):
                column = i
                break
    body = rows[1:] if column >= 0 or not any(_looks_like_number(c) for c in rows[0]) else rows
    column_name = rows[0][column].strip() if column >= 0 else ""
    if column < 0:
        width = max(len(r) for r in body) if body else 0
        scores = [sum(1 for r in body[:200] if i < len(r) and _looks_like_number(r[i])) for i in range(width)]
        if not scores or max(scores) == 0:
            raise CallLogError(Message(CallLogProblem.NO_NUMBERS, {"name": path.name}))
        column = scores.index(max(scores))
    numbers: list[str] = []
    truncated = False
    for row in body:
        if column < len(row) and row[column].strip():
            if len(numbers) >= limit:
                truncated = True
                break
            numbers.append(row[column].strip())
    if not numbers:
        raise CallLogError(Message(CallLogProblem.NO_NUMBERS, {"name": path.name}))
    return CallLog(numbers=numbers, encoding=encoding, column=column_name, truncated=truncated)
