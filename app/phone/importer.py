"""The one import path for a parent's phone: XML backups, call-log CSV files and recording folders.

``PhoneImporter(db, profile="妈妈").import_paths([...])`` parses each file, screens what it holds and writes
history rows for that profile:

* **calls** (``calls-*.xml`` and call-log CSV, whose lines are read by the same ``call_log_number`` as
  ``callshield check --file``): the number rules for a *call* (a 1069 caller is suspicious);
* **text messages** (``sms-*.xml``, SMS and MMS): the number rules for an *SMS sender* plus the scam-script
  detector on the text, with its entities (``screening.sms``); MMS attachments are listed, never stored;
* **recordings** (audio files, vendor folders): transcribed (``transcriber``; Vosk by default), assessed by
  the detector, and linked to the call log by the file name or by time (``app.phone.recordings``).

Idempotent and all-or-nothing: every row carries a content hash (of the profile and the record for calls and
messages, of the file for recordings); a re-import adds only rows whose hash is new.  Each file is written in
one transaction while it is parsed — a truncated or garbage file rolls back and adds nothing.

Qt-free; results are codes and plain data (``Message``), rendered zh/en by the CLI or a page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from app.phone.backup_xml import BackupError, CallRecord, MessageRecord, detect_kind, iter_backup
from app.phone.recordings import CallEntry, match_call, parse_name, vendor_of
from blocklists.history import History
from screening.i18n import Message, MessageCode
from screening.numbers import trim_cache
from screening.screener import NumberScreener
from screening.types import Level

log = logging.getLogger(__name__)

BATCH = 2000
VERDICT_CACHE = 5_000
EXCERPT = 160
SETTLE_S = 2.0  # a file modified more recently than this is checked for growth before it is read
AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".m4a", ".aac", ".amr", ".3gp", ".ogg", ".opus", ".flac", ".mp4"})
CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
FLAG_LEVEL = Level.WARN

DONE, SKIPPED, FAILED, CANCELLED = "done", "skipped", "failed", "cancelled"


class PhoneProblem(MessageCode):
    NOT_FOUND = ("找不到 {path}", "not found: {path}")
    UNKNOWN_FILE = (
        "{path} 不是可导入的手机文件（支持：SMS Backup & Restore 的 calls-*.xml / sms-*.xml、通话记录 CSV、通话录音）",
        "{path} is not a phone file we can import (supported: SMS Backup & Restore calls-*.xml / sms-*.xml, "
        "call-log CSV, call recordings)",
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
    CSV_NO_NUMBERS = ("{path} 里没有找到任何号码", "no phone numbers found in {path}")
    CANCELLED = ("已取消，{path} 没有导入任何内容", "cancelled; nothing from {path} was imported")
    INTERNAL = (
        "处理 {path} 时出错（{detail}），没有导入任何内容",
        "error while importing {path} ({detail}); nothing was imported",
    )


class ImportSummary(MessageCode):
    """The one-line outcome of an import, shown by the CLI and the family page alike."""

    ADDED = (
        "{files} 个文件，新增 {added} 条记录，其中可疑 {suspicious} 条、需要注意 {caution} 条",
        "{files} file(s), {added} records added: {suspicious} suspicious, {caution} to keep an eye on",
    )
    EXISTING = (
        "另有 {existing} 条以前已经导入过，不再重复提醒（都在历史记录里）",
        "{existing} more were imported before and are not reported again (they are all in the history)",
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
    kind: str  # calls | sms | calllog | recording | unknown
    status: str = DONE
    read: int = 0
    added: int = 0
    existing: int = 0
    screened: int = 0
    flagged: list[PhoneEvent] = field(default_factory=list)
    error: Message | None = None
    notes: list[Message] = field(default_factory=list)
    matched_call_id: int | None = None
    seconds: float = 0.0

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
        """Suspicious (WARN and above) rows this import added."""
        return [e for f in self.files for e in f.suspicious()]

    @property
    def caution(self) -> list[PhoneEvent]:
        """Rows this import added at CAUTION: below suspicious, shown as 注意 in the history."""
        return [e for f in self.files for e in f.caution()]

    def summary(self) -> list[Message]:
        """What the import did, as messages: added and flagged, then rows already there (not reported again)."""
        out = [
            Message(
                ImportSummary.ADDED,
                {
                    "files": len(self.files),
                    "added": self.total("added"),
                    "suspicious": len(self.flagged),
                    "caution": len(self.caution),
                },
            )
        ]
        if existing := self.total("existing"):
            out.append(Message(ImportSummary.EXISTING, {"existing": existing}))
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
            return Transcript(result.text, result.audio_s, result.error.message)
        return Transcript(result.text, result.audio_s)


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
_CSV_TIME = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")
# A call-log CSV's header names (phone tools and spreadsheets, zh/en): the columns besides the number and the time.
_CSV_COLUMNS = {
    "name": ("姓名", "联系人", "名称", "名字", "备注名", "name", "contact", "contact name"),
    "type": ("类型", "通话类型", "呼叫类型", "来去电", "type", "call type", "direction"),
    "duration": ("时长", "通话时长", "时长(秒)", "时长（秒）", "duration", "duration(s)", "seconds"),
}
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
    """Column of each known header name among a line's ``cells`` (name, type, duration), or {} for no header."""
    lowered = [c.lower() for c in cells]
    found: dict[str, int] = {}
    for key, names in _CSV_COLUMNS.items():
        for i, cell in enumerate(lowered):
            if cell in names:
                found[key] = i
                break
    return found


