"""A tiny run of bench/bench_subscriptions.py so the benchmark keeps working (the real run is not in pytest)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def test_subscriptions_benchmark_smoke_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.syspath_prepend(str(BENCH_DIR))  # spawned phases import the script by module name
    bench = importlib.import_module("bench_subscriptions")
    assert (
        bench.main(["--entries", "3000", "--changes", "200", "--latency-samples", "300", "--workdir", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    for metric in (
        "publish 3,000 (wall)",
        "full update 3,000 (wall)",
        "delta update 200 (wall)",
        "verdict latency p99",
    ):
        assert metric in out
    assert "'used': 'delta'" in out and "'added': 100, 'removed': 100" in out
