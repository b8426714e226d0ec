"""Phone call recordings: where vendors keep them, what their file names say, and which call each one was.

* **Folders.**  Android phones keep call recordings in vendor folders (copied to the PC by USB, Syncthing or
  the vendor's PC suite).  :data:`VENDOR_FOLDERS` lists them; :func:`find_recording_folders` finds them under
  a copied phone root, :func:`vendor_of` tells the vendor from a path.
* **File names.**  :func:`parse_name` reads the number, contact name and start time where the pattern is known:
  MIUI ``<label>@<name or number>(<number>)_yyyyMMddHHmmss.mp3`` and the Huawei/Honor, OPPO and vivo styles
  ``name_number_yyyyMMddHHmmss``, ``number_yyyyMMddHHmmss``, ``name_yyyyMMddHHmmss`` (also with spaces, or
  ``yyyyMMdd_HHmmss`` / ``yyyy-MM-dd HH-mm-ss`` times).  An unknown pattern gives ``None``; the recording is
  still scanned.
* **Matching.**  :func:`match_call` links a recording to a call-log entry by the number's last digits and a
  start time within :data:`MATCH_WINDOW_S` (about two minutes); without a number, by time (and the contact
  name when the file name has one).  File-name times are the phone's local time; pass its ``tz``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from app.local_zone import LOCAL

MATCH_WINDOW_S = 120.0
LAST_DIGITS = 8  # "the number's last digits": enough to tell numbers apart, immune to +86 / 0 prefixes

# vendor → folders (relative to the phone's internal storage root)
VENDOR_FOLDERS: dict[str, tuple[str, ...]] = {
    "xiaomi": ("MIUI/sound_recorder/call_rec", "Android/media/com.miui.voiceassistantsdk/SoundRecorder/call_rec"),
    "huawei": ("Sounds/CallRecord", "Recordings/CallRecord"),  # Huawei and Honor (EMUI / MagicOS / HarmonyOS)
    "oppo": ("Music/Recordings/Call Recordings", "Recordings/Call Recordings"),  # OPPO, OnePlus, realme (ColorOS)
    "vivo": ("Record/Call", "Recordings/Record/Call"),
}
VENDOR_NAMES = {
    "xiaomi": ("小米 / Redmi", "Xiaomi / Redmi"),
    "huawei": ("华为 / 荣耀", "Huawei / Honor"),
    "oppo": ("OPPO / 一加 / 真我", "OPPO / OnePlus / realme"),
    "vivo": ("vivo / iQOO", "vivo / iQOO"),
}

_TS14 = r"(?P<ts>(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d)"
_NUMBER = r"\+?\d[\d \-]{2,22}\d"
_MIUI = re.compile(rf"^(?:(?P<label>[^@]*)@)?(?P<who>[^()]*?)\s*\((?P<number>{_NUMBER})\)_{_TS14}$")
# a time inside a name: 20261130090000 | 20261130_090000 | 2026-11-30 09-00-00 | 2026-11-30_09.00.00
_TIME = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})-?(?P<mo>0[1-9]|1[0-2])-?(?P<d>[0-2]\d|3[01])[ _\-T]?"
    r"(?P<h>[01]\d|2[0-3])[-.:]?(?P<mi>[0-5]\d)[-.:]?(?P<s>[0-5]\d)(?!\d)"
)
_NUMBER_TOKEN = re.compile(r"^\+?\d{3,20}$")
_LABELS = ("通话录音", "录音", "call", "record", "recording", "callrecord")


@dataclass(frozen=True)
class RecordingName:
    """What a recording's file name says.  ``started`` is aware (in the phone's time zone)."""

    style: str  # "miui" | "name_number_time" | "number_time" | "name_time" | "time"
    number: str | None
    name: str | None
    started: datetime


@dataclass(frozen=True)
class CallEntry:
    """A call-log entry to match against (from the history)."""

    id: int
    number: str
    started: datetime  # aware
    duration_s: float = 0.0
    name: str | None = None


def vendor_of(path: str | Path) -> str | None:
    text = Path(path).as_posix().lower()
    for vendor, folders in VENDOR_FOLDERS.items():
        if any(f.lower() in text for f in folders):
            return vendor
    return None


def find_recording_folders(root: str | Path) -> list[tuple[str, Path]]:
    """Vendor recording folders that exist under ``root`` (a copied phone storage root, or the folder itself)."""
    base = Path(root)
    found: list[tuple[str, Path]] = []
    for vendor, folders in VENDOR_FOLDERS.items():
        for rel in folders:
            p = base / rel
            if p.is_dir():
                found.append((vendor, p))
    return found


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def last_digits(number: str, n: int = LAST_DIGITS) -> str:
    return _digits(number)[-n:]


def parse_name(filename: str, tz: tzinfo | None = None) -> RecordingName | None:
    """Read number, contact name and start time from a recording's file name; ``None`` if not a known pattern."""
    zone = tz or LOCAL
    stem = Path(filename).stem.strip()
    m = _MIUI.match(stem)
    if m:
        miui_number = re.sub(r"[ \-]", "", m.group("number"))
        who = m.group("who").strip() or None
        name = None if who is None or _digits(who) == _digits(miui_number) else who
        return RecordingName("miui", miui_number, name, _ts14(m.group("ts"), zone))
    t = _TIME.search(stem)
    if t is None:
        return None
    started = datetime(int(t["y"]), int(t["mo"]), int(t["d"]), int(t["h"]), int(t["mi"]), int(t["s"]), tzinfo=zone)
    rest = (stem[: t.start()] + " " + stem[t.end() :]).strip()
    tokens = [tok for tok in re.split(r"[_\s@]+", rest) if tok]
    tokens = [tok for tok in tokens if tok.lower() not in _LABELS]
    numbers = [tok for tok in tokens if _NUMBER_TOKEN.match(tok.replace("-", ""))]
    names = [tok for tok in tokens if tok not in numbers]
    number = numbers[-1].replace("-", "") if numbers else None
    name = " ".join(names) or None
    if number and name:
        return RecordingName("name_number_time", number, name, started)
    if number:
        return RecordingName("number_time", number, None, started)
    if name:
        return RecordingName("name_time", None, name, started)
    return RecordingName("time", None, None, started)  # only a time: matched to the call log by time alone


