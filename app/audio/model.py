"""Which speech model the app uses: one resolver for every caller (pages, live calls, CLI, self-test).

Order (``speech.models.resolve_model``): the path in the user's settings, ``CALLSHIELD_VOSK_MODEL``, the model
bundled with an offline installer (:func:`app.paths.bundled_model_dir`), then models installed in the data dir.
Before issue 11 five callers each did this themselves and the Recordings page's copy forgot the bundled model.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import paths
from speech.models import ResolvedModel, resolve_model

log = logging.getLogger(__name__)


def configured_model_path(data_dir: Path | None) -> str | None:
    """The model folder named in the saved settings, or None (an unreadable settings file is logged, not raised)."""
    if data_dir is None:
        return None
    try:
        from app.settings import load_settings

        return load_settings(Path(data_dir)).model_path
    except Exception:  # a broken settings file must not stop a headless transcription or the self-test
        log.warning("could not read settings for the model path", exc_info=True)
        return None


def resolve_app_model(
    data_dir: Path | None, settings_path: str | os.PathLike[str] | None, env: Mapping[str, str] | None = None
) -> ResolvedModel:
    """The model to use; raises ``speech.errors.ModelError`` (``NO_MODEL`` or why a configured folder is broken)."""
    return resolve_model(data_dir, settings_path=settings_path, bundled_path=paths.bundled_model_dir(), env=env)


def model_setting(data_dir: Path, path: str | os.PathLike[str]) -> str:
    """How a chosen model folder is kept in the settings: relative when it is inside the data dir (where an import or
    a download puts it), so a data folder copied elsewhere (a USB stick, as the README suggests) still finds it; a
    trial's copy pointed at the old folder. Any other folder stays as chosen."""
    chosen = Path(path)
    try:
        return chosen.resolve().relative_to(Path(data_dir).resolve()).as_posix()
    except ValueError:
        return str(chosen)


# What a load or an import's load check found of a model's language, by model folder: kept for the session, for every
# page's status (a trial imported the Korean model and Settings said 「已就绪」). A check that found Chinese is kept
# too: it outranks a README naming another language (a review).
_LANGUAGE_FOUND: dict[str, Any] = {}
_LANGUAGE_LOCK = threading.Lock()


def note_language(model: Any) -> None:
    """Remember the language warning (or None) of a model just loaded or imported (``LoadedModel``, ``ModelInfo``)."""
    warning = model.language_warning()
    with _LANGUAGE_LOCK:
        _LANGUAGE_FOUND[str(Path(model.path).resolve())] = warning


def forget_languages() -> None:
    """Forget what loads found (tests: each starts without another's findings)."""
    with _LANGUAGE_LOCK:
        _LANGUAGE_FOUND.clear()


def language_warning(resolved: ResolvedModel) -> Any:
    """The model's language warning: what a load found this session, else what its name or README says
    (``ModelInfo.language_warning``). The one answer for Settings, 录音分析 and the CLI's status."""
    key = str(Path(resolved.path).resolve())
    with _LANGUAGE_LOCK:
        if key in _LANGUAGE_FOUND:
            return _LANGUAGE_FOUND[key]
    return resolved.info.language_warning()


@dataclass(frozen=True)
class RemovedModel:
    name: str  # the folder's name
    was_chosen: bool  # the settings named it: the caller clears ``model_path``, so the next model found is used
    detached: Path  # the hidden folder it was renamed to, for ``speech.models.purge_folder``


def detach_app_model(
    data_dir: Path, path: str | os.PathLike[str], settings_path: str | None, env: Mapping[str, str] | None = None
) -> RemovedModel:
    """Take a model the app installed out of use (``speech.models.detach_model``: one rename) for Settings' 删除此模型…
    and ``callshield model remove``; the caller then deletes ``detached`` (``speech.models.purge_folder``), which can
    take a while and needs no lock. The ``CALLSHIELD_VOSK_MODEL`` model is the user's, not the app's. Raises
    ``speech.errors.ModelError``."""
    from speech.errors import ModelError, SpeechProblem
    from speech.models import ENV_VAR, configured_folder, detach_model

    env = os.environ if env is None else env
    folder = Path(path)
    resolved = folder.resolve()
    if env.get(ENV_VAR) and Path(env[ENV_VAR]).resolve() == resolved:
        raise ModelError(SpeechProblem.MODEL_NOT_REMOVABLE, path=str(folder))
    chosen = bool(settings_path) and configured_folder(data_dir, settings_path or "").resolve() == resolved
    detached = detach_model(folder, data_dir)
    with _LANGUAGE_LOCK:
        _LANGUAGE_FOUND.pop(str(resolved), None)
    return RemovedModel(resolved.name, chosen, detached)
