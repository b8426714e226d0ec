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

from app.calls import CallController
from app.sources.events import CallEvent
from app.sources.sip import SipMessage, SipSource, call_recordings
from blocklists.db import open_db
from blocklists.history import History
from speech.channels import Channel, LineResult, Side, TwoSidedLine
from speech.recognizer import LoadedModel, build_grammar
from speech.wavtail import GrowingWavSource
from tests.app.sip_peers import BaresipPeer
from tests.app.test_calls import Calls
from tests.app.test_sources_peers import Recorder
from tests.app.test_sources_sip import line_config, needs_baresip
from tests.speech import conftest as speech_fixtures
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS
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


def heard_call(
    tmp_path: Path, data_dir: Path, model: LoadedModel, say: Callable[..., Path], caller_says: str, we_say: str
) -> tuple[LineResult, list[Any], CallEvent]:
    import screening.transcript as transcript

    pack = tmp_path / "ko_test.json"
    pack.write_text(json.dumps(KO_PACK, ensure_ascii=False), encoding="utf-8")
    det = transcript.ScriptDetector.load(pack, use_model=False)
    caller_wav = phone_wav(say, caller_says, "caller")
    our_wav = phone_wav(say, we_say, "us")
    record_dir = tmp_path / "calls"
    record_dir.mkdir()

    calls = Calls()
    ctl = CallController(data_dir / "callshield.db")
    ctl.add_listener(calls)
    ctl.start()
    recorder = Recorder()
    answered: list[tuple[CallEvent, float]] = []
    got_answer = threading.Event()

    def on_answered(event: CallEvent) -> None:
        answered.append((event, time.time()))
        got_answer.set()

    cfg = line_config(
        tmp_path,
        auto_answer=True,
        record_dir=str(record_dir),
        audio_lines=(f"audio_source aufile,{our_wav}", "audio_player none,none"),
    )
    source = SipSource(
        cfg,
        ctl.submit,
        recorder.on_status,
        recorder.on_end,
        on_answered=on_answered,
    )
    ctl.attach(source)
    ctl.add_listener(source.on_screened)
    caller = BaresipPeer(tmp_path / "caller", "16212345678", wav=caller_wav, codecs=("g722", "g711"))
    alerts: list[Any] = []
    try:
        source.start()
        recorder.wait_status(SipMessage.READY)
        caller.start()
        caller.dial(f"sip:{cfg.account.removeprefix('sip:')}")
        assert got_answer.wait(10), recorder.codes()
        event, since = answered[0]
        deadline = time.monotonic() + 5
        while (files := call_recordings(record_dir, since)) is None:
            assert time.monotonic() < deadline, list(record_dir.iterdir())
            time.sleep(0.05)
        sides = [GrowingWavSource(files.caller), GrowingWavSource(files.us)]
        rates: list[int] = []
        line = TwoSidedLine(
            Channel(sides[0], model.recognizer(grammar=build_grammar(model, GRAMMAR))),
            Channel(sides[1], model.recognizer(grammar=build_grammar(model, GRAMMAR))),
            alert_sink=det.session(),
            context_sink=det.session(),
            on_alert_update=lambda s, u: alerts.extend([u] if u.new_hits else []),
            name="sip",
        ).start()
        deadline = time.monotonic() + 5
        while not all(side.rate for side in sides) and time.monotonic() < deadline:
            time.sleep(0.02)
        rates = [side.rate for side in sides]
        # Let the caller finish speaking (the longer of the two WAVs, plus the network's jitter buffer).
        time.sleep(max(_seconds(caller_wav), _seconds(our_wav)) + 0.5)
        caller.command("hangup")
        recorder.wait_end("after_pickup", timeout=10)
        for side in sides:
            side.finish()
        deadline = time.monotonic() + 20
        while line.running and time.monotonic() < deadline:
            time.sleep(0.05)
        result = line.stop()
        calls.wait(1)
    finally:
        caller.stop()
        source.stop()
        ctl.close()
    assert rates == [16000, 16000]  # G.722 was negotiated: both directions are wideband
    assert result.caller is not None and result.caller.error is None, result.caller
    assert result.us is not None and result.us.error is None, result.us
    [row] = History(open_db(data_dir / "callshield.db")).query(kind="call")
    assert row["source"] == "sip" and row["number_raw"] == "16212345678"
    return result, alerts, event


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
