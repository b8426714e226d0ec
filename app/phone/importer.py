"""The one import path for a parent's phone: XML backups, call-log and message CSV files and recording folders.

``PhoneImporter(db, profile="妈妈").import_paths([...])`` parses each file, screens what it holds and writes
history rows for that profile:

* **calls** (``calls-*.xml`` and call-log CSV, whose lines are read by the same ``call_log_number`` as
  ``callshield check --file``): the number rules for a *call* (a 1069 caller is suspicious);
* **text messages** (``sms-*.xml``, SMS and MMS, and message CSV exports such as 号码,时间,内容): the number rules
  for an *SMS sender* plus the scam-script detector on the text, with its entities (``screening.sms``); MMS
  attachments are listed, never stored.  A CSV is a call log or messages by its header (``csv_layout``); one that
  is neither is refused, never guessed to be calls;
* **recordings** (audio files, vendor folders): transcribed (``transcriber``; Vosk by default), assessed by
  the detector, and linked to the call log by the file name or by time (``app.phone.recordings``).

Idempotent and all-or-nothing: every row carries a content hash (of the profile and the record for calls and
messages, of the file for recordings); a re-import adds only rows whose hash is new.  Each file is written in
one transaction while it is parsed — a truncated or garbage file rolls back and adds nothing.  A CSV line that cannot
be read (a number with letters in it, a time that is missing or unreadable, bytes that are no text) fails its file
too, named by its line number, unless ``skip_bad`` asks for the good lines.

Qt-free; results are codes and plain data (``Message``), rendered zh/en by the CLI or a page.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from app.local_zone import LOCAL
from app.phone.backup_xml import (
    MAX_BODY,
    BackupError,
    BackupProblem,
    CallRecord,
    MessageRecord,
    detect_kind,
    iter_backup,
)
from app.phone.recordings import CallEntry, match_call, parse_name, vendor_of
from blocklists.history import History, speech_reason, unread_speech
from blocklists.importexport import NUMBER_HEADERS, SPREADSHEET_ADVICE
from screening.i18n import Message, MessageCode, command_hint, count_en
from screening.numbers import trim_cache
from screening.screener import NumberScreener
from screening.types import Level
from speech.batch import AUDIO_EXTENSIONS  # the recordings a folder scan reads: one list (it lacked .wma here)
from speech.errors import MODEL_COMMANDS_EN, MODEL_COMMANDS_ZH
from speech.language import recording_warnings

log = logging.getLogger(__name__)

BATCH = 2000
VERDICT_CACHE = 5_000
EXCERPT = 160
SETTLE_S = 2.0  # a file modified more recently than this is checked for growth before it is read
CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
# every file an import reads (``PhoneImporter.classify``): the backups' XML, the tables, the recordings (the 家人 page's file dialog)
IMPORT_EXTENSIONS = frozenset({".xml", *CSV_EXTENSIONS, *AUDIO_EXTENSIONS})
FLAG_LEVEL = Level.WARN
MAX_BAD_ROWS_SHOWN = 20  # a file's bad lines named one by one; the count is always exact

DONE, SKIPPED, FAILED, CANCELLED = "done", "skipped", "failed", "cancelled"
PASSED_OVER = "passed-over"  # a file in an imported folder that holds nothing to import (a spreadsheet): said why


class PhoneProblem(MessageCode):
    NOT_FOUND = ("找不到 {path}；请检查文件名和所在的文件夹", "not found: {path}; check the name and the folder")
    UNKNOWN_FILE = (
        "{path} 不是可导入的手机文件（支持：SMS Backup & Restore 的 calls-*.xml / sms-*.xml、通话记录或短信 CSV、通话录音）",
        "{path} is not a phone file we can import (supported: SMS Backup & Restore calls-*.xml / sms-*.xml, "
        "call-log or SMS CSV, call recordings)",
    )
    SPREADSHEET = (
        "{path} 是 Excel（或其他表格、压缩）文件。" + SPREADSHEET_ADVICE[0],
        "{path} is an Excel (or other spreadsheet or zip) file. " + SPREADSHEET_ADVICE[1],
    )
    EMPTY_FILE = ("{path} 是空文件（0 字节），已跳过", "{path} is empty (0 bytes); skipped")
    STILL_WRITING = (
        "{path} 还在写入（同步或复制尚未完成），稍后会再试",
        "{path} is still being written (a sync or copy is in progress); it will be tried again later",
    )
    UNKNOWN_NAME = (
        "无法从文件名 {name} 读出号码和时间（不是已知的手机录音命名方式）；仍会检查录音内容",
        "cannot read a number and time from the file name {name} (not a known phone naming style); "
        "the recording is still checked",
    )
    NO_CALL_MATCH = (
        "没有找到对应的通话记录（号码尾号与前后两分钟内的来电都不符）",
        "no matching call in the call log (no call with the same last digits within two minutes)",
    )
    CSV_NO_NUMBERS = (
        "{path} 里没有找到任何号码，没有导入任何内容；请确认选的是手机导出的通话记录",
        "no phone numbers found in {path}, so nothing was imported; check that it is a call log exported from the phone",
    )
    CSV_NO_MESSAGES = (
        "{path} 里没有找到任何短信，没有导入任何内容；请确认选的是手机导出的短信",
        "no text messages found in {path}, so nothing was imported; check that it is an SMS export from the phone",
    )
    CSV_EMPTY = (
        "{path} 是空文件（0 字节），没有导入任何内容；请在手机上重新导出一次",
        "{path} is empty (0 bytes), so nothing was imported; export it from the phone again",
    )
    CSV_UNKNOWN_COLUMNS = (
        "看不出 {path} 是通话记录还是短信，没有导入任何内容。它的表头是：{found}。"
        "通话记录要有号码列（如 号码、电话、number）；短信要有号码或发件人列（如 号码、发件人、sender、address）"
        "、内容列（如 内容、短信内容、正文、body、message、text）和时间列（如 时间、日期、date）；"
        "列之间用逗号分隔。请在表格软件里改好第一行的表头后重新导入",
        "cannot tell whether {path} is a call log or text messages, so nothing was imported. Its header is: {found}. "
        "A call log needs a number column (e.g. 号码, 电话, number); text messages need a number or sender column "
        "(e.g. 号码, 发件人, sender, address), a content column (e.g. 内容, 短信内容, 正文, body, message, text) "
        "and a time column (e.g. 时间, 日期, date); columns are separated by commas. Fix the header (the "
        "first line) in a spreadsheet and import it again",
    )
    CSV_TEXT_WITHOUT_HEADER = (
        "{path} 没有表头，而且第 {line} 行有一段文字（“{value}”），看不出是通话记录还是短信，没有导入任何内容。"
        "请在第一行加上表头，例如 号码,时间,内容（短信）或 号码,时间,时长（通话记录），然后重新导入",
        "{path} has no header and line {line} holds text (“{value}”), so it is unclear whether it is a call log or "
        "text messages; nothing was imported. Add a header as the first line, e.g. 号码,时间,内容 (number, time, "
        "content: messages) or 号码,时间,时长 (number, time, duration: calls), and import it again",
    )
    CSV_NO_TIME_COLUMN = (
        "{path} 是短信，但没有时间列（表头是：{found}），没有导入任何内容：不知道每条短信是什么时候收到的。"
        "请在手机上导出时带上时间，或在表格软件里加上时间列（如 时间、日期），然后重新导入",
        "{path} holds text messages but has no time column (its header is: {found}), so nothing was imported: "
        "when each message came is unknown. Export it from the phone with the time, or add a time column (e.g. "
        "时间, 日期, date) in a spreadsheet, and import it again",
    )
    CSV_NUMBER_LIST = (
        "{path} 里只有号码，没有一行写了日期和时间：这是一份号码清单，不是通话记录，没有导入任何内容。"
        "要检查这些号码，请用“查号”页"
        + command_hint("（或 callshield check --file）")
        + "；要拉黑或放行，请在“名单”页导入",
        "{path} holds numbers but no line has a date and time: it is a list of numbers, not a call log, so nothing was "
        "imported. To check the numbers, use the Check page"
        + command_hint(" (or callshield check --file)")
        + "; to block or allow them, "
        "import them on the Lists page",
    )
    CSV_BAD_ROW = (
        "{path} 有一行不对，没有导入任何内容：{first}。请改正或删掉这一行后重新导入",
        "{path} has a bad line, so nothing was imported: {first_en}. Fix or delete that line and import again",
    )
    CSV_BAD_ROWS = (
        "{path} 有 {count} 行不对，没有导入任何内容（第一处：{first}）。请改正或删掉这些行后重新导入",
        "{path} has {count} bad lines, so nothing was imported (the first: {first_en}). Fix or delete them and "
        "import again",
    )
    ROWS_SKIPPED = ("跳过了 {count} 行有问题的行（没有导入）：", "left out, as asked ({count}):")
    MORE_BAD_ROWS = ("……另有 {count} 行", "… {count} more")
    CANCELLED = ("已取消，{path} 没有导入任何内容", "cancelled; nothing from {path} was imported")
    INTERNAL = (
        "处理 {path} 时出错（{detail}），没有导入任何内容",
        "error while importing {path} ({detail}); nothing was imported",
    )


class RowProblem(MessageCode):
    """Why one line of a call-log or message CSV was not imported (its line number first, as in list imports)."""

    NOT_A_NUMBER = (
        "第 {line} 行：“{value}” 不是电话号码（{reason}）",
        "line {line}: “{value}” is not a phone number ({reason_en})",
    )
    AMBIGUOUS = (
        "第 {line} 行：看不出哪一部分是号码（数字被逗号分成了几段）",
        "line {line}: cannot tell which part is the number (the digits are split by commas)",
    )
    UNDECODABLE = (
        "第 {line} 行：无法解码（不是 UTF-8 或 GBK 文本）",
        "line {line}: cannot be decoded (neither UTF-8 nor GBK text)",
    )
    BINARY = (
        "第 {line} 行：含有二进制/控制字符，文件可能损坏",
        "line {line}: contains binary/control characters; the file may be damaged",
    )
    COLUMNS = (
        "第 {line} 行：列数不对（表头有 {expected} 列，这一行只有 {found} 列）",
        "line {line}: too few columns ({found}; the header has {expected})",
    )
    BAD_TIME = (
        "第 {line} 行：看不懂时间“{value}”（应为 2024-03-12 09:15 这样的日期和时间）",
        "line {line}: cannot read the time “{value}” (expected a date and time such as 2024-03-12 09:15)",
    )
    NO_TIME = (
        "第 {line} 行：没有时间（时间一栏是空的）",
        "line {line}: no time (its time cell is empty)",
    )
    UNCLOSED_QUOTE = (
        '第 {line} 行：引号“"”没有配对，后面的行都被读成了这一条短信的内容',
        "line {line}: a quote mark (\") is never closed, so the lines after it were read as this message's text",
    )
    NO_DATE = (
        "第 {line} 行：只有号码，没有日期和时间",
        "line {line}: a number without a date and time",
    )


class ImportSummary(MessageCode):
    """The one-line outcome of an import, shown by the CLI and the family page alike."""

    ADDED = (
        "{files} 个文件，新增 {added} 条记录，其中可疑 {suspicious} 条、需要注意 {caution} 条",
        "{files_en}, {added_en} added: {suspicious} suspicious, {caution} to keep an eye on",
    )
    # some recordings were in the history unchecked (no Chinese speech model then): their rows were checked again
    ADDED_RECHECKED = (
        "{files} 个文件，新增 {added} 条记录，补查 {rechecked} 条以前没能检查的录音；其中可疑 {suspicious} 条、需要注意 {caution} 条",
        "{files_en}, {added_en} added and {rechecked_en} checked that could not be checked before: {suspicious} "
        "suspicious, {caution} to keep an eye on",
    )
    EXISTING = (
        "另有 {existing} 条以前已经导入过，不再重复提醒（都在历史记录里）",
        "{existing} more were imported before and are not reported again (they are all in the history)",
    )
    # the summary said nothing of the files that failed (a trial: 「新增 21 条」, exit code 1, four recordings failed)
    FAILED = (
        "{failed} 个文件没有导入（原因见上），其余的照常导入了",
        "{failed_en} not imported (see why above); the rest were imported",
    )
    FAILED_ALL = ("没有导入任何文件（原因见上）", "no file was imported (see why above)")
    FAILED_KEPT = (
        "{failed} 个文件没有导入或没能检查（原因见上）；其中 {kept} 段录音已先记下（“没能检查”），有了中文语音模型后再导入一次会补查",
        "{failed_en} not imported or not checked (see why above); of these, {kept_en} kept as not checked, to be "
        "checked when imported again with the Chinese speech model",
    )
    UNREAD_AGAIN = (
        "{unread} 段以前没能检查的录音这次仍然没能检查：语音模型不是中文模型，转写出的不是中文。请先在“设置”里"
        f"换成中文语音模型{MODEL_COMMANDS_ZH}",
        "{unread_en} that could not be checked before still could not: the speech model is not a Chinese one and did "
        f"not write Chinese. Change to the Chinese speech model in Settings first{MODEL_COMMANDS_EN}",
    )


class ImportFailed(Exception):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("zh") + " / " + message.render("en"))


@dataclass(frozen=True)
class PhoneEvent:
    """A screened call, message or recording worth showing (level ≥ caution), as stored."""

    kind: str  # call | sms | recording
    number: str
    occurred_at: str  # ISO-8601 UTC
    level: Level
    score: float
    category: str | None
    reasons: tuple[dict[str, Any], ...]
    excerpt: str = ""
    file_path: str | None = None
    name: str | None = None
    history_id: int | None = None
    entities: tuple[dict[str, Any], ...] = ()


@dataclass
class FileImport:
    path: str
    kind: str  # calls | sms | calllog | smslog (message CSV) | csv (neither: refused) | recording | unknown
    status: str = DONE
    read: int = 0
    added: int = 0
    existing: int = 0
    # recordings the history held unchecked (no Chinese speech model then) whose rows this import checked again
    rechecked: int = 0
    # such recordings heard again no better (a speech model of another language still): still unchecked
    unread_again: int = 0
    # a recording that could not be checked (no speech model), kept in the history unchecked: checked on a later import
    kept_unchecked: int = 0
    screened: int = 0
    flagged: list[PhoneEvent] = field(default_factory=list)
    error: Message | None = None
    notes: list[Message] = field(default_factory=list)
    matched_call_id: int | None = None
    seconds: float = 0.0
    bad_rows: int = 0  # lines of a CSV that could not be read (named in ``notes``); ``read`` counts the good ones

    def counts_by_level(self) -> dict[Level, int]:
        out: dict[Level, int] = {}
        for e in self.flagged:
            out[e.level] = out.get(e.level, 0) + 1
        return out

    def suspicious(self) -> list[PhoneEvent]:
        """Rows this file added at FLAG_LEVEL (WARN) and above."""
        return [e for e in self.flagged if e.level >= FLAG_LEVEL]

    def caution(self) -> list[PhoneEvent]:
        """Rows this file added at CAUTION: below suspicious, shown as 注意 in the history."""
        return [e for e in self.flagged if e.level == Level.CAUTION]


@dataclass
class ImportResult:
    profile: str
    files: list[FileImport]
    elapsed_s: float = 0.0

    def total(self, attr: str, kind: str | None = None) -> int:
        return sum(int(getattr(f, attr)) for f in self.files if kind is None or f.kind == kind)

    @property
    def flagged(self) -> list[PhoneEvent]:
        """Suspicious (WARN and above) rows this import added or checked again."""
        return [e for f in self.files for e in f.suspicious()]

    @property
    def caution(self) -> list[PhoneEvent]:
        """Rows this import added at CAUTION: below suspicious, shown as 注意 in the history."""
        return [e for f in self.files for e in f.caution()]

    def summary(self) -> list[Message]:
        """What the import did, as messages: added (and checked again) and flagged, then rows already there (not
        reported again)."""
        rechecked = self.total("rechecked")
        out = [
            Message(
                ImportSummary.ADDED_RECHECKED if rechecked else ImportSummary.ADDED,
                {
                    "files": len(self.files),
                    "files_en": count_en(len(self.files), "file"),
                    "added": self.total("added"),
                    "added_en": count_en(self.total("added"), "record"),
                    "rechecked": rechecked,
                    "rechecked_en": count_en(rechecked, "recording"),
                    "suspicious": len(self.flagged),
                    "caution": len(self.caution),
                },
            )
        ]
        if existing := self.total("existing"):
            out.append(Message(ImportSummary.EXISTING, {"existing": existing}))
        if failed := sum(f.status == FAILED for f in self.files):
            kept = self.total("kept_unchecked")
            out.append(
                Message(
                    ImportSummary.FAILED_KEPT
                    if kept
                    # 「其余的照常导入了」 with nothing else there (a trial imported one broken file)
                    else ImportSummary.FAILED_ALL
                    if failed == len(self.files)
                    else ImportSummary.FAILED,
                    {
                        "failed": failed,
                        "failed_en": count_en(failed, "file"),
                        "kept": kept,
                        "kept_en": count_en(kept, "recording"),
                    },
                )
            )
        if unread := self.total("unread_again"):
            out.append(
                Message(ImportSummary.UNREAD_AGAIN, {"unread": unread, "unread_en": count_en(unread, "recording")})
            )
        return out

    @property
    def ok(self) -> bool:
        return all(f.status != FAILED for f in self.files)


@dataclass(frozen=True)
class Transcript:
    text: str
    duration_s: float = 0.0
    warning: Message | None = None  # e.g. a truncated file: what was there was transcribed


Transcriber = Callable[[Path], Transcript]  # a recording → its transcript; raises speech.errors.SpeechError


class VoskTranscriber:
    """Transcribe a recording with a Vosk model, loaded once on first use (thread-safe)."""

    def __init__(self, model_path: str | Path) -> None:
        self.model_path = Path(model_path)
        self._model: Any = None
        self._lock = threading.Lock()

    def __call__(self, path: Path) -> Transcript:
        from speech.audio import FileSource
        from speech.errors import SpeechError, SpeechProblem
        from speech.pipeline import run_sync
        from speech.recognizer import load_model

        with self._lock:
            if self._model is None:
                self._model = load_model(self.model_path)
        result = run_sync(FileSource(str(path), chunk_s=0.5), self._model.recognizer(), partials=False)
        if result.error is not None:
            if result.error.code is not SpeechProblem.TRUNCATED or not result.segments:
                raise SpeechError(result.error.code, **dict(result.error.message.params))
            return Transcript(result.text, result.audio_s, result.error.message)  # a cut-off file
        return Transcript(result.text, result.audio_s)  # (a model of another language: scan_recording says it)


def _plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, Level):
        return obj.name.lower()
    return obj


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, timezone.utc).isoformat()


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ROW_COLS = (
    "kind", "occurred_at", "number_raw", "number_e164", "source", "name", "level", "score", "category", "reasons",
    "transcript", "hits", "entities", "file_path", "content_hash", "duration_s", "note", "profile", "call_type",
)  # fmt: skip
_INSERT = f"INSERT INTO history ({', '.join(_ROW_COLS)}) VALUES ({', '.join('?' for _ in _ROW_COLS)})"
# A CSV's time: a date (2026-11-02, 2026/11/2, 2026年11月2日), then a clock time if there is one (15:05, 15:05:09,
# 下午3:05, 3:05 PM, 下午3点05分); a date alone is the local midnight.
_CSV_AM = ("上午", "早上", "早晨", "凌晨", "am")
_CSV_PM = ("下午", "傍晚", "晚上", "pm")
_CSV_PERIOD = r"(上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|am|pm)"
_CSV_CLOCK = (
    _CSV_PERIOD + r"?\s*(\d{1,2})\s*[:：点时]\s*(\d{2})(?!\d)\s*分?(?:\s*[:：]\s*(\d{2})(?!\d)\s*秒?)?(?:\s*(am|pm)\b)?"
)
_CSV_TIME = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})(?!\d)日?(?:[ T]*" + _CSV_CLOCK + ")?", re.IGNORECASE)
_CSV_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")  # this year's date, as a phone shows it
_CSV_CLOCK_ONLY = re.compile(_CSV_CLOCK, re.IGNORECASE)
_CSV_PERIOD_WORD = re.compile(_CSV_PERIOD, re.IGNORECASE)
# The header names of a call-log or message CSV (phone tools and spreadsheets, zh/en), compared after NFKC and
# lower-casing.  A header with a text column is a message export; one with a number column only, a call log.
_CSV_COLUMNS = {
    "number": (
        *sorted(NUMBER_HEADERS - {"pattern", "号码规则"}),  # a list file's number columns (not its pattern column)
        "发件人", "发信人", "发送人", "发件人号码", "发送方", "发送号码", "phone number", "address", "sender", "from",
        "caller", "caller id",
    ),
    "time": (
        "时间", "日期", "日期时间", "通话时间", "开始时间", "发送时间", "接收时间", "收到时间", "来电时间", "通话日期",
        "拨打时间", "time", "date", "datetime", "date time", "timestamp", "call date", "call time",
    ),
    "text": (
        "内容", "短信内容", "短信", "正文", "短信正文", "信息", "信息内容", "消息", "消息内容", "body", "message",
        "text", "content", "sms", "msg",
    ),
    "name": ("姓名", "联系人", "名称", "名字", "备注名", "name", "contact", "contact name"),
    "type": ("类型", "通话类型", "呼叫类型", "来去电", "短信类型", "type", "call type", "direction", "box"),
    "duration": ("时长", "通话时长", "时长(秒)", "duration", "duration(s)", "seconds"),
}  # fmt: skip
# The words a call log's header line is made of (号码, 姓名, 时间, 类型 …: every column name but a message text's), so
# a pasted call log with its header is told from a message (``app.models.calllog.looks_like_message``).
CALL_LOG_HEADER_WORDS = frozenset(name for key, names in _CSV_COLUMNS.items() if key != "text" for name in names)
# A message CSV's type column: the parent's own messages are kept, not screened (as in the XML backups).
_CSV_SENT_WORDS = ("发送", "已发", "发出", "sent", "outgoing", "outbox")
_CSV_DRAFT_WORDS = ("草稿", "draft")
_CSV_PROSE = 20  # a cell this long in a file without a header is text, so the file may be messages
_HEADER_LOOKAHEAD = 5  # lines after the first call-like line where a known header still makes that line a title
LAYOUT_LINES = 200  # csv_layout looks for the header in a file's first lines (and _HEADER_LOOKAHEAD more)
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")  # 来电号码(对方), 时长（秒）
# The call types the backups use (``backup_xml.CALL_TYPES``), as a call-log CSV writes them.
_CSV_CALL_TYPES = (
    ("missed", ("未接", "missed")),
    ("rejected", ("拒接", "rejected", "declined")),
    ("blocked", ("拦截", "blocked")),
    ("voicemail", ("语音信箱", "voicemail")),
    ("outgoing", ("去电", "呼出", "拨出", "已拨", "outgoing", "out")),
    ("incoming", ("来电", "呼入", "已接", "接听", "incoming", "in")),
)
_CSV_DURATION = re.compile(r"^(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|m|min))?\s*(?:(\d+)\s*(?:秒|s))?$")


def _csv_header(cells: list[str]) -> dict[str, int]:
    """Column of each known header name among a line's ``cells`` (see ``_CSV_COLUMNS``), or {} for no header.
    A second time column (日期 then 时间: the date and the clock time apart) is ``clock``."""
    lowered = [unicodedata.normalize("NFKC", c).strip().lstrip("\ufeff").lower() for c in cells]
    bare = [_BRACKETED.sub("", c).strip() for c in lowered]  # a name with a note in brackets: 来电号码(对方)
    found: dict[str, int] = {}
    for key, names in _CSV_COLUMNS.items():
        for i, cell in enumerate(lowered):
            if cell in names or bare[i] in names:
                found[key] = i
                break
    if "time" in found:
        more = [i for i, cell in enumerate(lowered) if cell in _CSV_COLUMNS["time"] and i != found["time"]]
        if more:
            found["clock"] = more[0]
    return found


@dataclass(frozen=True)
class CsvLayout:
    """What a CSV from a phone holds, read from its header (``csv_layout``)."""

    kind: str  # calllog | smslog | csv (cannot tell: refused)
    header_line: int = 0  # 1-based; 0 when the file has no header
    header: tuple[str, ...] = ()
    columns: dict[str, int] = field(default_factory=dict)
    problem: Message | None = None  # why a file of kind "csv" is refused


def _data_line(line: str) -> bool:
    """Whether a CSV line holds a call (a number of at least three digits and no letters, or digits split over
    cells), rather than a header or a title line (短信导出 2026-12-06, Exported 2026-12-06)."""
    from blocklists.importexport import CALL_LOG_AMBIGUOUS, call_log_number

    number = call_log_number(line)
    if number == CALL_LOG_AMBIGUOUS:
        return True
    return sum(ch.isdigit() for ch in number) >= 3 and not any(ch.isalpha() for ch in number)  # 汉字 are letters too


def _time_cell(cell: str) -> bool:
    """Whether a cell is a time (perhaps with a weekday), not a text that mentions one (快递将于2026-12-25送达…)."""
    m = _CSV_TIME.search(cell)
    return m is not None and len(cell) - len(m.group(0)) <= 8


def _prose_cell(cells: list[str]) -> str:
    """The first cell that reads as text (a message body) rather than a number, time, name or call type."""
    for cell in cells:
        if len(cell) >= _CSV_PROSE and not _time_cell(cell) and sum(ch.isdigit() for ch in cell) < len(cell) / 2:
            return cell
    return ""


def _header_layout(path: Path, line: int, cells: list[str], columns: dict[str, int]) -> CsvLayout:
    """The layout a header with a number column gives: messages with a text column, else a call log.  Messages
    without a time column are refused: each would be dated at the import."""
    if "text" not in columns:
        return CsvLayout("calllog", line, tuple(cells), columns)
    if "time" not in columns:
        params = {"path": str(path), "found": _excerpt("，".join(c for c in cells if c), 80)}
        return CsvLayout("csv", line, tuple(cells), columns, Message(PhoneProblem.CSV_NO_TIME_COLUMN, params))
    return CsvLayout("smslog", line, tuple(cells), columns)


def _header_below(lines: Sequence[str], line: int) -> tuple[int, list[str], dict[str, int]] | None:
    """(line number, cells, columns) of the first known header in the ``_HEADER_LOOKAHEAD`` lines after ``line``
    (1-based), or None."""
    from blocklists.importexport import csv_cells

    for at, ahead in enumerate(lines[line : line + _HEADER_LOOKAHEAD], line + 1):
        if ahead.strip() and not _data_line(ahead):
            cells = csv_cells(ahead)
            if columns := _csv_header(cells):
                return at, cells, columns
    return None


def csv_layout(path: Path, lines: Sequence[str]) -> CsvLayout:
    """Call log, message export or neither, from the first lines of a CSV.

    The header is the first line that names a known column, before the first call or at most
    ``_HEADER_LOOKAHEAD`` lines after it (a title line may come first, and one that is only a date looks like a
    call).  With a text column (内容/短信内容/body…) and a number or sender column it is a message export; with a
    number column, a call log.  A file without a header is a call log (one number a line, or the number among
    other cells) unless a line holds text, which only messages have.  Anything else cannot be told apart and is
    refused: nothing is ever guessed to be calls.
    """
    from blocklists.importexport import csv_cells

    unknown: tuple[int, list[str]] | None = None  # a title line or a header we do not know
    for i, line in enumerate(lines[:LAYOUT_LINES], 1):
        if not line.strip():
            continue
        cells = csv_cells(line)
        if not _data_line(line):
            columns = _csv_header(cells)
            if "number" in columns:
                return _header_layout(path, i, cells, columns)
            if columns:  # a header, without a number column
                unknown = (i, cells)
                break
            unknown = unknown or (i, cells)
            continue
        # digits that look like a call may still be a title line (just the export's date): a known header
        # a few lines below says so
        header = _header_below(lines, i)
        if header is not None:
            at, cells, columns = header
            if "number" in columns:
                return _header_layout(path, at, cells, columns)
            unknown = (at, cells)
            break
        if unknown is not None:  # a header we do not know, then data
            break
        for at, ahead in enumerate(lines[i - 1 : i + 4], i):
            if prose := _prose_cell(csv_cells(ahead)):
                params = {"path": str(path), "line": at, "value": _excerpt(prose, 24)}
                return CsvLayout("csv", problem=Message(PhoneProblem.CSV_TEXT_WITHOUT_HEADER, params))
        return CsvLayout("calllog")
    if unknown is None:
        return CsvLayout("calllog")  # nothing but blank lines: reported as "no numbers"
    found = "，".join(c for c in unknown[1] if c) or unknown[1][0]
    params = {"path": str(path), "found": _excerpt(found, 80)}
    return CsvLayout("csv", unknown[0], tuple(unknown[1]), problem=Message(PhoneProblem.CSV_UNKNOWN_COLUMNS, params))


CALL_LOG_TITLE = "\x00title"  # call_log_numbers' answer for text above the header or the numbers (a title)
CALL_LOG_BROKEN = "\x00broken"  # … for a message export whose rows cannot be read from this line on (a stray quote)


_SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xls", ".et", ".ods"})  # Excel, WPS, LibreOffice: said in a folder too


def _spreadsheet_file(path: Path) -> bool:
    from blocklists.importexport import is_spreadsheet

    try:
        with open(path, "rb") as fh:
            return is_spreadsheet(fh.read(8))
    except OSError:
        return False


def _call_channel(call_type: str | None) -> str:
    """How a call's number is screened: as a caller's shown number, or (a call the person made) as a number dialled,
    which no caller-ID spoof can be (``screening.screener.CALLER_ID_FACTS``)."""
    return "dialled" if call_type == "outgoing" else "call"


def call_log_line_number(line: str, layout: CsvLayout) -> str:
    """The number on one line of a call log whose layout is ``layout`` (``csv_layout``): the cell under the header's
    number column (号码, 电话, number …) when the header names one, so a name or a date before it is never taken
    for the number; else the first number-like cell (``call_log_number``).  ``""`` for a line without a number
    (blank, a comment, an empty cell or one that says the number was withheld: 隐藏号码, Unknown; ``is_withheld_word``);
    ``CALL_LOG_AMBIGUOUS`` when the line does not line up with its header (138,0013,8000: digits split by commas, so
    which is the number?).  A cell of other words (张三, abc) comes back as it is, to be found no number."""
    from blocklists.importexport import CALL_LOG_AMBIGUOUS, call_log_number, csv_cells
    from screening.numbers import is_withheld_word

    column = layout.columns.get("number")
    if column is None or not layout.header_line:
        return call_log_number(line)
    if not line.strip() or line.lstrip().startswith("#"):
        return ""
    cells = csv_cells(line)
    width = len(layout.header)
    cell = cells[column] if column < len(cells) else ""
    if any(cells[width:]):
        return CALL_LOG_AMBIGUOUS  # more cells than the header: 138,0013,8000 under 号码,时间
    after = cells[column + 1] if column + 1 < len(cells) else ""
    if len(cells) != width and len(cell) < 7 and _digits_only(cell) and _digits_only(after):
        return CALL_LOG_AMBIGUOUS  # a row that does not line up, its number running on: 张三,138,0013,8000
    if any(ch.isdigit() for ch in cell) or not is_withheld_word(cell):
        return cell  # (a cell of words that says no withheld number, 张三 or abc, is read and found no number)
    return ""


def _digits_only(cell: str) -> bool:
    """Whether a cell holds digits only (perhaps with +, spaces and dashes): a piece of a number."""
    return cell.lstrip("+").replace(" ", "").replace("-", "").isdigit()


def call_log_numbers(lines: Iterable[str | None], path: str | Path = "") -> Iterator[tuple[int, str | None]]:
    """``(line number, number)`` for each call of a call log (or message of a message export, or line of a list of
    numbers), in file order: how ``callshield check --file`` / ``check -`` and the Check page's 打开通话记录… read a
    file, with the layout and the per-line reading ``phone import`` uses (``csv_layout``, ``call_log_line_number``).

    ``lines`` are decoded lines, ``None`` for one that could not be decoded (it comes back as ``(line, None)``).
    Lines above the header are not read as numbers: one that holds text comes back as ``CALL_LOG_TITLE`` (the
    export's title, 通话记录-爸爸-20261206), so a caller can say it was not checked.  ``CALL_LOG_AMBIGUOUS`` marks
    digits split over cells, ``CALL_LOG_BROKEN`` the line of a message export from which on no row can be read (a
    quote never closed); lines without a number are left out.  Lazy: only the first lines are held while
    the header is found, so a million lines on stdin stream.
    """
    for line, value, _details in call_log_calls(lines, path):
        yield line, value


@dataclass(frozen=True)
class CallDetails:
    """What a call log's row says beside the number (its 姓名 and 时间 cells, as written), so a checked number is
    shown with the call it came from; both empty for a list of numbers or a file without those columns."""

    name: str = ""
    time: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.time)


NO_DETAILS = CallDetails()


def call_log_calls(lines: Iterable[str | None], path: str | Path = "") -> Iterator[tuple[int, str | None, CallDetails]]:
    """``call_log_numbers`` with each number's :class:`CallDetails` (its row's name and time cells)."""
    it = iter(lines)
    head = list(itertools.islice(it, LAYOUT_LINES + _HEADER_LOOKAHEAD))
    layout = csv_layout(Path(path), ["" if line is None else line for line in head])
    numbered = enumerate(itertools.chain(head, it), 1)
    for i, line in itertools.islice(numbered, layout.header_line):  # a title, then the header
        if line is not None and line.replace(",", "").strip() and not (i == layout.header_line and layout.columns):
            yield i, CALL_LOG_TITLE, NO_DETAILS  # (also a title of words alone, 居民反映情况汇总,,: each is named)
    if "text" in layout.columns and "number" in layout.columns:  # messages: a text may hold commas and line breaks
        for i, number in _message_numbers(numbered, layout, head[layout.header_line - 1] or ""):
            yield i, number, NO_DETAILS
        return
    detailed = layout.header_line and ("name" in layout.columns or "time" in layout.columns)
    for i, line in numbered:
        if line is None:
            yield i, None, NO_DETAILS
        elif number := call_log_line_number(line, layout):
            yield i, number, _call_details(layout.columns, line) if detailed else _name_beside(line)


def _name_beside(line: str) -> CallDetails:
    """A line without a header's columns: the name written beside its one number (王阿姨 138 0013 8000, 95275012（说是
    银行的）), read as 查号 reads a paste (``blocklists.pasted.pasted_with_names``)."""
    from blocklists.pasted import pasted_with_names

    found = pasted_with_names(line)
    return CallDetails(name=found[0][1][:40]) if len(found) == 1 and found[0][1] else NO_DETAILS


def _call_details(columns: dict[str, int], line: str) -> CallDetails:
    """The name and time cells of one call-log ``line`` (a date and a clock time apart joined; Unix seconds or
    milliseconds, as Android exports write them, shown as the local time)."""
    from blocklists.importexport import csv_cells

    cells = csv_cells(line)
    time = " ".join(v for v in (_column_cell(columns, cells, "time"), _column_cell(columns, cells, "clock")) if v)
    if epoch := _epoch_time(_column_cell(columns, cells, "time")):
        time = datetime.fromisoformat(epoch).astimezone().strftime("%Y-%m-%d %H:%M")
    return CallDetails(name=_column_cell(columns, cells, "name")[:40], time=time[:40])


def _message_numbers(
    numbered: Iterator[tuple[int, str | None]], layout: CsvLayout, header: str
) -> Iterator[tuple[int, str | None]]:
    """The sender of each message below a message export's ``header`` (``_message_rows``); undecodable lines as
    ``(line, None)``."""
    undecodable: list[int] = []

    def body() -> Iterator[str]:
        for i, line in numbered:
            if line is None:
                undecodable.append(i)
            yield line or ""

    column = layout.columns["number"]
    reading = [layout.header_line + 1]
    try:
        for at, cells in _message_rows(body(), header, layout.header_line, reading):
            while undecodable:
                yield undecodable.pop(0), None
            number = cells[column].strip() if column < len(cells) else ""
            if number:
                yield at, number
    except csv.Error:  # a quote never closed ran past the csv module's field limit
        yield reading[0], CALL_LOG_BROKEN
        return
    while undecodable:
        yield undecodable.pop(0), None


def _delimiter(header: str) -> str:
    """A message export's delimiter: tab where its header has more tabs than commas, else comma."""
    return "\t" if header.count("\t") > header.count(",") else ","


