"""The README's Architecture diagram names real modules, and each box's class or function lives in the module named."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def _diagram() -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## 架构 / Architecture") :]
    return section[section.index("```mermaid") : section.index("```", section.index("```mermaid") + 3)]


def test_every_module_in_the_diagram_exists() -> None:
    labels = re.findall(r'\["([^"]+)"\]', _diagram())
    boxes = [label for label in labels if "<br/>" in label]
    assert len(boxes) >= 20
    for label in boxes:
        name, where = label.split("<br/>")
        for path in re.split(r" · ", where):
            if "*" in path:
                assert list(REPO_ROOT.glob(path)), f"{label}: nothing matches {path}"
            elif "/" in path:
                assert (REPO_ROOT / path).is_file(), f"{label}: {path} does not exist"
            else:  # "recognizer.py" after "speech/pipeline.py": same folder as the first path
                first = where.split(" · ")[0]
                folder = first.rsplit("/", 1)[0]
                assert (REPO_ROOT / folder / path).is_file(), f"{label}: {folder}/{path} does not exist"


def test_named_classes_live_where_the_diagram_says() -> None:
    diagram = _diagram()
    for symbol, path in (
        ("CallEvent", "app/calls/events.py"),
        ("CallController", "app/calls/controller.py"),
        ("NumberScreener", "screening/screener.py"),
        ("CallBridge", "app/live/service.py"),
        ("AlertPolicy", "app/alerts/policy.py"),
        ("AlertService", "app/alerts/service.py"),
        ("LiveSource", "speech/audio.py"),
        ("TranscriptionRun", "speech/pipeline.py"),
        ("DetectorSession", "screening/transcript/session.py"),
        ("ScriptDetector", "screening/transcript/detector.py"),
        ("scan_recordings", "speech/batch.py"),
        ("scan_and_store", "app/operations/recordings.py"),
        ("HistoryWriter", "app/operations/recordings.py"),
        ("hit_reasons", "screening/transcript/explain.py"),
        ("resolve_app_model", "app/audio/model.py"),
        ("PhoneImporter", "app/phone/importer.py"),
        ("FolderWatcher", "app/phone/watch.py"),
        ("PhoneWatch", "app/operations/phone.py"),
        ("SubscriptionScheduler", "app/community/scheduler.py"),
    ):
        source = (REPO_ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^(class|def) {symbol}\b", source, re.M), f"{symbol} is not defined in {path}"
        if symbol != "resolve_app_model":
            assert symbol.split("_")[0] in diagram or symbol in diagram, f"{symbol} missing from the diagram"
