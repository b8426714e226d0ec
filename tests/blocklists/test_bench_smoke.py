"""A tiny run of bench/bench_numbers.py so the benchmark keeps working (the real run is not part of pytest)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def test_benchmark_smoke_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The phases run in spawned child processes, which import the script by module name.
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    bench = importlib.import_module("bench_numbers")
    args = ["--entries", "3000", "--calls", "600", "--latency-samples", "300", "--baseline-samples", "100"]
    assert bench.main([*args, "--baseline-import-rows", "200", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for metric in ("verdict latency p99 (wall)", "bulk call log (CPU, 1 core)", "import 3,000 (wall)", "peak RSS"):
        assert metric in out
    added = re.search(r"([\d,]+) rows added", out)
    assert added is not None and int(added.group(1).replace(",", "")) > 2_900  # a few random duplicates