def _swallows_rows(cell: str, delimiter: str, columns: dict[str, int], width: int) -> bool:
    """Whether a cell read across line breaks holds a line laid out as a whole row of the export: read as a row, it has
    the header's cells, a number in its number column and a time in its time column. A message's own lines do not
    (「2026-12-03 09:58 支出1,000.00元，余额12,345.67元」 has commas and a date, no number where the number goes: a
    review); a quote left open does, as the csv module then reads the rows after it into this cell."""
    if "\n" not in cell or width < 2:
        return False
    for line in cell.split("\n")[1:]:
        if line.count(delimiter) < width - 1:
            continue
        row = next(csv.reader([line], delimiter=delimiter), [])
        if len(row) < width:
            continue
        number = _column_cell(columns, row, "number")
        when = _column_cell(columns, row, "time")
        if _PHONE_CELL.fullmatch(number.replace(" ", "").replace("-", "")) and _CSV_TIME.search(when):
            return True
    return False


_PHONE_CELL = re.compile(r"\+?\d{3,20}")


def _message_rows(
    body: Iterable[str], header: str, header_line: int, reading: list[int] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The rows below a message export's ``header`` (on line ``header_line``) as ``(line the row starts on, cells)``,
    blank rows left out.  Read with the csv module: a message may hold commas, quotes and line breaks.  A row it
    cannot read raises ``csv.Error``; ``reading[0]``, when given, is then the line that row starts on."""
    reader = csv.reader((line + "\n" for line in body), delimiter=_delimiter(header))
    reading = reading if reading is not None else [0]
    reading[0] = header_line + 1  # the line the next row starts on
    for cells in reader:
        at = reading[0]
        reading[0] = header_line + reader.line_num + 1
        if any(c.strip() for c in cells):
            yield at, cells


def _column_cell(columns: dict[str, int], cells: list[str], key: str) -> str:
    """The cell of a row under the header's ``key`` column (name, time, clock, number, text …), stripped; "" when the
    header has no such column or the row is short of it."""
    at = columns.get(key)
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _csv_extra(columns: dict[str, int], cells: list[str]) -> tuple[str | None, str | None, float | None]:
    """(name, call type, duration in seconds) of one call-log line's ``cells``, from the columns its header named."""

    def cell(key: str) -> str:
        at = columns.get(key)
        return cells[at] if at is not None and at < len(cells) else ""

    return cell("name") or None, _csv_call_type(cell("type")), _csv_duration(cell("duration"))


def _csv_box(cell: str) -> str:
    """inbox / sent / draft from a message CSV's type cell (接收, 已发送, sent, 1, 2 …); inbox when unsure."""
    cell = cell.strip().lower()
    if cell == "2" or any(w in cell for w in _CSV_SENT_WORDS):
        return "sent"
    if cell == "3" or any(w in cell for w in _CSV_DRAFT_WORDS):
        return "draft"
    return "inbox"


def _csv_time(text: str, tz: tzinfo, *, cell: bool = False) -> str | None:
    """ISO-8601 UTC of the local time in ``text`` (see ``_CSV_TIME``), or None.

    In a whole line (a call log without a header) the first date is read, with the clock time right after it.
    In a time ``cell`` (or a date cell and a clock cell joined) the clock time may stand apart from the date, and
    a date whose cell has more digits or a 上午/下午 with no clock time is unreadable rather than midnight."""
    m = _CSV_TIME.search(text)
    if m is None:
        dated = _with_year(text, tz)
        return None if dated is None else _csv_time(dated, tz, cell=cell)
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.group(1, 2, 3, 5, 6, 7))
    period = m.group(4) or m.group(8)
    if cell and m.group(5) is None:
        rest = text[: m.start()] + " " + text[m.end() :]
        c = _CSV_CLOCK_ONLY.search(rest)
        if c is not None:
            h, mi, s = (int(g) if g else 0 for g in c.group(2, 3, 4))
            period = c.group(1) or c.group(5)
        elif any(ch.isdigit() for ch in rest) or _CSV_PERIOD_WORD.search(rest):
            return None
    if period:
        period = period.lower()
        if period in _CSV_PM and h < 12 or period == "中午" and h < 11:
            h += 12
        elif period in _CSV_AM and h == 12:
            h = 0
        elif period in _CSV_AM and h > 12:
            return None  # 上午15:05
    try:
        local = datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError:
        return None
    return local.astimezone(timezone.utc).isoformat()