def _ts14(ts: str, zone: tzinfo) -> datetime:
    return datetime(int(ts[:4]), int(ts[4:6]), int(ts[6:8]), int(ts[8:10]), int(ts[10:12]), int(ts[12:14]), tzinfo=zone)


def match_call(
    started: datetime | None,
    calls: Sequence[CallEntry],
    number: str | None = None,
    name: str | None = None,
    window_s: float = MATCH_WINDOW_S,
    ended: datetime | None = None,
) -> CallEntry | None:
    """The call-log entry this recording belongs to, or None.

    With a number: same last digits and a start within ``window_s``.  Without one: the closest start in the
    window (the same contact name when both have one).  With no start time, ``ended`` (the file's modification
    time) is compared with each call's end instead.
    """
    if started is None and ended is None:
        return None
    want = last_digits(number) if number else None
    best: tuple[float, CallEntry] | None = None
    for call in calls:
        if want and last_digits(call.number) != want:
            continue
        if not want and name and call.name and call.name != name:
            continue
        if started is not None:
            gap = abs((call.started - started).total_seconds())
        else:
            assert ended is not None
            gap = abs((call.started + timedelta(seconds=call.duration_s) - ended).total_seconds())
        if gap <= window_s and (best is None or gap < best[0]):
            best = (gap, call)
    return best[1] if best else None


def audio_files(paths: Iterable[Path], extensions: frozenset[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in extensions))
        elif p.suffix.lower() in extensions:
            out.append(p)
    return out
