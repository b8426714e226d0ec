"""Benchmark: caller-ID line on the modem → screened call in the history, end to end.

A scripted voice modem sits on a real pseudo-terminal (the same peer the tests use). For each call
it sends ``RING`` and a caller-ID block for a 952750xx number; the clock starts right before the
block (with its ``NMBR`` line) is written and stops when the call controller's listener runs, which
happens after the history row is committed. Target: p99 ≤ 100 ms.

Rows (same machine, same run, same SQLite file type):

* ``CallShield, block without NAME`` – the usual Chinese caller ID (number only): the source waits
  ``cid_grace_s`` (30 ms) for a NAME line before reporting.
* ``CallShield, block with NAME`` – the block ends itself with NAME: reported at once.
* ``baseline: naive 100 ms polling loop`` – what simple caller-ID scripts do: sleep, read what
  is waiting, parse, screen, insert, all on one thread.
* ``floor: parse + screen + insert`` – no serial port and no threads: the cost that no design can
  avoid.

Run: ``python bench/bench_calls.py [--calls 200]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import serial  # noqa: E402

from app.calls.controller import CallController  # noqa: E402
from app.calls.sources.modem import ModemConfig, ModemSource, parse_cid_line  # noqa: E402
from blocklists.db import open_db  # noqa: E402
from blocklists.history import History  # noqa: E402
from blocklists.store import ListStore  # noqa: E402
from screening.screener import NumberScreener  # noqa: E402
from screening.types import Level  # noqa: E402
from tests.app.calls.test_sources_peers import ModemPeer  # noqa: E402

TARGET_MS = 100.0


def block(number: str, with_name: bool) -> bytes:
    lines = ["DATE = 1121", "TIME = 0435", f"NMBR = {number}"]
    if with_name:
        lines.append("NAME = O")
    return ("\r\n" + "\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_callshield(workdir: Path, calls: int, with_name: bool) -> list[float]:
    db_path = workdir / f"callshield-{'name' if with_name else 'plain'}.db"
    peer = ModemPeer(workdir / f"ttyBENCH{int(with_name)}").start()
    controller = CallController(db_path)
    done = threading.Event()
    finished_at: list[float] = []
    levels: list[Level] = []

    def listener(event, verdict, history_id) -> None:  # type: ignore[no-untyped-def]
        finished_at.append(time.perf_counter())
        levels.append(verdict.level)
        assert history_id is not None
        done.set()

    controller.add_listener(listener)
    controller.start()
    connected = threading.Event()
    source = ModemSource(
        ModemConfig(port=str(peer.link)),
        controller.submit,
        lambda status: connected.set() if status.state.value == "connected" else None,
        controller.call_ended,
    )
    controller.attach(source)
    source.start()
    latencies: list[float] = []
    try:
        if not connected.wait(10):
            raise RuntimeError("modem did not come up")
        for i in range(calls):
            done.clear()
            peer.ring()
            started = time.perf_counter()
            peer.write(block(f"952750{i % 100:02d}", with_name))
            if not done.wait(5):
                raise RuntimeError(f"call {i} never reached the history")
            latencies.append((finished_at[-1] - started) * 1000)
    finally:
        controller.close()
        peer.stop()
    rows = History(open_db(db_path)).count()
    assert rows == calls, (rows, calls)
    assert set(levels) == {Level.WARN}, set(levels)
    return latencies


def run_naive(workdir: Path, calls: int) -> list[float]:
    """A single-threaded reader that polls the port every 100 ms (sleep, read what is there)."""
    db_path = workdir / "naive.db"
    peer = ModemPeer(workdir / "ttyNAIVE").start()
    peer.caller_id = True  # skip init: the naive script assumes the modem is set up
    db = open_db(db_path)
    screener = NumberScreener(ListStore(db))
    history = History(db)
    latencies: list[float] = []
    sent_at: list[float] = []
    stop = threading.Event()

    jitter = random.Random(7)

    def feeder() -> None:
        for i in range(calls):
            count = len(latencies)
            time.sleep(jitter.uniform(0, 0.1))  # calls arrive at any point of the polling cycle
            peer.ring()
            sent_at.append(time.perf_counter())
            peer.write(block(f"952750{i % 100:02d}", False))
            while len(latencies) == count and not stop.is_set():
                time.sleep(0.001)

    with serial.Serial(str(peer.link), 115200, timeout=0) as ser:
        thread = threading.Thread(target=feeder)
        thread.start()
        buf = b""
        try:
            while len(latencies) < calls:
                time.sleep(0.1)
                buf += ser.read(ser.in_waiting or 1)
                *lines, rest = buf.split(b"\n")
                buf = rest
                for raw in lines:
                    field = parse_cid_line(raw.decode("ascii", "replace").strip())
                    if field and field[0] == "NMBR":
                        verdict = screener.screen(field[1])
                        history.add_call(field[1], source="modem", level=verdict.level, score=verdict.score)
                        latencies.append((time.perf_counter() - sent_at[len(latencies)]) * 1000)
        finally:
            stop.set()
            thread.join()
            peer.stop()
    return latencies


def run_floor(workdir: Path, calls: int) -> list[float]:
    db = open_db(workdir / "floor.db")
    screener = NumberScreener(ListStore(db))
    history = History(db)
    latencies = []
    for i in range(calls):
        started = time.perf_counter()
        _, number = parse_cid_line(f"NMBR = 952750{i % 100:02d}") or ("", "")
        verdict = screener.screen(number)
        history.add_call(number, source="modem", level=verdict.level, reasons=[r.to_dict() for r in verdict.reasons])
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200, help="calls per row (default 200)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="callshield-bench-") as tmp:
        workdir = Path(tmp)
        rows = [
            ("CallShield, block without NAME (grace 30 ms)", run_callshield(workdir, args.calls, with_name=False)),
            ("CallShield, block with NAME", run_callshield(workdir, args.calls, with_name=True)),
            ("baseline: naive 100 ms polling loop", run_naive(workdir, args.calls)),
            ("floor: parse + screen + insert (no I/O)", run_floor(workdir, args.calls)),
        ]
    naive_p50 = statistics.median(rows[2][1])
    naive_p99 = percentile(rows[2][1], 99)
    print(f"NMBR line → history row, {args.calls} calls per row, 952750xx numbers (verdict: warn)")
    print("ratio = naive baseline ÷ this row (higher is faster)")
    print(f"{'method':<46} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p50 ratio':>10} {'p99 ratio':>10}")
    for name, values in rows:
        p50, p99 = statistics.median(values), percentile(values, 99)
        print(
            f"{name:<46} {p50:>8.2f} {p99:>8.2f} {max(values):>8.2f} {naive_p50 / p50:>9.1f}x {naive_p99 / p99:>9.1f}x"
        )
    worst = max(percentile(rows[0][1], 99), percentile(rows[1][1], 99))
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(f"target p99 ≤ {TARGET_MS:.0f} ms: {verdict} (worst CallShield p99 {worst:.2f} ms)")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
