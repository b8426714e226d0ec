"""Translations: every UI string has English, the committed .ts matches the code, the .qm really loads."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from app.i18n import qm_path
from app.i18n.update_translations import TS, messages, run_lupdate


def _unfinished(ts: Path) -> list[tuple[str, str]]:
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            text = "".join(tr.itertext()).strip() if tr is not None else ""
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not text:
                out.append((ctx.findtext("name") or "", msg.findtext("source") or ""))
    return out


def test_every_source_string_has_english() -> None:
    assert _unfinished(TS) == []
    assert len(messages(TS)) > 100


def test_committed_ts_matches_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    run_lupdate(fresh)
    missing = set(messages(fresh)) - set(messages(TS))
    assert not missing, f"run `python -m app.i18n.update_translations`; new strings: {sorted(missing)[:5]}"


def test_qm_loads_and_translates(qapp) -> None:
    translator = QTranslator()
    assert translator.load(qm_path("en"))
    assert translator.translate("MainWindow", "来电监控") == "Live calls"
    assert translator.translate("EmailSection", "发送测试邮件") == "Send a test e-mail"
    qapp.installTranslator(translator)
    try:
        assert QCoreApplication.translate("LivePage", "模拟来电") == "Simulate call"
    finally:
        qapp.removeTranslator(translator)


def test_language_choice_auto_follows_the_system(monkeypatch) -> None:
    from app.i18n import resolve_language

    for key in ("CALLSHIELD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_language("auto") == "zh"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert resolve_language("auto") == "en"
    monkeypatch.setenv("CALLSHIELD_LANG", "zh")
    assert resolve_language("auto") == "zh"
    assert resolve_language("en") == "en"  # an explicit choice wins
