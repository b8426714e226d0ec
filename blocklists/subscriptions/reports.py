"""Users' reports ("标记 / report") and their pooling by a volunteer centre.

A report is a number, a category, an optional note and a time — nothing about the user.  An export adds
this installation's random id (so a volunteer can count each household once, without learning who it is)
and, only if the user typed one, a name.  ``export_payload`` is exactly what ``write_export`` writes, so
the UI and the CLI can show it before anything is shared.

``aggregate`` merges exports from many installations: one vote per installation and number (its latest
report wins), a threshold of distinct installations, and proposals — additions for numbers reported as
fraud/harassment/sales, removals for listed numbers enough people marked "safe" (正常 / 误报).
"""

from __future__ import annotations

import csv
import enum
import json
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from blocklists.history import utc_now_iso
from blocklists.store import Category
from blocklists.subscriptions.problems import SubscriptionError, SubscriptionProblem
from screening.numbers import NumberProblem, normalise

FORMAT = "callshield-reports"
FORMAT_VERSION = 1
SAFE = "safe"
MAX_REPORT_FILE = 50 * 1024 * 1024
_SAFE_ALIASES = {"safe", "正常", "误报", "not_scam", "not scam", "ok", "安全"}


def parse_report_category(value: str) -> str:
    """A Category code, or ``safe`` ("this number is fine / wrongly listed")."""
    text = (value or "").strip().lower()
    if text in _SAFE_ALIASES:
        return SAFE
    try:
        return Category.parse(value).value
    except ValueError as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_REPORT_CATEGORY, value=value) from exc


def report_category_label(code: str, lang: str = "zh") -> str:
    if code == SAFE:
        return "safe" if lang.startswith("en") else "正常/误报"
    return Category.parse(code, Category.CUSTOM).label(lang)


@dataclass(frozen=True)
class Report:
    id: int
    number: str  # key space (+8613800138000)
    number_raw: str
    category: str
    note: str
    reported_at: str


