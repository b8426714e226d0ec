"""The blind probe set (tests/screening/data/blind_probe.jsonl): texts written by someone who never saw the
detector's rules or training data.  It is for evaluation only: nothing is trained or tuned on it (see
blind_probe_README.md).  The floors sit a few points under the measured figures, so a change that loses
generalisation fails here."""

from __future__ import annotations

import io
import json
from collections import Counter

from screening.evaluate import PROBE, main

# measured 2026-12-05 after training round 9 (sixth session): recall 0.920 at WARN, false alarms 2 of 144 (1.4 %),
# notices 0.953 (fourth session: 0.870, 2 of 144, 0.907; before the writers: 0.601, 8 of 144, 0.605). Floors leave
# room for a retrain's small variance, no more.
RECALL_FLOOR = 0.85
FAR_CEILING = 0.035
NOTICE_RECALL_FLOOR = 0.88


def test_probe_file_is_whole_and_labelled() -> None:
    rows = [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 420
    labels = Counter(r["label"] for r in rows)
    assert labels == {1: 276, 0: 144}
    assert {r["style"] for r in rows} == {"call", "sms", "chat", "notice"}
    assert len({r["scheme"] for r in rows if r["label"] == 1}) == 23


def test_blind_probe_recall_and_false_alarms_stay_above_their_floors() -> None:
    out = io.StringIO()
    assert main(["--probe", "--json"], out=out, err=io.StringIO()) == 0
    result = json.loads(out.getvalue())
    overall = result["overall"]
    assert overall["n"] == 420
    assert overall["recall"] >= RECALL_FLOOR, overall
    assert overall["false_alarm_rate"] <= FAR_CEILING, overall
    by_style = result["by_style"]
    assert set(by_style) == {"call", "sms", "chat", "notice"}  # notices reported as their own style
    assert by_style["notice"]["recall"] >= NOTICE_RECALL_FLOOR, by_style["notice"]
    # per scheme: every one of the 23 fraud schemes is reported, and none is missed entirely
    schemes = {k: v for k, v in result["by_category"].items() if v["recall"] is not None}
    assert len(schemes) == 23
    assert min(v["recall"] for v in schemes.values()) > 0.0
    # flagged fraud whose scheme is a detector category mostly gets that category (measured 98 of 142)
    agreement = result["category_agreement"]
    assert agreement["n"] >= 100 and agreement["rate"] >= 0.6, agreement


def test_probe_report_prints_per_style_lines() -> None:
    out = io.StringIO()
    assert main(["--probe"], out=out, err=io.StringIO()) == 0
    text = out.getvalue()
    for style in ("call", "sms", "chat", "notice"):
        assert f"  {style} " in text
