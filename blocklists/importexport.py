"""Import and export of block/allow lists: CSV with a header, one number per line, JSON.

Importing is two steps, so the UI can show a preview before anything is written::

    preview = read_import(path)              # parse + validate only; never touches the database
    if preview.ok:                           # or show preview.problems, each with its line number
        result = commit_import(store, preview, "block")   # one transaction: all or nothing

Encodings: UTF-8, UTF-8 with BOM, GBK/GB18030 (what Chinese Excel writes) and UTF-16 with BOM (Excel's
“Unicode text”) are detected.  Undecodable bytes, binary garbage, wrong columns, unknown categories and
anything that is not a number or pattern is reported per line (“第 12 行：…” / “line 12: …”); with a single
bad line nothing is written unless the caller explicitly asks to skip bad lines.

Duplicates inside the file are dropped (first one wins) and counted; entries already in the list are left
as they are (``INSERT OR IGNORE``) and counted in the result.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blocklists.pasted import digits, split_pasted
from blocklists.store import _FAST_MOBILE, Category, ListKind, ListStore, ParsedPattern, StoreError, parse_pattern
from screening.i18n import BiText, Message, MessageCode, command_hint, count_en
from screening.number_plan import numbering_plan

log = logging.getLogger(__name__)

FORMATS = ("csv", "txt", "json")
MAX_REPORTED = 200  # problems kept in full; the count is always exact


# What to do with an Excel workbook where a CSV was wanted: said by the list import, the call-log reader and phone import.
SPREADSHEET_ADVICE = (
    "请在 Excel 或 WPS 里“另存为”“CSV（逗号分隔）”，再用那个 .csv 文件",
    "In Excel or WPS use Save As “CSV (Comma delimited)”, then use that .csv file",
)


class ImportProblem(MessageCode):
    UNREADABLE = (
        "无法读取这个文件，它不存在或打不开；未写入任何内容。请检查文件名、所在的文件夹和读取权限（{detail}）",
        "cannot read the file: it does not exist or cannot be opened; nothing was written. Check the file name, its "
        "folder and that you may read it ({detail})",
    )
    EMPTY_FILE = (
        "文件里没有任何号码（是空文件，或只有表头和注释），未写入任何内容；请确认选对了文件",
        "the file holds no numbers (it is empty, or has only a header and comments), so nothing was written; check "
        "that it is the right file",
    )
    SPREADSHEET = (
        "这是 Excel（或其他表格、压缩）文件，不是 CSV 或文本；未写入任何内容。" + SPREADSHEET_ADVICE[0],
        "this is an Excel (or other spreadsheet or zip) file, not CSV or text; nothing was written. "
        + SPREADSHEET_ADVICE[1],
    )
    BINARY = (
        "第 {line} 行：不是文本（含有二进制/控制字符），文件可能损坏或不是名单文件",
        "line {line}: not text (binary/control characters); the file may be damaged or not a list",
    )
    UNDECODABLE = (
        "第 {line} 行：无法解码（不是 UTF-8 或 GBK 文本）",
        "line {line}: cannot be decoded (neither UTF-8 nor GBK text)",
    )
    BAD_ENTRY = ("第 {line} 行：“{value}” {reason}", "line {line}: “{value}” {reason_en}")
    NO_NUMBER_COLUMN = (
        "第 {line} 行：表头里没有号码列（需要 number / 号码 / 电话 之一，列之间用逗号分隔），实际表头：{header}",
        "line {line}: the header has no number column (need one of number / 号码 / 电话, columns separated by "
        "commas); found: {header}",
    )
    WRONG_COLUMNS = (
        "第 {line} 行：列数不对（表头有 {expected} 列，这一行有 {found} 列）",
        "line {line}: wrong number of columns ({found}, the header has {expected})",
    )
    BAD_CATEGORY = (
        "第 {line} 行：未知分类“{value}”（可用：诈骗/骚扰/推销/自定义）",
        "line {line}: unknown category “{value}” (use fraud/harassment/sales/custom or 诈骗/骚扰/推销/自定义)",
    )
    MIXED_ENCODING = (
        "第 {line} 行：编码与文件其余部分不同（UTF-8 与 GBK 混在一个文件里）；请把文件统一另存为 UTF-8 后再导入",
        "line {line}: encoded differently from the rest of the file (UTF-8 and GBK mixed in one file); save the "
        "whole file as UTF-8 and import it again",
    )
    DEEP_JSON = (
        "第 {line} 行：JSON 嵌套太深（超过 {limit} 层），不是名单文件",
        "line {line}: JSON nested too deeply (more than {limit} levels); not a list file",
    )
    BAD_CSV = (
        # (Python's own words for the fault, {detail}, are English: the Chinese says what to do without them)
        '第 {line} 行：引号不成对或位置不对，这一行读不出来；请检查这一行的英文双引号（"）',
        "line {line}: a quote is unmatched or misplaced, so the line cannot be read; check its double quotes "
        "(broken CSV: {detail})",
    )
    BAD_JSON = ("第 {line} 行：JSON 格式错误：{detail}", "line {line}: broken JSON: {detail}")
    BAD_JSON_SHAPE = (
        "JSON 结构不对：应为号码数组，或含 entries 数组的对象",
        "wrong JSON shape: expected an array of numbers, or an object with an “entries” array",
    )
    BAD_JSON_ITEM = ("第 {item} 项：{detail}", "item {item}: {detail}")


class GuardProblem(MessageCode):
    RISKY_ALLOWLIST = (
        "不能把这些条目导入白名单“{name}”：{count} 条标为诈骗/骚扰或是号段规则（如 {examples}）。"
        "白名单里的号码永远不会被拦截。如果确实要这样做，请在预览里勾选“确实要把…放进白名单”"
        + command_hint("（命令行：加上 --allow-risky）")
        + "。未写入任何内容。",
        "refusing to import into the allowlist “{name}”: {count} entries are marked fraud/harassment or are "
        "number ranges (e.g. {examples}). Numbers on an allowlist are never blocked. If you really mean it, tick "
        "“Yes, put … into the allowlist” in the preview"
        + command_hint(" (command line: pass --allow-risky)")
        + ". Nothing was written.",
    )


class AllowlistImportRefused(StoreError):
    """Fraud/harassment rows or ranges headed for an allowlist without ``allow_risky``."""


class ImportNote(MessageCode):
    """What a preview says that is no problem: nothing is refused for it."""

    IGNORED_COLUMNS = (
        "这些列没有用到：{columns}（名单只导入号码、类别和备注）。如果这其实是一份通话记录，请在“家人报告”页导入"
        + command_hint("（命令行：callshield phone import）"),
        "these columns are not used: {columns} (a list keeps only the number, category and note). If this is really a "
        "call log, import it on the Family report page" + command_hint(" (command line: callshield phone import)"),
    )
    OFFICIAL_NUMBERS = (
        "其中 {count} 个是官方服务号码（{examples}）。导入的名单不会拦截它们的来电（带境外前缀冒充它们的来电另有规则"
        "拦截）；导入到“我的黑名单”则会拦截，请确认这是您要的",
        "official service numbers among these: {count} ({examples_en}). An imported list does not block their calls "
        "(copies spoofed with a foreign prefix are blocked by a rule of their own); imported into My blocklist they are "
        "blocked, so make sure that is what you want",
    )
    PROTECTED_NUMBERS = (
        "其中 {count} 个是受保护的号码（{examples}）：报警、急救和政务热线永远不会被拦截，名单里的这几条不起作用",
        "protected numbers among these: {count} ({examples_en}). Police, emergency and government lines are never "
        "blocked, so these rows have no effect",
    )
    RANGES = (
        "注意：其中 {count} 条是号段或通配规则（{examples}），会对整段号码生效",
        "note: {count_en} ({examples_en}) {what_en}",
    )


class ImportRejected(ValueError):
    """``commit_import`` refused: the preview has problems (and skipping was not requested)."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(f"{preview.problem_count} bad line(s); nothing was written")
        self.preview = preview


