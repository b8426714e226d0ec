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

import csv
import json
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blocklists.store import _FAST_MOBILE, Category, ListKind, ListStore, ParsedPattern, StoreError, parse_pattern
from screening.i18n import Message, MessageCode

log = logging.getLogger(__name__)

FORMATS = ("csv", "txt", "json")
MAX_REPORTED = 200  # problems kept in full; the count is always exact


class ImportProblem(MessageCode):
    UNREADABLE = ("无法读取文件：{detail}", "cannot read the file: {detail}")
    EMPTY_FILE = ("文件里没有任何号码", "the file contains no numbers")
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
        "第 {line} 行：表头里没有号码列（需要 number / 号码 / 电话 之一），实际表头：{header}",
        "line {line}: the header has no number column (need one of number / 号码 / 电话); found: {header}",
    )
    WRONG_COLUMNS = (
        "第 {line} 行：列数不对（表头有 {expected} 列，这一行有 {found} 列）",
        "line {line}: wrong number of columns ({found}, the header has {expected})",
    )
    BAD_CATEGORY = (
        "第 {line} 行：未知分类“{value}”（可用：诈骗/骚扰/推销/自定义）",
        "line {line}: unknown category “{value}” (use fraud/harassment/sales/custom or 诈骗/骚扰/推销/自定义)",
    )
    BAD_CSV = ("第 {line} 行：CSV 格式错误：{detail}", "line {line}: broken CSV: {detail}")
    BAD_JSON = ("第 {line} 行：JSON 格式错误：{detail}", "line {line}: broken JSON: {detail}")
    BAD_JSON_SHAPE = (
        "JSON 结构不对：应为号码数组，或含 entries 数组的对象",
        "wrong JSON shape: expected an array of numbers, or an object with an “entries” array",
    )
    BAD_JSON_ITEM = ("第 {item} 项：{detail}", "item {item}: {detail}")


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


