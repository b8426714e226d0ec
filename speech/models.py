"""Finding, checking, downloading and importing Vosk models.

Resolution order (:func:`resolve_model`): the path in the user's settings, ``CALLSHIELD_VOSK_MODEL``,
a model bundled with the frozen app (the app passes that folder in; core takes paths), then the
models in the user data dir (``<data>/models/<name>``).

Downloads and imports never leave a half-unpacked model where it could be used: the archive is
verified first (size + SHA-256), unpacked into a temporary folder beside the target, validated,
and only then renamed into place.
"""

from __future__ import annotations

import dataclasses
import enum
import errno
import hashlib
import http.client
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.i18n import Message
from screening.processes import pid_alive
from speech.errors import ModelError, SpeechProblem

log = logging.getLogger(__name__)

ENV_VAR = "CALLSHIELD_VOSK_MODEL"
MODELS_SUBDIR = "models"
DOWNLOADS_SUBDIR = ".downloads"
CHUNK = 256 * 1024
#: The most a model archive may unpack to.  The large Mandarin model is about 2.9 GB; anything far beyond is
#: not a model (or is a zip bomb), and unpacking it would fill the user's disk.
MAX_UNPACK_BYTES = 8_000_000_000
#: Seconds the separate process gets to load a model being imported (the large model takes about a minute).
LOAD_CHECK_TIMEOUT_S = 600.0
#: Prefixes of the temporary folders an import or a replacement uses inside ``<data>/models``; each carries the
#: pid of the process that made it, so a later start can remove those a killed import left behind.
_STAGING_PREFIXES = (".import-", ".unpack-", ".removing-")

ProgressFn = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class ModelSpec:
    """A downloadable model. ``sha256=None`` means no pinned checksum exists (see README)."""

    name: str
    url: str
    size: int | None
    sha256: str | None
    unpacked_mb: int
    zh: str
    en: str


SMALL_CN = ModelSpec(
    name="vosk-model-small-cn-0.22",
    url="https://alphacephei.com/vosk/models/vosk-model-small-cn-0.22.zip",
    size=43_898_754,
    sha256="3af8b0e7e0f835ae9d414ce5df580237a3cfb08d586c9fbbb0f7ff29ad5b14ba",
    unpacked_mb=68,
    zh="中文小模型（42 MB，适合普通电脑，支持关键词模式）",
    en="Mandarin small model (42 MB, runs on any PC, supports keyword mode)",
)
# The large server model: better accuracy, ~1.3 GB download, ~3 GB RAM, static graph (no keyword
# mode). Alpha Cephei publishes no checksum for it and we could not download it to pin one, so
# the user passes the expected SHA-256 or explicitly accepts a structure-only check.
LARGE_CN = ModelSpec(
    name="vosk-model-cn-0.22",
    url="https://alphacephei.com/vosk/models/vosk-model-cn-0.22.zip",
    size=None,
    sha256=None,
    unpacked_mb=2900,
    zh="中文大模型（约 1.3 GB，更准确，需要约 3 GB 内存，不支持关键词模式）",
    en="Mandarin large model (about 1.3 GB, more accurate, needs about 3 GB RAM, no keyword mode)",
)
CATALOGUE: Mapping[str, ModelSpec] = {"small": SMALL_CN, "large": LARGE_CN}
# Preference among several models in the data dir: the large one if the user fetched it.
_PREFERENCE = (LARGE_CN.name, SMALL_CN.name)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    """A folder that has what Vosk needs."""

    path: Path
    name: str
    lookahead: bool  # Gr.fst + HCLr.fst: small models, grammar (keyword) mode works
    has_ivector: bool
    size_bytes: int
    # Whether Vosk found common Chinese words in its vocabulary when an import loaded it (``check_loads_in_subprocess``);
    # None where it was not loaded (a folder only validated, a check that does not tell)
    chinese: bool | None = None
    # The language the model's own README names (:func:`readme_chinese`), read when the folder is validated
    described_chinese: bool | None = None

    def language_warning(self) -> Message | None:
        """:data:`~speech.errors.SpeechProblem.NOT_CHINESE_MODEL` for a model found to be of another language: by its
        load check when an import ran one, else by the language its folder is named for (Vosk's own names say it:
        vosk-model-small-ko-0.22), else by the one its README names ("Small Korean for Vosk"), so a status read after
        a restart says it too (a review: 「已就绪」 came back; a trial's Korean model was a folder named ``model``)."""
        chinese = self.chinese
        if chinese is None:
            chinese = named_chinese(self.name)
        if chinese is None:
            chinese = self.described_chinese
        return Message(SpeechProblem.NOT_CHINESE_MODEL, {"path": str(self.path)}) if chinese is False else None


