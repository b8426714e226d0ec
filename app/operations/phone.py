"""Worker-side operations for a parent's phone (issue 14): import backups, watch recording folders, profiles,
watched folders, the family safety report, and the alert/e-mail for a flagged recording.

Each function opens its own database connection (STYLE.md §2.8) from a data directory, so it can run in the
job runner's worker thread; none touches Qt.  A Settings page ("watched folders") and a Report page call these;
so does ``callshield phone …`` / ``callshield report``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import paths
from app.alerts import headless as alerts_headless
from app.alerts.policy import Alert
from app.display import join_list
from app.phone.importer import (
    FLAG_LEVEL,
    FileImport,
    ImportResult,
    PhoneEvent,
    PhoneImporter,
    PhoneProblem,
    Transcript,
)
from app.phone.watch import EventKind, FolderWatcher, ScanFailed, WatchEvent
from app.reports.family import SafetyReport, collect_report, write_html
from blocklists.db import open_db
from blocklists.history import History, utc_now_iso
from screening.i18n import BiText, Message, MessageCode
from screening.types import Level

if TYPE_CHECKING:
    from app.jobs import Progress

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ transcription
class LazyTranscriber:
    """Resolves and loads the speech model on first use (a backup without recordings never needs it).

    ``resolve`` returns the model folder or raises ``SpeechError`` (no model → a translated failure per file).
    """

    def __init__(self, resolve: Callable[[], Path]) -> None:
        self._resolve = resolve
        self._inner: Any = None
        self._lock = threading.Lock()

    def __call__(self, path: Path) -> Transcript:
        from app.phone.importer import VoskTranscriber

        with self._lock:
            if self._inner is None:
                from speech.audio import probe

                probe(path)  # a file that is no audio says so, not "no speech model" (AudioError before ModelError)
                self._inner = VoskTranscriber(self._resolve())
        result: Transcript = self._inner(path)
        return result


def model_resolver(data_dir: Path, explicit: str | Path | None = None) -> Callable[[], Path]:
    """The same model resolution as ``callshield transcribe``: explicit > settings > data dir > bundled."""

    def resolve() -> Path:
        from speech.models import resolve_model, validate_model_dir

        if explicit:
            return validate_model_dir(Path(explicit)).path
        settings_path = None
        try:
            from app.settings import load_settings

            settings_path = load_settings(data_dir).model_path
        except Exception:
            log.warning("could not read settings for the model path", exc_info=True)
        bundled = getattr(paths, "bundled_model_dir", None)
        resolved = resolve_model(data_dir, settings_path=settings_path, bundled_path=bundled() if bundled else None)
        return Path(resolved.path)

    return resolve


# ------------------------------------------------------------------------------------------ import
def import_phone_files(
    data_dir: Path,
    items: Sequence[str | Path],
    profile: str = "",
    *,
    transcriber: Callable[[Path], Transcript] | None = None,
    model: str | Path | None = None,
    progress: Callable[[FileImport], None] | None = None,
    cancel: threading.Event | None = None,
    tz: tzinfo | None = None,
    skip_bad: bool = False,
) -> ImportResult:
    """Import backups, call-log and message CSVs and recordings for ``profile``; history is written, the result
    returned.  A CSV with bad lines imports nothing unless ``skip_bad`` (then its good lines are imported)."""
    db = open_db(paths.db_path(data_dir))
    try:
        importer = PhoneImporter(
            db,
            profile,
            transcriber=transcriber or LazyTranscriber(model_resolver(data_dir, model)),
            tz=tz,
            skip_bad=skip_bad,
        )
        return importer.import_paths(items, progress=progress, cancel=cancel)
    finally:
        db.close()


def import_job(
    progress: Progress,
    data_dir: Path,
    items: Sequence[str | Path],
    profile: str = "",
    transcriber: Callable[[Path], Transcript] | None = None,
    skip_bad: bool = False,
) -> ImportResult:
    """Job (``JobRunner.run_long``, writer): :func:`import_phone_files` with the job's progress and cancel; the
    progress text is the name of the file just finished, ``done`` counts files. ``skip_bad``: a CSV's readable lines
    are imported when some are not (a file that failed with one of :data:`BAD_LINES`)."""
    done = 0

    def file_done(r: FileImport) -> None:
        nonlocal done
        done += 1
        progress.update(done, 0, Path(r.path).name)

    return import_phone_files(
        data_dir,
        items,
        profile,
        transcriber=transcriber,
        progress=file_done,
        cancel=progress.cancel_event,
        skip_bad=skip_bad,
    )


# the errors of a file that failed only because some of its lines could not be read (imported again with skip_bad)
BAD_LINES = frozenset({PhoneProblem.CSV_BAD_ROW, PhoneProblem.CSV_BAD_ROWS})


# ------------------------------------------------------------------------------------------ profiles
def list_profiles(data_dir: Path) -> list[str]:
    db = open_db(paths.db_path(data_dir))
    try:
        return History(db).profiles()
    finally:
        db.close()


def add_profile(data_dir: Path, name: str, note: str = "") -> list[str]:
    if not name.strip():
        raise ProfileError(Message(ProfileProblem.EMPTY))
    db = open_db(paths.db_path(data_dir))
    try:
        h = History(db)
        h.add_profile(name, note)
        return h.profiles()
    finally:
        db.close()


class ProfileProblem(MessageCode):
    EMPTY = ("请填写家人的称呼，例如“妈妈”", "enter a name for the person, e.g. “Mum”")
    EXISTS = ("已经有名为“{name}”的家人了", "there is already a person called “{name}”")
    MISSING = ("没有名为“{name}”的家人", "there is no person called “{name}”")


class ProfileError(ValueError):
    """A profile could not be added or renamed; ``message`` says why (zh/en)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


