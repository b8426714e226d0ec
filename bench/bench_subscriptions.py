"""Benchmark: community lists at a million entries (issue 15), side by side with today's way.

    python bench/bench_subscriptions.py            # full run: 1,000,000 entries, 1,000-entry delta
    python bench/bench_subscriptions.py --quick    # smoke run (20,000 entries)

Measured, each phase in a fresh child process so its peak RSS (``ru_maxrss``) is its own:

* publish a 1,000,000-entry list (full snapshot, sign)                  target ≤ 30 s
  baseline: ``lists export`` of the same list to CSV (unsigned, what publishers hand round today);
* full update of 1,000,000 entries on a subscriber over HTTP (127.0.0.1): fetch, verify signature, size
  and SHA-256, parse, swap in one transaction                            target ≤ 30 s, peak RSS shown
  baseline: ``lists import --replace`` of the exported CSV (today's manual way, no verification);
* re-publish after 1,000 changes (full snapshot + delta), then the subscriber's delta update
                                                                        target ≤ 1 s for the delta update
  baseline: the full update above;
* verdict latency p99 with the 1,000,000-entry subscription               target ≤ 2 ms
  baseline: the same entries as a plain imported list.

Data is synthetic and seeded (``bench_numbers.make_list_file``: mobile numbers, prefixes, wildcards).
"""

from __future__ import annotations

import argparse
import http.server
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_numbers import _latency_stats, _mobile, make_list_file, peak_mb, run_phase  # noqa: E402

SEED = 20261204


def _key() -> Any:
    from blocklists.subscriptions.minisign import SecretKey

    return SecretKey(key_id=bytes(range(8)), seed=bytes(range(32)))  # a fixed key: the bench is repeatable


# ---------------------------------------------------------------------------------------------- phases
def phase_publish(list_csv: str, db: str, out: str, export: str) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.importexport import commit_import, export_list, read_import
    from blocklists.store import ListStore
    from blocklists.subscriptions import bundle

    store = ListStore(open_db(db))
    commit_import(store, read_import(list_csv), "community", create_kind="block")
    c0, t0 = time.process_time(), time.perf_counter()
    result = bundle.publish(store, "community", out, _key(), serial=1)
    t1, c1 = time.perf_counter(), time.process_time()
    export_list(store, "community", export)
    t2 = time.perf_counter()
    return {
        "publish_s": t1 - t0,
        "publish_cpu_s": c1 - c0,
        "export_s": t2 - t1,
        "entries": result.manifest.counts["entries"],
        "wildcards": result.manifest.counts["wildcard"],
        "full_mb": result.manifest.full.size / 1e6,
        "peak_mb": peak_mb(),
    }


def phase_subscribe(url: str, db: str, pubkey: str) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from blocklists.subscriptions import subscribe as subs

    store = ListStore(open_db(db))
    c0, t0 = time.process_time(), time.perf_counter()
    result = subs.subscribe(store, url, pubkey, timeout=60)
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_s": time.process_time() - c0,
        "entries": store.count("community"),
        "used": result.used,
        "peak_mb": peak_mb(),
    }


def phase_baseline_import(export_csv: str, db: str) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.importexport import commit_import, read_import
    from blocklists.store import ListStore

    store = ListStore(open_db(db))
    store.create_list("community", "imported")
    t0 = time.perf_counter()
    result = commit_import(store, read_import(export_csv), "community", replace=True)
    return {"seconds": time.perf_counter() - t0, "entries": result.added, "peak_mb": peak_mb()}


