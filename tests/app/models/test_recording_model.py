"""Item models: sorting by risk, filtering, language switch (pure model logic, no services)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.base import LEVEL_ROLE, TableFilterProxy
from app.models.recording_model import FileStatus, RecordingResultsModel, RecordingRow
from screening.i18n import BiText
from screening.types import Level


def _model(qtbot) -> tuple[RecordingResultsModel, TableFilterProxy]:
    model = RecordingResultsModel()
    model.set_rows(
        [
            RecordingRow("/a/low.wav", FileStatus.DONE, Level.UNKNOWN, 0.1, category="", transcript="你好"),
            RecordingRow("/a/high.wav", FileStatus.DONE, Level.BLOCK, 0.9, "refund", BiText("退款加群", "refund")),
            RecordingRow("/a/mid.wav", FileStatus.DONE, Level.WARN, 0.5, "refund", BiText("退款加群", "refund")),
            RecordingRow("/a/high2.wav", FileStatus.DONE, Level.BLOCK, 0.7, "points", BiText("积分", "points")),
            RecordingRow("/a/queued.wav"),
        ]
    )
    proxy = TableFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def _names(model: RecordingResultsModel, proxy: TableFilterProxy) -> list[str]:
    return [model.row_at(r).name for r in proxy.source_rows()]


def test_sort_by_risk_level_then_score(qtbot) -> None:
    model, proxy = _model(qtbot)
    proxy.sort(RecordingResultsModel.COL_LEVEL, Qt.SortOrder.DescendingOrder)
    assert _names(model, proxy) == ["high.wav", "high2.wav", "mid.wav", "low.wav", "queued.wav"]
    proxy.sort(RecordingResultsModel.COL_SCORE, Qt.SortOrder.AscendingOrder)
    assert _names(model, proxy)[0] == "queued.wav"


def test_level_shown_with_word_and_icon_not_colour_alone(qtbot) -> None:
    model, _ = _model(qtbot)
    index = model.index(1, RecordingResultsModel.COL_LEVEL)
    assert model.data(index) == "拦截"
    assert not model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    model.set_language("en")
    assert model.data(index) == "block"
    assert model.data(model.index(4, RecordingResultsModel.COL_STATUS)) == "waiting"


def test_filters(qtbot) -> None:
    model, proxy = _model(qtbot)
    proxy.set_min_level(Level.WARN)
    assert sorted(_names(model, proxy)) == ["high.wav", "high2.wav", "mid.wav"]
    proxy.set_category("refund")
    assert sorted(_names(model, proxy)) == ["high.wav", "mid.wav"]
    proxy.set_category("")
    proxy.set_min_level(None)
    proxy.set_text("HIGH2")
    assert _names(model, proxy) == ["high2.wav"]
    assert model.data(model.index(1, 0), LEVEL_ROLE) is Level.BLOCK


def test_update_row_status(qtbot) -> None:
    model, _ = _model(qtbot)
    row = model.row_for_path("/a/queued.wav")
    with qtbot.waitSignal(model.dataChanged):
        model.replace_row(row, model.row_at(row).with_status(FileStatus.FAILED))
    assert model.data(model.index(row, RecordingResultsModel.COL_STATUS)) == "失败"
