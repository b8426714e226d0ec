"""A softphone PC: the two devices chosen in Settings (对方 = a playback loopback through the sound server, 我方 = the
input device) are opened for a real incoming call and heard on two labelled channels. Real PulseAudio null sink and
monitor, real capture (parec and PortAudio); scripted recognisers (the content is covered elsewhere)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.calls.events import CallEvent
from app.ui.page_live import LivePage
from speech.channels import Side
from tests.helpers.recognizer import ScriptedRecognizer
from tests.speech.conftest import PulseLine, pulse_line  # noqa: F401 - pytest fixture

pytestmark = pytest.mark.slow


def test_a_call_is_heard_on_the_two_devices_chosen_in_settings(qtbot, services, pulse_line: PulseLine) -> None:  # noqa: F811
    import sounddevice as sd

    sd._terminate()  # PortAudio must see this test's PulseAudio server (the app rescans on 刷新 too)
    sd._initialize()
    services.settings.update(audio_device="pulse", audio_caller_device=f"pulse:{pulse_line.monitor}")
    opened: list[tuple[str, Side]] = []

    def recognizer(line: str, side: Side) -> ScriptedRecognizer:
        opened.append((line, side))
        text = "请问是王先生吗" if side is Side.CALLER else "是我，您哪位"
        return ScriptedRecognizer.sentences([(text[:2], text)])

    services.calls.recognizer_factory = recognizer
    page = LivePage(services)
    qtbot.addWidget(page)
    page.show()
    event = CallEvent("1", "13912345678", None, datetime.now(timezone.utc), "ncid")
    services.calls.handle_event(event)
    qtbot.waitUntil(lambda: "1" in page.cards, timeout=10_000)
    card = page.cards["1"]
    qtbot.waitUntil(lambda: card.us_pane.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: card.transcript.lines() == ["请问是王先生吗"], timeout=10_000)
    qtbot.waitUntil(lambda: card.us_pane.transcript.lines() == ["是我，您哪位"], timeout=10_000)
    assert opened == [("1", Side.CALLER), ("1", Side.US)]
    state = services.calls.lines["1"]
    # the card says which devices hear the line (a call centre checks its wiring), in both languages
    assert state.devices == (f"pulse:{pulse_line.monitor}", "pulse")
    assert card.devices_label.isVisible()
    assert card.devices_label.text() == f"对方：{pulse_line.monitor} · 我方：pulse"
    assert state.two is not None and state.two.running  # both devices are being heard, live
    services.calls.stop_line("1")
    qtbot.waitUntil(lambda: services.jobs.is_idle(), timeout=10_000)
    assert state.two is None