_VOSK_NAME = re.compile(r"vosk-model-(?:small-)?([a-z]{2,3})(?:-|$)", re.IGNORECASE)
_CHINESE_CODES = frozenset({"cn", "zh"})


def named_chinese(name: str) -> bool | None:
    """Whether a folder named as Vosk names its models is a Chinese one (vosk-model-small-cn-0.22: True,
    vosk-model-small-ko-0.22: False); None for any other name (a model renamed, or not from Vosk's list)."""
    m = _VOSK_NAME.match(name or "")
    return None if m is None else m.group(1).lower() in _CHINESE_CODES


# The languages of Vosk's model list as its READMEs name them ("Chinese Vosk model for mobile", "Small Korean for
# Vosk", "US English model for mobile Vosk applications")
_README_LANGUAGE = re.compile(
    r"\b(english|russian|french|german|spanish|portuguese|greek|turkish|vietnamese|italian|dutch|catalan|arabic"
    r"|farsi|persian|filipino|ukrainian|kazakh|swedish|japanese|esperanto|hindi|czech|polish|uzbek|korean|breton"
    r"|gujarati|tajik|telugu|kyrgyz|tamil|malayalam|bengali|indonesian|thai)\b",
    re.IGNORECASE,
)
_README_CHINESE = re.compile(r"chinese|mandarin|中文|普通话|汉语|漢語", re.IGNORECASE)


