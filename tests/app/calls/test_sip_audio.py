"""SipCallAudio's bookkeeping without baresip: files written by the test the way sndfile writes them."""

from __future__ import annotations

import threading
import time
import wave
from pathlib import Path

from app.calls.events import CallEnded, CallEvent, utc_now
from app.calls.sources.sip_audio import SipCallAudio
from speech.audio import AudioSource
from speech.channels import Channel, LineResult, Side, TwoSidedLine
from tests.speech.test_pipeline import ScriptedRecognizer


def event(call_id: str) -> CallEvent:
    return CallEvent("line1", "16212345678", None, utc_now(), "sip", {"call_id": call_id})


def dump_pair(folder: Path, stamp: str) -> None:
    for side in ("dec", "enc"):
        with wave.open(str(folder / f"dump-{stamp}-{side}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(b"\0\0" * 16000)  # 1 s each


class Results:
    def __init__(self) -> None:
        self.items: list[tuple[CallEvent, LineResult]] = []
        self.done = threading.Event()

    def __call__(self, event: CallEvent, result: LineResult) -> None:
        self.items.append((event, result))
        self.done.set()


def make_line(event: CallEvent, caller: AudioSource, us: AudioSource) -> TwoSidedLine:
    script: list[tuple[object, ...]] = [("final", "여보세요", 0.0, 0.5)]
    return TwoSidedLine(Channel(caller, ScriptedRecognizer(list(script))), Channel(us, ScriptedRecognizer([])))


def test_a_call_that_ends_at_once_is_still_transcribed_and_its_files_deleted(tmp_path: Path) -> None:
    dump_pair(tmp_path, "2026-12-04-10-00-00")
    results = Results()
    audio = SipCallAudio(tmp_path, make_line, results)
    audio.on_answered(event("c1"))
    audio.on_end(CallEnded("line1", "sip", utc_now(), "after_pickup", {"call_id": "c1"}))  # before the line is up
    assert results.done.wait(10)
    [(ev, result)] = results.items
    assert ev.extra["call_id"] == "c1" and result.text(Side.CALLER) == "여보세요"
    assert result.caller is not None and abs(result.caller.audio_s - 1.0) < 0.05  # the whole file was read
    assert not list(tmp_path.glob("*.wav")) and audio.active == 0


def test_recordings_are_kept_when_the_user_asked(tmp_path: Path) -> None:
    dump_pair(tmp_path, "2026-12-04-10-00-01")
    results = Results()
    audio = SipCallAudio(tmp_path, make_line, results, keep_recordings=True)
    audio.on_answered(event("c2"))
    time.sleep(0.3)
    audio.on_end(CallEnded("line1", "sip", utc_now(), "line_lost", {"call_id": "c2"}))
    assert results.done.wait(10)
    assert len(list(tmp_path.glob("*.wav"))) == 2


def test_no_recording_means_no_line_and_no_result(tmp_path: Path) -> None:
    results = Results()
    audio = SipCallAudio(tmp_path, make_line, results, find_timeout_s=0.3)
    audio.on_answered(event("c3"))
    deadline = time.monotonic() + 5
    while audio.active and time.monotonic() < deadline:
        time.sleep(0.05)
    audio.on_end(CallEnded("line1", "sip", utc_now(), "after_pickup", {"call_id": "c3"}))
    assert audio.active == 0 and not results.done.wait(0.3)
