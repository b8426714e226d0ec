"""Two channels per line ("对方（电话那头）" and "我方（麦克风）"): labelled transcripts, only the caller scored.

The logic tests use a scripted recogniser and the real Chinese detector; the real-parts tests use a
private PulseAudio server with two null sinks (the softphone's speaker and a stand-in microphone),
their monitors recorded with ``parec``, the Korean Vosk model and espeak-ng Korean speech.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from screening.types import Level, TranscriptSegment
from speech.channels import Channel, LineResult, Side, SideSegment, TwoSidedLine
from speech.errors import AudioError, SpeechProblem
from speech.loopback import LoopbackDevice, PulseSource, capture_choices, list_loopback_devices, open_capture
from speech.recognizer import LoadedModel, build_grammar
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS
from tests.speech.test_pipeline import CHUNK, KO_PACK, ListSource, ScriptedRecognizer

# An anti-fraud agent quoting what scammers say, then warning. Scored blindly, this alerts.
AGENT_WARNING = "请注意，骗子会说我是银行客服，请把验证码告诉我。不要把验证码告诉任何人"
# The keywords plus the other words both speakers say, so that the keyword grammar does not force
# "입니다" into the nearest keyword.
GRAMMAR = (*KO_KEYWORDS, "안녕하세요", "입니다", "알려", "주세요")
SCAMMER = "我是银行客服，您的账户有风险，请把验证码告诉我，不要把验证码告诉任何人"


def detector() -> Any:
    transcript = pytest.importorskip("screening.transcript", reason="the transcript detector is not present")
    return transcript.ScriptDetector.default()


def scripted(text: str) -> tuple[ListSource, ScriptedRecognizer]:
    script: list[tuple[object, ...]] = [("partial", text[:4]), ("final", text, 0.1, 2.0)]
    return ListSource([CHUNK] * 4), ScriptedRecognizer(script)


@dataclass
class Alerts:
    updates: list[tuple[TranscriptSegment, Any]]
    context: list[tuple[TranscriptSegment, Any]]
    segments: list[SideSegment]

    @classmethod
    def new(cls) -> Alerts:
        return cls([], [], [])

    def alerted(self) -> bool:
        return any(u.level >= Level.WARN for _, u in self.updates)


def run_line(caller_text: str | None, us_text: str | None) -> tuple[LineResult, Alerts]:
    det = detector()
    seen = Alerts.new()
    caller = Channel(*scripted(caller_text)) if caller_text else Channel(ListSource([]), ScriptedRecognizer([]))
    us = Channel(*scripted(us_text)) if us_text else None
    line = TwoSidedLine(
        caller,
        us,
        alert_sink=det.session(),
        context_sink=det.session(),
        on_segment=seen.segments.append,
        on_alert_update=lambda s, u: seen.updates.append((s, u)),
        on_context_update=lambda s, u: seen.context.append((s, u)),
    ).start()
    deadline = time.monotonic() + 10
    while line.running and time.monotonic() < deadline:
        time.sleep(0.02)
    return line.stop(), seen


def test_the_agents_warning_does_not_alert_but_is_kept_as_context() -> None:
    blind = detector().assess(AGENT_WARNING)
    assert blind.is_alert  # the control: scored without knowing who spoke, the warning would alert

    result, seen = run_line(caller_text=None, us_text=AGENT_WARNING)
    assert not seen.alerted() and not seen.updates
    assert "generic.code_request" in result.context_rules  # "our side already talked about codes"
    assert result.lines("zh") == [f"我方：{AGENT_WARNING}"]
    assert result.us is not None and result.us.audio_s > 0


def test_the_same_words_from_the_caller_are_a_strong_signal() -> None:
    result, seen = run_line(caller_text=SCAMMER, us_text=AGENT_WARNING)
    assert seen.alerted()
    assert max(u.level for _, u in seen.updates) >= Level.WARN
    hits = {h.rule_id for _, u in seen.updates for h in u.new_hits}
    assert "generic.code_request" in hits
    assert result.text(Side.CALLER) == SCAMMER and result.text(Side.US) == AGENT_WARNING
    assert sorted(result.lines("en")) == sorted([f"caller: {SCAMMER}", f"us: {AGENT_WARNING}"])
    assert {s.side for s in seen.segments if not s.segment.is_final} == {Side.CALLER, Side.US}


def test_a_failing_microphone_does_not_stop_the_callers_channel() -> None:
    errors: list[tuple[Side, object]] = []
    source, rec = scripted(SCAMMER)
    line = TwoSidedLine(
        Channel(source, rec),
        Channel(ListSource([AudioError(SpeechProblem.DEVICE_GONE, detail="unplugged")]), ScriptedRecognizer([])),
        alert_sink=detector().session(),
        on_error=lambda side, err: errors.append((side, err)),
    ).start()
    deadline = time.monotonic() + 10
    while line.running and time.monotonic() < deadline:
        time.sleep(0.02)
    result = line.stop()
    assert [side for side, _ in errors] == [Side.US]
    assert result.us is not None and result.us.error is not None
    assert result.caller is not None and result.caller.error is None and result.text(Side.CALLER) == SCAMMER


def test_monitor_sources_get_a_plain_label() -> None:
    monitor = LoopbackDevice("alsa_output.usb-headset.monitor", "Monitor of USB Headset", True)
    assert monitor.label("zh") == "扬声器回采：USB Headset（对方的声音）"
    assert monitor.label("en") == "Playback loopback: USB Headset (the caller's voice)"
    assert LoopbackDevice("mic", "USB Headset Mic", False).label("zh") == "USB Headset Mic"


# -- real parts: PulseAudio null sinks, parec, Vosk, espeak-ng --------------------------------------
@dataclass
class SoftphonePc:
    """A private PulseAudio server with a "speaker" sink (the softphone plays the caller there) and a
    "mic" sink whose monitor stands in for our microphone."""

    env: dict[str, str]
    pid: int

    def play(self, sink: str, wav: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["paplay", f"--device={sink}", str(wav)], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


@pytest.fixture
def softphone_pc(tmp_path: Path) -> Iterator[SoftphonePc]:
    missing = [b for b in ("pulseaudio", "paplay", "pactl", "parec") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"PulseAudio tools missing ({', '.join(missing)}); Debian: pulseaudio pulseaudio-utils")
    runtime = tmp_path / "pulse"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    env.pop("PULSE_SERVER", None)
    subprocess.run(
        [
            "pulseaudio",
            "-D",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=speaker sink_properties=device.description=Softphone-Speaker",
            "--load=module-null-sink sink_name=mic",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=30,
    )
    deadline = time.monotonic() + 10
    while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "pulseaudio did not come up"
        time.sleep(0.1)
    pid = int((runtime / "pulse" / "pid").read_text().strip())
    yield SoftphonePc(env, pid)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


def test_the_speakers_monitor_is_offered_as_the_callers_side(softphone_pc: SoftphonePc) -> None:
    devices = list_loopback_devices(softphone_pc.env)
    speaker = next(d for d in devices if d.name == "speaker.monitor")
    assert speaker.is_monitor and devices[0].is_monitor  # monitors listed first
    assert "Softphone-Speaker" in speaker.label("zh") and "对方的声音" in speaker.label("zh")


def test_capture_choices_offer_loopbacks_first_and_open_them(softphone_pc: SoftphonePc) -> None:
    choices = capture_choices(inputs=["USB Headset Mic"], env=softphone_pc.env)
    keys = [c.key for c in choices]
    assert keys[:2] == ["pulse:mic.monitor", "pulse:speaker.monitor"] and keys[-1] == "input:USB Headset Mic"
    speaker = choices[1]
    assert speaker.caller_side and speaker.label("en").startswith("Playback loopback: Softphone-Speaker")
    assert not choices[-1].caller_side and choices[-1].label("zh") == "USB Headset Mic"
    source = open_capture(speaker.key, env=softphone_pc.env)
    assert isinstance(source, PulseSource)
    source.start()
    try:
        assert source.read(2.0) is not None  # a null sink's monitor delivers silence, in real time
    finally:
        source.close()
    with pytest.raises(AudioError):
        open_capture("bluetooth:phone")


def test_a_missing_source_is_a_clear_error(softphone_pc: SoftphonePc) -> None:
    source = PulseSource("no-such-sink.monitor", env=softphone_pc.env)
    with pytest.raises(AudioError) as info:
        source.start()
    source.close()
    assert info.value.code is SpeechProblem.DEVICE_NOT_FOUND and "no-such-sink.monitor" in info.value.render("en")


def _two_sided(
    pc: SoftphonePc,
    model: LoadedModel,
    say: Callable[..., Path],
    tmp_path: Path,
    caller_says: str,
    we_say: str,
) -> tuple[LineResult, list[Any]]:
    import screening.transcript as transcript

    pack = tmp_path / "ko_test.json"
    pack.write_text(json.dumps(KO_PACK, ensure_ascii=False), encoding="utf-8")
    det = transcript.ScriptDetector.load(pack, use_model=False)
    alerts: list[Any] = []
    line = TwoSidedLine(
        Channel(PulseSource("speaker.monitor", env=pc.env), model.recognizer(grammar=build_grammar(model, GRAMMAR))),
        Channel(PulseSource("mic.monitor", env=pc.env), model.recognizer(grammar=build_grammar(model, GRAMMAR))),
        alert_sink=det.session(),
        context_sink=det.session(),
        on_alert_update=lambda s, u: alerts.extend([u] if u.new_hits else []),
        name="softphone",
    ).start()
    try:
        time.sleep(0.3)
        players = [
            pc.play("speaker", say(caller_says, name="caller.wav", pad_s=0.3)),
            pc.play("mic", say(we_say, name="us.wav", pad_s=0.3)),
        ]
        for player in players:
            assert player.wait(20) == 0
        time.sleep(1.0)  # the sinks' latency and Vosk's end-of-utterance silence
    finally:
        result = line.stop()
    assert result.caller is not None and result.caller.error is None, result.caller
    assert result.us is not None and result.us.error is None, result.us
    return result, alerts


@pytest.mark.slow
def test_real_softphone_caller_and_us_are_transcribed_apart_and_the_caller_alerts(
    softphone_pc: SoftphonePc, ko_model: LoadedModel, say: Callable[..., Path], tmp_path: Path
) -> None:
    result, alerts = _two_sided(softphone_pc, ko_model, say, tmp_path, KO_FRAUD_SENTENCE, "검찰 수사관입니다")
    caller, us = result.text(Side.CALLER), result.text(Side.US)
    assert "계좌" in caller and "비밀번호" in caller and "검찰" not in caller, (caller, us)
    assert "검찰" in us and "계좌" not in us and "비밀번호" not in us, (caller, us)
    assert any(h.rule_id == "ko.account_password" for u in alerts for h in u.new_hits)
    assert any(line.startswith("对方：") for line in result.lines("zh"))
    assert any(line.startswith("我方：") for line in result.lines("zh"))


@pytest.mark.slow
def test_real_softphone_our_side_saying_it_does_not_alert(
    softphone_pc: SoftphonePc, ko_model: LoadedModel, say: Callable[..., Path], tmp_path: Path
) -> None:
    result, alerts = _two_sided(softphone_pc, ko_model, say, tmp_path, "검찰 수사관입니다", KO_FRAUD_SENTENCE)
    assert "비밀번호" in result.text(Side.US) and "비밀번호" not in result.text(Side.CALLER)
    assert alerts == []
    assert result.context_rules == ("ko.account_password",)


def test_channel_threads_are_named_after_the_side() -> None:
    source, rec = scripted("안녕하세요")
    names: list[str] = []
    line = TwoSidedLine(
        Channel(source, rec), on_segment=lambda s: names.append(threading.current_thread().name), name="line4"
    ).start()
    line.stop()
    assert set(names) <= {"speech-line4-caller"} and names