def _csv_extra(columns: dict[str, int], cells: list[str]) -> tuple[str | None, str | None, float | None]:
    """(name, call type, duration in seconds) of one call-log line's ``cells``, from the columns its header named."""

    def cell(key: str) -> str:
        at = columns.get(key)
        return cells[at] if at is not None and at < len(cells) else ""

    return cell("name") or None, _csv_call_type(cell("type")), _csv_duration(cell("duration"))


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
    ) -> None:
        self.db = db
        self.history = History(db)
        self.profile = profile.strip()
        if screener is None:
            from blocklists.store import ListStore

            screener = NumberScreener(ListStore(db))
        self.screener = screener
        self._detector = detector
        self.transcriber = transcriber
        self.tz = tz or datetime.now().astimezone().tzinfo or timezone.utc
        self.settle_s = settle_s
        self._verdicts: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._sms_detector: _RepeatCache | None = None
        if self.profile:
            self.history.add_profile(self.profile)

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
                elif not p.is_dir():  # an unknown file named on purpose gets an answer; in folders it is ignored
                    results.append(self._failed(f, "unknown", Message(PhoneProblem.UNKNOWN_FILE, {"path": str(f)})))
        for kind, f in tables:
            if cancel is not None and cancel.is_set():
                break
            r = self.import_calllog_csv(f, cancel) if kind == "calllog" else self.import_backup(f, cancel)
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
        if result.status == DONE and result.read == 0 and kind == "calllog":
            result.status = FAILED
            result.error = Message(PhoneProblem.CSV_NO_NUMBERS, {"path": str(path)})
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
        level, score, e164, reasons, category, _v = self._number(number, "call")
        counts["screened"] += 1
        at = _iso_ms(rec.date_ms)
        row = (
            "call", at, rec.number, e164, "phone-backup", rec.contact_name, int(level), score, category,
            _dumps(reasons), None, None, None, None, key, float(rec.duration_s), None, self.profile, rec.call_type,
        )  # fmt: skip
        if level >= Level.CAUTION:
            flagged.append((row, "", ()))
        return row

    def _message_row(self, rec: MessageRecord, key: str, flagged: list[Any], counts: dict[str, int]) -> tuple[Any, ...]:
        at = _iso_ms(rec.date_ms)
        attachments: list[dict[str, Any]] = [
            {"kind": "attachment", "value": part.content_type, "size": part.size, "name": part.name}
            for part in rec.parts
            if part.content_type != "text/plain"
        ]
        if not rec.incoming:  # the parent's own messages are kept, not screened
            return (
                "sms", at, rec.address, None, f"phone-backup-{rec.kind}", rec.contact_name, None, None, None, None,
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
            "sms", at, rec.address, verdict.number.e164, f"phone-backup-{rec.kind}", rec.contact_name, int(a.level),
            round(a.score, 3), a.category, _dumps(a.reasons()) if flagged_row else None, rec.body,
            _dumps([_plain(h) for h in a.content.hits]) if flagged_row else None, _dumps(entities), None, key, None,
            None, self.profile, rec.box,
        )  # fmt: skip
        if flagged_row:
            flagged.append((row, _excerpt(rec.body), entities))
        return row

    # ------------------------------------------------------------------------------------- CSV
    def import_calllog_csv(self, path: str | Path, cancel: threading.Event | None = None) -> FileImport:
        from blocklists.importexport import CALL_LOG_AMBIGUOUS, call_log_number, csv_cells, decode_bytes

        p = Path(path)
        flagged: list[tuple[tuple[Any, ...], str, Any]] = []

        def rows() -> Iterator[tuple[str, Callable[[], tuple[Any, ...]]]]:
            try:
                data = p.read_bytes()
            except OSError as exc:
                raise BackupError(_unreadable(), path=str(p), detail=exc.strerror or str(exc)) from None
            lines, _enc, _bad, _bin = decode_bytes(data)
            columns: dict[str, int] = {}
            for i, line in enumerate(lines, 1):
                number = call_log_number(line)
                if not number or number == CALL_LOG_AMBIGUOUS:  # blank/header, or digits split over cells
                    columns = columns or _csv_header(csv_cells(line))  # 姓名,号码,类型,日期,时长: which is which
                    continue
                when = self._csv_time(line)
                key = _hash(self.profile, "csv", number, when or f"{p.name}:{i}", line.strip())
                extra = _csv_extra(columns, csv_cells(line)) if columns else (None, None, None)
                yield key, partial(self._csv_row, number, when, key, flagged, *extra)

        result = self._write_file(p, "calllog", rows(), cancel)
        if result.status == DONE:
            result.screened = result.read
            for row, excerpt, entities in flagged:
                self._flag(result, row, excerpt, entities)
        return result

    def _csv_row(
        self,
        number: str,
        when: str | None,
        key: str,
        flagged: list[Any],
        name: str | None = None,
        call_type: str | None = None,
        duration_s: float | None = None,
    ) -> tuple[Any, ...]:
        level, score, e164, reasons, category, _v = self._number(number, "call")
        row = (
            "call", when or datetime.now(timezone.utc).replace(microsecond=0).isoformat(), number, e164,
            "call-log-csv", name, int(level), score, category, _dumps(reasons), None, None, None, None, key,
            duration_s, None, self.profile, call_type,
        )  # fmt: skip
        if level >= Level.CAUTION:
            flagged.append((row, "", ()))
        return row

    def _csv_time(self, line: str) -> str | None:
        m = _CSV_TIME.search(line)
        if m is None:
            return None
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        try:
            local = datetime(y, mo, d, h, mi, s, tzinfo=self.tz)
        except ValueError:
            return None
        return local.astimezone(timezone.utc).isoformat()

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
        from speech.errors import SpeechError

        try:
            transcript = self.transcriber(p)
        except SpeechError as exc:
            result.status, result.error = FAILED, exc.message
            result.seconds = time.perf_counter() - t0
            return result
        if transcript.warning is not None:
            result.notes.append(transcript.warning)
        a = self.detector.assess(transcript.text, style="call")
        level, score = a.level, float(a.score)
        reasons: list[dict[str, Any]] = []
        if a.level >= Level.CAUTION:
            reasons = [{"code": "script", "level": a.level.name.lower(), "zh": r.zh, "en": r.en} for r in a.reasons]
        e164 = None
        if number:
            n_level, n_score, e164, n_reasons, _cat, _v = self._number(number, "call")
            if n_level >= Level.CAUTION:
                reasons.extend(n_reasons)
                if n_level > level:
                    level, score = n_level, max(score, n_score)
        entities = [_plain(e) for e in a.entities]
        hits = [_plain(h) for h in a.hits]
        note = " / ".join(m.render("zh") for m in result.notes) or None
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
        result.added = result.screened = 1
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


def _unreadable() -> Any:
    from app.phone.backup_xml import BackupProblem

    return BackupProblem.UNREADABLE


def flagged_events(results: Sequence[FileImport], min_level: Level = FLAG_LEVEL) -> list[PhoneEvent]:
    return [e for r in results for e in r.flagged if e.level >= min_level]
