"""Large text (大字模式) on a 1366×768 laptop, as a new-user trial found it: the window, every page and the wizard fit,
combo boxes show their whole text, the wizard's headings grow as soon as 大字模式 is ticked, and the mouse wheel over
an input that has no focus scrolls instead of changing a value, on every page and dialog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from app.settings import Settings

MAX_WINDOW_WIDTH = 1300  # the window's frame and the taskbar's edge need the rest
MAX_WINDOW_HEIGHT = 700  # of 768: the title bar and the taskbar


@pytest.fixture
def test_settings() -> Settings:
    return Settings(language="zh", first_run_done=True, alert_sound=False, tray_notifications=False)


@pytest.fixture
def window(qtbot, services, wait_jobs) -> Iterator:
    """The real window with demo calls and lists (what the screenshots show), every page shown once."""
    from app.gui import build_window
    from app.screenshots import seed_demo

    services.alerts.muted = True
    seed_demo(services)
    w = build_window(QApplication.instance(), services)  # closed here, not by qtbot: after the settings go back
    w.show_at(1100, 700)  # (the offscreen screen is 800×800: a first start would open maximised)
    w.show()
    services.calls.simulate_call("95275012", line="1")  # a call card on the live page
    wait_jobs()
    yield w
    services.settings.update(language="zh", large_text=False)
    qtbot.waitUntil(lambda: w.nav.item(0).text() == "来电监控", timeout=3000)
    qtbot.wait(50)  # and the re-fit to the font, queued for the next turn of the event loop
    w.close()
    w.deleteLater()


def _show_every_page(qtbot, window, wait_jobs) -> None:
    from app.ui.main_window import PAGES

    for spec in PAGES:
        page = window.show_page(spec.key)
        prepare = getattr(page, "prepare_screenshot", None)  # e.g. History opens a record's details
        if callable(prepare):
            prepare()
        wait_jobs()
        qtbot.wait(20)


def _switch(qtbot, window, services, wait_jobs, lang: str, large: bool) -> None:
    services.settings.update(language=lang, large_text=large)
    nav = {"zh": "来电监控", "en": "Live calls"}[lang]
    qtbot.waitUntil(lambda: window.nav.item(0).text() == nav, timeout=3000)  # LanguageChange is posted
    qtbot.wait(50)  # the window re-fits after the new font has reached the widgets
    _show_every_page(qtbot, window, wait_jobs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_large_text_window_and_every_page_fit_a_1366_screen(qtbot, services, window, wait_jobs, lang) -> None:
    """English + large text needed 1,790 px (the Recordings toolbar alone 1,528 px): the buttons on the right were
    off a 1366-px screen on every page. Toolbars now wrap; every page, and what scrolls inside one, fits."""
    _show_every_page(qtbot, window, wait_jobs)
    _switch(qtbot, window, services, wait_jobs, lang, large=True)
    too_wide = {
        key: page.minimumSizeHint().width()
        for key, page in window.pages.items()
        if page.minimumSizeHint().width() > MAX_WINDOW_WIDTH - window.nav.width()
    }
    assert not too_wide, f"pages wider than the screen allows: {too_wide}"
    assert window.minimumSizeHint().width() <= MAX_WINDOW_WIDTH
    assert window.minimumSizeHint().height() <= MAX_WINDOW_HEIGHT  # wrapping must not make it too tall instead
    assert window.minimumWidth() <= MAX_WINDOW_WIDTH

    # At the narrowest the window can be, no page scrolls sideways (Settings: a scroll area of its own).
    window.show_at(window.minimumSizeHint().width(), 740)
    for key in window.pages:
        page = window.show_page(key)
        qtbot.wait(10)
        assert window.width() <= MAX_WINDOW_WIDTH, key
        for scroll in page.findChildren(QScrollArea):
            if scroll.isVisible() and scroll.widgetResizable() and scroll.widget() is not None:
                need = scroll.widget().minimumSizeHint().width()
                assert need <= scroll.viewport().width(), f"{key}: {need} px in a {scroll.viewport().width()} px view"


def test_normal_text_keeps_toolbars_on_one_row(qtbot, services, window, wait_jobs) -> None:
    """Normal mode looks as before: at the usual window width the Recordings toolbar is one row, export on the
    right; with large text in English it wraps onto a second row."""
    window.show_at(1366, 740)
    page = window.show_page("recordings")
    qtbot.wait(20)

    def rows() -> set[int]:
        buttons = (page.files_button, page.scan_button, page.rescan_check, page.export_html_button)
        return {b.mapTo(page, QPoint(0, b.height() // 2)).y() // 10 for b in buttons}

    assert len(rows()) == 1
    assert page.export_html_button.geometry().right() > page.width() - 30  # still at the right end
    _switch(qtbot, window, services, wait_jobs, "en", large=True)
    window.show_at(1100, 740)
    window.show_page("recordings")
    qtbot.wait(20)
    assert len(rows()) == 2


def _text_room(combo: QComboBox) -> int:
    """How wide the text part of ``combo`` is (its width less the arrow, frame and icon)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    icon = combo.iconSize().width() + 4 if not combo.itemIcon(combo.currentIndex()).isNull() else 0
    return field.width() - icon