def _with_year(text: str, tz: tzinfo) -> str | None:
    """``text`` with the year put before a date written without one (12月6日, as a phone's call log or a Chinese
    Excel cell shows this year's calls): the latest such day that is not in the future. None without such a date."""
    m = _CSV_MONTH_DAY.search(text)
    if m is None:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    today = datetime.now(tz).date()
    year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    return f"{text[: m.start()]}{year}年{month}月{day}日{text[m.end() :]}"


def _epoch_time(cell: str) -> str | None:
    """ISO-8601 UTC from a time cell holding Unix seconds or milliseconds (Android exports write ``date`` so)."""
    cell = cell.strip()
    if not cell.isdigit() or len(cell) not in (10, 13):
        return None
    return _iso_ms(int(cell) * (1000 if len(cell) == 10 else 1))


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def _csv_call_type(cell: str) -> str | None:
    cell = cell.strip().lower()
    for code, words in _CSV_CALL_TYPES:
        # Chinese words anywhere in the cell (未接来电, 来电(已接)); English ones as whole words ('missed call')
        if any(re.search(rf"\b{w}\b", cell) if w.isascii() else w in cell for w in words):
            return code
    return None


def _csv_duration(cell: str) -> float | None:
    """Seconds from 95, 1:35, 0:01:35, 1分35秒 or 2分钟; None when unreadable."""
    cell = cell.strip().lower().replace(" ", "")
    if not cell:
        return None
    if cell.isdigit():
        return float(cell)
    if re.fullmatch(r"\d{1,3}(?::\d{2}){1,2}", cell):
        total = 0
        for part in cell.split(":"):
            total = total * 60 + int(part)
        return float(total)
    m = _CSV_DURATION.match(cell)
    if m and any(m.groups()):
        h, mi, sec = (int(g) if g else 0 for g in m.groups())
        return float(h * 3600 + mi * 60 + sec)
    return None


