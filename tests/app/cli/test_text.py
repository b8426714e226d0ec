"""``callshield scan-text`` through the real command."""

from __future__ import annotations

import json
from pathlib import Path

SCAM = "您好，我是电信营业厅客服，您的积分即将过期，请把收到的验 证 马告诉我，再加扣扣群幺二三四五六七。"


def test_scan_text_stdin_shows_verdict_and_highlighted_evidence(run_cli) -> None:
    r = run_cli("scan-text", "-", input=SCAM)
    assert r.returncode == 0, r.stderr
    assert "结论：拦截" in r.stdout
    assert "冒充运营商客服" in r.stdout
    assert "【积分即将过期】" in r.stdout
    assert "听起来像「验证码」" in r.stdout or "按读音匹配「验证码」" in r.stdout
    assert "QQ群号: 1234567" in r.stdout


def test_scan_text_file_english_and_json(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "call.txt"
    f.write_text(SCAM, encoding="gbk")  # saved by a Chinese-locale editor
    r = run_cli("scan-text", str(f), env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 0, r.stderr
    assert "Verdict: block" in r.stdout and "Evidence" in r.stdout
    r = run_cli("scan-text", str(f), "--json")
    doc = json.loads(r.stdout)
    assert doc["level"] == "BLOCK" and doc["category"] == "telecom_points"
    hit = next(h for h in doc["hits"] if h["matched"] == "积分即将过期")
    assert doc["text"][hit["start"] : hit["end"]] == "积分即将过期"
    assert {"kind": "qq_group", "value": "1234567"} in [{k: e[k] for k in ("kind", "value")} for e in doc["entities"]]


def test_scan_text_everyday_call_is_not_flagged(run_cli) -> None:
    r = run_cli("scan-text", "-", input="妈，我今天晚上回家吃饭，你不用等我了。", env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 0
    assert "Verdict: unknown" in r.stdout and "No scam script found" in r.stdout


def test_scan_text_bad_input_is_a_clear_error(run_cli, tmp_path: Path) -> None:
    r = run_cli("scan-text", str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "找不到文件" in r.stderr
    r = run_cli("scan-text", "-", input="   ", env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 2 and "empty" in r.stderr
    bad = tmp_path / "pack.json"
    bad.write_text(
        '{"format": 1, "category": "telecom_points", "rules": [{"id": "x", "weight": 7, "phrases": ["abc"]}]}'
    )
    r = run_cli("scan-text", "-", "--packs", str(bad), input=SCAM)
    assert r.returncode == 2 and "话术包" in r.stderr and "weight" in r.stderr
