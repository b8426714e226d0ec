"""A SIP call heard on both sides, end to end, with real parts only.

Two baresip instances on 127.0.0.1: the caller plays Korean espeak-ng speech through ``aufile``; the
other is CallShield's line, whose own "voice" (what our agent says) is another ``aufile`` WAV. The
line's baresip writes both directions as they happen (``sndfile``); CallShield follows the two files
(:class:`speech.wavtail.GrowingWavSource`) with one Korean Vosk recogniser each
(:class:`speech.channels.TwoSidedLine`), scores the caller and keeps our side as context. The call
itself goes through the real CallController on a real SQLite file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.calls.controller import CallController
from app.calls.events import CallEnded, CallEvent
from app.calls.sources.sip import SipMessage, SipSource
from app.calls.sources.sip_audio import SipCallAudio
from blocklists.db import open_db
from blocklists.history import History
from speech.audio import AudioSource
from speech.channels import Channel, LineResult, Side, SideSegment, TwoSidedLine
from speech.recognizer import LoadedModel, build_grammar
from tests.app.calls.sip_peers import BaresipPeer
from tests.app.calls.test_controller import Calls
from tests.app.calls.test_sources_peers import Recorder
from tests.app.calls.test_sources_sip import line_config, needs_baresip
from tests.speech import conftest as speech_fixtures
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS, concat_wavs
from tests.speech.test_pipeline import KO_PACK

GRAMMAR = (*KO_KEYWORDS, "안녕하세요", "입니다", "알려", "주세요")
AGENT_SAYS = "검찰 수사관입니다"

pytestmark = [needs_baresip, pytest.mark.slow]

# The speech tests' fixtures: the Korean model (loaded once) and espeak-ng speech.
ko_model_dir = speech_fixtures.ko_model_dir
ko_model = speech_fixtures.ko_model
say = speech_fixtures.say


def phone_wav(say: Callable[..., Path], text: str, name: str) -> Path:
    """Speech as an HD-voice (G.722) phone sends it: 16 kHz mono 16-bit, a second of silence after it.

    (At G.711's 8 kHz the Korean test model no longer hears espeak's "검찰 수사관" at all; the
    caller's longer sentence still comes through, see the README's SIP section.)"""
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed (Debian package sox, listed in .ci/run)")
    wide = say(text, name=f"{name}-22k.wav", pad_s=0.5)
    out = wide.with_name(f"{name}.wav")
    subprocess.run(["sox", str(wide), "-r", "16000", "-c", "1", "-b", "16", str(out), "pad", "0", "1"], check=True)
    return out


class HeardLine:
    """CallShield's SIP line with both sides transcribed (SipCallAudio), wired to a real CallController."""

    def __init__(self, tmp_path: Path, data_dir: Path, model: LoadedModel, our_wav: Path) -> None:
        import screening.transcript as transcript

        pack = tmp_path / "ko_test.json"
        pack.write_text(json.dumps(KO_PACK, ensure_ascii=False), encoding="utf-8")
        self.detector = transcript.ScriptDetector.load(pack, use_model=False)
        self.model = model
        self.alerts: list[Any] = []
        self.rates: list[int] = []
        self.results: list[tuple[CallEvent, LineResult]] = []
        self._got_result = threading.Event()
        record_dir = tmp_path / "calls"
        record_dir.mkdir()
        self.calls = Calls()
        self.ctl = CallController(data_dir / "callshield.db")
        self.ctl.add_listener(self.calls)
        self.recorder = Recorder()
        self.audio = SipCallAudio(record_dir, self._make_line, self._on_result)
        self.cfg = line_config(
            tmp_path,
            auto_answer=True,
            record_dir=str(record_dir),
            audio_lines=(f"audio_source aufile,{our_wav}", "audio_player none,none"),
        )
        self.source = SipSource(
            self.cfg, self.ctl.submit, self.recorder.on_status, self._on_end, on_answered=self.audio.on_answered
        )
        self.ctl.attach(self.source)
        self.ctl.add_listener(self.source.on_screened)

    def _make_line(self, event: CallEvent, caller: AudioSource, us: AudioSource) -> TwoSidedLine:
        self._sources = [caller, us]
        return TwoSidedLine(
            Channel(caller, self.model.recognizer(grammar=build_grammar(self.model, GRAMMAR))),
            Channel(us, self.model.recognizer(grammar=build_grammar(self.model, GRAMMAR))),
            alert_sink=self.detector.session(),
            context_sink=self.detector.session(),
            on_segment=self._note_rates,
            on_alert_update=lambda s, u: self.alerts.extend([u] if u.new_hits else []),
            name="sip",
        )

    def _note_rates(self, segment: SideSegment) -> None:  # the first words: both files are open by now
        if not self.rates:
            self.rates = [getattr(s, "rate", 0) for s in self._sources]

    def _on_end(self, ended: CallEnded) -> None:
        self.recorder.on_end(ended)
        self.audio.on_end(ended)

    def _on_result(self, event: CallEvent, result: LineResult) -> None:
        self.results.append((event, result))
        self._got_result.set()

    def start(self) -> None:
        self.ctl.start()
        self.source.start()
        self.recorder.wait_status(SipMessage.READY)

    def result(self, timeout: float = 30.0) -> tuple[CallEvent, LineResult]:
        assert self._got_result.wait(timeout), "no transcript for the call"
        return self.results[0]

    def close(self) -> None:
        self.source.stop()
        self.ctl.close()


