"""LagMonitor: a recogniser that falls behind real time is named, with whole seconds, and no flicker."""

from __future__ import annotations

import threading
import time

from screening.i18n import Message
from speech.audio import ArraySource
from speech.lag import LagMessage, LagMonitor
from speech.pipeline import TranscriptionRun
from tests.speech.test_pipeline import ScriptedRecognizer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lag_is_reported_in_whole_seconds_and_cleared_with_hysteresis() -> None:
    clock, said = Clock(), []
    monitor = LagMonitor(threshold_s=1.0, on_change=lambda m: said.append(m.render("zh")), clock=clock)
    monitor.start("4")
    clock.now += 2.0
    assert not monitor.observe("4", 1.5).behind  # 0.5 s behind: fine
    clock.now += 1.0
    assert monitor.observe("4", 1.8).behind  # 1.2 s
    clock.now += 2.0
    monitor.observe("4", 2.0)  # 3.0 s
    monitor.observe("4", 2.0)  # still 3 s: said once
    clock.now += 0.5
    monitor.observe("4", 5.2)  # lag 0.3 s: under half the threshold → caught up
    assert said == ["第 4 线路识别落后 1 秒", "第 4 线路识别落后 3 秒", "第 4 线路识别已跟上"]


def test_no_flicker_between_half_and_full_threshold() -> None:
    clock, said = Clock(), list[Message]()
    monitor = LagMonitor(threshold_s=1.0, on_change=said.append, clock=clock)
    monitor.start("2")
    clock.now += 1.2
    monitor.observe("2", 0.0)
    for processed in (0.4, 0.3, 0.5, 0.35):  # lag wanders between 0.7 and 0.9 s
        monitor.observe("2", processed)
    assert [m.code for m in said] == [LagMessage.BEHIND]
    assert Message(LagMessage.BEHIND, {"line": "2", "seconds": 1}).render("en") == (
        "line 2: speech recognition is 1 s behind"
    )


class SlowRecognizer(ScriptedRecognizer):
    """A recogniser that needs 2× real time (a CPU that cannot keep up)."""

    def accept(self, pcm: bytes) -> bool:
        time.sleep(len(pcm) / 32000 * 2)
        return super().accept(pcm)


def test_a_real_pipeline_that_cannot_keep_up_is_named() -> None:
    said: list[str] = []
    monitor = LagMonitor(threshold_s=0.5, on_change=lambda m: said.append(m.render("zh")))
    run = TranscriptionRun(ArraySource(b"\0\0" * 16000 * 3, realtime=True), SlowRecognizer([]), name="line3")
    monitor.start("3")
    run.start()
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not said:
            monitor.observe("3", run.audio_s)
            stop.wait(0.1)
    finally:
        run.stop()
    assert said and said[0].startswith("第 3 线路识别落后")


def test_a_two_sided_line_reports_its_slower_side() -> None:
    from speech.channels import Channel, TwoSidedLine
    from tests.speech.test_pipeline import CHUNK, ListSource

    line = TwoSidedLine(
        Channel(ListSource([CHUNK] * 3), ScriptedRecognizer([])),
        Channel(ListSource([CHUNK] * 5), ScriptedRecognizer([])),
    ).start()
    deadline = time.monotonic() + 5
    while line.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert abs(line.audio_s - 0.3) < 1e-6  # the caller's 0.3 s, not our 0.5 s
    line.stop()