def phase_republish(db: str, out: str, changes: int) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.store import Category, ListStore, parse_pattern
    from blocklists.subscriptions import bundle

    store = ListStore(open_db(db))
    rng = random.Random(SEED)
    victims = [e.pattern for e in store.entries("community", limit=changes // 2, offset=1000)]
    for p in victims:
        store.remove("community", p)
    new = [(parse_pattern(_mobile(rng)), Category.FRAUD, "new report") for _ in range(changes - len(victims))]
    store.bulk_insert("community", new, "bench")
    t0 = time.perf_counter()
    result = bundle.publish(store, "community", out, _key(), serial=2)
    delta = result.manifest.delta_from(1)
    assert delta is not None
    return {
        "seconds": time.perf_counter() - t0,
        "delta_rows": delta.added + delta.removed,
        "delta_kb": delta.size / 1e3,
        "peak_mb": peak_mb(),
    }


def phase_delta_update(db: str) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from blocklists.subscriptions import subscribe as subs

    store = ListStore(open_db(db))
    t0 = time.perf_counter()
    result = subs.update(store, "community", timeout=60)
    dt = time.perf_counter() - t0
    assert result.ok, result.error.render("en") if result.error else result
    return {"seconds": dt, "used": result.used, "added": result.added, "removed": result.removed, "peak_mb": peak_mb()}


def phase_latency(db: str, numbers: list[str]) -> dict[str, Any]:
    from blocklists.db import open_db
    from blocklists.store import ListStore
    from screening import numbers as numbers_mod
    from screening.screener import NumberScreener

    screener = NumberScreener(ListStore(open_db(db)))
    for warm in ("13800138000", "95588", "+852 96110"):
        screener.screen(warm)
    numbers_mod._normalise_cached.cache_clear()
    times = []
    blocked = 0
    for raw in numbers:
        t = time.perf_counter_ns()
        v = screener.screen(raw)
        times.append(time.perf_counter_ns() - t)
        blocked += v.level.name == "BLOCK"
    return _latency_stats(times) | {"blocked": blocked, "peak_mb": peak_mb()}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--latency-samples", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--workdir", help="keep the generated files here")
    args = parser.parse_args(argv)
    if args.quick:
        args.entries, args.latency_samples = 20_000, 2_000

    if args.workdir:
        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        return _run(args, work)
    with tempfile.TemporaryDirectory(prefix="callshield-bench-subs-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, work: Path) -> int:
    list_csv, export_csv = work / "list.csv", work / "export.csv"
    pub_db, sub_db, base_db = work / "publisher.db", work / "subscriber.db", work / "baseline.db"
    bundle_dir = work / "bundle"
    for p in (pub_db, sub_db, base_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)

    t = time.perf_counter()
    make_list_file(list_csv, args.entries)
    print(
        f"data: {args.entries:,} entries ({list_csv.stat().st_size / 1e6:.1f} MB CSV) in {time.perf_counter() - t:.1f} s"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)

    pub = run_phase(phase_publish, str(list_csv), str(pub_db), str(bundle_dir), str(export_csv))
    print(f"publish: {pub}", flush=True)

    handler = lambda *a, **k: _Quiet(*a, directory=str(bundle_dir), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        full = run_phase(phase_subscribe, url, str(sub_db), _key().public_key.line())
        print(f"full update: {full}", flush=True)
        base = run_phase(phase_baseline_import, str(export_csv), str(base_db))
        print(f"baseline import: {base}", flush=True)
        repub = run_phase(phase_republish, str(pub_db), str(bundle_dir), args.changes)
        print(f"re-publish: {repub}", flush=True)
        delta = run_phase(phase_delta_update, str(sub_db))
        print(f"delta update: {delta}", flush=True)
    finally:
        httpd.shutdown()
        httpd.server_close()

    rng = random.Random(SEED + 1)
    listed = []
    with open(export_csv, encoding="utf-8-sig") as fh:
        next(fh)
        for i, line in enumerate(fh):
            if i % 50 == 0 and "*" not in line and "?" not in line:
                listed.append(line.split(",", 1)[0])
    numbers = [rng.choice(listed) if rng.random() < 0.3 else _mobile(rng) for _ in range(args.latency_samples)]
    lat = run_phase(phase_latency, str(sub_db), numbers)
    print(f"latency (subscription): {lat}", flush=True)
    lat_base = run_phase(phase_latency, str(base_db), numbers)
    print(f"latency (plain list): {lat_base}", flush=True)

    n = f"{args.entries:,}"
    rows = [
        (f"publish {n} (wall)", f"{pub['publish_s']:.1f} s", f"{pub['export_s']:.1f} s export", pub["export_s"] / pub["publish_s"],
         "≤ 30 s", pub["publish_s"] <= 30),
        (f"full update {n} (wall)", f"{full['seconds']:.1f} s", f"{base['seconds']:.1f} s import", base["seconds"] / full["seconds"],
         "≤ 30 s", full["seconds"] <= 30),
        ("full update peak RSS", f"{full['peak_mb']:.0f} MB", f"{base['peak_mb']:.0f} MB", None, "", None),
        (f"re-publish + delta ({args.changes:,})", f"{repub['seconds']:.1f} s", f"{pub['publish_s']:.1f} s first", None, "", None),
        (f"delta update {args.changes:,} (wall)", f"{delta['seconds'] * 1000:.0f} ms", f"{full['seconds']:.1f} s full",
         full["seconds"] / delta["seconds"], "≤ 1 s", delta["seconds"] <= 1),
        ("verdict latency p50", f"{lat['p50_ms']:.3f} ms", f"{lat_base['p50_ms']:.3f} ms", lat_base["p50_ms"] / lat["p50_ms"], "", None),
        ("verdict latency p99", f"{lat['p99_ms']:.3f} ms", f"{lat_base['p99_ms']:.3f} ms", lat_base["p99_ms"] / lat["p99_ms"],
         "≤ 2 ms", lat["p99_ms"] <= 2),
    ]  # fmt: skip
    headers = ("metric", "CallShield", "baseline", "ratio", "target", "met")
    cells = [
        [
            r[0],
            r[1],
            r[2],
            f"{r[3]:.2f}×" if r[3] is not None else "-",
            r[4],
            "" if r[5] is None else ("yes" if r[5] else "NO"),
        ]
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [list(headers), *cells]) for i in range(6)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(str(x).ljust(w) for x, w in zip(c, widths, strict=True)).rstrip())
    print()
    print(
        "ratio = baseline ÷ CallShield (above 1: CallShield faster).  Baselines: publish vs a plain unsigned CSV "
        "export; full update vs today's `lists import --replace` of that CSV (no signature, size or hash checks); "
        "delta vs the full update; latency vs the same entries as a plain imported list."
    )
    print(
        f"bundle: full snapshot {pub['full_mb']:.1f} MB, {pub['wildcards']:,} wildcard entries (flagged to subscribers); "
        f"delta {repub['delta_rows']:,} rows, {repub['delta_kb']:.0f} kB; publish CPU {pub['publish_cpu_s']:.1f} s, "
        f"full-update CPU {full['cpu_s']:.1f} s; latency sample {len(numbers):,} numbers (~30 % listed), "
        f"{lat['blocked']:,} blocked"
    )
    ok = all(r[5] is not False for r in rows)
    return 0 if ok or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
