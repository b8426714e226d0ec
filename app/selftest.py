"""``callshield --self-test``: prove that this installation (a checkout or a frozen bundle) really works.

It runs the same code paths as the app, on a temporary data dir so the user's data is never touched:

1. ``qt``         Qt starts (offscreen unless ``QT_QPA_PLATFORM`` says otherwise) and the real main window is
                  shown; reports the time to window shown.
2. ``database``   a temporary database opens through ``blocklists.db.open_db`` and survives a write/read.
3. ``numbers``    a fixed set of numbers is screened and each verdict must reach its expected level.
4. ``transcript`` a fixed scam script and a fixed harmless sentence are scored by the scam-script detector.
5. ``speech``     if the app has a model (``--model``, settings, ``CALLSHIELD_VOSK_MODEL``, a model bundled in the
                  installer, or one installed in the data dir) it is loaded and decodes + transcribes a short
                  bundled WAV; otherwise the check is reported as skipped, with the reason.

It prints one line per check as soon as it finishes (``[ OK ]``, ``[FAIL]``, ``[SKIP]``), then a summary, and exits
0 only when no check failed.  Packaging CI runs it on the frozen app (see tests/test_packaging_frozen.py and
.github/workflows/package.yml); bench/bench_frozen.py reads its timings.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app import __version__, paths
from screening.types import Level

if TYPE_CHECKING:
    from app.cli.context import CliContext

log = logging.getLogger(__name__)

MODEL_ENV = "CALLSHIELD_VOSK_MODEL"
SELFTEST_WAV = ("app.selftest_data", "selftest-zh.wav")
# The same clip as Chinese phones save call recordings: AMR-NB (Android), AAC in M4A (iPhone), MP3.
SELFTEST_FORMATS = ("selftest-zh.amr", "selftest-zh.m4a", "selftest-zh.mp3")
WINDOW_TIMEOUT_S = 20.0

# (raw number as a user or a modem would give it, lowest acceptable level, highest acceptable level, why)
NUMBER_CASES: tuple[tuple[str, Level, Level, str], ...] = (
    ("95588", Level.ALLOW, Level.ALLOW, "ICBC's official service number"),
    ("+00 95588", Level.WARN, Level.BLOCK, "official short number spoofed from abroad"),
    ("110", Level.ALLOW, Level.ALLOW, "police emergency number"),
    ("10690000123456", Level.WARN, Level.BLOCK, "1069 SMS-platform number calling"),
    ("95123456", Level.WARN, Level.BLOCK, "leased 95 call-centre block"),
    ("17012345678", Level.CAUTION, Level.WARN, "170 virtual-operator segment"),
    ("13800138000", Level.UNKNOWN, Level.CAUTION, "ordinary China Mobile number"),
)

# (text, lowest acceptable level, highest acceptable level, why)
TRANSCRIPT_CASES: tuple[tuple[str, Level, Level, str], ...] = (
    (
        "您好，我是公安局的警官，您的银行账户涉嫌洗钱，需要把资金转到安全账户配合调查，请不要告诉家人。",
        Level.WARN,
        Level.BLOCK,
        "police impersonation + safe account",
    ),
    (
        "妈，我周末回家吃饭，帮我买点水果，晚上七点到。",
        Level.ALLOW,
        Level.CAUTION,
        "harmless family call",
    ),
)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "fail" or "skip"
    detail: str
    seconds: float
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "fail"


@dataclass
class SelfTestReport:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not any(c.failed for c in self.checks)

    def get(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "version": __version__,
            "frozen": bool(getattr(sys, "frozen", False)),
            "utf8_mode": bool(sys.flags.utf8_mode),
            "checks": [
                {"name": c.name, "status": c.status, "detail": c.detail, "seconds": round(c.seconds, 3), **c.data}
                for c in self.checks
            ],
        }


class CheckFailed(Exception):
    """A check's expected failure, with a bilingual reason."""


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# ---------------------------------------------------------------------------------------------- helpers