def rename_profile(data_dir: Path, old: str, new: str) -> list[str]:
    """Rename a person: their history rows, watched folders and the profile itself, in one transaction."""
    old, new = old.strip(), new.strip()
    if not new:
        raise ProfileError(Message(ProfileProblem.EMPTY))
    db = open_db(paths.db_path(data_dir))
    try:
        h = History(db)
        names = h.profiles()
        if old not in names:
            raise ProfileError(Message(ProfileProblem.MISSING, {"name": old}))
        if new == old:
            return names
        if new in names:
            raise ProfileError(Message(ProfileProblem.EXISTS, {"name": new}))
        with db.conn:
            db.conn.execute(
                "INSERT OR IGNORE INTO profiles (name, note, created_at) VALUES (?, '', ?)", [old, utc_now_iso()]
            )
            db.conn.execute("UPDATE profiles SET name = ? WHERE name = ?", [new, old])
            db.conn.execute("UPDATE history SET profile = ? WHERE profile = ?", [new, old])
            db.conn.execute("UPDATE watched_folders SET profile = ? WHERE profile = ?", [new, old])
        return h.profiles()
    finally:
        db.close()


@dataclass(frozen=True)
class WatchedFolder:
    path: str
    profile: str
    polling: bool
    present: bool


def watched_folders(data_dir: Path) -> list[WatchedFolder]:
    db = open_db(paths.db_path(data_dir))
    try:
        rows = db.conn.execute("SELECT path, profile, polling FROM watched_folders ORDER BY id").fetchall()
        return [WatchedFolder(r[0], r[1], bool(r[2]), Path(r[0]).is_dir()) for r in rows]
    finally:
        db.close()


def add_watched_folder(
    data_dir: Path, folder: str | Path, profile: str = "", polling: bool = False
) -> list[WatchedFolder]:
    """Remember a folder to watch (for ``profile``); re-adding one updates its profile and polling choice."""
    path = str(Path(folder).expanduser().resolve())
    db = open_db(paths.db_path(data_dir))
    try:
        with db.conn:
            db.conn.execute(
                "INSERT INTO watched_folders (path, profile, polling, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET profile = excluded.profile, polling = excluded.polling",
                [path, profile.strip(), int(polling), utc_now_iso()],
            )
        if profile.strip():
            History(db).add_profile(profile)
    finally:
        db.close()
    return watched_folders(data_dir)


def remove_watched_folder(data_dir: Path, folder: str | Path) -> list[WatchedFolder]:
    path = str(Path(folder).expanduser().resolve())
    db = open_db(paths.db_path(data_dir))
    try:
        with db.conn:
            db.conn.execute("DELETE FROM watched_folders WHERE path = ?", [path])
    finally:
        db.close()
    return watched_folders(data_dir)


