"""记录 History page after a phone backup import: the person column and filter, and SMS rows (real SQLite file,
the realistic backup fixtures imported through the operations module)."""

from __future__ import annotations

import pytest

from app.models.history_model import HistoryModel
from app.operations.phone import import_phone_files
from app.ui.page_history import RANGE_ALL, HistoryPage

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _kinds_and_people(page: HistoryPage) -> set[tuple[str, str]]:
    rows = page.model.rows()
    return {(r.kind, r.profile) for r in rows}


def test_history_shows_the_person_and_sms_and_filters_by_them(qtbot, page_services, backup_dir) -> None:
    page = HistoryPage(page_services)
    qtbot.addWidget(page)
    page.range_combo.setCurrentIndex(page.range_combo.findData(RANGE_ALL))
    assert not page.profile_combo.isVisibleTo(page)  # nobody has a person yet: no extra filter, no column
    assert page.table.isColumnHidden(HistoryModel.COL_PROFILE)
    page_services.history().add_call("13800138000", source="modem")  # the desktop's own call, no person
    import_phone_files(page_services.data_dir, [backup_dir], "妈妈")
    page.reload()
    assert page.profile_combo.isVisibleTo(page) and not page.table.isColumnHidden(HistoryModel.COL_PROFILE)
    assert [page.profile_combo.itemText(i) for i in range(page.profile_combo.count())] == [
        "所有家人", "妈妈", "本机来电（未指定家人）"
    ]  # fmt: skip
    assert {("sms", "妈妈"), ("call", "妈妈"), ("call", "")} <= _kinds_and_people(page)
    sms_row = next(i for i, r in enumerate(page.model.rows()) if r.kind == "sms")
    assert page.model.index(sms_row, HistoryModel.COL_KIND).data() == "短信"
    assert page.model.index(sms_row, HistoryModel.COL_PROFILE).data() == "妈妈"
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("sms"))
    assert {r.kind for r in page.model.rows()} == {"sms"} and len(page.model.rows()) == 10
    page.kind_combo.setCurrentIndex(0)
    page.profile_combo.setCurrentIndex(page.profile_combo.count() - 1)  # this PC's calls
    assert [(r.kind, r.profile, r.number) for r in page.model.rows()] == [("call", "", "13800138000")]
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("妈妈"))
    assert {r.profile for r in page.model.rows()} == {"妈妈"}
    page.table.setCurrentIndex(page.table.proxy.index(0, 0))
    assert "家人：妈妈" in page.meta.text()
    # in English a space after the colon, as after every other label of the details (a trial read "Person:妈妈")
    from PySide6.QtWidgets import QApplication

    from app.i18n import install_language

    install_language(QApplication.instance(), "en")
    try:
        page.retranslate()
        page.table.setCurrentIndex(page.table.proxy.index(1, 0))
        page.table.setCurrentIndex(page.table.proxy.index(0, 0))
        assert "Person: 妈妈" in page.meta.text()
    finally:
        install_language(QApplication.instance(), "zh")


def test_a_recording_not_checked_is_no_all_clear_in_the_history(qtbot, page_services) -> None:
    """A review: a recording kept unchecked (no speech model) read 「未发现诈骗」 in the History and its exports."""
    from app.display import about_text

    page = HistoryPage(page_services)
    qtbot.addWidget(page)
    page.range_combo.setCurrentIndex(page.range_combo.findData(RANGE_ALL))
    why = {"code": "speech.no_model", "zh": "未找到语音识别模型。", "en": "No speech model was found."}
    page_services.history().add_recording("a.mp3", content_hash="h", profile="妈妈", reasons=[why])
    page_services.history().add_recording("b.mp3", content_hash="g", profile="妈妈", transcript="你好", level=1)
    page.reload()
    shown = {r.path: page.model.index(i, HistoryModel.COL_LEVEL).data() for i, r in enumerate(page.model.rows())}
    assert shown == {"a.mp3": "未知", "b.mp3": "未发现诈骗"}
    unchecked = next(r for r in page.model.rows() if r.path == "a.mp3")
    assert (
        not about_text(unchecked)
        and "未找到语音识别模型"
        in page.model.index(page.model.rows().index(unchecked), HistoryModel.COL_REASONS).data()
    )


def test_a_sent_message_is_named_as_sent_and_not_vouched_for(qtbot, page_services, tmp_path) -> None:
    """A trial: her own 「好的，知道了」 to 儿子 read 短信 · ○ 未发现诈骗 (it is never checked), the details called an
    SMS 通话文字, and the name 儿子 was left out of the details' headline."""
    from app.models.history_model import HistoryModel
    from app.operations.phone import import_phone_files

    csv = tmp_path / "短信.csv"
    csv.write_text(
        "联系人,号码,时间,类型,内容\n"
        "儿子,13912345678,2026-12-04 10:00,发送,好的，知道了\n"
        "儿子,13912345678,2026-12-04 09:58,接收,妈，晚上我回来吃饭\n",
        encoding="utf-8",
    )
    import_phone_files(page_services.data_dir, [csv], "妈妈")
    page = HistoryPage(page_services)
    qtbot.addWidget(page)
    page.range_combo.setCurrentIndex(page.range_combo.findData(RANGE_ALL))
    page.reload()
    rows = page.model.rows()
    sent = next(i for i, r in enumerate(rows) if r.transcript == "好的，知道了")
    got = next(i for i, r in enumerate(rows) if r.transcript == "妈，晚上我回来吃饭")
    assert page.model.index(sent, HistoryModel.COL_KIND).data() == "发出的短信"
    assert page.model.index(got, HistoryModel.COL_KIND).data() == "短信"
    assert "未发现诈骗" not in str(page.model.index(sent, HistoryModel.COL_LEVEL).data())
    assert "未发现诈骗" in str(page.model.index(got, HistoryModel.COL_LEVEL).data())
    page.table.setCurrentIndex(page.table.proxy.mapFromSource(page.model.index(got, 0)))
    assert page.transcript_label.text().startswith("短信内容")
    assert "儿子" in page.banner.title_text()


def test_own_messages_are_named_by_whether_they_left_the_phone() -> None:
    """A review: a queued or failed SMS was called 发出的短信 though it never left the phone."""
    from app.display import own_message, record_kind_label

    names = {t: record_kind_label("sms", "zh", t) for t in ("sent", "outgoing", "queued", "failed", "outbox", "draft")}
    assert names == {
        "sent": "发出的短信", "outgoing": "发出的短信", "queued": "没发出去的短信", "failed": "没发出去的短信",
        "outbox": "没发出去的短信", "draft": "短信草稿",
    }  # fmt: skip
    assert (
        record_kind_label("sms", "en", "failed") == "unsent SMS" and record_kind_label("sms", "zh", "inbox") == "短信"
    )
    assert own_message({"kind": "sms", "call_type": "draft"}) and not own_message({"kind": "sms", "call_type": None})
    assert not own_message({"kind": "sms", "call_type": "chat"}) and not own_message(
        {"kind": "call", "call_type": "sent"}
    )