@dataclass
class ImportPreview:
    """What an import would do.  Nothing has been written when you hold one of these."""

    source: str
    format: str
    encoding: str
    rows: list[tuple[ParsedPattern, Category, str]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    problem_count: int = 0
    lines_read: int = 0
    duplicates_in_file: int = 0
    title: str = ""

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and bool(self.rows)

    def add_problem(self, line: int, code: ImportProblem, **params: Any) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(LineProblem(line, Message(code, {"line": line, **params})))

    def sample(self, n: int = 20) -> list[tuple[ParsedPattern, Category, str]]:
        return self.rows[:n]


@dataclass(frozen=True)
class ImportResult:
    list_name: str
    added: int  # new entries
    already_present: int  # valid rows that were already in the list
    duplicates_in_file: int
    skipped_bad: int  # only non-zero with skip_bad=True


# ---------------------------------------------------------------------------------------------- decode
def call_log_number(line: str) -> str:
    """The number of one call-log line: a plain line is the number; in a CSV line, the first cell with at least
    3 digits that is not a time or a date and has no Chinese.  ``""`` for blank, comment and header lines.

    Shared by ``callshield check --file`` and the phone importer (``app.phone.importer``)."""
    line = line.strip()
    if not line or line.startswith("#"):
        return ""
    if "," not in line and "\t" not in line:
        return line
    for cell in line.replace("\t", ",").split(","):
        cell = cell.strip().strip('"')
        if sum(ch.isdigit() for ch in cell) >= 3 and not any("\u4e00" <= ch <= "\u9fff" for ch in cell):
            if ":" not in cell and not (cell.count("-") == 2 and len(cell) == 10):  # not a time or a date
                return cell
    return ""


def decode_bytes(data: bytes) -> tuple[list[str], str, list[int], list[int]]:
    """Bytes → (lines, encoding, undecodable line numbers, binary line numbers).

    Whole-file decoding is tried first (UTF-8 BOM, UTF-16 BOM, UTF-8, GB18030); if none fits, lines are
    decoded one by one so every bad line can be named.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        lines = text.splitlines()
        binary = [i for i, line in enumerate(lines, 1) if _is_binary(line)] if _is_binary(text) else []
        return lines, _encoding_name(enc), [], binary
    # Mixed or damaged: per line, so each bad line is named.
    lines = []
    bad: list[int] = []
    binary = []
    for i, raw in enumerate(data.split(b"\n"), 1):
        raw = raw.rstrip(b"\r")
        for enc in ("utf-8", "gb18030"):
            try:
                line = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            bad.append(i)
            line = ""
        if line and _is_binary(line):
            binary.append(i)
        lines.append(line)
    if lines and lines[-1] == "" and data.endswith(b"\n"):
        lines.pop()
    return lines, "mixed", bad, binary


def _encoding_name(enc: str) -> str:
    return {"utf-8-sig": "UTF-8 BOM", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}.get(enc, enc)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _is_binary(line: str) -> bool:
    return bool(_CONTROL.search(line))


# ---------------------------------------------------------------------------------------------- read
_NUMBER_HEADERS = {
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
    "号码规则",
}
_CATEGORY_HEADERS = {"category", "type", "分类", "类别", "类型", "标记"}
_NOTE_HEADERS = {"note", "notes", "remark", "comment", "备注", "说明", "描述"}


def detect_format(path: str | os.PathLike[str], lines: list[str]) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "text":
        return "txt"
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    if first.startswith(("[", "{")):
        return "json"
    cells = [c.strip().lower() for c in re.split(r"[,\t]", unicodedata.normalize("NFKC", first))]
    if len(cells) > 1 and any(c in _NUMBER_HEADERS for c in cells):
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
    """Parse and validate a list file (or its bytes) without writing anything."""
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
    lines, encoding, undecodable, binary = decode_bytes(data)
    del data
    form = fmt or detect_format(label, lines)
    preview = ImportPreview(source=label, format=form, encoding=encoding, lines_read=len(lines))
    bad_lines = set(undecodable) | set(binary)
    for i in sorted(bad_lines):
        if i in undecodable:
            preview.add_problem(i, ImportProblem.UNDECODABLE)
        else:
            preview.add_problem(i, ImportProblem.BINARY)
    if form == "json":
        if not bad_lines:
            _read_json(preview, "\n".join(lines), default_cat, region)
    elif form == "csv":
        _read_csv(preview, lines, bad_lines, default_cat, region)
    else:
        _read_text(preview, lines, bad_lines, default_cat, region)
    if not preview.rows and preview.problem_count == 0:
        preview.add_problem(0, ImportProblem.EMPTY_FILE)
    preview.problems.sort(key=lambda p: p.line)
    return preview


class _Collector:
    """Dedupe on canonical form and collect problems, shared by the three readers."""

    def __init__(self, preview: ImportPreview, region: str) -> None:
        self.preview = preview
        self.region = region
        self.seen: set[str] = set()

    def add(self, line: int, value: str, category: Category, note: str) -> None:
        m = _FAST_MOBILE.match(value)
        if m:  # inlined fast path of parse_pattern for bare mobile numbers (most of a big list)
            key = "+86" + m.group(1)
            if key in self.seen:
                self.preview.duplicates_in_file += 1
                return
            self.seen.add(key)
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
        if parsed.canonical in self.seen:
            self.preview.duplicates_in_file += 1
            return
        self.seen.add(parsed.canonical)
        self.preview.rows.append((parsed, category, note))


def _short(value: str, n: int = 40) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= n else value[: n - 1] + "…"


def _read_text(preview: ImportPreview, lines: list[str], bad: set[int], default_cat: Category, region: str) -> None:
    col = _Collector(preview, region)
    for i, line in enumerate(lines, 1):
        if i in bad:
            continue
        text = line.strip()
        if not text or text.startswith(("#", "//", ";")):
            continue
        col.add(i, text, default_cat, "")


def _read_csv(preview: ImportPreview, lines: list[str], bad: set[int], default_cat: Category, region: str) -> None:
    col = _Collector(preview, region)
    start = next((i for i, ln in enumerate(lines) if ln.strip() and (i + 1) not in bad), None)
    if start is None:
        return
    header_line = lines[start]
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:
        preview.add_problem(start + 1, ImportProblem.BAD_CSV, detail=str(exc))
        return
    names = [unicodedata.normalize("NFKC", h).strip().lower() for h in header]
    number_idx = next((i for i, h in enumerate(names) if h in _NUMBER_HEADERS), None)
    if number_idx is None:
        preview.add_problem(start + 1, ImportProblem.NO_NUMBER_COLUMN, header=_short(",".join(header), 80))
        return
    cat_idx = next((i for i, h in enumerate(names) if h in _CATEGORY_HEADERS), None)
    note_idx = next((i for i, h in enumerate(names) if h in _NOTE_HEADERS), None)
    width = len(header)
    categories: dict[str, Category] = {}
    for i in range(start + 2, len(lines) + 1):
        if i in bad:
            continue
        line = lines[i - 1]
        lines[i - 1] = ""  # the cells below are copies; letting the line go keeps a million-row import smaller
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
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        preview.add_problem(exc.lineno, ImportProblem.BAD_JSON, detail=exc.msg)
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
                value=_short(json.dumps(item)),
                reason="不是号码",
                reason_en="not a number",
            )
            continue
        value = next((item[k] for k in ("number", "pattern", "phone", "号码", "电话") if k in item), None)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            preview.add_problem(
                line,
                ImportProblem.BAD_ENTRY,
                value=_short(json.dumps(item, ensure_ascii=False)),
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


def _json_item_lines(text: str, count: int) -> list[int]:
    """Line number of each item of the top-level array (or of the ``entries``/``numbers`` array)."""
    decoder = json.JSONDecoder()
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
        except json.JSONDecodeError:
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
) -> ImportResult:
    """Write a validated preview into ``list_name`` (created if missing) in one transaction."""
    if preview.problem_count and not skip_bad:
        raise ImportRejected(preview)
    if not preview.rows:
        raise ImportRejected(preview)
    if not store.has_list(list_name):
        store.create_list(list_name, create_kind, title_zh=preview.title or list_name, source=preview.source)
    added = store.bulk_insert(list_name, preview.rows, source or f"import:{Path(preview.source).name}", replace=replace)
    return ImportResult(
        list_name=list_name,
        added=added,
        already_present=len(preview.rows) - added,
        duplicates_in_file=preview.duplicates_in_file,
        skipped_bad=preview.problem_count if skip_bad else 0,
    )


# ---------------------------------------------------------------------------------------------- export
def export_list(store: ListStore, list_name: str, dest: str | os.PathLike[str], fmt: str | None = None) -> int:
    """Write a list to ``dest`` (format from ``fmt`` or the file suffix; default CSV).  Returns the count.

    CSV is written as UTF-8 with BOM so Excel opens Chinese text correctly; TXT and JSON as plain UTF-8.
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
                writer.writerow(["number", "category", "note", "source", "added_at", "hit_count"])
                for e in store.iter_entries(list_name):
                    writer.writerow([e.pattern, e.category.zh, e.note, e.source, e.added_at, e.hit_count])
                    count += 1
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count
