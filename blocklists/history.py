"""Call and recording history: the table later features write to (call sources, recordings, the UI).

Rows are returned as plain ``dict``s with the ``history`` table's columns (see ``blocklists.db``), with the
JSON columns (``reasons``, ``hits``, ``entities``) already decoded into Python lists/dicts and ``level``
as a ``screening.types.Level``.  ``occurred_at`` is ISO-8601 UTC text (``2026-11-21T04:31:09+00:00``), so
string order is time order and ``since``/``until`` compare as text.

Writes are single statements; callers on the GUI thread should still go through the DB writer pool.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from blocklists.db import add_functions
from screening.i18n import Message
from screening.language import SQL_FUNCTION, heard_nothing
from screening.types import Level

COLUMNS = (
    "id",
    "kind",
    "occurred_at",
    "number_raw",
    "number_e164",
    "source",
    "line",
    "name",
    "level",
    "score",
    "category",
    "reasons",
    "transcript",
    "hits",
    "entities",
    "file_path",
    "content_hash",
    "duration_s",
    "note",
    "profile",
    "call_type",
)
JSON_COLUMNS = ("reasons", "hits", "entities")
WRITE_RETRY_S = 300.0  # how long a history write keeps retrying while another process holds the write lock

log = logging.getLogger(__name__)
KINDS = ("call", "recording", "sms")
# A recording kept without being checked: it could not be transcribed (no speech model, a broken file: no transcript),
# or a model of another language heard it and nothing was found in what it wrote (no hits: a flag from the caller's
# number alone judged nothing that was said; a text a pack of that language could read keeps its verdict). Judged from
# the transcript itself (the SQL function ``blocklists.db`` registers), so rows stored before the reason code existed
# count too. The family report counts these, and a scan of the same file later (once the Chinese model is in place)
# replaces the row; a file checked before is skipped (:meth:`History.find_by_hash`).
UNCHECKED_RECORDING = (
    "kind = 'recording' AND (transcript IS NULL"
    f" OR ({SQL_FUNCTION}(transcript) AND coalesce(hits, '[]') IN ('[]', 'null')))"
)
NOT_TRANSCRIBED = "kind = 'recording' AND transcript IS NULL"  # the unchecked ones no model has heard at all
# What a check fills in on another person's unchecked row of the same file (its own profile, number and time stay).
_VERDICT_COLUMNS = ("level", "score", "category", "reasons", "transcript", "hits", "entities", "duration_s", "note")


# A person's unchecked row of one recording (parameters: its content hash, the person or '' for none): the row a new
# reading replaces (``History._answer_unchecked``) and that an import says it checked again (``History.has_unchecked``)
_UNCHECKED_OF_PERSON = f"content_hash = ? AND {UNCHECKED_RECORDING} AND profile = ?"


def is_unchecked(record: Mapping[str, Any]) -> bool:
    """Whether a history row is a recording kept without being checked (``UNCHECKED_RECORDING``): not transcribed,
    or heard by a model of another language with nothing found in it (:func:`unread_speech`)."""
    if record.get("kind") != "recording":
        return False
    transcript = record.get("transcript")
    return transcript is None or unread_speech(transcript, record.get("hits"))


def unread_speech(transcript: Any, hits: Any) -> bool:
    """``screening.language.heard_nothing`` of a row as stored or decoded: its hits JSON text or a list."""
    if isinstance(hits, str):
        hits = json.loads(hits or "[]")
    return bool(transcript) and heard_nothing(str(transcript), hits)


def speech_reason(message: Message) -> dict[str, str]:
    """A speech problem kept among a recording's reasons (a cut-off file, a model of another language, no model):
    its code and both languages, so every view and report says it in its reader's language."""
    name = getattr(message.code, "name", str(message.code))
    # stored, and shown later by the app as by the command line: without the command line's own passages (a review:
    # rows written by `phone import` showed 「（命令行：callshield model download…）」 in the app)
    zh, en = message.render("zh", command_hints=False), message.render("en", command_hints=False)
    return {"code": f"speech.{name.lower()}", "zh": zh, "en": en}


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def to_iso(value: datetime | str | None) -> str | None:
    """``datetime`` (naive = UTC) or ISO text → normalised ISO-8601 UTC text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _encode(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(obj: Any) -> Any:
    # Reasons/hits may be dataclasses or enums from screening; store their plain form.
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(obj)
    if hasattr(obj, "value"):
        return obj.value
    return str(obj)


class History:
    """Read and write the ``history`` table of an open database (see ``blocklists.db.open_db``)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        add_functions(db.conn)  # (a database not opened by open_db, a test's in-memory one, lacked them: a review)

    def _insert(self, kind: str, fields: Mapping[str, Any], replaces_unchecked: str | None = None) -> int:
        """Insert one row; ``replaces_unchecked``: a recording's content hash whose rows kept unchecked
        (:data:`UNCHECKED_RECORDING`) this row answers, in the same transaction: the same person's is replaced, and
        another's (a 录音分析 scan of a file imported for 妈妈) gets the verdict and keeps its person, number and time."""
        row = self._clean(fields)
        row["kind"] = kind
        row["occurred_at"] = to_iso(fields.get("occurred_at")) or utc_now_iso()
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        sql = f"INSERT INTO history ({cols}) VALUES ({marks})"
        values = list(row.values())
        # A call must never be lost to another process's long write (an import, a backup): when the lock is
        # still held after the connection's busy timeout, wait and try again rather than drop the row.
        deadline = time.monotonic() + WRITE_RETRY_S
        delay = 0.05
        while True:
            try:
                with self.db.conn:
                    if replaces_unchecked:
                        self._answer_unchecked(replaces_unchecked, row)
                    cur = self.db.conn.execute(sql, values)
                return int(cur.lastrowid or 0)
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                    raise
                log.warning("history: database busy, retrying the write")
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _answer_unchecked(self, content_hash: str, row: Mapping[str, Any]) -> None:
        conn = self.db.conn
        conn.execute(
            f"DELETE FROM history WHERE {_UNCHECKED_OF_PERSON}",
            [content_hash, row.get("profile") or ""],  # a row without a person is stored with '' (the column's default)
        )
        if row.get("transcript") is not None:
            verdict = {k: row.get(k) for k in _VERDICT_COLUMNS}
            sets = ", ".join(f"{k} = ?" for k in verdict)
            # one a model of another language heard keeps what its own check found (its caller's number on a
            # blocklist, say): the new reading is added, the higher level kept (a review: a 录音分析 scan wrote 可信
            # over 妈妈's 警告 from a blocklisted number)
            cur = conn.execute(
                f"SELECT id, level, score, category, reasons FROM history WHERE content_hash = ? AND {UNCHECKED_RECORDING}"
                " AND transcript IS NOT NULL",
                [content_hash],
            )
            for rid, level, score, category, reasons in cur.fetchall():
                kept = [
                    r
                    for r in json.loads(reasons or "[]")
                    if isinstance(r, dict) and not str(r.get("code", "")).startswith(("speech.", "script"))
                ]
                new_level = verdict.get("level")
                higher = new_level is not None and (level is None or int(new_level) >= int(level))
                merged = {
                    **verdict,
                    "level": new_level if higher else level,
                    "score": max(float(score or 0.0), float(verdict.get("score") or 0.0)),
                    "category": verdict.get("category") if higher else category,
                    "reasons": _encode([*json.loads(verdict.get("reasons") or "[]"), *kept]),
                }
                merged_sets = ", ".join(f"{k} = ?" for k in merged)
                conn.execute(f"UPDATE history SET {merged_sets} WHERE id = ?", [*merged.values(), rid])
            conn.execute(
                f"UPDATE history SET {sets} WHERE content_hash = ? AND {NOT_TRANSCRIBED}",
                [*verdict.values(), content_hash],
            )

    def _clean(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for key, value in fields.items():
            if key not in COLUMNS or key in ("id", "kind"):
                raise TypeError(f"unknown history column: {key}")
            if key in JSON_COLUMNS:
                value = _encode(value)
            elif key == "level" and value is not None:
                value = int(Level.parse(value))
            elif key == "occurred_at":
                value = to_iso(value)
            row[key] = value
        return row

    def add_call(
        self,
        number_raw: str | None = None,
        *,
        occurred_at: datetime | str | None = None,
        number_e164: str | None = None,
        source: str = "manual",
        line: str | None = None,
        name: str | None = None,
        level: Level | int | None = None,
        score: float | None = None,
        category: str | None = None,
        reasons: Iterable[Any] | str | None = None,
        **extra: Any,
    ) -> int:
        """Record a call; returns the new row id.  ``extra`` takes any other history column (transcript…)."""
        fields: dict[str, Any] = {
            "number_raw": number_raw,
            "occurred_at": occurred_at,
            "number_e164": number_e164,
            "source": source,
            "line": line,
            "name": name,
            "level": level,
            "score": score,
            "category": category,
            "reasons": list(reasons) if reasons is not None and not isinstance(reasons, str) else reasons,
            **extra,
        }
        return self._insert("call", fields)

    def add_call_verdict(self, verdict: Any, **fields: Any) -> int:
        """Record a call from a ``screening.screener.NumberVerdict`` (number, level, score, reasons);
        ``fields`` adds or overrides columns (``source``, ``line``, ``name``, ``occurred_at`` …)."""
        number = verdict.number
        category = next((m.category.value for m in verdict.matches if m.list_kind.blocks), None)
        values: dict[str, Any] = {
            "number_e164": number.e164,
            "level": verdict.level,
            "score": verdict.score,
            "category": category,
            "reasons": [r.to_dict() for r in verdict.reasons],
        }
        values.update(fields)
        return self.add_call(number.raw, **values)

    def add_recording(
        self,
        file_path: str | None = None,
        *,
        content_hash: str | None = None,
        occurred_at: datetime | str | None = None,
        source: str = "file",
        duration_s: float | None = None,
        **extra: Any,
    ) -> int:
        """Record a recording; returns the new row id.  ``extra`` as for ``add_call``.  Without a ``transcript`` it is
        kept unchecked (:data:`UNCHECKED_RECORDING`: no speech model yet, say); a later row with the same
        ``content_hash`` replaces it, and :meth:`find_by_hash` does not count it as analysed."""
        fields: dict[str, Any] = {
            "file_path": file_path,
            "content_hash": content_hash,
            "occurred_at": occurred_at,
            "source": source,
            "duration_s": duration_s,
            **extra,
        }
        return self._insert("recording", fields, replaces_unchecked=content_hash)

    def add_sms(
        self,
        number_raw: str | None,
        body: str,
        *,
        occurred_at: datetime | str | None = None,
        source: str = "backup",
        **extra: Any,
    ) -> int:
        """Record a text message (the body goes in ``transcript``); returns the new row id."""
        fields: dict[str, Any] = {
            "number_raw": number_raw,
            "transcript": body,
            "occurred_at": occurred_at,
            "source": source,
            **extra,
        }
        return self._insert("sms", fields)

    def update(self, id: int, **fields: Any) -> None:
        """Change some columns of one row (e.g. add the transcript when the call ends)."""
        if not fields:
            return
        row = self._clean(fields)
        sets = ", ".join(f"{k} = ?" for k in row)
        with self.db.conn:
            cur = self.db.conn.execute(f"UPDATE history SET {sets} WHERE id = ?", [*row.values(), id])
        if cur.rowcount == 0:
            raise KeyError(id)

    def delete(self, id: int) -> bool:
        """Remove one row (a simulated call kept by mistake, a message saved for the wrong person); True when it was
        there. A recording's file is not touched, and importing it again adds it again."""
        with self.db.conn:
            cur = self.db.conn.execute("DELETE FROM history WHERE id = ?", [id])
        return cur.rowcount > 0

    def get(self, id: int) -> dict[str, Any] | None:
        cur = self.db.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM history WHERE id = ?", [id])
        row = cur.fetchone()
        return self._decode(row) if row else None

    def has_unchecked(self, content_hash: str, profile: str | None = None) -> bool:
        """Whether this person's history holds the recording ``content_hash`` unchecked (:data:`UNCHECKED_RECORDING`),
        the row a new reading of it replaces: an import says it checked it again, not that it added one."""
        row = self.db.conn.execute(
            f"SELECT 1 FROM history WHERE {_UNCHECKED_OF_PERSON} LIMIT 1",
            [content_hash, profile or ""],
        ).fetchone()
        return row is not None

    def find_by_hash(self, content_hash: str, *, heard_counts: bool = False) -> dict[str, Any] | None:
        """The most recent row with this content hash (a recording analysed before), or None: a recording kept
        unchecked is scanned again. ``heard_counts``: one a model of another language heard counts as seen (a folder
        watch, which would hear it again with the same model at every start; an import or a scan asked for reads
        it again, as the report's note says to once the Chinese model is in place)."""
        unchecked = NOT_TRANSCRIBED if heard_counts else UNCHECKED_RECORDING
        cur = self.db.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM history WHERE content_hash = ? AND NOT ({unchecked})"
            " ORDER BY id DESC LIMIT 1",
            [content_hash],
        )
        row = cur.fetchone()
        return self._decode(row) if row else None

    def query(
        self,
        kind: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        min_level: Level | int | str | None = None,
        category: str | None = None,
        limit: int | None = 200,
        offset: int = 0,
        profile: str | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first.  ``since`` inclusive, ``until`` exclusive.  ``limit=None`` returns everything."""
        where: list[str] = []
        params: list[Any] = []
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {KINDS}")
            where.append("kind = ?")
            params.append(kind)
        if since is not None:
            where.append("occurred_at >= ?")
            params.append(to_iso(since))
        if until is not None:
            where.append("occurred_at < ?")
            params.append(to_iso(until))
        if min_level is not None:
            where.append("level >= ?")
            params.append(int(Level.parse(min_level)))
        if category is not None:
            where.append("category = ?")
            params.append(category)
        if profile is not None:
            where.append("profile = ?")
            params.append(profile)
        sql = f"SELECT {', '.join(COLUMNS)} FROM history"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY occurred_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            # SQLite integers are 64-bit: a limit typed as 99999999999999999999 means "all", not OverflowError.
            params += [max(0, min(int(limit), 2**63 - 1)), max(0, min(int(offset), 2**63 - 1))]
        return [self._decode(r) for r in self.db.conn.execute(sql, params).fetchall()]

    def count(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM history").fetchone()[0])

    def existing_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` are already stored (rows imported before); one query per 500 hashes."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.conn.execute(f"SELECT content_hash FROM history WHERE content_hash IN ({marks})", chunk)
            found.update(r[0] for r in rows)
        return found

    def insert_many(self, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Insert ``(kind, fields)`` rows in one transaction (all or nothing); returns how many were written."""
        count = 0
        with self.db.conn:
            for kind, fields in rows:
                if kind not in KINDS:
                    raise ValueError(f"kind must be one of {KINDS}")
                row = self._clean(fields)
                row["kind"] = kind
                row["occurred_at"] = to_iso(fields.get("occurred_at")) or utc_now_iso()
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                self.db.conn.execute(f"INSERT INTO history ({cols}) VALUES ({marks})", list(row.values()))
                count += 1
        return count

    # ------------------------------------------------------------------ profiles
    def profiles(self) -> list[str]:
        """Profile names: those created and those used by history rows ('' — no profile — excluded)."""
        rows = self.db.conn.execute(
            "SELECT name FROM profiles UNION SELECT DISTINCT profile FROM history WHERE profile != '' ORDER BY 1"
        )
        return [r[0] for r in rows]

    def add_profile(self, name: str, note: str = "") -> None:
        name = name.strip()
        if not name:
            raise ValueError("empty profile name")
        with self.db.conn:
            self.db.conn.execute(
                "INSERT OR IGNORE INTO profiles (name, note, created_at) VALUES (?, ?, ?)", [name, note, utc_now_iso()]
            )

    @staticmethod
    def _decode(row: tuple[Any, ...]) -> dict[str, Any]:
        out = dict(zip(COLUMNS, row, strict=True))
        for key in JSON_COLUMNS:
            if out[key]:
                try:
                    out[key] = json.loads(out[key])
                except ValueError:
                    pass  # free text written by an older/other writer: keep as is
        if out["level"] is not None:
            out["level"] = Level(out["level"])
        return out