def seconds_since_process_start() -> float | None:
    """Wall time since this process was created (Linux /proc), or None where we cannot tell cheaply."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        fields = stat[stat.rindex(")") + 2 :].split()
        start_ticks = int(fields[19])  # field 22 of the full line: starttime in clock ticks since boot
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def resolve_model(explicit: str | None, data_dir: Path | None) -> tuple[Path | None, str]:
    """The speech model the app would use, and where it came from; ``--model`` overrides everything.

    Same order as the app (``speech.models.resolve_model``): settings, ``CALLSHIELD_VOSK_MODEL``, the model bundled
    in an offline installer, then models installed in the data dir.  A configured but broken folder is returned
    as it is, so the speech check fails on it with the speech core's own message.
    """
    if explicit:
        return Path(explicit).expanduser(), "--model"
    from app.audio.model import configured_model_path, resolve_app_model
    from speech.errors import ModelError, SpeechProblem
    from speech.models import ENV_VAR

    settings_path = configured_model_path(data_dir)  # a broken settings file must not hide the other checks
    try:
        resolved = resolve_app_model(data_dir, settings_path)
    except ModelError as exc:
        if exc.code is SpeechProblem.NO_MODEL:
            return None, ""
        # Configured (settings or environment) but not a model: hand it to the check, which reports why.
        if settings_path:
            return Path(settings_path).expanduser(), "settings"
        return Path(os.environ.get(ENV_VAR, "")).expanduser(), ENV_VAR
    return resolved.path, resolved.source.name.lower()


def selftest_wav() -> Path:
    node = paths.resource(*SELFTEST_WAV)
    if not node.is_file():
        raise CheckFailed(f"自检音频缺失 / self-test WAV missing: {'/'.join(SELFTEST_WAV)}")
    return Path(str(node))


def transcribe_wav(model_path: Path, wav_path: Path) -> tuple[str, float, float, float]:
    """Decode an audio file and transcribe it with the speech core, as the app does.

    Returns (text, model load seconds, decode + recognise seconds, audio seconds).  The file goes through
    ``speech.audio.decode_file`` (PyAV) so a frozen app proves its FFmpeg libraries load too.
    """
    from speech.audio import decode_file
    from speech.recognizer import load_model, transcribe_pcm

    model = load_model(model_path)  # always a path: Vosk's Model(lang=...) would download
    t0 = time.perf_counter()
    audio = decode_file(wav_path)
    text = transcribe_pcm(model, audio.pcm).strip()
    return text, model.load_seconds, time.perf_counter() - t0, audio.duration_s


@contextmanager
def _timed(name: str, lang: str, sink: list[Check], emit: Callable[[Check], None]) -> Iterator[dict[str, Any]]:
    """Run one check body; it fills ``result['detail']`` (and optional data) or raises."""
    result: dict[str, Any] = {"detail": "", "data": {}, "status": "ok"}
    t0 = time.perf_counter()
    try:
        yield result
    except CheckFailed as exc:
        result.update(status="fail", detail=str(exc))
    except Exception as exc:  # any bug in the installation is a failed check, never a crash of the self-test
        log.exception("self-test check %s crashed", name)
        result.update(status="fail", detail=f"{type(exc).__name__}: {exc}")
    check = Check(name, result["status"], result["detail"], time.perf_counter() - t0, result["data"])
    sink.append(check)
    emit(check)


# ---------------------------------------------------------------------------------------------- checks


def _check_qt(lang: str, result: dict[str, Any], scratch: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.perf_counter()
    from PySide6.QtCore import QEventLoop, qVersion
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app.services import build_services
    from app.settings import Settings
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "callshield"])
    platform_name = QGuiApplication.platformName()
    services = build_services(scratch / "qt-data", Settings(first_run_done=True))
    try:
        window = MainWindow(services)
        window.show()
        deadline = time.perf_counter() + WINDOW_TIMEOUT_S
        while True:
            handle = window.windowHandle()
            if window.isVisible() and handle is not None and handle.isExposed():
                break
            if time.perf_counter() > deadline:
                raise CheckFailed(
                    f"主窗口 {WINDOW_TIMEOUT_S:.0f} 秒内未显示 / main window not shown within {WINDOW_TIMEOUT_S:.0f} s"
                )
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        shown_s = time.perf_counter() - t0
        since_start = seconds_since_process_start()
        title = window.windowTitle()
        window.close()
        app.processEvents()
    finally:
        services.close()
    result["data"] = {
        "window_shown_s": round(shown_s, 3),
        "process_to_window_s": None if since_start is None else round(since_start, 3),
        "qpa": platform_name,
    }
    after = (
        _t(lang, f"，进程启动后 {since_start:.2f} 秒", f", {since_start:.2f} s after process start")
        if since_start is not None
        else ""
    )
    result["detail"] = _t(
        lang,
        f"Qt {qVersion()}（{platform_name}）主窗口「{title}」在 {shown_s:.2f} 秒内显示{after}",
        f"Qt {qVersion()} ({platform_name}): main window '{title}' shown in {shown_s:.2f} s{after}",
    )


def _check_database(lang: str, result: dict[str, Any], scratch: Path) -> None:
    from blocklists.db import open_db

    db_file = scratch / paths.DB_FILENAME
    db = open_db(db_file)
    try:
        probe = db.table("selftest_probe")
        probe.insert({"id": 1, "note": "来电护盾 self-test"}, pk="id")
        row = probe.get(1)
        if row["note"] != "来电护盾 self-test":
            raise CheckFailed("数据库读回的内容不一致 / database returned different data")
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise CheckFailed(f"数据库完整性检查失败 / integrity check failed: {integrity}")
        tables = sorted(db.table_names())
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()
    result["data"] = {"tables": len(tables), "journal_mode": journal, "schema_version": version}
    result["detail"] = _t(
        lang,
        f"临时数据库可读写（{len(tables)} 张表，journal={journal}，schema v{version}）",
        f"temporary database read/write OK ({len(tables)} tables, journal={journal}, schema v{version})",
    )


def _check_numbers(lang: str, result: dict[str, Any], scratch: Path) -> None:
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from screening.screener import NumberScreener

    db = open_db(scratch / "numbers.db")
    try:
        screener = NumberScreener(ListStore(db), "CN")
        wrong: list[str] = []
        for raw, low, high, why in NUMBER_CASES:
            level = Level(screener.screen(raw).level)
            if not low <= level <= high:
                wrong.append(f"{raw} ({why}): {level.name}, expected {low.name}..{high.name}")
    finally:
        db.close()
    if wrong:
        raise CheckFailed("号码判定与预期不符 / unexpected number verdicts: " + "; ".join(wrong))
    result["data"] = {"numbers": len(NUMBER_CASES)}
    result["detail"] = _t(
        lang,
        f"{len(NUMBER_CASES)} 个号码的判定全部符合预期",
        f"{len(NUMBER_CASES)} numbers screened, every verdict as expected",
    )


def _check_signatures(lang: str, result: dict[str, Any]) -> None:
    """Community-list signatures work in this build: sign in minisign's format, verify, and refuse a changed text
    (the frozen app strips and bundles libsodium; a broken copy shows up here, not at a volunteer's first update)."""
    from blocklists.subscriptions.minisign import generate_secret_key, verify
    from blocklists.subscriptions.problems import SubscriptionError

    key = generate_secret_key()
    data = b'{"list_id": "selftest", "serial": 1}'
    signature = key.sign(data, "list_id=selftest serial=1")
    verify(key.public_key, data, signature)
    try:
        verify(key.public_key, data + b" ", signature)
    except SubscriptionError:
        pass
    else:
        raise CheckFailed("篡改过的名单通过了签名核对 / a changed list passed the signature check")
    result["data"] = {"fingerprint": key.public_key.fingerprint}
    result["detail"] = _t(
        lang,
        "社区名单签名：签名、核对、拒绝篡改均正常",
        "community-list signatures: sign, verify and refuse a change all work",
    )


def _check_transcript(lang: str, result: dict[str, Any], scratch: Path) -> None:
    from screening.transcript import ScriptDetector

    t0 = time.perf_counter()
    detector = ScriptDetector.default()
    load_s = time.perf_counter() - t0
    wrong: list[str] = []
    scam_hits = 0
    for text, low, high, why in TRANSCRIPT_CASES:
        assessment = detector.assess(text)
        level = Level(assessment.level)
        if low >= Level.WARN:
            scam_hits = len(assessment.hits)
        if not low <= level <= high:
            wrong.append(f"{why}: {level.name}, expected {low.name}..{high.name}")
    if wrong:
        raise CheckFailed("话术评分与预期不符 / unexpected transcript scores: " + "; ".join(wrong))
    if scam_hits == 0:
        raise CheckFailed("诈骗话术没有命中任何短语 / the scam script matched no phrase")
    result["data"] = {"detector_load_s": round(load_s, 3), "scam_hits": scam_hits}
    result["detail"] = _t(
        lang,
        f"诈骗话术被识别（命中 {scam_hits} 处），正常对话未误报；检测器加载 {load_s:.2f} 秒",
        f"scam script flagged ({scam_hits} hits), harmless call not flagged; detector loaded in {load_s:.2f} s",
    )


def _envelope(pcm: bytes, window: int = 800) -> list[float]:
    """RMS of each 50 ms window of 16 kHz int16 PCM."""
    from speech.audio import int16_samples

    samples = int16_samples(pcm)
    return [
        math.sqrt(sum(x * x for x in samples[i : i + window]) / window)
        for i in range(0, len(samples) - window + 1, window)
    ]


def _similarity(a: list[float], b: list[float], max_lag: int = 4) -> float:
    """Best Pearson correlation of two loudness envelopes over small shifts (codec delay)."""
    best = -1.0
    for lag in range(-max_lag, max_lag + 1):
        x, y = (a[lag:], b) if lag >= 0 else (a, b[-lag:])
        n = min(len(x), len(y))
        if n < 8:
            continue
        x, y = x[:n], y[:n]
        mx, my = sum(x) / n, sum(y) / n
        cov = sum((p - mx) * (q - my) for p, q in zip(x, y, strict=True))
        vx = math.sqrt(sum((p - mx) ** 2 for p in x))
        vy = math.sqrt(sum((q - my) ** 2 for q in y))
        if vx > 0 and vy > 0:
            best = max(best, cov / (vx * vy))
    return best


def _check_formats(lang: str, result: dict[str, Any]) -> None:
    """Decode the clip from AMR, M4A and MP3 copies (PyAV's FFmpeg codecs, as in a call-recording scan)."""
    from speech.audio import decode_file, probe
    from speech.errors import SpeechError

    wav = selftest_wav()
    reference = decode_file(wav)
    ref_env = _envelope(reference.pcm)
    decoded: dict[str, dict[str, Any]] = {}
    for name in SELFTEST_FORMATS:
        node = paths.resource(SELFTEST_WAV[0], name)
        if not node.is_file():
            raise CheckFailed(f"自检音频缺失 / self-test audio missing: {name}")
        path = Path(str(node))
        try:
            codec = probe(path).codec
            audio = decode_file(path)
        except SpeechError as exc:
            raise CheckFailed(f"{name}: {exc.render('zh')} / {exc.render('en')}") from exc
        similarity = _similarity(ref_env, _envelope(audio.pcm))
        if abs(audio.duration_s - reference.duration_s) > 0.2 or similarity < 0.8:
            raise CheckFailed(
                f"{name}（{codec}）解码结果与原音不符 / decoded {name} ({codec}) does not match the clip: "
                f"{audio.duration_s:.2f} s vs {reference.duration_s:.2f} s, similarity {similarity:.2f}"
            )
        decoded[path.suffix.lstrip(".")] = {"codec": codec, "seconds": round(audio.duration_s, 3)}
    names = "、".join(f"{k.upper()}（{v['codec']}）" for k, v in decoded.items())
    result["data"] = {"formats": decoded}
    result["detail"] = _t(
        lang,
        f"通话录音格式解码正常：{names}",
        "call-recording formats decode: " + ", ".join(f"{k.upper()} ({v['codec']})" for k, v in decoded.items()),
    )


def _check_speech(lang: str, result: dict[str, Any], explicit: str | None, data_dir: Path | None) -> None:
    model, source = resolve_model(explicit, data_dir)
    if model is None:
        result["status"] = "skip"
        result["detail"] = _t(
            lang,
            f"未配置语音模型（--model、设置、{MODEL_ENV} 或数据目录中的模型），跳过转写",
            f"no speech model configured (--model, settings, {MODEL_ENV} or the data dir); transcription not tested",
        )
        return
    from speech.errors import SpeechError

    wav_path = selftest_wav()
    try:
        text, load_s, decode_s, audio_s = transcribe_wav(model, wav_path)
    except SpeechError as exc:
        raise CheckFailed(
            f"语音模型（来自 {source}）：{exc.render('zh')} / speech model (from {source}): {exc.render('en')}"
        ) from exc
    if not text:
        raise CheckFailed(
            f"模型已加载，但在 {audio_s:.1f} 秒的语音里没有识别出任何文字 / "
            f"model loaded but recognised nothing in {audio_s:.1f} s of speech"
        )
    words = len(text.split())
    result["data"] = {
        "model": str(model),
        "model_source": source,
        "model_load_s": round(load_s, 3),
        "decode_s": round(decode_s, 3),
        "audio_s": round(audio_s, 3),
        "words": words,
    }
    result["detail"] = _t(
        lang,
        f"模型（{source}）加载 {load_s:.2f} 秒；{audio_s:.1f} 秒音频解码并转写 {decode_s:.2f} 秒，识别出 {words} 个词",
        f"model ({source}) loaded in {load_s:.2f} s; {audio_s:.1f} s of audio decoded and transcribed in"
        f" {decode_s:.2f} s, {words} words",
    )


# ---------------------------------------------------------------------------------------------- runner


def run_selftest(
    lang: str = "zh",
    model: str | None = None,
    data_dir: Path | None = None,
    qt: bool = True,
    emit: Callable[[Check], None] | None = None,
) -> SelfTestReport:
    """Run every check; never raises for a failed check (it is recorded in the report)."""
    report = SelfTestReport()
    say = emit or (lambda check: None)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="callshield-selftest-", ignore_cleanup_errors=True) as tmp:
        scratch = Path(tmp)
        if qt:
            with _timed("qt", lang, report.checks, say) as r:
                _check_qt(lang, r, scratch)
        with _timed("database", lang, report.checks, say) as r:
            _check_database(lang, r, scratch)
        with _timed("numbers", lang, report.checks, say) as r:
            _check_numbers(lang, r, scratch)
        with _timed("signatures", lang, report.checks, say) as r:
            _check_signatures(lang, r)
        with _timed("transcript", lang, report.checks, say) as r:
            _check_transcript(lang, r, scratch)
        with _timed("formats", lang, report.checks, say) as r:
            _check_formats(lang, r)
        with _timed("speech", lang, report.checks, say) as r:
            _check_speech(lang, r, model, data_dir)
    report.seconds = time.perf_counter() - t0
    return report


