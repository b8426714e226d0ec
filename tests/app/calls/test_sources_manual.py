"""Manual entry: typed numbers travel through a worker like real calls; bad input gets a clear message."""

from __future__ import annotations

import threading

from app.calls.events import CallerId, SourceMessage, SourceState
from app.calls.sources.manual import MAX_LENGTH, ManualSource
from tests.app.calls.test_sources_peers import Recorder


def test_typed_number_arrives_on_the_worker_thread() -> None:
    recorder = Recorder()
    threads: list[str] = []
    source = ManualSource(
        lambda e: (threads.append(threading.current_thread().name), recorder.on_call(e)), recorder.on_status
    )
    source.start()
    try:
        recorder.wait_status(SourceMessage.MANUAL_READY)
        assert source.submit(" 9527501234 ", line="训练 1", name="张三") is None
        [event] = recorder.wait_events(1)
        assert (event.raw_number, event.line, event.name, event.source) == ("9527501234", "训练 1", "张三", "manual")
        assert event.caller_id is CallerId.PRESENT and event.extra["simulated"] is True
        assert threads == ["callshield-manual"]
    finally:
        source.stop()
    assert source.status.state is SourceState.STOPPED


def test_empty_and_absurd_input_is_refused_with_a_translated_message() -> None:
    recorder = Recorder()
    source = ManualSource(recorder.on_call, recorder.on_status)
    empty = source.submit("   ")
    assert empty is not None and empty.render("zh") == "请输入来电号码" and "enter" in empty.render("en")
    too_long = source.submit("1" * (MAX_LENGTH + 1))
    assert too_long is not None and str(MAX_LENGTH + 1) in too_long.render("en") and "太长" in too_long.render("zh")
    assert recorder.events == []