def heard_call(
    tmp_path: Path, data_dir: Path, model: LoadedModel, say: Callable[..., Path], caller_says: str, we_say: str
) -> tuple[LineResult, list[Any], CallEvent]:
    caller_wav = phone_wav(say, caller_says, "caller")
    our_wav = phone_wav(say, we_say, "us")
    line = HeardLine(tmp_path, data_dir, model, our_wav)
    caller = BaresipPeer(tmp_path / "caller", "16212345678", wav=caller_wav, codecs=("g722", "g711"))
    try:
        line.start()
        caller.start()
        caller.dial(f"sip:{line.cfg.account.removeprefix('sip:')}")
        caller.wait_event("CALL_ESTABLISHED", timeout=20)
        # Let both finish speaking (the longer of the two WAVs, plus the network's jitter buffer).
        time.sleep(max(_seconds(caller_wav), _seconds(our_wav)) + 0.5)
        caller.command("hangup")
        line.recorder.wait_end("after_pickup", timeout=10)
        event, result = line.result()
        line.calls.wait(1)
    finally:
        caller.stop()
        line.close()
    assert line.rates == [16000, 16000]  # G.722 was negotiated: both directions are wideband
    assert not list((tmp_path / "calls").glob("*.wav"))  # transcribed, then the recordings were deleted
    assert result.caller is not None and result.caller.error is None, result.caller
    assert result.us is not None and result.us.error is None, result.us
    [row] = History(open_db(data_dir / "callshield.db")).query(kind="call")
    assert row["source"] == "sip" and row["number_raw"] == "16212345678"
    return result, line.alerts, event


def _seconds(wav: Path) -> float:
    import wave

    with wave.open(str(wav), "rb") as w:
        return w.getnframes() / w.getframerate()


def test_allowed_sip_call_is_transcribed_from_the_callers_side_and_alerts(
    tmp_path: Path,
    data_dir: Path,
    ko_model: LoadedModel,
    say: Callable[..., Path],
) -> None:
    result, alerts, event = heard_call(tmp_path, data_dir, ko_model, say, KO_FRAUD_SENTENCE, AGENT_SAYS)
    caller, us = result.text(Side.CALLER), result.text(Side.US)
    assert "비밀번호" in caller and "검찰" not in caller, (caller, us)
    assert "검찰" in us and "비밀번호" not in us, (caller, us)
    assert any(h.rule_id == "ko.account_password" for u in alerts for h in u.new_hits)
    assert event.raw_number == "16212345678"


def test_our_agent_saying_the_scam_words_does_not_alert(
    tmp_path: Path,
    data_dir: Path,
    ko_model: LoadedModel,
    say: Callable[..., Path],
) -> None:
    result, alerts, _ = heard_call(tmp_path, data_dir, ko_model, say, AGENT_SAYS, KO_FRAUD_SENTENCE)
    assert "비밀번호" in result.text(Side.US) and "비밀번호" not in result.text(Side.CALLER)
    assert alerts == []
    assert result.context_rules == ("ko.account_password",)


def test_baresip_killed_mid_call_keeps_what_was_heard(
    tmp_path: Path, data_dir: Path, ko_model: LoadedModel, say: Callable[..., Path]
) -> None:
    first = say(KO_FRAUD_SENTENCE, name="first.wav", pad_s=0.5)
    second = say("검찰 수사관입니다 " * 4, name="second.wav")
    long_call = concat_wavs([first, second], 2.0, tmp_path / "long-22k.wav")
    caller_wav = tmp_path / "long.wav"
    subprocess.run(["sox", str(long_call), "-r", "16000", "-c", "1", "-b", "16", str(caller_wav)], check=True)
    line = HeardLine(tmp_path, data_dir, ko_model, phone_wav(say, AGENT_SAYS, "us"))
    caller = BaresipPeer(tmp_path / "caller", "16212345678", wav=caller_wav, codecs=("g722", "g711"))
    try:
        line.start()
        caller.start()
        caller.dial(f"sip:{line.cfg.account.removeprefix('sip:')}")
        caller.wait_event("CALL_ESTABLISHED", timeout=20)
        deadline = time.monotonic() + 20
        while not line.alerts and time.monotonic() < deadline:
            time.sleep(0.05)  # the caller's first sentence has been heard and scored
        assert line.alerts, "the first sentence was not heard"
        line.source.kill_baresip_for_test()  # baresip dies during the caller's second sentence
        line.recorder.wait_end("line_lost", timeout=10)
        event, result = line.result()
        line.recorder.wait_status(SipMessage.READY, count=2, timeout=15)  # the line is back by itself
    finally:
        caller.stop()
        line.close()
    assert "비밀번호" in result.text(Side.CALLER)  # what was heard before the crash is kept
    assert result.caller is not None and result.caller.audio_s < _seconds(caller_wav)  # really cut short
    assert event.raw_number == "16212345678"
