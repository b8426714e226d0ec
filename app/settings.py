"""Domain settings: declared once, typed, with defaults; persisted as JSON in the data dir.

Window geometry and other pure view state live in QSettings (see ``app/ui/main_window.py``); what the
core and the services need lives here, in one frozen dataclass (Picard ``options.py`` split).

Unknown keys in the file are ignored and bad values fall back to the default for that one field, so a
hand-edited or older settings file never stops the app from starting. In a table (``line_devices``) each bad
entry is dropped on its own and the good ones are kept.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeGuard

from app.calls.events import SourceKind
from app.calls.sources.sip import SipConfig
from screening.types import Level

log = logging.getLogger(__name__)

SETTINGS_FILENAME = "settings.json"
SETTINGS_VERSION = 1

LanguageChoice = Literal["zh", "en", "auto"]
TlsMode = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpSettings:
    """E-mail alerts to a family member. Off unless the user turns it on; nothing is sent otherwise."""

    enabled: bool = False
    host: str = ""
    port: int = 587
    tls: TlsMode = "starttls"
    user: str = ""
    # stored locally, in the user's own data dir, like any mail client does; kept out of repr (logs, tracebacks)
    password: str = field(default="", repr=False)
    sender: str = ""
    recipients: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return bool(self.host and self.port and self.recipients and (self.sender or self.user))


@dataclass(frozen=True)
class ModemLine:
    """One more caller-ID modem, on its own landline (a hotline's second and third lines): its serial port and the
    line's name, as calls, alerts and records say it (``CallEvent.line``)."""

    port: str
    line: str = ""


@dataclass(frozen=True)
class CallSourceSettings:
    """Where incoming calls come from: typed in by hand, a caller-ID modem, an NCID server or a SIP line."""

    kind: SourceKind = "manual"
    modem_port: str = ""
    modem_baud: int = 115200
    ncid_host: str = "127.0.0.1"
    ncid_port: int = 3333
    modem_country: str = "26"  # AT+GCI country code: 26 = China; "" leaves the modem's own setting
    modem_line: str = ""  # the first modem's line name ("" = modem, or modem1 with more modems)
    more_modems: tuple[ModemLine, ...] = ()  # one more modem per landline (app.calls.sources.modem.name_modem_lines)
    ncid_push_blocks: bool = False  # add numbers CallShield blocks to the NCID server's blacklist
    sip: SipConfig = field(default_factory=SipConfig)  # SIP line through baresip (password kept like SMTP's)

    @property
    def modems(self) -> list[tuple[str, str]]:
        """Every modem as (port, line name) as saved, the first one first: what ``name_modem_lines`` checks and names
        (the settings page before saving, the live service when it starts the sources)."""
        return [(self.modem_port, self.modem_line), *((m.port, m.line) for m in self.more_modems)]


@dataclass(frozen=True)
class LineDevices:
    """One line's own pair of devices, for a PC that answers several lines (a small call centre).

    ``line`` is the line's name as the call source reports it (``CallEvent.line``: a modem's line id, the NCID
    ``LINE`` field such as ``-`` or ``line2``). The devices mean what the PC-wide pair means (``Settings.audio_device``
    and ``Settings.audio_caller_device``); a line without an entry uses that pair (:func:`devices_for_line`).
    """

    line: str
    caller_device: str = ""  # 对方（电话那头）: a speech.loopback.CaptureChoice key; "" = the us device hears the call
    us_device: str | None = (
        None  # 我方（麦克风）: a speech.audio.input_device_keys key (or index); None = default input
    )


@dataclass(frozen=True)
class Settings:
    language: LanguageChoice = "auto"
    large_text: bool = False
    alert_sound: bool = True
    alert_sensitivity: Level = Level.WARN  # alert when a call reaches this level or above
    alert_cooldown_s: float = 120.0
    bring_to_front: bool = True
    tray_notifications: bool = True
    # 我方（麦克风）: the microphone, as speech.audio.input_device_keys stores it ("<name>, <host API>", identical twins
    # with their place among themselves, "… #2"; earlier versions stored every device by index: with_device_names)
    audio_device: str | None = None
    # 对方（电话那头）: the playback side of a softphone (a speech.loopback.CaptureChoice key, "pulse:…" or "input:…");
    # empty: one device only, as before (a phone-line recorder hears both sides on ``audio_device``)
    audio_caller_device: str = ""
    line_devices: tuple[LineDevices, ...] = ()  # lines with their own pair (devices_for_line); others use the above
    model_path: str | None = None
    model_mirror: str | None = None  # where to download the model from instead of the official site (same SHA-256)
    auto_hangup: bool = False
    region: str = "CN"
    call_source: CallSourceSettings = field(default_factory=CallSourceSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    first_run_done: bool = False
    # who compiled an exported report, printed under its title (「XX社区居委会反诈值班 周老师 0513-…」): a volunteer hands
    # 记录's export to the police station (a trial: nowhere to say who made it); empty: no such line
    report_by: str = ""

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def line_key(line: object) -> str:
    """How line names are compared: surrounding spaces and letter case do not matter ("Line2" is "line2")."""
    return str(line).strip().casefold()


def find_line_devices(table: tuple[LineDevices, ...], line: object) -> LineDevices | None:
    """The entry of ``table`` for ``line`` (compared by :func:`line_key`), or None."""
    key = line_key(line)
    return next((entry for entry in table if line_key(entry.line) == key), None)


def devices_for_line(settings: Settings, line: object) -> tuple[str, str | None]:
    """The devices that hear calls on ``line``: ``(caller_device, us_device)``.

    The line's own pair when it has one in ``settings.line_devices``, else the PC-wide pair
    (``audio_caller_device``, ``audio_device``). The one place that decides it: whatever opens a line's devices asks here.
    """
    entry = find_line_devices(settings.line_devices, line)
    if entry is not None:
        return entry.caller_device, entry.us_device
    return settings.audio_caller_device, settings.audio_device


class LineAlreadyListed(ValueError):
    """The line named ``line`` already has an entry of its own (line names compare by :func:`line_key`)."""

    def __init__(self, line: str) -> None:
        super().__init__(f"line {line!r} already has its own devices")
        self.line = line


def put_line_devices(
    table: tuple[LineDevices, ...], entry: LineDevices, replacing: str | None = None, *, adding: bool = False
) -> tuple[LineDevices, ...]:
    """``table`` with ``entry`` in place of the line ``replacing`` (a rename) or of its own line, else added at the
    end; ``adding``: ``entry`` must be a line not listed yet (添加线路 never changes a listed one).

    The one place the table's rules live: raises :class:`LineAlreadyListed` when ``entry`` would repeat another line
    (or, ``adding``, any listed line), and ValueError when it has no name."""
    if not entry.line.strip():
        raise ValueError("a line needs a name")
    entry = dataclasses.replace(entry, line=entry.line.strip())
    target = line_key(entry.line if replacing is None else replacing)
    clash = find_line_devices(table, entry.line)
    if clash is not None and (adding or line_key(clash.line) != target):
        raise LineAlreadyListed(entry.line)
    if find_line_devices(table, target) is None:
        return (*table, entry)
    return tuple(entry if line_key(e.line) == target else e for e in table)


def is_device_number(device: str | None) -> TypeGuard[str]:
    """Whether a 我方 device choice is a bare PortAudio index (as earlier versions stored every device), not a name.
    ASCII digits only: '²' passes ``str.isdigit`` and then fails ``int``."""
    return device is not None and device.isascii() and device.isdigit()


def with_device_names(settings: Settings, keys: Mapping[int, str]) -> Settings:
    """``settings`` with every 我方 device stored as a bare PortAudio index (as earlier versions stored every device; PortAudio
    renumbers devices when one is plugged in or out) replaced by that device's key from ``keys``
    (:func:`speech.audio.input_device_keys` of a device scan). Indexes no device has now are kept as they are."""

    def named(device: str | None) -> str | None:
        if is_device_number(device):
            return keys.get(int(device), device)
        return device

    lines = tuple(dataclasses.replace(e, us_device=named(e.us_device)) for e in settings.line_devices)
    return settings.replace(audio_device=named(settings.audio_device), line_devices=lines)


def has_numbered_devices(settings: Settings) -> bool:
    """Whether a 我方 device is still stored as a bare PortAudio index (saved by an earlier version)."""
    devices = (settings.audio_device, *(e.us_device for e in settings.line_devices))
    return any(is_device_number(d) for d in devices)


def remove_line_devices(table: tuple[LineDevices, ...], line: str) -> tuple[LineDevices, ...]:
    """``table`` without the entry for ``line`` (that line then uses the PC-wide pair again)."""
    return tuple(e for e in table if line_key(e.line) != line_key(line))


def settings_path(data_dir: Path) -> Path:
    return Path(data_dir) / SETTINGS_FILENAME


def _to_json(value: Any) -> Any:
    if isinstance(value, Level):
        return value.name.lower()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    return value


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = _to_json(settings)
    data["version"] = SETTINGS_VERSION
    return data


_CHOICES: dict[str, tuple[str, ...]] = {
    "language": ("zh", "en", "auto"),
    "tls": ("none", "starttls", "ssl"),
    "kind": ("manual", "modem", "ncid", "sip"),
    "transport": ("udp", "tcp", "tls"),
}


def _coerce(name: str, default: Any, raw: Any) -> Any:
    """Turn one JSON value into the type of its default; raise ValueError/TypeError if it cannot."""
    if isinstance(default, Level):
        return Level.parse(raw)
    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise TypeError(name)
        return raw
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError(name)
        return int(raw)
    if isinstance(default, float):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError(name)
        return float(raw)
    if isinstance(default, tuple):
        if not isinstance(raw, list | tuple):
            raise TypeError(name)
        return tuple(str(v) for v in raw if str(v).strip())
    if isinstance(default, str):
        if not isinstance(raw, str):
            raise TypeError(name)
        if name in _CHOICES and raw not in _CHOICES[name]:
            raise ValueError(name)
        return raw
    if default is None:  # optional strings
        if raw is None or isinstance(raw, str):
            return raw or None
        raise TypeError(name)
    raise TypeError(name)


def _name_or_index(value: Any) -> str | None:
    """A line name or PortAudio device as written in the file: a string, or a whole number as its digits (a hand
    edit such as ``"line": 2`` or ``"us_device": 3``); None for anything else (true/false and fractions included)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _line_entry(raw: Any) -> LineDevices | None:
    """One entry of ``line_devices`` from the file, or None when it is unusable (dropped, never guessed at)."""
    if not isinstance(raw, dict):
        return None
    line, caller, us = _name_or_index(raw.get("line")), raw.get("caller_device", ""), raw.get("us_device")
    if line is None or not line.strip() or not isinstance(caller, str):
        return None
    us_text = None if us is None else _name_or_index(us)
    if us is not None and us_text is None:
        return None
    return LineDevices(line.strip(), caller.strip(), (us_text or "").strip() or None)


def _coerce_line_devices(name: str, raw: Any) -> tuple[LineDevices, ...]:
    """The per-line device table: entries of the wrong shape, without a line name or repeating a line are dropped
    (each one logged); the good ones are kept in their order."""
    if not isinstance(raw, list | tuple):
        raise TypeError(name)
    table: list[LineDevices] = []
    for i, item in enumerate(raw):
        entry = _line_entry(item)
        if entry is None or find_line_devices(tuple(table), entry.line) is not None:
            log.warning("settings: ignoring bad entry %d of %s", i, name)
            continue
        table.append(entry)
    return tuple(table)


def _coerce_modems(name: str, raw: Any) -> tuple[ModemLine, ...]:
    """The more modems: entries without a port, or of the wrong shape, are dropped (each one logged)."""
    if not isinstance(raw, list | tuple):
        raise TypeError(name)
    table: list[ModemLine] = []
    for i, item in enumerate(raw):
        port = _name_or_index(item.get("port")) if isinstance(item, dict) else None
        line = _name_or_index(item.get("line", "")) if isinstance(item, dict) else None
        if not port or not port.strip() or line is None:
            log.warning("settings: ignoring bad entry %d of %s", i, name)
            continue
        table.append(ModemLine(port.strip(), line.strip()))
    return tuple(table)


# Fields holding a table of dataclasses: the default (an empty tuple) cannot say what its rows are.
_TABLES: dict[str, Callable[[str, Any], Any]] = {"line_devices": _coerce_line_devices, "more_modems": _coerce_modems}


def _from_dict(cls: type[Any], data: dict[str, Any]) -> Any:
    defaults = cls()
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        default = getattr(defaults, f.name)
        raw = data[f.name]
        try:
            if f.name in _TABLES:
                values[f.name] = _TABLES[f.name](f.name, raw)
            elif dataclasses.is_dataclass(default):
                values[f.name] = _from_dict(type(default), raw if isinstance(raw, dict) else {})
            else:
                values[f.name] = _coerce(f.name, default, raw)
        except (TypeError, ValueError, KeyError):
            log.warning("settings: ignoring bad value for %s", f.name)
    return cls(**values)


def settings_from_dict(data: dict[str, Any]) -> Settings:
    result: Settings = _from_dict(Settings, data)
    return result


def load_settings(data_dir: Path) -> Settings:
    """The saved settings, or the defaults if there is no (readable) file yet.

    A file that cannot be used at all (cut off mid-character, not JSON, not a JSON object) is renamed to
    ``settings.json.bad`` (or ``.bad-N`` if an older copy is there), logged once, and the defaults are used:
    an unreadable settings file never stops the app from starting, and the user's bytes are kept.
    """
    path = settings_path(data_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:  # a folder in its place, no permission: nothing to rename safely
        log.warning("settings: cannot read %s (%s); using defaults", path.name, exc.strerror or exc)
        return Settings()
    problem = ""
    data: Any = None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text at byte {exc.start}"
    except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        problem = f"not valid JSON ({exc})"
    if not problem and not isinstance(data, dict):
        problem = f"not a JSON object (a {type(data).__name__})"
    if problem:
        kept = _set_aside(path)
        if kept is not None:
            _SET_ASIDE[Path(data_dir)] = kept
        log.warning(
            "settings: %s is %s; using defaults, the file was kept as %s",
            path.name,
            problem,
            kept.name if kept else "(could not rename it)",
        )
        return Settings()
    return settings_from_dict(data)


_SET_ASIDE: dict[Path, Path] = {}


def take_set_aside_notice(data_dir: Path) -> Path | None:
    """Where this process put an unreadable settings file aside, once (the app shows it to the user once)."""
    return _SET_ASIDE.pop(Path(data_dir), None)


def _set_aside(path: Path) -> Path | None:
    """Rename an unusable settings file out of the way without overwriting an older copy."""
    target = path.with_name(path.name + ".bad")
    n = 0
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad-{n}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def save_settings(data_dir: Path, settings: Settings) -> Path:
    """Write atomically (temp file + fsync + rename) so a crash never leaves half a file."""
    path = settings_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(settings_to_dict(settings), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, 0o600)  # holds the SMTP password
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