@dataclass(frozen=True)
class LineProblem:
    line: int  # 1-based line number in the file (for JSON arrays: the item's line when known)
    message: Message

    def render(self, lang: str = "zh") -> str:
        return self.message.render(lang)


Row = tuple[ParsedPattern, Category, str]
_CAT_CODE = {Category.FRAUD: "f", Category.HARASSMENT: "h", Category.SALES: "s", Category.CUSTOM: "c"}
_CODE_CAT = {v: k for k, v in _CAT_CODE.items()}
_KIND_CODE = {"exact": "e", "prefix": "p", "wildcard": "w"}
_CODE_KIND = {v: k for k, v in _KIND_CODE.items()}


class RowBuffer(Sequence[Row]):
    """The rows of an import, packed: blocks of 4,096 rows joined into one string each.

    A million ``(ParsedPattern, Category, note)`` tuples cost about 260 MB as Python objects; packed they cost
    about 35 MB.  Rows are unpacked on iteration, one block at a time; ``append`` and iteration are all an
    import needs, indexing and slicing work for previews and tests.
    """

    BLOCK = 4096

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self._blocks: list[str] = []
        self._pending: list[str] = []
        self._len = 0
        for row in rows:
            self.append(row)

    def append(self, row: Row) -> None:
        p, c, n = row
        if "\x1e" in n or "\x1f" in n:
            n = n.replace("\x1e", " ").replace("\x1f", " ")
        head = p[0] if p[3] == p[1] else f"{p[0]}\x1f{p[3]}"
        self._pending.append(f"{_KIND_CODE[p[2]]}{_CAT_CODE[c]}{p[1]}\x1f{head}\x1f\x1f{n}")
        self._len += 1
        if len(self._pending) >= self.BLOCK:
            self._blocks.append("\x1e".join(self._pending))
            self._pending = []

    @staticmethod
    def _unpack(item: str) -> Row:
        kind, cat = _CODE_KIND[item[0]], _CODE_CAT[item[1]]
        fields, _sep, note = item[2:].partition("\x1f\x1f")
        parts = fields.split("\x1f")
        canonical, pattern = parts[0], parts[1]
        key = parts[2] if len(parts) > 2 else canonical
        return ParsedPattern(pattern, canonical, kind, key), cat, note

    def __iter__(self) -> Iterator[Row]:
        unpack = self._unpack
        for block in self._blocks:
            for item in block.split("\x1e"):
                yield unpack(item)
        for item in list(self._pending):
            yield unpack(item)

    def iter_flat(self) -> Iterator[tuple[str, str, str, str, str, str]]:
        """Rows as ``(canonical, pattern, match_kind, match_key or "", category value, note)``: what
        ``ListStore.import_entries`` writes, without building a ParsedPattern per row."""
        kinds = _CODE_KIND
        cats = {k: v.value for k, v in _CODE_CAT.items()}
        for block in itertools.chain(self._blocks, ["\x1e".join(self._pending)] if self._pending else []):
            for item in block.split("\x1e"):
                fields, _sep, note = item[2:].partition("\x1f\x1f")
                parts = fields.split("\x1f")
                kind = kinds[item[0]]
                key = "" if kind == "exact" else (parts[2] if len(parts) > 2 else parts[0])
                yield parts[0], parts[1], kind, key, cats[item[1]], note

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        block, offset = divmod(index, self.BLOCK)
        if block < len(self._blocks):
            return self._unpack(self._blocks[block].split("\x1e")[offset])
        return self._unpack(self._pending[offset])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowBuffer | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass
class ImportPreview:
    """What an import would do.  Nothing has been written when you hold one of these."""

    source: str
    format: str
    encoding: str
    rows: RowBuffer = field(default_factory=RowBuffer)
    problems: list[LineProblem] = field(default_factory=list)
    problem_count: int = 0
    lines_read: int = 0
    duplicates_in_file: int = 0
    title: str = ""
    notes: list[Message] = field(default_factory=list)  # said, not refused (``ImportNote``)
    protected: list[tuple[str, BiText]] = field(default_factory=list)  # exact rows of 110, 120, 12345 …, never blocked
    officials: list[tuple[str, BiText]] = field(default_factory=list)  # exact rows of official numbers, and whose

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and bool(self.rows)

    def add_problem(self, line: int, code: ImportProblem, **params: Any) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(LineProblem(line, Message(code, {"line": line, **params})))

    def sample(self, n: int = 20) -> list[tuple[ParsedPattern, Category, str]]:
        return list(itertools.islice(self.rows, n))


@dataclass(frozen=True)
class ImportResult:
    list_name: str
    added: int  # new entries
    already_present: int  # valid rows that were already in the list
    duplicates_in_file: int
    skipped_bad: int  # only non-zero with skip_bad=True
    longest_lock_s: float = 0.0  # the longest single write transaction of the import (calls wait at most this)


# ---------------------------------------------------------------------------------------------- decode
CALL_LOG_AMBIGUOUS = "\x00ambiguous"  # call_log_number's answer for a line like 138,0013,8000


# What an Excel workbook starts with: .xlsx (and .et, .ods: zip) and the older .xls (OLE2 compound file).
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def is_spreadsheet(head: bytes) -> bool:
    """Whether a file's first bytes are an Excel workbook (or another zip), which no CSV reader can read: each of
    its lines was "undecodable", nine times over, where "save it as CSV" was what the user needed to hear."""
    return head.startswith(_SPREADSHEET_MAGIC)


def csv_cells(line: str) -> list[str]:
    """The cells of one call-log CSV line, each stripped of spaces, tabs and quotes: split at commas, or at tabs when
    it has more tabs than commas (a spreadsheet's rows pasted), a quoted cell read whole (「"退款, 加群"」). A tab in
    a comma line is no separator: this app's own exports put one before a number so spreadsheets keep it as text
    (``app.reports.export.csv_number``)."""
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    cells: list[str] | None = None
    if '"' in line:
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            cells = None
    if cells is None:
        cells = line.split(delimiter)
    return [c.strip().strip('"').strip() for c in cells]


def call_log_number(line: str) -> str:
    """The number of one call-log line: a plain line is the number (``blocklists.pasted.split_pasted``: the name, date,
    time or duration beside it left out); in a CSV line, the first cell with at least
    3 digits that is not a time or a date and has no Chinese.  ``""`` for blank, comment and header lines;
    ``CALL_LOG_AMBIGUOUS`` when the digits are split over several short cells (``138,0013,8000``: which is the
    number?), so that the caller reports the line instead of checking ``138``.

    Shared by ``callshield check --file``/``check -`` and the phone importer (``app.phone.importer``)."""
    line = line.strip()
    if not line or line.startswith("#"):
        return ""
    if "," not in line and "\t" not in line:
        # a number with words around it (张三 13800138000 12月6日 35秒) is that number; two numbers on a line, or none,
        # go to the screener whole, which says what is wrong with them. Beside words, a number must look like one a
        # phone rings from: a title's year or count (Call log 2026, 导出 128 条, 通话记录 20261206) stays a title.
        numbers = split_pasted(line)
        if len(numbers) == 1 and (numbers[0] == line or _rings_from(numbers[0])):
            return numbers[0]
        return line
    cells = csv_cells(line)
    digit_cells = [c for c in cells if c]
    if len(digit_cells) > 1 and all(c.lstrip("+").replace(" ", "").replace("-", "").isdigit() for c in digit_cells):
        if not any(len(c) >= 7 for c in digit_cells):
            return CALL_LOG_AMBIGUOUS
    for cell in line.replace("\t", ",").split(","):
        cell = cell.strip().strip('"')
        if sum(ch.isdigit() for ch in cell) >= 3 and not any("\u4e00" <= ch <= "\u9fff" for ch in cell):
            if ":" not in cell and not (cell.count("-") == 2 and len(cell) == 10):  # not a time or a date
                return cell
    return ""


_YYYYMMDD = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")


def _rings_from(number: str) -> bool:
    """Whether a number found among words looks like a caller's: five digits or more (10086, 95588 and longer), and
    not a date written as eight digits (20261206)."""
    found = digits(number)
    return len(found) >= 5 and not _YYYYMMDD.match(found)


LINE_OK, LINE_UNDECODABLE, LINE_BINARY, LINE_MIXED = 0, 1, 2, 3


def _raw_lines(data: bytes) -> Iterator[bytes]:
    """Lines of ``data`` split on LF (CR before it dropped; a file with only CRs is split on CR), lazily."""
    sep = b"\n" if b"\n" in data or b"\r" not in data else b"\r"
    pos = 0
    end = len(data)
    while pos < end:
        nl = data.find(sep, pos)
        if nl < 0:
            nl = end
        line = data[pos:nl]
        if line.endswith(b"\r"):
            line = line[:-1]
        yield line
        pos = nl + 1