# ------------------------------------------------------------------------------------------ report
def build_family_report(
    data_dir: Path,
    profile: str,
    out: str | Path,
    days: int = 7,
    *,
    until: datetime | None = None,
    tz: tzinfo | None = None,
    since: datetime | None = None,
    lang: str | None,
    by: str = "",
) -> tuple[Path, SafetyReport]:
    """Collect and write the family safety report (HTML) for ``profile`` over the last ``days`` (or from
    ``since`` to ``until``), in ``lang``: the reader's language ("zh" or "en"), or ``None`` for both; ``by``: who
    compiled it (``Settings.report_by``)."""
    rep = family_report(data_dir, profile, days, since=since, until=until, tz=tz)
    return write_html(rep, out, lang, by), rep


def family_report(
    data_dir: Path,
    profile: str,
    days: int = 7,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    tz: tzinfo | None = None,
) -> SafetyReport:
    """The family safety report's data for ``profile`` (the page shows it; ``build_family_report`` writes it)."""
    db = open_db(paths.db_path(data_dir))
    try:
        return collect_report(db, profile, since=since, days=days, until=until, tz=tz)
    finally:
        db.close()


@dataclass(frozen=True)
class ReportView:
    """What the report page shows: the data (the page draws the export's timeline chart from it, in its language)."""

    report: SafetyReport


def family_report_view(
    data_dir: Path,
    profile: str,
    days: int = 7,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    tz: tzinfo | None = None,
) -> ReportView:
    return ReportView(family_report(data_dir, profile, days, since=since, until=until, tz=tz))


# ------------------------------------------------------------------------------------------ alerts
_ENTITY_WORDS = {"qq": ("QQ号", "QQ"), "qq_group": ("QQ群", "QQ group"), "wechat": ("微信号", "WeChat"),
                 "url": ("链接", "link"), "bank_card": ("银行卡号", "card"), "phone": ("电话", "phone"),
                 "app": ("软件", "app")}  # fmt: skip


def alert_lines(event: PhoneEvent, lang: str = "zh") -> list[str]:
    """The alert's reason lines for a flagged recording: scheme, evidence, details, then the first reasons."""
    from app.reports.family import _categories

    en = lang == "en"
    lines: list[str] = []
    if event.category:
        cat = _categories().get(event.category)
        if cat:
            lines.append(f"Scheme: {cat[1]}" if en else f"诈骗类型：{cat[0]}")
    evidence: list[str] = []
    for r in event.reasons:
        if r.get("code") == "script" and "「" in str(r.get("zh", "")):
            evidence.append(str(r["zh"]).split("」")[0].lstrip("「"))
    if evidence:
        marks = "".join(f"〖{e}〗" for e in dict.fromkeys(evidence))
        lines.append(("Evidence: " if en else "证据：") + marks)
    details = []
    for e in event.entities:
        kind = str(e.get("kind"))
        if kind in _ENTITY_WORDS:
            zh, en_word = _ENTITY_WORDS[kind]
            details.append(f"{en_word if en else zh} {e.get('value')}")
    if details:
        lines.append(("Details: " if en else "线索：") + join_list(dict.fromkeys(details), lang))
    for r in event.reasons[:3]:
        text = str(r.get("en" if en else "zh", ""))
        if text and text not in lines:
            lines.append(text)
    if event.file_path:
        lines.append(("Recording: " if en else "录音文件：") + Path(event.file_path).name)
    return lines


def _bilingual_lines(event: PhoneEvent) -> tuple[BiText, ...]:
    """The alert's lines as zh/en pairs (codes travel; the language is picked when shown)."""
    zh, en = alert_lines(event, "zh"), alert_lines(event, "en")
    if len(zh) != len(en):  # the two languages de-duplicated differently: keep them whole
        return (BiText("\n".join(zh), "\n".join(en)),)
    return tuple(BiText(a, b) for a, b in zip(zh, en, strict=True))


def alert_for(event: PhoneEvent, lang: str = "zh") -> Alert:
    """The normal ``app.alerts.policy.Alert`` for a flagged recording (number, time, scheme, evidence, excerpt)."""

    at = datetime.fromisoformat(event.occurred_at).timestamp()
    key = f"recording:{event.history_id or event.file_path}"
    return Alert(
        key=key,
        number=event.number,
        level=event.level,
        reasons=_bilingual_lines(event),
        excerpt=event.excerpt,
        at=at,
        source="recording",
    )


class HeadlessAlerts(alerts_headless.HeadlessAlerts):
    """The alert path without a window for flagged recordings (CLI ``phone watch``): ``app.alerts.headless``."""

    def consider(self, event: PhoneEvent) -> Alert | None:
        return self.consider_alert(alert_for(event, self.lang))


