"""Large text on 来电监控: the verdict (level sign, level word, advice) of the line on top stays in view through a
long call, at the window's default and minimum sizes, however the page or the card is scrolled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from app.ui import style
from screening.types import Level, TranscriptSegment

LONG_CALL = (
    "喂，您好，我是北京市公安局的民警。",
    "您的身份证涉嫌一起洗钱案件，现在需要配合调查。",
    "请不要告诉任何人，这是秘密侦查。",
    "把钱转到安全账户里进行资金核查。",
    "您现在去银行，不要挂电话。",
    "我们会给您发一个验证码，您把验证码告诉我。",
    "如果不配合，我们就要冻结您的账户。",
    "您下载一个会议软件，开启屏幕共享。",
    "这个是最高检察院的通缉令，您看一下。",
    "现在马上转账，否则后果自负。",
    "您家里还有多少存款？全部转到这个账户。",
    "记住，不能告诉您的子女。",
)


@pytest.fixture
def window(qtbot, services) -> Iterator:
    from app.gui import build_window

    w = build_window(QApplication.instance(), services)
    qtbot.addWidget(w)
    w.show()
    yield w
    services.settings.update(large_text=False)


def _in_view(widget: QWidget, scroll: QScrollArea) -> bool:
    """``widget`` is shown whole inside the scroll area's visible part."""
    viewport = scroll.viewport()
    top = widget.mapTo(viewport, QPoint(0, 0)).y()
    return widget.isVisible() and top >= 0 and top + widget.height() <= viewport.height()


@pytest.mark.parametrize("size", ["default", "minimum"])
def test_large_text_keeps_the_verdict_in_view_through_a_long_call(qtbot, window, services, size) -> None:
    live = window.page("live")
    services.settings.update(large_text=True)
    base = style.base_point_size(QApplication.instance())
    qtbot.waitUntil(lambda: live.title.font().pointSizeF() >= base * 1.5 * 1.5 - 0.01, timeout=2000)
    window.show_at(1100, 760)  # MainWindow's default size
    qtbot.wait(20)
    services.calls.simulate_call("95275012", line="1")
    qtbot.waitUntil(lambda: "1" in live.cards, timeout=10_000)
    card = live.cards["1"]
    for i, text in enumerate(LONG_CALL):
        services.calls.feed_segment("1", TranscriptSegment(text, True, i * 4.0, i * 4.0 + 3.5))
    qtbot.waitUntil(lambda: card.transcript.lines() == list(LONG_CALL), timeout=10_000)
    assert card.banner.level is Level.BLOCK and len(card.banner.reasons_text()) >= 4  # a long list of reasons
    qtbot.wait(50)  # the alert banner and the grown card are laid out
    if size == "minimum":  # the smallest the window goes, with the alert banner above the page
        window.show_at(window.minimumSizeHint().width(), window.minimumSizeHint().height())
        qtbot.wait(50)

    page = live.cards_scroll
    bar = page.verticalScrollBar()
    for value in (bar.minimum(), bar.maximum()):  # wherever the page has been scrolled
        bar.setValue(value)
        assert _in_view(card.banner, page), f"verdict out of view with the page scrolled to {value}/{bar.maximum()}"
    # reading the newest words (as 07_live_large_text.png shows them) keeps the verdict in view too
    card.show_transcript()
    qtbot.wait(20)
    assert _in_view(card.banner, page)
    assert card.transcript.visibleRegion().boundingRect().height() > 0  # the words are on screen as well
    # 拉黑 / 信任 are pinned under the card's scrolling body, in view without scrolling inside the card (a trial)
    for button in (card.block_button, card.trust_button):
        assert not card.body.isAncestorOf(button)
        assert _in_view(button, page), f"{button.text()} out of view"
        assert button.visibleRegion().boundingRect().height() == button.height()


def test_a_new_calm_call_does_not_scroll_the_risky_verdict_away(qtbot, window, services) -> None:
    live = window.page("live")
    services.settings.update(large_text=True)
    window.show_at(1100, 760)
    services.calls.simulate_call("95275012", line="1")
    qtbot.waitUntil(lambda: "1" in live.cards, timeout=10_000)
    for i, text in enumerate(LONG_CALL[:4]):
        services.calls.feed_segment("1", TranscriptSegment(text, True, i * 4.0, i * 4.0 + 3.5))
    qtbot.waitUntil(lambda: live.cards["1"].banner.level is Level.BLOCK, timeout=10_000)
    services.calls.simulate_call("13912345678", line="2")  # newer, calm: it goes under the risky line
    qtbot.waitUntil(lambda: "2" in live.cards, timeout=10_000)
    qtbot.wait(50)
    assert live.ordered_lines() == ["1", "2"] and live.card_columns() == 1  # large text: one column
    assert _in_view(live.cards["1"].banner, live.cards_scroll)