def installation_id(db: sqlite_utils.Database) -> str:
    """This installation's random id (made on first use; not derived from anything about the user)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'installation_id'").fetchone()
    if row:
        return str(row[0])
    new = secrets.token_hex(16)
    with db.conn:
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('installation_id', ?)", [new])
    return str(db.execute("SELECT value FROM meta WHERE key = 'installation_id'").fetchone()[0])


def add_report(
    db: sqlite_utils.Database,
    number: str,
    category: str,
    note: str = "",
    *,
    region: str = "CN",
    when: datetime | None = None,
) -> Report:
    n = normalise(number, region)
    if not n.key or n.problem in (NumberProblem.EMPTY, NumberProblem.NOT_A_NUMBER, NumberProblem.UNPARSEABLE):
        from screening.i18n import Message

        reason = Message(n.problem or NumberProblem.UNPARSEABLE, n.params)
        raise SubscriptionError(
            SubscriptionProblem.BAD_REPORT_NUMBER,
            value=number,
            reason=reason.render("zh"),
            reason_en=reason.render("en"),
        )
    cat = parse_report_category(category)
    stamp = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0).isoformat()
    with db.conn:
        cur = db.execute(
            "INSERT INTO reports (number, number_raw, category, note, reported_at) VALUES (?, ?, ?, ?, ?)",
            [n.key, number.strip(), cat, note.strip(), stamp],
        )
    return Report(int(cur.lastrowid or 0), n.key, number.strip(), cat, note.strip(), stamp)


def list_reports(db: sqlite_utils.Database) -> list[Report]:
    rows = db.execute("SELECT id, number, number_raw, category, note, reported_at FROM reports ORDER BY id")
    return [Report(*r) for r in rows]


def delete_report(db: sqlite_utils.Database, report_id: int) -> bool:
    with db.conn:
        cur = db.execute("DELETE FROM reports WHERE id = ?", [report_id])
    return cur.rowcount > 0


def export_payload(db: sqlite_utils.Database, reporter_name: str = "", now: datetime | None = None) -> dict[str, Any]:
    """Exactly what an export file will contain."""
    payload: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "installation": installation_id(db),
        "exported_at": (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0).isoformat(),
        "reports": [
            {"number": r.number, "category": r.category, "note": r.note, "reported_at": r.reported_at}
            for r in list_reports(db)
        ],
    }
    if reporter_name.strip():
        payload["reporter"] = reporter_name.strip()
    return payload


def payload_text(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def write_export(payload: Mapping[str, Any], dest: str | os.PathLike[str]) -> int:
    """Write the payload (temporary name, then rename).  Returns the number of reports."""
    path = Path(dest)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(payload_text(payload), encoding="utf-8")
    os.replace(tmp, path)
    return len(payload["reports"])


# ---------------------------------------------------------------------------------------------- aggregate
class Action(enum.Enum):
    ADD = "add"
    REMOVE = "remove"


@dataclass(frozen=True)
class Proposal:
    action: Action
    number: str
    category: str  # the majority category (for additions)
    votes: int  # distinct installations agreeing
    against: int  # distinct installations saying the opposite
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Aggregate:
    files: int
    installations: int
    reports: int  # rows read
    duplicates: int  # rows dropped: the same installation reporting the same number again
    proposals: tuple[Proposal, ...]
    below_threshold: int  # numbers reported, but by too few installations


def read_report_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_REPORT_FILE:
            raise SubscriptionError(SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail="too large")
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise SubscriptionError(
            SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail=exc.strerror or str(exc)
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SubscriptionError(SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail="not JSON") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("reports"), list):
        raise SubscriptionError(
            SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail="not a CallShield report export"
        )
    inst = data.get("installation")
    if not isinstance(inst, str) or not inst:
        raise SubscriptionError(SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail="no installation id")
    for i, item in enumerate(data["reports"], 1):
        if not isinstance(item, dict) or not isinstance(item.get("number"), str):
            raise SubscriptionError(SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail=f"report {i}")
        try:
            item["category"] = parse_report_category(str(item.get("category") or ""))
        except SubscriptionError as exc:
            raise SubscriptionError(
                SubscriptionProblem.BAD_REPORT_FILE, name=p.name, detail=f"report {i}: category"
            ) from exc
    return data


def aggregate(
    paths: Iterable[str | os.PathLike[str]], min_reports: int = 3, listed: Iterable[str] | None = None
) -> Aggregate:
    """Merge report exports (all files are read and checked first: one bad file stops everything).

    ``listed``: key-space numbers already on the publisher's list — additions are proposed only for numbers
    not on it, removals only for numbers on it.  Without it, removals are proposed for any number with
    enough "safe" votes.
    """
    exports = [read_report_file(p) for p in paths]
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    rows = 0
    for data in exports:
        inst = data["installation"]
        for item in data["reports"]:
            rows += 1
            key = normalise(item["number"]).key or item["number"]
            prev = latest.get((inst, key))
            if prev is None or str(item.get("reported_at") or "") >= str(prev.get("reported_at") or ""):
                latest[(inst, key)] = item
    by_number: dict[str, list[dict[str, Any]]] = {}
    for (_inst, key), item in latest.items():
        by_number.setdefault(key, []).append(item)
    on_list = set(listed) if listed is not None else None
    proposals: list[Proposal] = []
    below = 0
    for key in sorted(by_number):
        items = by_number[key]
        cats = Counter(str(i["category"]) for i in items)
        safe = cats.pop(SAFE, 0)
        bad = sum(cats.values())
        notes = tuple(sorted({str(i.get("note") or "").strip() for i in items} - {""}))[:5]
        if bad >= min_reports and bad > safe and (on_list is None or key not in on_list):
            category = sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            proposals.append(Proposal(Action.ADD, key, category, bad, safe, notes))
        elif safe >= min_reports and safe > bad and (on_list is None or key in on_list):
            proposals.append(Proposal(Action.REMOVE, key, SAFE, safe, bad, notes))
        elif max(bad, safe) < min_reports:
            below += 1
    installations = len({d["installation"] for d in exports})
    return Aggregate(len(exports), installations, rows, rows - len(latest), tuple(proposals), below)


def removals_path(dest: str | os.PathLike[str]) -> Path:
    path = Path(dest)
    return path.with_name(f"{path.stem}.removals{path.suffix or '.csv'}")


def write_proposals(result: Aggregate, dest: str | os.PathLike[str]) -> list[Path]:
    """CSV (UTF-8 with BOM for Excel): ``number,category,votes,against,note,action``.

    Additions go to ``dest`` — a file ``callshield lists import`` takes as it is, once reviewed; the note
    starts with ``votes=N;`` so the vote count is published with the entry.  Proposed removals go to
    ``<dest>.removals.csv`` beside it (never mixed in, so an import cannot add what should be removed).
    Returns the paths written.
    """
    written = []
    for action, path in ((Action.ADD, Path(dest)), (Action.REMOVE, removals_path(dest))):
        chosen = [p for p in result.proposals if p.action is action]
        if action is Action.REMOVE and not chosen:
            continue
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["number", "category", "votes", "against", "note", "action"])
            for p in chosen:
                note = (f"votes={p.votes}; " + " | ".join(p.notes)).strip()
                writer.writerow([p.number, p.category, p.votes, p.against, note, p.action.value])
        os.replace(tmp, path)
        written.append(path)
    return written


def utc_now() -> str:
    return utc_now_iso()