# ------------------------------------------------------------------------------------------ watching
class PhoneWatch:
    """Watch recording folders for one or more profiles; scan each new recording, store it, and hand flagged
    ones to ``on_flagged`` (the alert path).  Everything runs on the watcher's thread, with its own DB
    connection.  ``folders`` pairs each folder with its profile (``watched_folders`` gives the saved ones).
    """

    def __init__(
        self,
        data_dir: Path,
        folders: Sequence[tuple[str | Path, str]],
        *,
        transcriber: Callable[[Path], Transcript] | None = None,
        model: str | Path | None = None,
        on_flagged: Callable[[PhoneEvent], Any] | None = None,
        on_event: Callable[[WatchEvent], None] | None = None,
        polling: bool = False,
        settle_s: float | None = None,
        tz: tzinfo | None = None,
        min_level: Level = FLAG_LEVEL,
    ) -> None:
        self.data_dir = data_dir
        self.transcriber = transcriber or LazyTranscriber(model_resolver(data_dir, model))
        self.on_flagged = on_flagged
        self.on_event = on_event
        self.min_level = min_level
        self.tz = tz
        self.results: list[FileImport] = []
        self._local = threading.local()
        self._profile_of = [(Path(f).expanduser().resolve(), p) for f, p in folders]
        kw: dict[str, Any] = {"polling": polling}
        if settle_s is not None:
            kw["settle_s"] = settle_s
        self.watcher = FolderWatcher(
            [f for f, _ in self._profile_of], self._scan, self._event, seen=self._seen, on_start=self._warm, **kw
        )

    def start(self) -> PhoneWatch:
        self.watcher.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching; wait up to ``timeout`` seconds for a recording being read (its thread is a daemon)."""
        self.watcher.stop(timeout)

    def __enter__(self) -> PhoneWatch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _warm(self) -> None:
        """On the watcher thread, before any file: open the DB and load the scam-script detector, so the first
        recording's alert does not wait for them (the speech model loads on the first recording)."""
        for _, profile in self._profile_of:
            self._importer(profile).detector  # noqa: B018 - loads it

    def _db(self) -> Any:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(paths.db_path(self.data_dir))
        return db

    def _importer(self, profile: str) -> PhoneImporter:
        cache: dict[str, PhoneImporter] = getattr(self._local, "importers", None) or {}
        self._local.importers = cache
        if profile not in cache:
            cache[profile] = PhoneImporter(self._db(), profile, transcriber=self.transcriber, tz=self.tz, settle_s=0.0)
        return cache[profile]

    def profile_for(self, path: Path) -> str:
        for folder, profile in self._profile_of:
            if folder == path or folder in path.parents:
                return profile
        return ""

    def _seen(self, digest: str) -> bool:
        # a recording the same wrong model heard is not heard again at every start (a review: each Settings save
        # restarts the watch); importing the folder again reads it, once the Chinese model is in place
        return History(self._db()).find_by_hash(digest, heard_counts=True) is not None

    def _scan(self, path: Path, digest: str) -> FileImport:
        result = self._importer(self.profile_for(path.resolve())).scan_recording(path, digest, source="watched-folder")
        if result.status == "failed":
            assert result.error is not None
            raise ScanFailed(result.error)
        self.results.append(result)
        for event in result.flagged:
            if event.level >= self.min_level and self.on_flagged is not None:
                self.on_flagged(event)
        return result

    def _event(self, event: WatchEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)


def saved_watch(data_dir: Path, **kw: Any) -> PhoneWatch:
    """A :class:`PhoneWatch` over the folders saved in Settings (``watched_folders``)."""
    saved = watched_folders(data_dir)
    polling = kw.pop("polling", False) or any(f.polling for f in saved)
    return PhoneWatch(data_dir, [(f.path, f.profile) for f in saved], polling=polling, **kw)


__all__ = [
    "EventKind",
    "HeadlessAlerts",
    "LazyTranscriber",
    "PhoneWatch",
    "ProfileError",
    "ProfileProblem",
    "ReportView",
    "WatchedFolder",
    "add_profile",
    "add_watched_folder",
    "alert_for",
    "alert_lines",
    "build_family_report",
    "family_report",
    "family_report_view",
    "import_job",
    "import_phone_files",
    "list_profiles",
    "remove_watched_folder",
    "rename_profile",
    "saved_watch",
    "watched_folders",
]