def _valid_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for i in range(0, len(data), 1 << 20):
            decoder.decode(view[i : i + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _line_encoding(raw: bytes, utf8_file: bool = False) -> str:
    """'ascii', 'utf-8', 'gb18030' or '' (neither) for one line.

    GBK text is sometimes valid UTF-8 by accident (诈骗 → “թƭ”), but then it decodes to two-byte characters
    (Latin, Greek, Armenian…), while Chinese in UTF-8 is three bytes a character.  So a line counts as UTF-8
    when it decodes and its characters are all three-byte ones, or when GB18030 cannot read it.  In a file that
    is valid UTF-8 as a whole (``utf8_file``) a line is only taken for GBK on evidence for GBK: its UTF-8
    reading looks odd (``_reads_as_utf8`` says no) *and* its GBK reading is all GB2312, the Chinese that Excel
    and Notepad write (``_GB2312_LINE``).  So José, Мошенник, Да, © 2024, 👍🏻 stay UTF-8; 诈骗, 路, A学 are GBK.
    """
    if raw.isascii():
        return "ascii"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and not utf8_file and all(ord(ch) < 0x80 or ord(ch) >= 0x800 for ch in text):
        return "utf-8"
    if text and utf8_file and (_reads_as_utf8(text) or not _GB2312_LINE.fullmatch(raw)):
        return "utf-8"
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8" if text else ""


_TWO_BYTE_RUN = re.compile(r"[\u0080-\u07ff]+")
# In valid UTF-8 these bytes only start a two-byte or a four-byte character: what GBK read as UTF-8 gives.
_SUSPECT_UTF8 = re.compile(rb"[\xc2-\xdf\xf0-\xf4]")
# A line whose GBK reading is ASCII and GB2312 only (punctuation A1–A9, hanzi B0–F7): positive evidence of GBK.
_GB2312_LINE = re.compile(rb"(?:[\x00-\x7f]|[\xa1-\xa9\xb0-\xf7][\xa1-\xfe])*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = (0x00C0, 0x024F)
_GREEK = (0x0386, 0x03CE)  # modern Greek letters; what GBK gives beyond them (Ϊ, ϭ) is rare in typed text
_CYRILLIC = (0x0400, 0x04FF)
_OLD_CYRILLIC = range(0x0460, 0x048A)  # archaic letters and signs: GBK 学 gives ѧ (U+0467)
_SCRIPTS = (_LATIN, _GREEK, _CYRILLIC)
_VOWELS = {_GREEK: set("αεηιουωάέήίόύώϊϋΐΰΑΕΗΙΟΥΩΆΈΉΊΌΎΏΪΫ"), _CYRILLIC: set("аеёиоуыэюяієїАЕЁИОУЫЭЮЯІЄЇ")}


def _reads_as_utf8(text: str) -> bool:
    """Whether a line's UTF-8 reading looks like what someone typed, not GBK bytes read as UTF-8.

    Yes when it has Chinese characters or an emoji or other symbol beyond U+FFFF (👍🏻: GBK bytes practically
    never decode to those); no when it has unassigned, private-use or rare CJK characters (two GBK characters
    read as one: 稹肪 → 𡷾).  Otherwise yes when it has no two-byte characters (U+0080–U+07FF; all Chinese in
    UTF-8 is three bytes), or when every run of them is Latin-1 punctuation in a cell with a letter or digit
    (25°C, © 2024, Apple · ID), Latin letters inside a word (José, Müller, lǚ), or a Greek or Cyrillic word: three
    or more letters (Мошенник), two with a vowel (Да), or one on its own beside such a word (он и она).  GBK
    Chinese read as UTF-8 gives runs like “թƭ”, a “·” alone in its cell (路), “Aѧ” for “A学” or “лл” for
    “谢谢”.  (A lone GBK character right after a Latin letter can still pass: “A茅” reads as “Aé”.)
    """
    if _CJK.search(text) or any(ord(ch) > 0xFFFF and not _odd_wide_char(ch) for ch in text):
        return True
    if any(_odd_wide_char(ch) for ch in text if ord(ch) >= 0x800):
        return False
    words: set[tuple[int, int]] = set()  # scripts with a word of two or more letters
    lone: set[tuple[int, int]] = set()  # scripts with a one-letter word
    for m in _TWO_BYTE_RUN.finditer(text):
        run = m.group()
        around = (text[m.start() - 1] if m.start() else "") + (text[m.end()] if m.end() < len(text) else "")
        if all(0xA0 <= ord(ch) <= 0xBF or ch in "×÷" for ch in run):
            if not any(c.isascii() and c.isalnum() for c in _cell(text, m.start(), m.end())):
                return False  # a “·” alone in its cell: GBK 路
            continue
        script = next((r for r in _SCRIPTS if r[0] <= ord(run[0]) <= r[1]), None)
        if script is None or not all(
            script[0] <= ord(ch) <= script[1] and ord(ch) not in _OLD_CYRILLIC and unicodedata.category(ch)[0] in "LM"
            for ch in run
        ):
            return False
        in_word = any(c.isascii() and c.isalpha() for c in around)
        if script is _LATIN:
            if len(run) < 3 and not in_word:
                return False
        elif len(run) >= 3 or (len(run) == 2 and not in_word and _VOWELS[script] & set(run)):
            words.add(script)
        elif len(run) == 1 and not in_word:
            lone.add(script)
        else:
            return False
    return lone <= words


def _cell(text: str, start: int, end: int) -> str:
    """The CSV cell (between commas or tabs) around ``text[start:end]``."""
    left = max(text.rfind(",", 0, start), text.rfind("\t", 0, start)) + 1
    right = min((i for i in (text.find(",", end), text.find("\t", end)) if i >= 0), default=len(text))
    return text[left:right]


def _odd_wide_char(ch: str) -> bool:
    """Unassigned, private-use, or a rare CJK character beyond the BMP (U+20000–U+3FFFF): rare in typed text,
    but what two GBK characters read as one UTF-8 character give.  Emoji and other symbols are not odd."""
    return unicodedata.category(ch) in ("Cn", "Co") or 0x20000 <= ord(ch) <= 0x3FFFF


def _count_line_encodings(data: bytes, utf8_file: bool) -> dict[str, int]:
    counts = {"utf-8": 0, "gb18030": 0}
    for raw in _raw_lines(data):
        enc = _line_encoding(raw, utf8_file)
        if enc in counts:
            counts[enc] += 1
    return counts


DOS_EOF = "\x1a"  # the end-of-file mark old Windows tools still append to a text file: no character of the text


def iter_decoded_lines(data: bytes) -> tuple[str, Iterator[tuple[int, str, int]]]:
    """Bytes → (encoding, lazy ``(line number, text, status)``); status is ``LINE_OK`` or why the line is bad.

    One encoding per file: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030.  A file that mixes
    UTF-8 and GBK lines (two exports pasted together) is *not* guessed at — decoding it either way garbles half
    the notes (妈妈 → 濡堝) — so each line in the minority encoding is reported (``LINE_MIXED``).  Lines that
    are neither are ``LINE_UNDECODABLE``; lines with control characters ``LINE_BINARY``.  A GBK file can be
    valid UTF-8 by accident (``number,category`` then ``…,诈骗,`` from Excel reads as ``թƭ``), so valid UTF-8
    with two-byte characters is judged line by line as well (``_line_encoding``): only lines with evidence of
    GBK count as GBK, the rest stay UTF-8.  Memory: the lines are produced one at a time, never a second copy
    of the whole file.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if len(data) % 2 and data.endswith(DOS_EOF.encode("ascii")):  # a one-byte mark after the last character
            data = data[:-1]
        text = data.decode("utf-16", errors="replace")  # replacement characters mark bad lines as binary
        return "UTF-16", _text_iter(text.rstrip(DOS_EOF))  # (decoded first: 业 is 4E 1A in UTF-16BE)
    data = data.rstrip(DOS_EOF.encode("ascii"))  # (no GBK or UTF-8 character ends in 0x1A)
    if data.startswith(b"\xef\xbb\xbf"):
        return "UTF-8 BOM", _decode_iter(data[3:], "utf-8", None)
    utf8_file = _valid_utf8(data)
    if utf8_file and not _SUSPECT_UTF8.search(data):  # Chinese (three bytes a character) and ASCII: UTF-8
        return "UTF-8", _decode_iter(data, "utf-8", None)
    counts = _count_line_encodings(data, utf8_file)
    if utf8_file and counts["gb18030"] == 0:
        return "UTF-8", _decode_iter(data, "utf-8", None)
    if counts["utf-8"] == 0:
        return "GBK/GB18030", _decode_iter(data, "gb18030", None)
    # Mixed: keep the majority encoding, name every line of the other one.
    majority = "utf-8" if counts["utf-8"] >= counts["gb18030"] else "gb18030"
    return "mixed", _decode_iter(data, majority, "gb18030" if majority == "utf-8" else "utf-8", utf8_file)


def _decode_iter(
    data: bytes, encoding: str, minority: str | None, utf8_file: bool = False
) -> Iterator[tuple[int, str, int]]:
    for i, raw in enumerate(_raw_lines(data), 1):
        if minority is not None and not raw.isascii() and _line_encoding(raw, utf8_file) == minority:
            yield i, "", LINE_MIXED
            continue
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError:
            yield i, "", LINE_UNDECODABLE
            continue
        yield i, line, LINE_BINARY if _CONTROL.search(line) else LINE_OK


def _text_iter(text: str) -> Iterator[tuple[int, str, int]]:
    for i, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if i > 1 or line:
            yield i, line, LINE_BINARY if _CONTROL.search(line) else LINE_OK


def decode_bytes(data: bytes) -> tuple[list[str], str, list[int], list[int]]:
    """Bytes → (lines, encoding, undecodable line numbers, binary line numbers).  Lines of another encoding
    than the rest of the file count as undecodable.  (Whole-list form of ``iter_decoded_lines``.)"""
    encoding, it = iter_decoded_lines(data)
    lines: list[str] = []
    bad: list[int] = []
    binary: list[int] = []
    for i, line, status in it:
        lines.append(line)
        if status == LINE_BINARY:
            binary.append(i)
        elif status != LINE_OK:
            bad.append(i)
    return lines, encoding, bad, binary


def _encoding_name(enc: str) -> str:
    return {"utf-8-sig": "UTF-8 BOM", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}.get(enc, enc)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def looks_binary(head: str) -> bool:
    """Whether the start of a file (decoded, or its bytes read as Latin-1) holds the control characters that make a
    line of a list or call log binary (``_CONTROL``): a recording, a picture. A DOS end-of-file mark at its end is no
    such character (``DOS_EOF``)."""
    return bool(_CONTROL.search(head.rstrip(DOS_EOF)))


def _is_binary(line: str) -> bool:
    return bool(_CONTROL.search(line))


# ---------------------------------------------------------------------------------------------- read
# The names of a number column in a list file, compared after NFKC and lower-casing; a call log's reader
# (``app.phone.importer``) knows these too, with a message export's sender columns.
NUMBER_HEADERS = {
    "number",
    "numbers",
    "phone",
    "phone_number",
    "phonenumber",
    "tel",
    "telephone",
    "pattern",
    "号码",
    "电话",
    "电话号码",
    "手机",
    "手机号",
    "手机号码",
    "来电号码",
    "对方号码",
    "主叫号码",
    "联系电话",
    "联系方式",
    "联系号码",
    "号码规则",
}
_CATEGORY_HEADERS = {"category", "type", "分类", "类别", "类型", "标记"}
_NOTE_HEADERS = {"note", "notes", "remark", "comment", "备注", "说明", "描述"}
# The columns ``export_list`` writes, in the reader's language (zh, en): read back, the last three are this app's own
# bookkeeping, passed over without the "not used" note that tells a call log from a list.
EXPORT_COLUMNS = (
    ("号码", "number"),
    ("类别", "category"),
    ("备注", "note"),
    ("来源", "source"),
    ("添加时间", "added_at"),
    ("命中次数", "hit_count"),
)
_OWN_COLUMNS = frozenset(name for pair in EXPORT_COLUMNS[3:] for name in pair)


def detect_format(path: str | os.PathLike[str], lines: Iterable[str]) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "text":
        return "txt"
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    if first.startswith(("[", "{")):
        return "json"
    cells = [c.strip().lower() for c in re.split(r"[,\t]", unicodedata.normalize("NFKC", first))]
    if len(cells) > 1 and any(c in NUMBER_HEADERS for c in cells):
        return "csv"
    return "txt"


def read_import(
    source: str | os.PathLike[str] | bytes,
    *,
    fmt: str | None = None,
    default_category: Category | str = Category.CUSTOM,
    region: str = "CN",
    name: str = "",
) -> ImportPreview:
    """Parse and validate a list file (or its bytes) without writing anything.

    Lines are decoded and parsed one at a time and the valid rows kept packed (``RowBuffer``), so a
    million-row CSV or TXT file needs well under 300 MB (bench/bench_numbers.py).  JSON is parsed whole.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            preview = ImportPreview(source=label, format=fmt or "?", encoding="?")
            preview.add_problem(0, ImportProblem.UNREADABLE, detail=exc.strerror or str(exc))
            return preview
    default_cat = Category.parse(default_category, Category.CUSTOM)
    if is_spreadsheet(data[:8]):
        preview = ImportPreview(source=label, format="xlsx", encoding="?")
        preview.add_problem(0, ImportProblem.SPREADSHEET)
        return preview
    encoding, numbered = iter_decoded_lines(data)
    head = list(itertools.islice(numbered, 50))  # enough to see the format
    form = fmt or detect_format(label, (line for _i, line, st in head if st == LINE_OK))
    preview = ImportPreview(source=label, format=form, encoding=encoding)
    stream = itertools.chain(head, numbered)

    def good_lines() -> Iterator[tuple[int, str]]:
        for i, line, status in stream:
            preview.lines_read = i
            if status == LINE_OK:
                yield i, line
            elif status == LINE_BINARY:
                preview.add_problem(i, ImportProblem.BINARY)
            elif status == LINE_MIXED:
                preview.add_problem(i, ImportProblem.MIXED_ENCODING, encoding=encoding)
            else:
                preview.add_problem(i, ImportProblem.UNDECODABLE)

    if form == "json":
        text_lines = [line for _i, line in good_lines()]
        if not preview.problem_count:
            _read_json(preview, "\n".join(text_lines), default_cat, region)
    elif form == "csv":
        _read_csv(preview, good_lines(), default_cat, region)
    else:
        _read_text(preview, good_lines(), default_cat, region)
    if not preview.rows and preview.problem_count == 0:
        preview.add_problem(0, ImportProblem.EMPTY_FILE)
    if preview.officials:  # 95588 on a community list: a trial's volunteer saw the bank's real calls blocked
        preview.notes.append(_named_numbers(ImportNote.OFFICIAL_NUMBERS, preview.officials))
    if preview.protected:  # 110 imported into a blocklist: a trial was told 「新增 3 条」 and nothing more
        preview.notes.append(_named_numbers(ImportNote.PROTECTED_NUMBERS, preview.protected))
    ranges = [pattern.pattern for pattern, _category, _note in preview.rows if pattern.match_kind != "exact"]
    if ranges:  # 952750?? blocks a hundred numbers: the preview says so (a trial: only the command line did)
        more = "…" if len(ranges) > 3 else ""
        preview.notes.append(
            Message(
                ImportNote.RANGES,
                {
                    "count": len(ranges),
                    "count_en": count_en(len(ranges), "row"),
                    "what_en": "is a range or wildcard, which applies to every number it covers"
                    if len(ranges) == 1
                    else "are ranges or wildcards, which apply to every number they cover",
                    "examples": "、".join(ranges[:3]) + more,
                    "examples_en": ", ".join(ranges[:3]) + more,
                },
            )
        )
    preview.problems.sort(key=lambda p: p.line)
    return preview


def _named_numbers(code: ImportNote, numbers: list[tuple[str, BiText]]) -> Message:
    """A note on some rows' numbers: how many, and the first three with whose they are."""
    shown = numbers[:3]
    more = "…" if len(numbers) > 3 else ""
    return Message(
        code,
        {
            "count": len(numbers),
            "examples": "、".join(f"{n} {name.zh}" for n, name in shown) + more,
            "examples_en": ", ".join(f"{n} {name.en}" for n, name in shown) + more,
        },
    )


class _Collector:
    """Dedupe on canonical form and collect problems, shared by the three readers.

    Seen numbers are kept as ints where the canonical form is ``+`` and digits (nearly every entry): an int
    costs half of the string, which matters at a million entries.
    """

    def __init__(self, preview: ImportPreview, region: str) -> None:
        self.preview = preview
        self.region = region
        self.seen: set[int | str] = set()

    def _first(self, canonical: str) -> bool:
        key: int | str = int("1" + canonical[1:]) if canonical[1:].isdigit() else canonical
        if key in self.seen:
            self.preview.duplicates_in_file += 1
            return False
        self.seen.add(key)
        return True

    def add(self, line: int, value: str, category: Category, note: str) -> None:
        m = _FAST_MOBILE.match(value)
        if m:  # inlined fast path of parse_pattern for bare mobile numbers (most of a big list)
            key = "+86" + m.group(1)
            if self._first(key):
                self.preview.rows.append((ParsedPattern(value, key, "exact", key), category, note))
            return
        try:
            parsed = parse_pattern(value, self.region)
        except StoreError as exc:
            self.preview.add_problem(
                line,
                ImportProblem.BAD_ENTRY,
                value=_short(value),
                reason=exc.message.render("zh"),
                reason_en=exc.message.render("en"),
            )
            return
        if self._first(parsed.canonical):
            self.preview.rows.append((parsed, category, note))
            if parsed.match_kind == "exact":
                official = numbering_plan().official_for_key(parsed.canonical)
                if official is not None:
                    kept = self.preview.protected if official.protected else self.preview.officials
                    kept.append((parsed.pattern, official.name))


def _short(value: str, n: int = 40) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= n else value[: n - 1] + "…"


def _read_text(preview: ImportPreview, lines: Iterable[tuple[int, str]], default_cat: Category, region: str) -> None:
    col = _Collector(preview, region)
    for i, line in lines:
        text = line.strip()
        if not text or text.startswith(("#", "//", ";")):
            continue
        col.add(i, text, default_cat, "")


def _read_csv(preview: ImportPreview, lines: Iterable[tuple[int, str]], default_cat: Category, region: str) -> None:
    col = _Collector(preview, region)
    it = iter(lines)
    header_at, header_line = next(((i, ln) for i, ln in it if ln.strip()), (0, ""))
    if not header_at:
        for _ in it:  # drain: bad lines are still reported
            pass
        return
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:
        preview.add_problem(header_at, ImportProblem.BAD_CSV, detail=str(exc))
        for _ in it:
            pass
        return
    names = [unicodedata.normalize("NFKC", h).strip().lower() for h in header]
    number_idx = next((i for i, h in enumerate(names) if h in NUMBER_HEADERS), None)
    if number_idx is None:
        preview.add_problem(header_at, ImportProblem.NO_NUMBER_COLUMN, header=_short(",".join(header), 80))
        for _ in it:
            pass
        return
    cat_idx = next((i for i, h in enumerate(names) if h in _CATEGORY_HEADERS), None)
    note_idx = next((i for i, h in enumerate(names) if h in _NOTE_HEADERS), None)
    # a resident's call log (姓名,电话,日期) imported as a list: its names and dates went without a word
    unused = [
        h.strip()
        for i, h in enumerate(header)
        if i not in (number_idx, cat_idx, note_idx) and h.strip() and names[i] not in _OWN_COLUMNS
    ]
    if unused:
        preview.notes.append(Message(ImportNote.IGNORED_COLUMNS, {"columns": "、".join(unused)}))
    width = len(header)
    categories: dict[str, Category] = {}
    for i, line in it:
        if '"' in line:
            try:
                cells = next(csv.reader([line], delimiter=delimiter, strict=True), [])
            except csv.Error as exc:
                preview.add_problem(i, ImportProblem.BAD_CSV, detail=str(exc))
                continue
        else:
            cells = line.split(delimiter)
        if len(cells) != width:
            if not any(c.strip() for c in cells):
                continue  # an empty line, or a row of empty cells
            if len(cells) < width or any(c.strip() for c in cells[width:]):
                preview.add_problem(i, ImportProblem.WRONG_COLUMNS, expected=width, found=len(cells))
                continue
        number = cells[number_idx]
        if not number.strip() and not any(c.strip() for c in cells):
            continue
        category = default_cat
        if cat_idx is not None and cells[cat_idx]:
            raw_cat = cells[cat_idx]
            found = categories.get(raw_cat)
            if found is None:
                try:
                    found = categories[raw_cat] = Category.parse(raw_cat, default_cat)
                except ValueError:
                    preview.add_problem(i, ImportProblem.BAD_CATEGORY, value=_short(raw_cat))
                    continue
            category = found
        note = cells[note_idx].strip() if note_idx is not None else ""
        col.add(i, number, category, note)


def _read_json(preview: ImportPreview, text: str, default_cat: Category, region: str) -> None:
    # Integers are kept as text: a number is a string of digits to us, and int() of 5,000 digits raises.
    try:
        data = json.loads(text, parse_int=str)
    except json.JSONDecodeError as exc:
        preview.add_problem(exc.lineno, ImportProblem.BAD_JSON, detail=exc.msg)
        return
    except RecursionError:  # json's parser gives up on a few thousand nested brackets
        preview.add_problem(_too_deep(text) or 1, ImportProblem.DEEP_JSON, limit=JSON_MAX_DEPTH)
        return
    except ValueError as exc:  # never a traceback for a bad file
        preview.add_problem(1, ImportProblem.BAD_JSON, detail=str(exc)[:80])
        return
    items: Any = data
    if isinstance(data, dict):
        items = data.get("entries", data.get("numbers"))
        lst = data.get("list")
        if isinstance(lst, dict):
            preview.title = str(lst.get("title_zh") or lst.get("name") or "")
    if not isinstance(items, list):
        preview.add_problem(1, ImportProblem.BAD_JSON_SHAPE)
        return
    col = _Collector(preview, region)
    line_of = _json_item_lines(text, len(items))
    for idx, item in enumerate(items, 1):
        line = line_of[idx - 1] if idx - 1 < len(line_of) else 0
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            col.add(line, str(item), default_cat, "")
            continue
        if not isinstance(item, dict):
            preview.add_problem(
                line,
                ImportProblem.BAD_ENTRY,
                value=_short(_json_text(item)),
                reason="不是号码",
                reason_en="not a number",
            )
            continue
        value = next((item[k] for k in ("number", "pattern", "phone", "号码", "电话") if k in item), None)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            preview.add_problem(
                line,
                ImportProblem.BAD_ENTRY,
                value=_short(_json_text(item)),
                reason="缺少 number 字段",
                reason_en="has no “number” field",
            )
            continue
        category = default_cat
        raw_cat = item.get("category")
        if raw_cat not in (None, ""):
            try:
                category = Category.parse(str(raw_cat), default_cat)
            except ValueError:
                preview.add_problem(line, ImportProblem.BAD_CATEGORY, value=_short(str(raw_cat)))
                continue
        col.add(line, str(value), category, str(item.get("note") or ""))


JSON_MAX_DEPTH = 32  # a list file is at most {"entries": [{"number": …}]}: 3 levels; reported when too deep


def _json_text(item: Any) -> str:
    try:
        return json.dumps(item, ensure_ascii=False)[:200]
    except (RecursionError, ValueError):
        return type(item).__name__


def _too_deep(text: str) -> int:
    """The line where nesting first exceeds ``JSON_MAX_DEPTH`` (0 if never), ignoring brackets inside strings."""
    depth = 0
    in_string = False
    escaped = False
    for pos, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > JSON_MAX_DEPTH:
                return text.count("\n", 0, pos) + 1
        elif ch in "]}":
            depth -= 1
    return 0


def _json_item_lines(text: str, count: int) -> list[int]:
    """Line number of each item of the top-level array (or of the ``entries``/``numbers`` array)."""
    decoder = json.JSONDecoder(parse_int=str)
    ws = re.compile(r"[ \t\r\n]*")
    pos = ws.match(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("{", pos):
        m = re.search(r'"(?:entries|numbers)"\s*:\s*\[', text)
        if not m:
            return []
        pos = m.end()
    elif text.startswith("[", pos):
        pos += 1
    else:
        return []
    out: list[int] = []
    while len(out) < count:
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        try:
            _obj, end = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError, ValueError):
            break
        out.append(text.count("\n", 0, pos) + 1)
        pos = ws.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
    return out


# ---------------------------------------------------------------------------------------------- commit
def commit_import(
    store: ListStore,
    preview: ImportPreview,
    list_name: str,
    *,
    create_kind: ListKind | str = ListKind.IMPORTED,
    skip_bad: bool = False,
    replace: bool = False,
    source: str | None = None,
    allow_risky: bool = False,
) -> ImportResult:
    """Write a validated preview into ``list_name`` (created if missing) in one transaction.

    An allowlist beats every blocklist, so rows marked fraud/harassment and prefix/wildcard ranges are refused
    for an allow-kind list (``AllowlistImportRefused``) unless ``allow_risky`` says the user really means it.
    """
    if preview.problem_count and not skip_bad:
        raise ImportRejected(preview)
    if not preview.rows:
        raise ImportRejected(preview)
    kind = store.get_list(list_name).kind if store.has_list(list_name) else ListKind(create_kind)
    if kind is ListKind.ALLOW and not allow_risky:
        _guard_allowlist(preview, list_name)
    stats = store.import_entries(
        list_name,
        preview.rows,
        source or f"import:{Path(preview.source).name}",
        replace=replace,
        create_kind=None if store.has_list(list_name) else create_kind,
        title_zh=preview.title or list_name,
        list_source=preview.source,
    )
    added = stats.added
    return ImportResult(
        list_name=list_name,
        added=added,
        already_present=len(preview.rows) - added,
        duplicates_in_file=preview.duplicates_in_file,
        longest_lock_s=stats.longest_lock_s,
        skipped_bad=preview.problem_count if skip_bad else 0,
    )


_RISKY_CATEGORIES = (Category.FRAUD, Category.HARASSMENT)


def risky_for_allowlist(preview: ImportPreview) -> list[str]:
    """The patterns an allowlist should not take without the user saying so: rows marked fraud or harassment, and
    number ranges (170*), which an allowlist would let through whatever else says."""
    return [p.pattern for p, c, _n in preview.rows if c in _RISKY_CATEGORIES or p.match_kind != "exact"]


def _guard_allowlist(preview: ImportPreview, list_name: str) -> None:
    risky = risky_for_allowlist(preview)
    if risky:
        examples = "、".join(_short(r, 20) for r in risky[:3])
        raise AllowlistImportRefused(
            Message(GuardProblem.RISKY_ALLOWLIST, {"name": list_name, "count": len(risky), "examples": examples})
        )


# ---------------------------------------------------------------------------------------------- export
def export_list(
    store: ListStore, list_name: str, dest: str | os.PathLike[str], fmt: str | None = None, lang: str = "zh"
) -> int:
    """Write a list to ``dest`` (format from ``fmt`` or the file suffix; default CSV).  Returns the count.

    CSV is written as UTF-8 with BOM so Excel opens Chinese text correctly, its header and categories in ``lang``
    (``EXPORT_COLUMNS``; both read back); TXT and JSON (whose keys are a format) as plain UTF-8.
    The file is written to a temporary name and renamed, so a failed export never leaves half a file.
    """
    info = store.get_list(list_name)
    form = (fmt or Path(dest).suffix.lower().lstrip(".") or "csv").lower()
    if form == "text":
        form = "txt"
    if form not in FORMATS:
        form = "csv"
    tmp = Path(f"{dest}.part")
    count = 0
    try:
        if form == "json":
            entries = []
            for e in store.iter_entries(list_name):
                entries.append(
                    {
                        "number": e.pattern,
                        "category": e.category.value,
                        "note": e.note,
                        "source": e.source,
                        "added_at": e.added_at,
                    }
                )
            payload = {
                "format": "callshield-list",
                "format_version": 1,
                "list": {
                    "name": info.name,
                    "title_zh": info.title.zh,
                    "title_en": info.title.en,
                    "kind": info.kind.value,
                },
                "entries": entries,
            }
            count = len(entries)
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                json.dump(payload, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
        elif form == "txt":
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                for e in store.iter_entries(list_name):
                    fh.write(e.pattern + "\n")
                    count += 1
        else:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                en = lang == "en"
                writer.writerow([en_name if en else zh_name for zh_name, en_name in EXPORT_COLUMNS])
                for e in store.iter_entries(list_name):
                    category = e.category.en if en else e.category.zh
                    writer.writerow([e.pattern, category, e.note, e.source, e.added_at, e.hit_count])
                    count += 1
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count