@pytest.mark.parametrize("order", ["large text, then English", "both at once"])
def test_combos_show_their_whole_text_after_switching_to_english_and_large_text(
    qtbot, services, window, wait_jobs, order
) -> None:
    """ "Last 7 day", "All kinds of rec", "(未指定家人的记录": a combo box was sized once, for the words it first
    had (or the last font change); switched to large text and then to English, it cut its text."""
    _show_every_page(qtbot, window, wait_jobs)
    if order == "large text, then English":
        _switch(qtbot, window, services, wait_jobs, "zh", large=True)
    _switch(qtbot, window, services, wait_jobs, "en", large=True)
    window.show_at(1366, 740)
    cut = []
    for key in window.pages:
        page = window.show_page(key)
        qtbot.wait(20)
        for combo in page.findChildren(QComboBox):
            shortened_on_purpose = (  # long names shown shortened (History's scheme and person filters)
                combo.sizeAdjustPolicy() == QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            if not combo.isVisible() or combo.isEditable() or shortened_on_purpose:
                continue
            text = combo.currentText()
            if combo.fontMetrics().horizontalAdvance(text) > _text_room(combo):
                cut.append(f"{key}: {text!r}")
    assert not cut, f"combo boxes cutting their text: {cut}"


def test_unfocused_inputs_ignore_the_wheel_on_every_page_and_in_the_wizard(qtbot, services, window, wait_jobs) -> None:
    """Scrolling a page must never change a setting or a filter: every combo box and spin box, on every page and in
    the wizard, takes focus only by click or Tab, and without focus leaves the wheel to the page."""
    from app.ui.wizard import FirstRunWizard

    _show_every_page(qtbot, window, wait_jobs)
    wizard = FirstRunWizard(services, window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    wizard.next()  # the call-source step has a spin box (NCID port)
    window.nav.setFocus()
    inputs = [
        w for top in (window, wizard) for w in top.findChildren(QWidget) if isinstance(w, QComboBox | QAbstractSpinBox)
    ]
    assert len(inputs) > 20
    changed = []
    for widget in inputs:
        assert widget.focusPolicy() != Qt.FocusPolicy.WheelFocus, widget
        before = widget.currentIndex() if isinstance(widget, QComboBox) else widget.text()
        for notches in (-1, 1, 1):
            centre = QPointF(widget.rect().center())
            event = QWheelEvent(
                centre,
                QPointF(widget.mapToGlobal(centre)),
                QPoint(0, 0),
                QPoint(0, 120 * notches),
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase,
                False,
            )
            QApplication.sendEvent(widget, event)
        after = widget.currentIndex() if isinstance(widget, QComboBox) else widget.text()
        if after != before:
            changed.append(f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()}")
    wizard.reject()
    assert not changed, f"the wheel changed: {changed}"


def _headings(wizard) -> list[QLabel]:
    """The labels showing the current step's heading (QWizard's own)."""
    title = wizard.currentPage().title()
    return [label for label in wizard.findChildren(QLabel) if title and label.text() == title]


def test_wizard_headings_grow_when_large_text_is_ticked_in_the_wizard(qtbot, services) -> None:
    """The first step's 大字模式 box made the text large at once, but each step's heading stayed small until the
    wizard was run again."""
    from app.ui import style
    from app.ui.wizard import FirstRunWizard

    app = QApplication.instance()
    base = style.base_point_size(app)
    wizard = FirstRunWizard(services)
    qtbot.addWidget(wizard)
    wizard.show()
    headings = _headings(wizard)
    assert headings and all(label.isVisible() for label in headings)
    normal = max(label.font().pointSizeF() for label in headings)
    assert normal >= base * 1.4  # a heading: clearly larger than the text
    wizard.language_page.large_text.setChecked(True)
    try:
        qtbot.waitUntil(lambda: all(lab.font().pointSizeF() >= normal * 1.5 - 0.01 for lab in headings), timeout=2000)
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.family_page)
        assert all(label.font().pointSizeF() >= normal * 1.5 - 0.01 for label in _headings(wizard))
    finally:
        style.apply_text_scale(app, False)
    assert all(abs(label.font().pointSizeF() - normal) < 0.01 for label in _headings(wizard))
    wizard.reject()


def test_a_phone_recording_name_wraps_in_large_text(qtbot, services, window, wait_jobs) -> None:
    """A trial selected 「通话录音@95275012(95275012)_20261205093000.wav」 on 录音分析 in English large text: that one
    long word in the verdict's title and in its warning made the window 1,371 px wide on a 1366 screen."""
    from app.models.recording_model import FileStatus, RecordingRow
    from screening.i18n import Message
    from screening.types import Level
    from speech.errors import SpeechProblem

    _switch(qtbot, window, services, wait_jobs, "en", large=True)
    page = window.show_page("recordings")
    path = "/home/volunteer/phone/Recordings/通话录音@95275012(95275012)_20261205093000.wav"
    row = RecordingRow(path=path, status=FileStatus.DONE, level=Level.UNKNOWN, score=0.1, transcript="喂 你好",
                       error=Message(SpeechProblem.TRUNCATED, {"path": path, "seconds": 6.5}))  # fmt: skip
    page.model.set_rows([row])
    page.table.setCurrentIndex(page.table.proxy.mapFromSource(page.model.index(0, 0)))
    qtbot.wait(50)
    assert page.banner.title_text().endswith("通话录音@95275012(95275012)_20261205093000.wav")  # shown whole
    assert "95275012(95275012)_20261205093000" in page.banner.accessibleDescription() + page.banner.accessibleName()
    assert window.minimumSizeHint().width() <= MAX_WINDOW_WIDTH, window.minimumSizeHint().width()
    assert page.minimumSizeHint().width() <= MAX_WINDOW_WIDTH - window.nav.width()
    # the break marks are for the layout only: not in what a screen reader reads, and a phone number is left whole
    from app.ui.widgets import ZWSP, breakable

    for name in (
        page.banner.accessibleName(),
        page.banner._title.accessibleName(),
        page.banner._reasons.accessibleName(),
    ):
        assert name and ZWSP not in name, name
    assert breakable("来电 +8613812345678，请回拨 13812345678") == "来电 +8613812345678，请回拨 13812345678"