class _RepeatCache:
    """``detector.assess`` remembered for recent texts: a phone's messages repeat word for word (bulk
    promotions, "好的", the same family greeting), and the detector is deterministic, so a repeat costs a lookup.
    """

    def __init__(self, detector: Any, size: int = 4096) -> None:
        self.detector = detector
        self.size = size
        self._seen: dict[tuple[str, str | None], Any] = {}

    def assess(self, text: str, style: str | None = None) -> Any:
        got = self._seen.get((text, style))
        if got is None:
            if len(self._seen) >= self.size:
                self._seen.pop(next(iter(self._seen)))  # oldest first (dicts keep insertion order)
            got = self._seen[(text, style)] = self.detector.assess(text, style=style)
        return got


def _json_default(obj: Any) -> Any:
    return _plain(obj) if is_dataclass(obj) else str(obj)


def _dumps(value: Any) -> str | None:
    """JSON for a history column; plain dicts/lists go straight to ``json`` (this runs for every message)."""
    if value is None or value == [] or value == ():
        return None
    return json.dumps(value, ensure_ascii=False, default=_json_default)


class PhoneImporter:
    """Import phone files for one profile into the history of an open database (see ``blocklists.db.open_db``)."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        profile: str = "",
        *,
        screener: NumberScreener | None = None,
        detector: Any = None,
        transcriber: Transcriber | None = None,
        tz: tzinfo | None = None,
        settle_s: float = SETTLE_S,
        skip_bad: bool = False,
    ) -> None:
        self.db = db
        self.skip_bad = skip_bad  # import a CSV's good lines when some are bad (they are named either way)
        self.history = History(db)
        self.profile = profile.strip()
        if screener is None:
            from blocklists.store import ListStore

            screener = NumberScreener(ListStore(db))
        self.screener = screener
        self._detector = detector
        self.transcriber = transcriber
        self.tz = tz or LOCAL  # each date's own offset (summer time), not today's
        self.settle_s = settle_s
        self._verdicts: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._sms_detector: _RepeatCache | None = None
        # The person is created by the first file that imports (``_keep_profile``), not by naming them: a failed
        # import under a mistyped name left a second person behind, and ``report`` then asked which one was meant.
        self._profile_kept = False

    def _keep_profile(self) -> None:
        if self.profile and not self._profile_kept:
            self.history.add_profile(self.profile)
            self._profile_kept = True

    @property
    def detector(self) -> Any:
        if self._detector is None:
            from screening.transcript.detector import ScriptDetector

            self._detector = ScriptDetector.default()
        return self._detector

    # ------------------------------------------------------------------------------------- dispatch
    def import_paths(
        self,
        paths: Iterable[str | Path],
        progress: Callable[[FileImport], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ImportResult:
        """Import every file (folders: backups, CSV and recordings inside).  Backups and CSVs go first, so
        recordings can be matched to the calls they hold.  A bad file is reported; the others go on."""
        t0 = time.perf_counter()
        tables: list[tuple[str, Path]] = []
        audio: list[Path] = []
        results: list[FileImport] = []
        for raw in paths:
            p = Path(raw)
            if not p.exists():
                results.append(self._failed(p, "unknown", Message(PhoneProblem.NOT_FOUND, {"path": str(p)})))
                continue
            for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
                if not f.is_file():
                    continue
                kind = self.classify(f)
                if p.is_dir() and kind == "calllog" and f.suffix.lower() != ".csv":
                    continue  # inside a folder only .csv files are call logs; a .txt is taken when named
                if kind == "recording":
                    audio.append(f)
                elif kind in ("calls", "smses", "calllog"):
                    tables.append((kind, f))
                elif not p.is_dir() or (f.suffix.lower() in _SPREADSHEET_SUFFIXES and _spreadsheet_file(f)):
                    # an unknown file named on purpose gets an answer; in folders it is ignored, but for a spreadsheet
                    # (a trial's 短信.xlsx beside the call log was passed over without a word: she took her SMS for
                    # checked) that says to save it as CSV
                    problem = PhoneProblem.SPREADSHEET if _spreadsheet_file(f) else PhoneProblem.UNKNOWN_FILE
                    said = self._failed(f, "unknown", Message(problem, {"path": str(f)}))
                    if p.is_dir():  # one of many files in a phone's folder: passed over, with why, not a failure
                        said.status = PASSED_OVER  # (a review: every .xlsx in a storage dump failed the import)
                    results.append(said)
        for kind, f in tables:
            if cancel is not None and cancel.is_set():
                break
            r = self.import_csv(f, cancel) if kind == "calllog" else self.import_backup(f, cancel)
            results.append(r)
            if progress is not None:
                progress(r)
        for f in audio:
            if cancel is not None and cancel.is_set():
                break
            r = self.scan_recording(f)
            results.append(r)
            if progress is not None:
                progress(r)
        return ImportResult(self.profile, results, time.perf_counter() - t0)

    @staticmethod
    def classify(path: Path) -> str:
        suffix = path.suffix.lower()
        if suffix in AUDIO_EXTENSIONS:
            return "recording"
        if suffix == ".xml":
            kind = detect_kind(path)
            if kind is not None:
                return kind
            return "calls" if path.name.lower().startswith("calls") else "smses"  # parse to give the real error
        if suffix in CSV_EXTENSIONS:
            return "calllog"
        return "unknown"

    @staticmethod
    def _failed(path: Path, kind: str, message: Message) -> FileImport:
        return FileImport(path=str(path), kind=kind, status=FAILED, error=message)

    # ------------------------------------------------------------------------------------- verdicts
    def _number(self, raw: str, channel: str) -> tuple[Any, ...]:
        """(level, score, e164, reasons, category) for a number, cached per channel."""
        key = (raw, channel)
        got = self._verdicts.get(key)
        if got is None:
            if len(self._verdicts) >= VERDICT_CACHE:
                self._verdicts.clear()  # a call log repeats a few numbers a lot; a backup's one-off numbers need no cache
            v = self.screener.screen(raw, channel=channel)  # type: ignore[arg-type]
            category = next((m.category.value for m in v.matches if m.list_kind.blocks), None)
            reasons = tuple(r.to_dict() for r in v.reasons)
            got = self._verdicts[key] = (v.level, float(v.score), v.number.e164, reasons, category, v)
        return got

    # ------------------------------------------------------------------------------------- writing
    def _write_file(
        self,
        path: Path,
        kind: str,
        rows: Iterator[tuple[str, Callable[[], tuple[Any, ...]]]],
        cancel: threading.Event | None,
    ) -> FileImport:
        """Insert rows in one transaction.  ``rows`` yields ``(content hash, build)``: ``build()`` screens the
        record and returns its row (in ``_ROW_COLS`` order); it is only called for hashes not stored yet, so a
        re-import costs parsing and lookups, not screening."""
        t0 = time.perf_counter()
        result = FileImport(path=str(path), kind=kind)
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            batch: list[tuple[str, Callable[[], tuple[Any, ...]]]] = []

            def flush() -> None:
                known = self.history.existing_hashes(key for key, _ in batch)
                fresh: list[tuple[Any, ...]] = []
                for key, build in batch:
                    if key in known:
                        result.existing += 1
                    else:
                        known.add(key)  # the same record twice in one file counts once
                        fresh.append(build())
                conn.executemany(_INSERT, fresh)
                result.added += len(fresh)
                batch.clear()
                trim_cache(VERDICT_CACHE)
                if cancel is not None and cancel.is_set():
                    raise ImportFailed(Message(PhoneProblem.CANCELLED, {"path": str(path)}))

            for item in rows:
                result.read += 1
                batch.append(item)
                if len(batch) >= BATCH:
                    flush()
            flush()
            conn.execute("COMMIT")
            self._keep_profile()
        except BaseException as exc:
            conn.execute("ROLLBACK")
            result.added = result.existing = 0
            result.flagged.clear()
            result.status = FAILED
            if isinstance(exc, BackupError):
                result.error = exc.message
            elif isinstance(exc, ImportFailed):
                result.error = exc.message
                if exc.message.code is PhoneProblem.CANCELLED:
                    result.status = CANCELLED
            elif isinstance(exc, Exception):
                log.exception("import of %s failed", path.name)
                result.error = Message(PhoneProblem.INTERNAL, {"path": str(path), "detail": type(exc).__name__})
            else:
                raise
        result.seconds = time.perf_counter() - t0
        if result.status == DONE and result.read == 0 and kind in ("calllog", "smslog"):
            result.status = FAILED
            code = PhoneProblem.CSV_NO_NUMBERS if kind == "calllog" else PhoneProblem.CSV_NO_MESSAGES
            result.error = Message(code, {"path": str(path)})
        return result

    def _flag(self, result: FileImport, row: tuple[Any, ...], excerpt: str, entities: Any = ()) -> None:
        """Report a risky row (rows are only built, and so flagged, when this import adds them)."""
        values = dict(zip(_ROW_COLS, row, strict=True))
        level = Level(values["level"])
        result.flagged.append(
            PhoneEvent(
                kind=values["kind"],
                number=values["number_raw"] or "",
                occurred_at=values["occurred_at"],
                level=level,
                score=float(values["score"] or 0.0),
                category=values["category"],
                reasons=tuple(json.loads(values["reasons"]) if values["reasons"] else ()),
                excerpt=excerpt,
                file_path=values["file_path"],
                name=values["name"],
                entities=tuple(_plain(list(entities))),
            )
        )

    # ------------------------------------------------------------------------------------- backups
    def import_backup(self, path: str | Path, cancel: threading.Event | None = None) -> FileImport:
        p = Path(path)
        kind = "calls" if detect_kind(p) == "calls" else "sms" if detect_kind(p) == "smses" else "unknown"
        flagged: list[tuple[tuple[Any, ...], str, Any]] = []
        counts = {"screened": 0}

        def rows() -> Iterator[tuple[str, Callable[[], tuple[Any, ...]]]]:
            for rec in iter_backup(p):
                if isinstance(rec, CallRecord):
                    key = _hash(self.profile, "call", rec.number, rec.date_ms, rec.type, rec.duration_s)
                    yield key, partial(self._call_row, rec, key, flagged, counts)
                else:
                    key = _hash(self.profile, rec.kind, rec.address, rec.date_ms, rec.box, rec.body, len(rec.parts))
                    yield key, partial(self._message_row, rec, key, flagged, counts)

        result = self._write_file(p, kind, rows(), cancel)
        if result.status == DONE:
            result.screened = counts["screened"]
            for row, excerpt, entities in flagged:
                self._flag(result, row, excerpt, entities)
        return result

    def _call_row(self, rec: CallRecord, key: str, flagged: list[Any], counts: dict[str, int]) -> tuple[Any, ...]:
        number = rec.number if rec.presentation == 1 else ""
        level, score, e164, reasons, category, _v = self._number(number, _call_channel(rec.call_type))
        counts["screened"] += 1
        at = _iso_ms(rec.date_ms)
        row = (
            "call", at, rec.number, e164, "phone-backup", rec.contact_name, int(level), score, category,
            _dumps(reasons), None, None, None, None, key, float(rec.duration_s), None, self.profile, rec.call_type,
        )  # fmt: skip
        if level >= Level.CAUTION:
            flagged.append((row, "", ()))
        return row

    def _message_row(
        self, rec: MessageRecord, key: str, flagged: list[Any], counts: dict[str, int], source: str = ""
    ) -> tuple[Any, ...]:
        at = _iso_ms(rec.date_ms)
        source = source or f"phone-backup-{rec.kind}"
        attachments: list[dict[str, Any]] = [
            {"kind": "attachment", "value": part.content_type, "size": part.size, "name": part.name}
            for part in rec.parts
            if part.content_type != "text/plain"
        ]
        if not rec.incoming:  # the parent's own messages are kept, not screened
            return (
                "sms", at, rec.address, None, source, rec.contact_name, None, None, None, None,
                rec.body, None, _dumps(attachments), None, key, None, None, self.profile, rec.box,
            )  # fmt: skip
        from screening.sms import assess_sms

        counts["screened"] += 1
        verdict = self._number(rec.address, "sms")[5]
        if self._sms_detector is None or self._sms_detector.detector is not self.detector:
            self._sms_detector = _RepeatCache(self.detector)
        a = assess_sms(rec.address, rec.body, self.screener, self._sms_detector, sender_verdict=verdict)
        entities: list[dict[str, Any]] = [
            {"kind": e.kind, "value": e.value, "start": e.start, "end": e.end} for e in a.content.entities
        ]
        entities += attachments
        flagged_row = a.level >= Level.CAUTION
        row = (
            "sms", at, rec.address, verdict.number.e164, source, rec.contact_name, int(a.level),
            round(a.score, 3), a.category, _dumps(a.reasons()) if flagged_row else None, rec.body,
            _dumps([_plain(h) for h in a.content.hits]) if flagged_row else None, _dumps(entities), None, key, None,
            None, self.profile, rec.box,
        )  # fmt: skip
        if flagged_row:
            flagged.append((row, _excerpt(rec.body), entities))
        return row

    # ------------------------------------------------------------------------------------- CSV
    def import_csv(self, path: str | Path, cancel: threading.Event | None = None) -> FileImport:
        """A call log or a message export saved as CSV, told apart by its header (``csv_layout``); a file that is
        neither is refused.  Lines that cannot be read (a number with letters in it, digits split over cells, a
        time that is missing or unreadable where the header has a time column, bytes that are no text) fail the
        whole file, each named by its line, unless ``skip_bad`` was given."""
        from blocklists.importexport import decode_bytes

        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            unreadable = {"path": str(p), "detail": exc.strerror or type(exc).__name__}
            return self._failed(p, "csv", Message(BackupProblem.UNREADABLE, unreadable))
        if not data:
            return self._failed(p, "csv", Message(PhoneProblem.CSV_EMPTY, {"path": str(p)}))
        lines, _enc, undecodable, binary = decode_bytes(data)
        del data
        bad: list[Message] = [Message(RowProblem.UNDECODABLE, {"line": i}) for i in undecodable]
        bad += [Message(RowProblem.BINARY, {"line": i}) for i in binary]
        skip = set(undecodable) | set(binary)
        layout = csv_layout(p, [("" if i in skip else ln) for i, ln in enumerate(lines, 1)])
        if layout.problem is not None:
            return self._failed(p, "csv", layout.problem)
        flagged: list[tuple[tuple[Any, ...], str, Any]] = []
        counts = {"screened": 0}
        if layout.kind == "smslog":
            rows = self._message_csv_rows(p, lines, skip, layout, bad, flagged, counts)
        else:
            rows = self._call_csv_rows(p, lines, skip, layout, bad, flagged)
        result = self._write_file(p, layout.kind, self._all_or_nothing(p, rows, bad), cancel)
        if bad:
            result.bad_rows = len(bad)
            if result.status == DONE:  # skipped, as asked
                result.notes.append(Message(PhoneProblem.ROWS_SKIPPED, {"count": len(bad)}))
            if result.status == DONE or len(bad) > 1:  # one bad line is named by the error itself
                bad.sort(key=lambda m: int(m.params["line"]))
                result.notes += bad[:MAX_BAD_ROWS_SHOWN]
                if len(bad) > MAX_BAD_ROWS_SHOWN:
                    more = len(bad) - MAX_BAD_ROWS_SHOWN
                    result.notes.append(Message(PhoneProblem.MORE_BAD_ROWS, {"count": more}))
        if result.status == DONE:
            result.screened = counts["screened"] if layout.kind == "smslog" else result.read  # every call read
            for row, excerpt, entities in flagged:
                self._flag(result, row, excerpt, entities)
        return result

    def _all_or_nothing(
        self, p: Path, rows: Iterator[tuple[str, Callable[[], tuple[Any, ...]]]], bad: list[Message]
    ) -> Iterator[tuple[str, Callable[[], tuple[Any, ...]]]]:
        """``rows``, then a failure (the transaction rolls back) if any line was bad and ``skip_bad`` is off."""
        yield from rows
        if bad and not self.skip_bad:
            first = min(bad, key=lambda m: int(m.params["line"]))
            code = PhoneProblem.CSV_BAD_ROW if len(bad) == 1 else PhoneProblem.CSV_BAD_ROWS
            params = {"path": str(p), "count": len(bad), "first": first.render("zh"), "first_en": first.render("en")}
            raise ImportFailed(Message(code, params))

    def _call_csv_rows(
        self,
        p: Path,
        lines: list[str],
        skip: set[int],
        layout: CsvLayout,
        bad: list[Message],
        flagged: list[Any],
    ) -> Iterator[tuple[str, Callable[[], tuple[Any, ...]]]]:
        from blocklists.importexport import CALL_LOG_AMBIGUOUS, csv_cells
        from screening.numbers import NumberProblem, normalise

        columns = layout.columns
        dated = 0
        undated: list[int] = []
        for i, line in enumerate(lines, 1):
            if i <= layout.header_line or i in skip:
                continue
            number = call_log_line_number(line, layout)
            if number == CALL_LOG_AMBIGUOUS:
                bad.append(Message(RowProblem.AMBIGUOUS, {"line": i}))
                continue
            if not number:  # blank, or a withheld number (an empty cell, 隐藏号码, Unknown)
                cells = csv_cells(line)
                if "time" not in columns or len(cells) != len(layout.header) or line.lstrip().startswith("#"):
                    continue  # (a footer or a date line under the table, 「2026-12-06,,」, is no call)
                read = self._cell_time(columns, cells, i)
                if isinstance(read, Message):
                    continue  # no number and no time: nothing that happened to keep
                # a call from a withheld number, kept as the backups keep one (screened: 隐藏号码, 注意), not dropped
                key = _hash(self.profile, "csv", "", read, line.strip())
                yield key, partial(self._csv_row, "", read, key, flagged, *_csv_extra(columns, cells))
                continue
            checked = normalise(number)
            if checked.problem in (NumberProblem.NOT_A_NUMBER, NumberProblem.UNPARSEABLE) and (
                len(checked.digits) >= 3 or any(ch.isalpha() for ch in number)  # (a cell of words: abc, 张三2)
            ):
                reason = checked.problem_message
                assert reason is not None
                params = {"line": i, "value": _excerpt(number, 40), "reason": reason.render("zh")}
                bad.append(Message(RowProblem.NOT_A_NUMBER, {**params, "reason_en": reason.render("en")}))
                continue
            cells = csv_cells(line)
            when: str | None
            if "time" in columns:  # its header names the time column: read there, and a row without one is bad
                read = self._cell_time(columns, cells, i)
                if isinstance(read, Message):
                    bad.append(read)
                    continue
                when = read
            else:  # one number a line, or the number among other cells: the first date on the line
                when = _csv_time(line, self.tz) or next(filter(None, map(_epoch_time, csv_cells(line))), None)
                if when is None:  # a call without a date would be dated at the import, skewing the report's timeline
                    if sum(ch.isdigit() for ch in line) > sum(ch.isdigit() for ch in number):
                        # something more than the number (12/01/2026 10:00, 昨天 10:00): a time we cannot read
                        bad.append(Message(RowProblem.BAD_TIME, {"line": i, "value": _excerpt(line.strip(), 40)}))
                    else:
                        undated.append(i)
                    continue
            dated += 1
            key = _hash(self.profile, "csv", number, when, line.strip())
            extra = _csv_extra(columns, cells) if columns else (None, None, None)
            yield key, partial(self._csv_row, number, when, key, flagged, *extra)
        if undated and not dated and not bad:  # a list of numbers (查号, 名单), not a call log: said once, as such
            raise ImportFailed(Message(PhoneProblem.CSV_NUMBER_LIST, {"path": str(p)}))
        bad += [Message(RowProblem.NO_DATE, {"line": i}) for i in undated]

    def _message_csv_rows(
        self,
        p: Path,
        lines: list[str],
        skip: set[int],
        layout: CsvLayout,
        bad: list[Message],
        flagged: list[Any],
        counts: dict[str, int],
    ) -> Iterator[tuple[str, Callable[[], tuple[Any, ...]]]]:
        """A message export's rows, each screened as the XML backups' messages are (``_message_row``).  Cells are
        read with the csv module: a message may hold commas, quotes and line breaks."""
        width = len(layout.header)
        need = max(layout.columns["number"], layout.columns["text"]) + 1
        delimiter = _delimiter(lines[layout.header_line - 1])
        body = ("" if i in skip else ln for i, ln in enumerate(lines, 1) if i > layout.header_line)
        for at, cells in _message_rows(body, lines[layout.header_line - 1], layout.header_line):
            if len(cells) < need:
                bad.append(Message(RowProblem.COLUMNS, {"line": at, "expected": width, "found": len(cells)}))
                continue

            number, text = _column_cell(layout.columns, cells, "number"), _column_cell(layout.columns, cells, "text")
            # a cell that runs to the end of the file, or one that swallowed whole rows of this export up to a quote
            # on a later row: a quote never closed (a trial: a bank's SMS took in the scam SMS after it, and the bank's
            # number was blocked for its words)
            if any(c.endswith("\n") or _swallows_rows(c, delimiter, layout.columns, width) for c in cells):
                bad.append(Message(RowProblem.UNCLOSED_QUOTE, {"line": at}))
                continue
            when = self._cell_time(layout.columns, cells, at)
            if isinstance(when, Message):
                bad.append(when)
                continue
            box = _csv_box(_column_cell(layout.columns, cells, "type"))
            key = _hash(self.profile, "sms-csv", number, when, box, text)
            rec = MessageRecord(
                kind="sms",
                address=number,
                date_ms=_ms(when),
                box=box,
                body=text[:MAX_BODY],
                contact_name=_column_cell(layout.columns, cells, "name") or None,
            )
            yield key, partial(self._message_row, rec, key, flagged, counts, "sms-csv")

    def _csv_row(
        self,
        number: str,
        when: str,
        key: str,
        flagged: list[Any],
        name: str | None = None,
        call_type: str | None = None,
        duration_s: float | None = None,
    ) -> tuple[Any, ...]:
        level, score, e164, reasons, category, _v = self._number(number, _call_channel(call_type))
        row = (
            "call", when, number, e164,
            "call-log-csv", name, int(level), score, category, _dumps(reasons), None, None, None, None, key,
            duration_s, None, self.profile, call_type,
        )  # fmt: skip
        if level >= Level.CAUTION:
            flagged.append((row, "", ()))
        return row

    def _cell_time(self, columns: dict[str, int], cells: list[str], line: int) -> str | Message:
        """ISO-8601 UTC from a row's time cell (and its clock cell, when the header has the date and the time
        apart), or why not: an empty cell or one nobody can read (「昨天下午」), a bad line.  Never a date from the
        row's other cells (a message's own text may name a delivery date), never the moment of the import: either
        would put the row in the wrong place on the report's timeline."""

        time = _column_cell(columns, cells, "time")
        value = " ".join(v for v in (time, _column_cell(columns, cells, "clock")) if v)
        if not value:
            return Message(RowProblem.NO_TIME, {"line": line})
        when = _epoch_time(time) or _csv_time(value, self.tz, cell=True)
        return when or Message(RowProblem.BAD_TIME, {"line": line, "value": value[:40]})

    # ------------------------------------------------------------------------------------- recordings
    def calls_near(self, started: datetime, window_s: float = 600.0) -> list[CallEntry]:
        lo = (started - timedelta(seconds=window_s)).astimezone(timezone.utc).isoformat()
        hi = (started + timedelta(seconds=window_s)).astimezone(timezone.utc).isoformat()
        rows = self.db.conn.execute(
            "SELECT id, number_raw, occurred_at, duration_s, name FROM history WHERE kind = 'call' AND profile = ?"
            " AND occurred_at >= ? AND occurred_at <= ?",
            [self.profile, lo, hi],
        ).fetchall()
        return [CallEntry(int(r[0]), r[1] or "", datetime.fromisoformat(r[2]), float(r[3] or 0.0), r[4]) for r in rows]

    def settled(self, path: Path) -> bool:
        """False while the file is still growing (checked only when it changed in the last ``settle_s``)."""
        st = path.stat()
        if time.time() - st.st_mtime >= self.settle_s:
            return True
        time.sleep(min(0.5, self.settle_s))
        again = path.stat()
        return (again.st_size, again.st_mtime_ns) == (st.st_size, st.st_mtime_ns)

    def scan_recording(
        self, path: str | Path, digest: str | None = None, source: str = "phone-recording"
    ) -> FileImport:
        """Transcribe, assess, match to the call log and store one recording (skipped if its content is known)."""
        p = Path(path)
        t0 = time.perf_counter()
        result = FileImport(path=str(p), kind="recording")
        try:
            if p.stat().st_size == 0:
                result.status, result.error = FAILED, Message(PhoneProblem.EMPTY_FILE, {"path": str(p)})
                return result
            if not self.settled(p):
                result.status, result.error = FAILED, Message(PhoneProblem.STILL_WRITING, {"path": str(p)})
                return result
            digest = digest or file_hash(p)
        except FileNotFoundError:
            result.status, result.error = FAILED, Message(PhoneProblem.NOT_FOUND, {"path": str(p)})
            return result
        result.read = 1
        if self.history.find_by_hash(digest) is not None:
            result.status, result.existing = SKIPPED, 1
            return result
        parsed = parse_name(p.name, self.tz)
        if parsed is None:
            result.notes.append(Message(PhoneProblem.UNKNOWN_NAME, {"name": p.name}))
        ended = datetime.fromtimestamp(p.stat().st_mtime, timezone.utc)
        started = parsed.started if parsed else None
        candidates = self.calls_near(started or ended)
        call = match_call(
            started, candidates, number=parsed.number if parsed else None, name=parsed.name if parsed else None,
            ended=None if started else ended,
        )  # fmt: skip
        if call is None:
            result.notes.append(Message(PhoneProblem.NO_CALL_MATCH, {}))
        else:
            result.matched_call_id = call.id
        number = (parsed.number if parsed and parsed.number else None) or (call.number if call else "")
        name = (parsed.name if parsed else None) or (call.name if call else None)
        when = (call.started if call and not started else started) or ended
        if self.transcriber is None:
            raise RuntimeError("PhoneImporter needs a transcriber to scan recordings")
        from speech.errors import ModelError, SpeechError

        try:
            transcript = self.transcriber(p)
        except SpeechError as exc:
            result.status, result.error = FAILED, exc.message
            result.seconds = time.perf_counter() - t0
            if not isinstance(exc, ModelError):
                return result  # a file that cannot be read is said so, and tried again on the next import
            # No speech model (or a broken one): kept unchecked, so the family report can say so; the next import or
            # scan of the file checks it (and a failed file creates no person: ``_keep_profile``)
            why = speech_reason(exc.message)
            self.history.add_recording(
                str(p), content_hash=digest, occurred_at=when, source=source, number_raw=number or None, name=name,
                reasons=[why], profile=self.profile, line=vendor_of(p),
            )  # fmt: skip
            result.kept_unchecked = 1
            return result
        # a cut-off file, a model of another language: said on the screen and kept with the row, from one list
        warnings = recording_warnings(str(p), transcript.text, transcript.warning)
        result.notes.extend(warnings)
        a = self.detector.assess(transcript.text, style="call")
        level, score = a.level, float(a.score)
        reasons: list[dict[str, Any]] = []
        if a.level >= Level.CAUTION:
            reasons = [{"code": "script", "level": a.level.name.lower(), "zh": r.zh, "en": r.en} for r in a.reasons]
        reasons += [speech_reason(w) for w in warnings]
        e164 = None
        if number:
            n_level, n_score, e164, n_reasons, _cat, _v = self._number(number, "call")
            if n_level >= Level.CAUTION:
                reasons.extend(n_reasons)
                if n_level > level:
                    level, score = n_level, max(score, n_score)
        entities = [_plain(e) for e in a.entities]
        hits = [_plain(h) for h in a.hits]
        note = " / ".join(m.render("zh", command_hints=False) for m in result.notes) or None  # stored
        self._keep_profile()
        rechecked = self.history.has_unchecked(digest, self.profile)  # its unchecked row is replaced, not added to
        still_unread = rechecked and unread_speech(transcript.text, hits)  # and is no better read now
        hid = self.history.add_recording(
            str(p),
            content_hash=digest,
            occurred_at=when,
            source=source,
            duration_s=round(transcript.duration_s, 2),
            number_raw=number or None,
            number_e164=e164,
            name=name,
            level=level,
            score=round(score, 3),
            category=a.category if a.level >= Level.CAUTION else None,
            reasons=reasons,
            transcript=transcript.text,
            hits=hits,
            entities=entities,
            note=note,
            profile=self.profile,
            line=vendor_of(p),
        )
        result.screened = 1
        if still_unread:
            # heard again by a model of another language (a trial: every import said 「补查 4 条」 and listed the same
            # recordings again): still unchecked, said as such, and what it shows was reported the first time
            result.unread_again = 1
            result.seconds = time.perf_counter() - t0
            return result
        if rechecked:
            result.rechecked = 1
        else:
            result.added = 1
        if level >= Level.CAUTION:
            row = self.history.get(hid)
            assert row is not None
            result.flagged.append(
                PhoneEvent(
                    kind="recording",
                    number=number,
                    occurred_at=row["occurred_at"],
                    level=Level(level),
                    score=score,
                    category=row["category"],
                    reasons=tuple(reasons),
                    excerpt=_excerpt(transcript.text),
                    file_path=str(p),
                    name=name,
                    history_id=hid,
                    entities=tuple(entities),
                )
            )
        result.seconds = time.perf_counter() - t0
        return result


def flagged_events(results: Sequence[FileImport], min_level: Level = FLAG_LEVEL) -> list[PhoneEvent]:
    return [e for r in results for e in r.flagged if e.level >= min_level]
