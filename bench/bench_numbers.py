"""Benchmark: number screening and list import at a million entries, against a naive baseline.

    python bench/bench_numbers.py               # full run: 1,000,000 entries, 100,000-row call log
    python bench/bench_numbers.py --quick       # smoke run (20,000 entries, 5,000 calls)

Measured (issue #2):
  * single-number verdict latency p50/p99 with 1,000,000 list entries loaded (target p99 ≤ 2 ms);
  * bulk screening of a 100,000-row call log (target ≥ 20,000 numbers/s on one core);
  * 1,000,000-entry import (target ≤ 15 s), with peak memory.

The naive baseline is what simple call blockers do: the number rules and every list pattern as a list of
regexes scanned in order, plus one SELECT per number against an indexed table of exact numbers; its import
inserts and commits row by row.  Slow baseline parts run on a sample and are reported as a rate.

Each phase runs in a fresh child process so its peak RSS (``ru_maxrss``) is its own.  Data is synthetic
and seeded (random mobile numbers, prefix and wildcard entries, a call log with realistic repeats).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 20201109
MOBILE_HEADS = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                "155", "156", "157", "158", "159", "166", "170", "171", "173", "175", "176", "177", "178",
                "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199"]  # fmt: skip


WARM_UP = ("13800138000", "95588", "+852 96110", "+852 2123 4567", "+1 202 555 0123", "0513-85123456")


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_HEADS) + f"{rng.randrange(10**8):08d}"


def make_list_file(path: Path, n: int) -> None:
    """CSV with header: ~99% exact mobile numbers, ~0.9% prefixes, ~0.1% wildcards; categories and notes."""
    rng = random.Random(SEED)
    cats = ["诈骗", "骚扰", "推销", "自定义"]
    n_prefix = max(1, n * 9 // 1000)
    n_wild = max(1, n // 1000)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("号码,分类,备注\n")
        for _ in range(n - n_prefix - n_wild):
            fh.write(f"{_mobile(rng)},{rng.choice(cats)},\n")
        for _ in range(n_prefix):
            fh.write(f"{_mobile(rng)[: rng.choice([7, 8, 9])]}*,骚扰,号段\n")
        for _ in range(n_wild):
            head = "95" + f"{rng.randrange(10**4):04d}"
            fh.write(f"{head}??,诈骗,租用号段\n")


def make_call_log(list_path: Path, n: int) -> list[str]:
    """A call log: repeats from a pool of contacts, numbers from the list, and the special cases."""
    rng = random.Random(SEED + 1)
    listed = []
    with open(list_path, encoding="utf-8") as fh:
        next(fh)
        for i, line in enumerate(fh):
            if i % 97 == 0 and "*" not in line and "?" not in line:
                listed.append(line.split(",", 1)[0])
    contacts = [_mobile(rng) for _ in range(max(50, n // 4))]
    specials = ["95275012", "95588", "+00 852 1234 5678", "10690000123", "+852 96110", "00110", "4008123123",
                "0513-85123456", "+1 202 555 0123", "17001234567", "110", ""]  # fmt: skip
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            out.append(rng.choice(contacts))
        elif r < 0.75:
            out.append(_mobile(rng))  # never seen before
        elif r < 0.90:
            out.append(rng.choice(listed))
        elif r < 0.95:
            out.append("0" + str(rng.choice([10, 20, 21, 513, 755])) + f"{rng.randrange(10**7, 10**8)}")
        else:
            out.append(rng.choice(specials))
    return out


def peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


# ---------------------------------------------------------------------------------------------- phases
def phase_import(list_path: str, db_path: str) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.importexport import commit_import, read_import
    from blocklists.store import ListStore

    c0, t0 = time.process_time(), time.perf_counter()
    preview = read_import(list_path)
    c1, t1 = time.process_time(), time.perf_counter()
    assert preview.ok, [p.render("en") for p in preview.problems[:5]]
    store = ListStore(open_db(db_path))
    result = commit_import(store, preview, "big")
    c2, t2 = time.process_time(), time.perf_counter()
    return {
        "parse_s": t1 - t0,
        "write_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "parse_cpu_s": c1 - c0,
        "write_cpu_s": c2 - c1,
        "added": result.added,
        "peak_mb": peak_mb(),
        "longest_lock_s": result.longest_lock_s,
    }


def phase_check_stdin(numbers_path: str, data_dir: str) -> dict[str, Any]:
    """``callshield check --json -`` on ``numbers_path`` in a child process: its wall time and peak RSS."""
    import subprocess

    t0 = time.perf_counter()
    with open(numbers_path, "rb") as fh:
        subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", data_dir, "check", "--json", "-"],
            stdin=fh,
            stdout=subprocess.DEVNULL,
            check=True,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"total_s": time.perf_counter() - t0, "peak_mb": kb / 1024 if sys.platform != "darwin" else kb / 2**20}


def phase_naive_check(numbers_path: str, db_path: str) -> dict[str, Any]:
    """What ``check -`` did before streaming: read all of stdin, keep every verdict, then print."""
    import io
    import json

    from blocklists.db import open_db
    from blocklists.store import ListStore
    from screening.screener import NumberScreener

    t0 = time.perf_counter()
    lines = Path(numbers_path).read_bytes().decode().splitlines()
    screener = NumberScreener(ListStore(open_db(db_path)))
    verdicts = [screener.screen(n) for n in lines]
    out = io.StringIO()
    for v in verdicts:
        out.write(json.dumps(v.to_dict(), ensure_ascii=False) + "\n")
    return {"total_s": time.perf_counter() - t0, "peak_mb": peak_mb()}


def phase_naive_import(list_path: str, db_path: str, sample: int) -> dict[str, Any]:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS blacklist (number TEXT PRIMARY KEY, category TEXT, note TEXT)")
    conn.commit()
    with open(list_path, encoding="utf-8") as fh:
        next(fh)
        rows = [line.rstrip("\n").split(",") for _, line in zip(range(sample), fh, strict=False)]
    t0 = time.perf_counter()
    for number, cat, note in rows:
        conn.execute("INSERT OR IGNORE INTO blacklist VALUES (?, ?, ?)", (number, cat, note))
        conn.commit()
    dt = time.perf_counter() - t0
    return {"rows": len(rows), "seconds": dt, "rate": len(rows) / dt, "peak_mb": peak_mb()}


def phase_latency(db_path: str, numbers: list[str]) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from screening import numbers as numbers_mod
    from screening.screener import NumberScreener

    screener = NumberScreener(ListStore(open_db(db_path)))
    for warm in WARM_UP:  # load phonenumbers' data, prepare statements
        screener.screen(warm)
    numbers_mod._normalise_cached.cache_clear()  # every measured number is new to the cache
    times = []
    cpu_times = []
    levels: dict[str, int] = {}
    for raw in numbers:
        c = time.thread_time_ns()
        t = time.perf_counter_ns()
        v = screener.screen(raw)
        times.append(time.perf_counter_ns() - t)
        cpu_times.append(time.thread_time_ns() - c)
        levels[v.level.name] = levels.get(v.level.name, 0) + 1
    cpu = _latency_stats(cpu_times)
    return _latency_stats(times) | {
        "cpu_p50_ms": cpu["p50_ms"],
        "cpu_p99_ms": cpu["p99_ms"],
        "levels": levels,
        "peak_mb": peak_mb(),
    }


def _latency_stats(times_ns: list[int]) -> dict[str, float]:
    times = sorted(times_ns)
    return {
        "p50_ms": times[len(times) // 2] / 1e6,
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))] / 1e6,
        "max_ms": times[-1] / 1e6,
        "mean_ms": statistics.fmean(times) / 1e6,
    }


def phase_bulk(db_path: str, log: list[str]) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from screening import numbers as numbers_mod
    from screening.screener import NumberScreener

    screener = NumberScreener(ListStore(open_db(db_path)))
    for warm in WARM_UP:  # what the app has loaded by the time it screens anything
        screener.screen(warm)
    numbers_mod._normalise_cached.cache_clear()
    cpu0, t0 = time.process_time(), time.perf_counter()
    verdicts = screener.screen_many(log)
    dt, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    levels: dict[str, int] = {}
    for v in verdicts:
        levels[v.level.name] = levels.get(v.level.name, 0) + 1
    # Without the per-batch de-duplication of screen_many: every row screened on its own.
    numbers_mod._normalise_cached.cache_clear()
    screener.store.clear_cache()
    cpu1, t1 = time.process_time(), time.perf_counter()
    for raw in log:
        screener.screen(raw)
    dt_single, cpu_single = time.perf_counter() - t1, time.process_time() - cpu1
    return {
        "rows": len(log),
        "seconds": dt,
        "rate": len(log) / dt,
        "cpu_rate": len(log) / cpu,
        "rate_single": len(log) / dt_single,
        "cpu_rate_single": len(log) / cpu_single,
        "levels": levels,
        "peak_mb": peak_mb(),
    }


class NaiveScreener:
    """What simple call blockers do: rules and list patterns as regexes scanned in order + one SELECT."""

    RULES = [
        (r"^(?:\+|00)(?:852|853|886|1|44)?(?:110|119|120|122|96110|12381|12345|10086|10010|10000|955\d\d)$", "BLOCK"),
        (r"^\+00", "WARN"),
        (r"^95\d{5,6}$", "WARN"),
        (r"^1069?\d+$", "WARN"),
        (r"^(?:400|800)\d{7}$", "WARN"),
        (r"^(?:\+|00)(?!86)", "CAUTION"),
        (r"^(?:170|171|162|165|167)\d{8}$", "CAUTION"),
    ]

    def __init__(self, db_path: str, patterns: list[str]) -> None:
        self.conn = sqlite3.connect(db_path)
        self.rules = [(re.compile(p), lv) for p, lv in self.RULES]
        self.patterns = [re.compile("^" + p.replace("?", r"\d").replace("*", r"\d*") + "$") for p in patterns]

    def screen(self, raw: str) -> str:
        number = re.sub(r"[\s\-()#]", "", raw)
        if number.startswith("+86"):
            number = number[3:]
        row = self.conn.execute("SELECT category FROM blacklist WHERE number = ?", (number,)).fetchone()
        if row:
            return "BLOCK"
        for rx in self.patterns:
            if rx.match(number):
                return "BLOCK"
        for rx, level in self.rules:
            if rx.match(number):
                return level
        return "UNKNOWN"


def _naive_setup(list_path: str, db_path: str) -> tuple[NaiveScreener, float]:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE blacklist (number TEXT PRIMARY KEY, category TEXT, note TEXT)")
    patterns = []
    exact = []
    with open(list_path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            number, cat, note = line.rstrip("\n").split(",")
            if "*" in number or "?" in number:
                patterns.append(number)
            else:
                exact.append((number, cat, note))
    t0 = time.perf_counter()
    conn.executemany("INSERT OR IGNORE INTO blacklist VALUES (?, ?, ?)", exact)
    conn.commit()
    conn.close()
    return NaiveScreener(db_path, patterns), time.perf_counter() - t0


def phase_naive_screen(list_path: str, db_path: str, numbers: list[str], log: list[str]) -> dict[str, Any]:
    naive, _ = _naive_setup(list_path, db_path)
    times = []
    for raw in numbers:
        t = time.perf_counter_ns()
        naive.screen(raw)
        times.append(time.perf_counter_ns() - t)
    cpu_times = []
    for raw in numbers:
        c = time.thread_time_ns()
        naive.screen(raw)
        cpu_times.append(time.thread_time_ns() - c)
    cpu = _latency_stats(cpu_times)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for raw in log:
        naive.screen(raw)
    dt, cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    return _latency_stats(times) | {
        "cpu_p50_ms": cpu["p50_ms"],
        "cpu_p99_ms": cpu["p99_ms"],
        "bulk_rows": len(log),
        "bulk_rate": len(log) / dt,
        "bulk_cpu_rate": len(log) / cpu_s,
        "patterns": len(naive.patterns),
        "peak_mb": peak_mb(),
    }


def run_phase(fn: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        result: dict[str, Any] = pool.apply(fn, args)
    return result


# ---------------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--latency-samples", type=int, default=20_000)
    parser.add_argument("--baseline-samples", type=int, default=2_000, help="numbers for the naive latency/bulk run")
    parser.add_argument("--baseline-import-rows", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--workdir", help="keep the generated files here")
    args = parser.parse_args(argv)
    if args.quick:
        args.entries, args.calls, args.latency_samples = 20_000, 5_000, 2_000
        args.baseline_samples, args.baseline_import_rows = 500, 2_000

    tmp = tempfile.TemporaryDirectory(prefix="callshield-bench-")
    work = Path(args.workdir) if args.workdir else Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    list_path = work / "list.csv"
    db_path = work / "bench.db"
    naive_db = work / "naive.db"
    for p in (db_path, naive_db, work / "naive_import.db"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)

    t = time.perf_counter()
    make_list_file(list_path, args.entries)
    log = make_call_log(list_path, args.calls)
    rng = random.Random(SEED + 2)
    latency_numbers = rng.sample(log, min(len(log), args.latency_samples))
    latency_numbers = list(dict.fromkeys(latency_numbers + [_mobile(rng) for _ in range(args.latency_samples)]))
    latency_numbers = latency_numbers[: args.latency_samples]
    print(
        f"data: {args.entries:,} list entries ({list_path.stat().st_size / 1e6:.1f} MB CSV), "
        f"{len(log):,}-row call log ({len(set(log)):,} distinct numbers), generated in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)

    imp = run_phase(phase_import, str(list_path), str(db_path))
    print(f"import: {imp}", flush=True)
    numbers_path = work / "numbers.txt"
    with open(list_path, encoding="utf-8") as src, open(numbers_path, "w", encoding="utf-8") as dst:
        next(src)
        for line in src:
            dst.write(line.split(",", 1)[0] + "\n")
    check_dir = work / "check-data"
    check_dir.mkdir(exist_ok=True)
    chk = run_phase(phase_check_stdin, str(numbers_path), str(check_dir))
    print(f"check -: {chk}", flush=True)
    naive_chk = run_phase(phase_naive_check, str(numbers_path), str(work / "naive-check.db"))
    print(f"naive check -: {naive_chk}", flush=True)
    naive_imp = run_phase(phase_naive_import, str(list_path), str(work / "naive_import.db"), args.baseline_import_rows)
    print(f"naive import: {naive_imp}", flush=True)
    lat = run_phase(phase_latency, str(db_path), latency_numbers)
    print(f"latency: {lat}", flush=True)
    bulk = run_phase(phase_bulk, str(db_path), log)
    print(f"bulk: {bulk}", flush=True)
    naive = run_phase(
        phase_naive_screen, str(list_path), str(naive_db), latency_numbers[: args.baseline_samples],
        log[: args.baseline_samples],
    )  # fmt: skip
    print(f"naive screening: {naive}", flush=True)

    naive_import_s = args.entries / naive_imp["rate"]
    rows = [
        ("verdict latency p50 (wall)", f"{lat['p50_ms']:.3f} ms", f"{naive['p50_ms']:.3f} ms", naive["p50_ms"] / lat["p50_ms"], "", ""),
        ("verdict latency p99 (wall)", f"{lat['p99_ms']:.3f} ms", f"{naive['p99_ms']:.3f} ms", naive["p99_ms"] / lat["p99_ms"],
         "≤ 2 ms", "yes" if lat["p99_ms"] <= 2 else "NO"),
        ("verdict latency p99 (CPU)", f"{lat['cpu_p99_ms']:.3f} ms", f"{naive['cpu_p99_ms']:.3f} ms",
         naive["cpu_p99_ms"] / lat["cpu_p99_ms"], "≤ 2 ms", "yes" if lat["cpu_p99_ms"] <= 2 else "NO"),
        ("bulk call log (wall)", f"{bulk['rate']:,.0f} /s", f"{naive['bulk_rate']:,.0f} /s", bulk["rate"] / naive["bulk_rate"],
         "≥ 20,000 /s", "yes" if bulk["rate"] >= 20_000 else "NO"),
        ("bulk call log (CPU, 1 core)", f"{bulk['cpu_rate']:,.0f} /s", f"{naive['bulk_cpu_rate']:,.0f} /s",
         bulk["cpu_rate"] / naive["bulk_cpu_rate"], "≥ 20,000 /s", "yes" if bulk["cpu_rate"] >= 20_000 else "NO"),
        ("  … no de-dup (CPU)", f"{bulk['cpu_rate_single']:,.0f} /s", f"{naive['bulk_cpu_rate']:,.0f} /s",
         bulk["cpu_rate_single"] / naive["bulk_cpu_rate"], "", ""),
        (f"import {args.entries:,} (wall)", f"{imp['total_s']:.1f} s", f"{naive_import_s:,.0f} s*", naive_import_s / imp["total_s"],
         "≤ 15 s", "yes" if imp["total_s"] <= 15 else "NO"),
        (f"import {args.entries:,} (CPU)", f"{imp['cpu_s']:.1f} s", "", None, "≤ 15 s", "yes" if imp["cpu_s"] <= 15 else "NO"),
        ("import peak RSS", f"{imp['peak_mb']:.0f} MB", f"{naive_imp['peak_mb']:.0f} MB", None,
         "≤ 300 MB", "yes" if imp["peak_mb"] <= 300 else "NO"),
        ("import longest write lock", f"{imp['longest_lock_s']:.2f} s", f"{imp['write_s']:.1f} s†", imp["write_s"] / max(imp["longest_lock_s"], 1e-6), "", ""),
        (f"check - {args.entries:,} peak RSS", f"{chk['peak_mb']:.0f} MB", f"{naive_chk['peak_mb']:.0f} MB",
         naive_chk["peak_mb"] / chk["peak_mb"], "≤ 300 MB", "yes" if chk["peak_mb"] <= 300 else "NO"),
        ("screening peak RSS", f"{max(lat['peak_mb'], bulk['peak_mb']):.0f} MB", f"{naive['peak_mb']:.0f} MB", None, "", ""),
    ]  # fmt: skip
    headers = ("metric", "CallShield", "naive baseline", "speed-up", "target", "met")
    widths = [max(len(str(r[i])) if i != 3 else 8 for r in [headers, *rows]) for i in range(6)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        ratio = f"{r[3]:.1f}×" if r[3] is not None else "-"
        cells = [r[0], r[1], r[2], ratio, r[4], r[5]]
        print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    print()
    print(
        f"import detail: parse+validate {imp['parse_s']:.1f} s ({imp['parse_cpu_s']:.1f} s CPU), write {imp['write_s']:.1f} s "
        f"({imp['write_cpu_s']:.1f} s CPU), {imp['added']:,} rows added; "
        f"database {db_path.stat().st_size / 1e6:.0f} MB"
    )
    print(
        f"* naive import = row-by-row INSERT + COMMIT, measured on {naive_imp['rows']:,} rows "
        f"({naive_imp['rate']:,.0f} rows/s) and extrapolated to {args.entries:,}"
    )
    print(
        f"naive screening: {naive['patterns']:,} list patterns as regexes + 1 SELECT/number, "
        f"measured on {args.baseline_samples:,} numbers; latency sample for CallShield: {len(latency_numbers):,} "
        f"distinct numbers, normaliser cache cleared first"
    )
    print("† one transaction for the whole write, as before the staged import (issue 13)")
    print(f"verdicts in the call log: {bulk['levels']}")
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} (wall-clock figures include time this process waited "
        "for a CPU; the CPU rows count only its own CPU time)"
    )
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