def readme_chinese(path: Path) -> bool | None:
    """Whether the README in a model folder names Chinese (True: anywhere, as "English docs below, Chinese model" or
    「中文模型，支持 English 数字」 do), only other languages (False), or none / there is no README (None). Only its
    first 4 KiB are read, as UTF-8 or else GBK: Vosk's READMEs are a line or two."""
    try:
        with (path / "README").open("rb") as fh:
            raw = fh.read(4096)
    except OSError:
        return None
    try:
        head = raw.decode("utf-8")
    except UnicodeDecodeError:
        head = raw.decode("gbk", errors="replace")
    if _README_CHINESE.search(head):
        return True
    return False if _README_LANGUAGE.search(head) else None


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def validate_model_dir(path: Path) -> ModelInfo:
    """Check the layout Vosk expects; raise ``WRONG_FOLDER`` naming what is missing."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise ModelError(SpeechProblem.WRONG_FOLDER, path=str(path), missing="the folder itself / 文件夹本身")
    missing: list[str] = []
    if not (path / "am" / "final.mdl").is_file():
        missing.append("am/final.mdl")
    if not (path / "conf" / "mfcc.conf").is_file():
        missing.append("conf/mfcc.conf")
    graph = path / "graph"
    lookahead = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    static = (graph / "HCLG.fst").is_file()
    if not (lookahead or static):
        missing.append("graph/HCLG.fst | graph/HCLr.fst+Gr.fst")
    if missing:
        raise ModelError(SpeechProblem.WRONG_FOLDER, path=str(path), missing=", ".join(missing))
    return ModelInfo(
        path=path.resolve(),
        name=path.name,
        lookahead=lookahead and not static,
        has_ivector=(path / "ivector" / "final.ie").is_file(),
        size_bytes=_dir_size(path),
        described_chinese=readme_chinese(path),
    )


def _find_model_root(top: Path, depth: int = 3) -> Path | None:
    """The folder holding ``am/final.mdl`` at or below ``top`` (archives usually wrap it)."""
    if (top / "am" / "final.mdl").is_file():
        return top
    if depth == 0:
        return None
    for child in sorted(p for p in top.iterdir() if p.is_dir() and not p.name.startswith("__MACOSX")):
        found = _find_model_root(child, depth - 1)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------


class ModelSource(enum.Enum):
    ARGUMENT = ("命令行指定", "command line")
    SETTINGS = ("设置中指定", "settings")
    ENV = ("环境变量 " + ENV_VAR, "environment variable " + ENV_VAR)
    BUNDLED = ("随软件附带", "bundled with the app")
    DATA_DIR = ("用户数据目录", "user data dir")

    def label(self, lang: str = "zh") -> str:
        return self.value[1] if lang.startswith("en") else self.value[0]


@dataclass(frozen=True)
class ResolvedModel:
    info: ModelInfo
    source: ModelSource

    @property
    def path(self) -> Path:
        return self.info.path


def models_dir(data_dir: Path) -> Path:
    return Path(data_dir) / MODELS_SUBDIR


def installed_models(data_dir: Path) -> list[ModelInfo]:
    """Valid model folders in ``<data>/models``, preferred first."""
    root = models_dir(data_dir)
    if not root.is_dir():
        return []
    found: list[ModelInfo] = []
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            found.append(validate_model_dir(child))
        except ModelError:
            log.warning("ignoring invalid model folder %s", child.name)
    rank = {name: i for i, name in enumerate(_PREFERENCE)}
    found.sort(key=lambda m: (rank.get(m.name, len(rank)), m.name))
    return found


def configured_folder(data_dir: Path | None, settings_path: str | os.PathLike[str]) -> Path:
    """The folder a settings path names: a relative one is inside the data dir (a model the app installed there: the
    data folder copied to a USB stick takes it along)."""
    configured = Path(settings_path)
    if not configured.is_absolute() and data_dir is not None:
        return Path(data_dir) / configured
    if data_dir is not None and not configured.exists():
        # an older setting's absolute path into the data folder it was copied from: the copy's own model of that
        # name (a review: a copied data folder still pointed at the old one)
        copied = Path(data_dir) / MODELS_SUBDIR / configured.name
        if copied.is_dir():
            return copied
    return configured


def _deleted_from_models(folder: Path, data_dir: Path | None) -> bool:
    if data_dir is None or folder.exists() or folder.is_symlink():
        return False
    try:
        return folder.parent.resolve() == models_dir(data_dir).resolve()
    except OSError:
        return False


def resolve_model(
    data_dir: Path | None,
    settings_path: str | os.PathLike[str] | None = None,
    bundled_path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> ResolvedModel:
    """Pick the model to use; an explicitly configured but broken path (:func:`configured_folder`) is an error, not
    skipped."""
    env = os.environ if env is None else env
    if settings_path:
        configured = configured_folder(data_dir, settings_path)
        if not _deleted_from_models(configured, data_dir):
            return ResolvedModel(validate_model_dir(configured), ModelSource.SETTINGS)
        # the model the settings chose was deleted from the data folder (Settings' 删除此模型…, ``model remove`` while
        # the app ran with it chosen, or by hand): the next one found is used, as after the setting is cleared
        log.info("the model the settings name is no longer in the data folder; looking for another")
    from_env = env.get(ENV_VAR)
    if from_env:
        return ResolvedModel(validate_model_dir(Path(from_env)), ModelSource.ENV)
    if bundled_path is not None and Path(bundled_path).is_dir():
        try:
            return ResolvedModel(validate_model_dir(Path(bundled_path)), ModelSource.BUNDLED)
        except ModelError:
            log.warning("bundled model folder is incomplete; falling back to the data dir")
    if data_dir is not None:
        models = installed_models(Path(data_dir))
        if models:
            return ResolvedModel(models[0], ModelSource.DATA_DIR)
    raise ModelError(SpeechProblem.NO_MODEL)


# ---------------------------------------------------------------------------------------------
# Import (zip or folder) with atomic placement
# ---------------------------------------------------------------------------------------------


def _check_space(where: Path, needed: int) -> None:
    where.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(where).free
    if free < needed:
        raise ModelError(
            SpeechProblem.DISK_FULL, path=str(where), needed_mb=needed // 1_000_000 + 1, free_mb=free // 1_000_000
        )


def _disk_full(exc: OSError, where: Path, needed: int) -> ModelError:
    free = shutil.disk_usage(where).free if where.exists() else 0
    return ModelError(
        SpeechProblem.DISK_FULL, path=str(where), needed_mb=needed // 1_000_000 + 1, free_mb=free // 1_000_000
    )


def _place(staged_root: Path, target: Path) -> None:
    """Move a validated model folder into ``target`` atomically, replacing an older copy."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{threading.get_ident()}")
        # cleanup_staging recognises ``.<name>.old-<pid>-<tid>`` by the pid just before the thread id
        os.replace(target, old)
    try:
        os.replace(staged_root, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _safe_extract(zf: zipfile.ZipFile, dest: Path, cancel: threading.Event | None, archive: Path) -> None:
    """Unpack member by member, refusing paths outside ``dest`` and stopping at ``MAX_UNPACK_BYTES`` of output.

    The byte count is of what is really written, not of the sizes the archive claims in its directory.
    """
    root = dest.resolve()
    limit = MAX_UNPACK_BYTES
    written = 0
    for member in zf.infolist():
        target = (dest / member.filename).resolve()
        if not target.is_relative_to(root):
            raise zipfile.BadZipFile(f"unsafe path in archive: {member.filename}")
        if cancel is not None and cancel.is_set():
            raise ModelError(SpeechProblem.DOWNLOAD_CANCELLED)
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(member) as src, open(target, "wb") as out:
            while block := src.read(CHUNK):
                written += len(block)
                if written > limit:
                    raise _too_large(written, limit)
                out.write(block)
                if cancel is not None and cancel.is_set():
                    raise ModelError(SpeechProblem.DOWNLOAD_CANCELLED)


def _too_large(size: int, limit: int) -> ModelError:
    return ModelError(SpeechProblem.MODEL_TOO_LARGE, size_mb=size // 1_000_000 + 1, limit_mb=limit // 1_000_000)


def _safe_folder_name(name: str | None, fallback: str = "imported-model") -> str:
    """A folder name inside ``<data>/models``: never empty, ``.``/``..``, hidden, or with a path separator.

    Archive names such as ``..zip`` or ``...zip`` would otherwise make the model folder the models dir itself
    or the data dir.
    """
    text = (name or "").strip().replace("/", "_").replace("\\", "_").replace("\0", "")
    text = text.lstrip(". ").rstrip(". ")
    return text or fallback


# ---------------------------------------------------------------------------------------------
# Load check in a separate process, and clean-up of what a killed import left
# ---------------------------------------------------------------------------------------------


NOT_CHINESE_EXIT = 3  # the child's exit code for a model that loads and has none of ``CHINESE_PROBE_WORDS``
# A few of the commonest Chinese words: every Mandarin model has some in its vocabulary; a model of another language none.
CHINESE_PROBE_WORDS = ("的", "是", "你好", "我们", "银行")


def _probe_load(path: str) -> None:  # runs in the child process
    try:
        import vosk

        vosk.SetLogLevel(-1)
        model = vosk.Model(path)
        chinese = any(int(model.vosk_model_find_word(w)) >= 0 for w in CHINESE_PROBE_WORDS)
    except Exception:  # the parent reports it; a traceback on stderr would only confuse CLI users
        raise SystemExit(1) from None
    if not chinese:
        raise SystemExit(NOT_CHINESE_EXIT)


def check_loads_in_subprocess(path: Path, cancel: threading.Event | None = None, label: str | None = None) -> bool:
    """Load the model at ``path`` with Vosk in a separate process; ``MODEL_NOT_LOADABLE`` if it cannot. Returns
    whether its vocabulary has common Chinese words (a volunteer imported the Korean model and was told it was ready).

    A separate process, because a damaged model can crash Kaldi's native code or use gigabytes of memory;
    neither may touch the app.  ``spawn`` as the batch scan does (no fork with threads; the frozen app's entry
    point calls ``freeze_support``).
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_probe_load, args=(str(path),), name="callshield-model-check", daemon=True)
    proc.start()
    deadline = LOAD_CHECK_TIMEOUT_S
    try:
        while proc.is_alive() and deadline > 0:
            proc.join(0.2)
            deadline -= 0.2
            if cancel is not None and cancel.is_set():
                raise ModelError(SpeechProblem.DOWNLOAD_CANCELLED)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
    if proc.exitcode == NOT_CHINESE_EXIT:
        return False
    if proc.exitcode != 0:
        log.warning("model check: Vosk could not load %s (exit code %s)", Path(path).name, proc.exitcode)
        raise ModelError(SpeechProblem.MODEL_NOT_LOADABLE, path=label or str(path))
    return True


#: How a new model is checked before it replaces the old one.  Tests of naming and placement logic that use
#: placeholder files swap this for a layout-only check; the real check is covered by tests/hardening.
LOAD_CHECK: Callable[[Path], bool | None] = check_loads_in_subprocess


def _staging_pid(name: str) -> int | None:
    if name.startswith(_STAGING_PREFIXES):
        head = name.split("-", 2)
        return int(head[1]) if len(head) > 2 and head[1].isdigit() else None
    if name.startswith(".") and ".old-" in name:
        tail = name.rsplit(".old-", 1)[1].split("-")
        return int(tail[0]) if tail and tail[0].isdigit() else None
    return None


def cleanup_staging(data_dir: Path) -> list[str]:
    """Remove the temporary folders a killed import or replacement left in ``<data>/models``; return their names.

    Only folders whose owning process is gone are removed, so an import running in another CallShield process
    is never disturbed.  Called once on start.
    """
    root = models_dir(data_dir)
    removed: list[str] = []
    try:
        children = list(root.iterdir())
    except OSError:
        return removed
    for child in children:
        pid = _staging_pid(child.name)
        if pid is None or not child.is_dir() or pid_alive(pid):
            continue
        if purge_folder(child):
            removed.append(child.name)
    if removed:
        log.info("removed %d folder(s) left by an interrupted model import", len(removed))
    return removed


def installed_by_app(path: str | os.PathLike[str], data_dir: Path | None) -> bool:
    """Whether ``path`` is a model folder in ``<data>/models`` (where an import or a download puts it), the only ones
    the app offers to delete: a folder the user keeps elsewhere, a link in ``models`` to one, an installer's bundled
    model or a folder there that is no model is not the app's to remove (``app.audio.model`` also spares the
    ``CALLSHIELD_VOSK_MODEL`` one)."""
    if data_dir is None:
        return False
    folder = Path(path)
    try:
        if (
            folder.is_symlink()
            or folder.name.startswith(".")
            or folder.resolve().parent != models_dir(data_dir).resolve()
        ):
            return False
        validate_model_dir(folder)
    except (OSError, ModelError):
        return False
    return True


def detach_model(path: str | os.PathLike[str], data_dir: Path) -> Path:
    """Take a model the app installed (:func:`installed_by_app`) out of use in one rename, to a hidden
    ``.removing-<pid>-…`` name that no resolver picks (:func:`installed_models` skips hidden names); return that folder
    for :func:`purge_folder`. A removal cut short leaves no half model: a later start's :func:`cleanup_staging`
    finishes it. A folder that cannot be renamed (open in another program on Windows) stays whole."""
    folder = Path(path)  # (not resolved first: a link in models must be refused, not followed to the model it names)
    if not installed_by_app(folder, data_dir):
        raise ModelError(SpeechProblem.MODEL_NOT_REMOVABLE, path=str(folder))
    folder = folder.resolve()
    hidden = folder.with_name(f".removing-{os.getpid()}-{threading.get_ident()}-{folder.name}")
    try:
        os.replace(folder, hidden)
    except OSError as exc:
        raise ModelError(SpeechProblem.MODEL_REMOVE_FAILED, path=str(folder), detail=exc.strerror or str(exc)) from exc
    return hidden


def purge_folder(path: Path) -> bool:
    """Delete a folder the app no longer uses, read-only files too (a model copied from a CD or a protected folder
    keeps Windows' read-only flag, which stops a plain delete); whether it is gone."""

    def writable_then_retry(func: Callable[..., Any], name: str, _exc: Any) -> None:
        try:
            os.chmod(name, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
            func(name)
        except OSError:
            pass  # left for the next start's cleanup

    shutil.rmtree(path, onerror=writable_then_retry)
    if path.exists():
        log.warning("folder %s only partly removed; the next start finishes it", path.name)
        return False
    return True


def remove_model(path: str | os.PathLike[str], data_dir: Path) -> str:
    """Delete a model the app installed (:func:`detach_model`, then :func:`purge_folder`); return its folder name."""
    hidden = detach_model(path, data_dir)
    purge_folder(hidden)
    return Path(path).name


def import_model(
    source: str | os.PathLike[str],
    data_dir: Path,
    name: str | None = None,
    cancel: threading.Event | None = None,
) -> ModelInfo:
    """Copy a model from a zip or a folder into ``<data>/models/<name>``; all or nothing.

    The copy is unpacked beside the target, checked for layout, then *loaded by Vosk in a separate process*;
    only a model that loads replaces the one of the same name.  Archives that would unpack to more than
    ``MAX_UNPACK_BYTES`` are refused.
    """
    source = Path(source).expanduser()
    dest_root = models_dir(data_dir)
    dest_root.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        root = _find_model_root(source)
        if root is None:
            validate_model_dir(source)  # raises WRONG_FOLDER naming what is missing
            root = source
        info = validate_model_dir(root)
        if info.size_bytes > MAX_UNPACK_BYTES:
            raise _too_large(info.size_bytes, MAX_UNPACK_BYTES)
        _check_space(dest_root, info.size_bytes + 10_000_000)
        staging = Path(tempfile.mkdtemp(prefix=f".import-{os.getpid()}-", dir=dest_root))
        try:
            staged = staging / "model"
            try:
                shutil.copytree(root, staged)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise _disk_full(exc, dest_root, info.size_bytes) from exc
                raise
            validate_model_dir(staged)
            chinese = _check_load(staged, cancel, str(source))
            target = dest_root / _safe_folder_name(name or root.name)
            _place(staged, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return dataclasses.replace(validate_model_dir(target), chinese=chinese)
    if not source.is_file():
        raise ModelError(SpeechProblem.WRONG_FOLDER, path=str(source), missing="the file itself / 文件本身")
    return _import_zip(source, dest_root, name, cancel)


def _check_load(staged: Path, cancel: threading.Event | None, label: str) -> bool | None:
    """Whether the staged model loads (raises if not) and is a Chinese one (None: the check does not tell)."""
    check = LOAD_CHECK
    if check is check_loads_in_subprocess:
        return check_loads_in_subprocess(staged, cancel, label)
    return check(staged)


def _import_zip(
    archive: Path, dest_root: Path, name: str | None, cancel: threading.Event | None, check_load: bool = True
) -> ModelInfo:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(SpeechProblem.CORRUPT_ZIP, path=str(archive), detail=str(exc)) from exc
    with zf:
        unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > MAX_UNPACK_BYTES:
            raise _too_large(unpacked, MAX_UNPACK_BYTES)
        _check_space(dest_root, unpacked + 10_000_000)
        staging = Path(tempfile.mkdtemp(prefix=f".unpack-{os.getpid()}-", dir=dest_root))
        try:
            try:
                _safe_extract(zf, staging, cancel, archive)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:  # CRC errors, cut-off members
                raise ModelError(SpeechProblem.CORRUPT_ZIP, path=str(archive), detail=str(exc)) from exc
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise _disk_full(exc, dest_root, unpacked) from exc
                raise
            root = _find_model_root(staging)
            if root is None:
                raise ModelError(SpeechProblem.ZIP_NO_MODEL, path=str(archive))
            validate_model_dir(root)
            chinese = _check_load(root, cancel, str(archive)) if check_load else None
            folder = _safe_folder_name(name or (root.name if root != staging else archive.stem))
            target = dest_root / folder
            _place(root, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return dataclasses.replace(validate_model_dir(target), chinese=chinese)


# ---------------------------------------------------------------------------------------------
# Download
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadResult:
    info: ModelInfo
    sha256: str
    verified: bool  # False only when no checksum was pinned or given (large model)
    resumed_from: int


def sha256_file(path: Path, cancel: threading.Event | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            if cancel is not None and cancel.is_set():
                raise ModelError(SpeechProblem.DOWNLOAD_CANCELLED)
            digest.update(block)
    return digest.hexdigest()


def check_mirror_url(url: str) -> str:
    """A user-given download address (a mirror of the official file): trimmed, http(s) with a host, or ModelError.

    A mirror only changes where the bytes come from; the pinned size and SHA-256 of the official archive are
    still checked, so a wrong or tampered file is refused all the same.
    """
    from urllib.parse import urlsplit

    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise ModelError(SpeechProblem.BAD_MIRROR_URL, url=text)
    return text


def download_model(
    spec: ModelSpec,
    data_dir: Path,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    url: str | None = None,
    sha256: str | None = None,
    timeout: float = 30.0,
) -> DownloadResult:
    """Fetch, verify and install ``spec`` into ``<data>/models/<spec.name>``.

    Resumes a previous partial download with an HTTP Range request (starting over if the server
    ignores it). ``progress(done_bytes, total_bytes_or_None)`` is called from the calling thread;
    setting ``cancel`` stops at the next block and keeps the partial file. Nothing is touched in
    the models folder until the archive has passed verification and unpacked cleanly.
    """
    expected_sha = (sha256 or spec.sha256 or "").lower() or None
    if sha256:  # an explicit checksum (mirror, newer build) replaces the pinned size along with the pinned hash
        spec = dataclasses.replace(spec, size=None)
    dest_root = models_dir(data_dir)
    downloads = dest_root / DOWNLOADS_SUBDIR
    downloads.mkdir(parents=True, exist_ok=True)
    part = downloads / f"{spec.name}.zip.part"
    needed = (spec.size or 0) + spec.unpacked_mb * 1_000_000
    have = part.stat().st_size if part.exists() else 0
    _check_space(dest_root, max(0, needed - have))

    request = urllib.request.Request(url or spec.url, headers={"User-Agent": "CallShield model download"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    resumed_from = 0
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and have:  # we already have everything; fall through to verification
            response = None
        else:
            raise ModelError(SpeechProblem.DOWNLOAD_HTTP_ERROR, status=f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ModelError(SpeechProblem.DOWNLOAD_FAILED, detail=str(getattr(exc, "reason", exc))) from exc

    total = spec.size
    if response is not None:
        with response:
            status = response.status
            length = response.headers.get("Content-Length")
            if status == 206 and have:
                resumed_from = have
                mode = "ab"
            else:
                have = 0
                mode = "wb"
            body_len = int(length) if length is not None else None
            if body_len is not None:
                total = have + body_len
            if spec.size is not None and total is not None and total != spec.size:
                log.warning("server reports %s bytes, catalogue says %s", total, spec.size)
            received = have
            try:
                with open(part, mode) as out:
                    if progress is not None:
                        progress(received, total)
                    while True:
                        if cancel is not None and cancel.is_set():
                            raise ModelError(SpeechProblem.DOWNLOAD_CANCELLED)
                        try:
                            block = response.read(CHUNK)
                        except (http.client.IncompleteRead, OSError) as exc:
                            log.info("transfer broke off after %d bytes: %s", received, exc)
                            break
                        if not block:
                            break
                        out.write(block)
                        received += len(block)
                        if progress is not None:
                            progress(received, total)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise _disk_full(exc, dest_root, needed) from exc
                raise
            if total is not None and received < total:
                raise ModelError(SpeechProblem.DOWNLOAD_TRUNCATED, received=received, expected=total)

    actual_size = part.stat().st_size
    if spec.size is not None and actual_size != spec.size:
        if actual_size < spec.size:
            raise ModelError(SpeechProblem.DOWNLOAD_TRUNCATED, received=actual_size, expected=spec.size)
        part.unlink(missing_ok=True)
        raise ModelError(SpeechProblem.SIZE_MISMATCH, expected=spec.size, actual=actual_size)
    actual_sha = sha256_file(part, cancel)
    if expected_sha is not None and actual_sha != expected_sha:
        part.unlink(missing_ok=True)
        raise ModelError(SpeechProblem.CHECKSUM_MISMATCH, expected=expected_sha, actual=actual_sha)
    try:
        # An archive that matched a pinned or given SHA-256 is byte for byte the one its publisher made; any
        # other is loaded in a separate process before it may replace a working model.
        info = _import_zip(part, dest_root, spec.name, cancel, check_load=expected_sha is None)
    except ModelError as exc:
        if exc.code in (SpeechProblem.CORRUPT_ZIP, SpeechProblem.ZIP_NO_MODEL, SpeechProblem.WRONG_FOLDER):
            part.unlink(missing_ok=True)  # a verified-but-useless archive would only fail again
        raise
    part.unlink(missing_ok=True)
    return DownloadResult(info=info, sha256=actual_sha, verified=expected_sha is not None, resumed_from=resumed_from)