_MARKS = {"ok": "[ OK ]", "fail": "[FAIL]", "skip": "[SKIP]"}


def format_check(check: Check) -> str:
    return f"{_MARKS[check.status]} {check.name:<10} {check.detail}  ({check.seconds:.2f} s)"


def print_report(report: SelfTestReport, lang: str, out: TextIO) -> None:
    failed = [c.name for c in report.checks if c.failed]
    skipped = [c.name for c in report.checks if c.status == "skip"]
    if failed:
        line = _t(
            lang,
            f"自检失败：{', '.join(failed)}（用时 {report.seconds:.2f} 秒）",
            f"self-test FAILED: {', '.join(failed)} ({report.seconds:.2f} s)",
        )
    else:
        extra = _t(lang, f"，跳过：{', '.join(skipped)}", f", skipped: {', '.join(skipped)}") if skipped else ""
        line = _t(
            lang,
            f"自检通过（用时 {report.seconds:.2f} 秒{extra}）",
            f"self-test passed ({report.seconds:.2f} s{extra})",
        )
    print(line, file=out, flush=True)
    print("SELFTEST-JSON " + json.dumps(report.as_dict(), ensure_ascii=False), file=out, flush=True)


def main(args: argparse.Namespace, ctx: CliContext) -> int:
    """Entry from ``callshield --self-test``."""
    frozen = _t(ctx.lang, "打包版", "frozen") if getattr(sys, "frozen", False) else _t(ctx.lang, "源码", "source")
    print(
        f"CallShield {__version__} {_t(ctx.lang, '自检', 'self-test')} ({frozen}, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()})",
        file=ctx.out,
        flush=True,
    )

    def emit(check: Check) -> None:
        print(format_check(check), file=ctx.out, flush=True)

    report = run_selftest(lang=ctx.lang, model=getattr(args, "selftest_model", None), data_dir=ctx.data_dir, emit=emit)
    print_report(report, ctx.lang, ctx.out)
    log.info("self-test %s in %.2f s", "passed" if report.ok else "failed", report.seconds)
    return 0 if report.ok else 1
