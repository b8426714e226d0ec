"""Packaging pieces that can be checked without a full build: spec helpers, the vosk hook, the NSIS script,
the macOS scripts and plists, and the committed icons.  The frozen build itself is in test_packaging_frozen.py."""

from __future__ import annotations

import ast
import importlib.util
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from app import __version__

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
ICONS = PACKAGING / "icons"

sys.path.insert(0, str(PACKAGING))
from pyinstaller_support import fill_version_info, version_tuple  # noqa: E402


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.3.4rc1", (2, 3, 4, 1)), ("1.0.0+local.7", (1, 0, 0, 0))],
)
def test_version_tuple(version: str, expected: tuple[int, int, int, int]) -> None:
    assert version_tuple(version) == expected


def test_version_tuple_rejects_text_without_numbers() -> None:
    with pytest.raises(ValueError):
        version_tuple("dev")


def test_windows_version_resource_is_filled_from_app_version(tmp_path: Path) -> None:
    out = fill_version_info(PACKAGING / "windows" / "version_info.txt", tmp_path / "vi.txt", __version__)
    text = Path(out).read_text(encoding="utf-8")
    assert "@VERSION" not in text
    # PyInstaller eval()s this file on Windows; it must be one Python expression: VSVersionInfo(...)
    tree = ast.parse(text, mode="eval")
    call = tree.body
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    assert call.func.id == "VSVersionInfo"
    ffi = next(kw.value for kw in call.keywords if kw.arg == "ffi")
    assert isinstance(ffi, ast.Call)
    filevers = next(kw.value for kw in ffi.keywords if kw.arg == "filevers")
    assert ast.literal_eval(filevers) == version_tuple(__version__)
    assert f"StringStruct('ProductVersion', '{__version__}')" in text


def test_vosk_hook_collects_the_real_native_library_into_vosk_folder() -> None:
    hook = _load(PACKAGING / "hooks" / "hook-vosk.py", "hook_vosk_under_test")
    names = {Path(src).name: dest for src, dest in hook.binaries}
    expected = {"win32": "libvosk.dll", "darwin": "libvosk.dyld"}.get(sys.platform, "libvosk.so")
    assert names.get(expected) == "vosk", names
    assert "_cffi_backend" in hook.hiddenimports


def test_vosk_hook_matches_every_platforms_library_names(tmp_path: Path) -> None:
    hook = _load(PACKAGING / "hooks" / "hook-vosk.py", "hook_vosk_names")
    wheel_files = {
        # macOS wheel: the odd .dyld suffix PyInstaller's default patterns miss
        "mac": ["libvosk.dyld", "__init__.py", "vosk_cffi.py"],
        # Windows wheel: libvosk.dll plus the MinGW runtime it links against
        "win": ["libvosk.dll", "libgcc_s_seh-1.dll", "libstdc++-6.dll", "libwinpthread-1.dll", "__init__.py"],
        "linux": ["libvosk.so", "__init__.py", "vosk_cffi.py"],
    }
    for platform_name, files in wheel_files.items():
        folder = tmp_path / platform_name
        folder.mkdir()
        for name in files:
            (folder / name).write_bytes(b"\x7fELF" if not name.endswith(".py") else b"")
        (folder / "transcriber").mkdir()
        got = hook.find_vosk_binaries(folder)
        assert all(dest == "vosk" for _, dest in got)
        assert sorted(Path(src).name for src, _ in got) == sorted(n for n in files if not n.endswith(".py"))


def test_build_spec_is_valid_python_with_bundle_settings() -> None:
    source = (REPO / "build.spec").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= calls
    bundle = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "BUNDLE")
    keywords = {kw.arg for kw in bundle.keywords}
    assert {"bundle_identifier", "version", "icon", "info_plist"} <= keywords
    info = next(kw.value for kw in bundle.keywords if kw.arg == "info_plist")
    assert isinstance(info, ast.Dict)
    keys = {k.value for k in info.keys if isinstance(k, ast.Constant)}
    assert {"NSMicrophoneUsageDescription", "CFBundleShortVersionString", "CFBundleDisplayName"} <= keys


def test_macos_entitlements_allow_microphone_under_hardened_runtime() -> None:
    with (PACKAGING / "macos" / "entitlements.plist").open("rb") as fh:
        entitlements = plistlib.load(fh)
    assert entitlements["com.apple.security.device.audio-input"] is True
    # Offline app: no network client/server entitlement.
    assert not any("network" in key for key in entitlements)


def test_build_dmg_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck not installed (Debian package shellcheck, installed by .ci/run)")
    script = PACKAGING / "macos" / "build-dmg.sh"
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = script.read_text(encoding="utf-8")
    for step in ("codesign", "--options runtime", "notarytool submit", "stapler staple", "hdiutil create"):
        assert step in text


def test_nsis_installer_script_compiles_for_a_per_user_install(tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip("makensis not installed (Debian package nsis, installed by .ci/run)")
    dist = tmp_path / "CallShield"
    (dist / "_internal").mkdir(parents=True)
    # A stand-in payload: this test compiles the installer script; the real payload is built on Windows CI.
    (dist / "CallShield.exe").write_bytes(b"MZ placeholder")
    (dist / "callshield-cli.exe").write_bytes(b"MZ placeholder")
    (dist / "_internal" / "base_library.zip").write_bytes(b"PK")
    out = tmp_path / "setup.exe"
    result = subprocess.run(
        [makensis, "-V2", f"-DVERSION={__version__}", f"-DDIST_DIR={dist}", f"-DOUTFILE={out}", "callshield.nsi"],
        cwd=PACKAGING / "windows",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"  # a Windows executable
    script = (PACKAGING / "windows" / "callshield.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert "$LOCALAPPDATA\\Programs" in script and "HKCU" in script and "HKLM" not in script
    assert "WriteUninstaller" in script and "$SMPROGRAMS" in script


def test_nsis_script_refuses_to_build_without_a_payload(tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip("makensis not installed (Debian package nsis, installed by .ci/run)")
    result = subprocess.run(
        [makensis, "-V1", f"-DVERSION={__version__}", f"-DOUTFILE={tmp_path / 's.exe'}", "callshield.nsi"],
        cwd=PACKAGING / "windows",
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DIST_DIR" in result.stdout + result.stderr


def test_committed_icons_have_every_size_the_platforms_ask_for() -> None:
    from PIL import Image

    with Image.open(ICONS / "callshield.png") as png:
        assert png.size == (1024, 1024) and png.mode == "RGBA"
    with Image.open(ICONS / "callshield.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "callshield.icns") as icns:
        assert {(16, 16, 2), (128, 128, 1), (512, 512, 2)} <= set(icns.info["sizes"])


def test_committed_png_icon_matches_the_svg_source(tmp_path: Path) -> None:
    """Regenerating from the app's own app.svg gives the committed PNG (so nobody edits one and forgets the other)."""
    from PIL import Image, ImageChops

    fresh_png = tmp_path / "fresh.png"
    # In a subprocess: rendering needs a QGuiApplication, which must not leak into this test session.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from make_icons import render_png, SVG; "
        "from pathlib import Path; Path(sys.argv[2]).write_bytes(render_png(SVG, 1024))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ICONS), str(fresh_png)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    with Image.open(fresh_png) as rendered, Image.open(ICONS / "callshield.png") as committed:
        diff = ImageChops.difference(rendered.convert("RGBA"), committed.convert("RGBA")).convert("L")
    mean = sum(i * n for i, n in enumerate(diff.histogram())) / (1024 * 1024)
    assert mean < 1.0, f"mean pixel difference {mean:.1f}: run python packaging/icons/make_icons.py"


def test_strip_debug_info_shrinks_a_module_that_still_imports(tmp_path: Path) -> None:
    import _decimal

    from pyinstaller_support import strip_debug_info

    if shutil.which("strip") is None:
        pytest.skip("strip not installed (Debian package binutils, installed by .ci/run)")
    if not sys.platform.startswith("linux"):
        pytest.skip("build.spec strips debug info on Linux only")
    folder = tmp_path / "python3.11" / "lib-dynload"
    folder.mkdir(parents=True)
    module = folder / Path(_decimal.__file__).name
    shutil.copy2(_decimal.__file__, module)
    had_debug_info = b".debug_info" in module.read_bytes()
    before = module.stat().st_size
    saved = strip_debug_info(tmp_path)
    assert saved == before - module.stat().st_size
    assert b".debug_info" not in module.read_bytes()
    if had_debug_info:
        assert saved > 0
    # The stripped extension still loads (from the copy) and works.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import _decimal; "
        "print(_decimal.__file__); print(_decimal.Decimal('1.10') + 2)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(module), "3.10"]


def test_bundled_files_are_found_through_paths_resource_not_meipass() -> None:
    """STYLE §6: one module resolves bundled files (importlib.resources); no scattered ``sys._MEIPASS`` checks."""
    offenders = [
        str(path.relative_to(REPO))
        for package in ("app", "screening", "blocklists", "speech")
        for path in (REPO / package).rglob("*.py")
        if "_MEIPASS" in path.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders


@pytest.mark.parametrize(
    ("dest", "unused"),
    [
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),  # the self-test and CI run offscreen
        ("PySide6/Qt/plugins/platforms/libqminimalegl.so", True),
        ("PySide6\\plugins\\platforms\\qwindows.dll", False),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),  # our icons are SVG
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),  # Chinese input
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),  # a library, not a plugin: pruned only if orphaned
        ("libqwayland.so", False),
    ],
)
def test_unused_qt_plugins_are_named_by_folder_and_stem(dest: str, unused: bool) -> None:
    from pyinstaller_support import is_unused_qt_plugin

    assert is_unused_qt_plugin(dest) is unused


def test_prune_binaries_drops_only_what_the_dropped_plugins_alone_needed() -> None:
    from pyinstaller_support import prune_binaries

    links = {
        "src/libqgtk3.so": {"libgtk-3.so.0", "libcairo.so.2", "libQt6Gui.so.6", "libpango.so.0"},
        "src/libqxcb.so": {"libQt6XcbQpa.so.6", "libQt6Gui.so.6"},
        "src/libQt6XcbQpa.so.6": {"libQt6Gui.so.6", "libxkbcommon.so.0"},
        "src/libQt6Gui.so.6": {"libfreetype.so.6"},
        "src/libpango.so.0": {"libfreetype.so.6", "libfribidi.so.0"},
        "src/libcairo.so.2": {"libpixman.so.0"},
        "src/portaudio.so": set(),  # dlopen()ed by sounddevice: a root of its own, so it stays
    }
    binaries = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "src/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "src/libQt6XcbQpa.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "src/libQt6Gui.so.6", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),  # target never collected
        ("libpango.so.0", "src/libpango.so.0", "BINARY"),
        ("libcairo.so.2", "src/libcairo.so.2", "BINARY"),
        ("libpixman.so.0", "src/libpixman.so.0", "BINARY"),
        ("libfreetype.so.6", "src/libfreetype.so.6", "BINARY"),
        ("libfribidi.so.0", "src/libfribidi.so.0", "BINARY"),
        ("libxkbcommon.so.0", "src/libxkbcommon.so.0", "BINARY"),
        ("libportaudio.so.2", "src/portaudio.so", "BINARY"),
    ]
    kept, dropped = prune_binaries(
        binaries, lambda dest: dest.endswith("libqgtk3.so"), needed_of=lambda src: links.get(src, set())
    )
    assert sorted(e[0] for e in dropped) == [
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "libQt6Network.so.6",
        "libcairo.so.2",
        "libfribidi.so.0",
        "libpango.so.0",
        "libpixman.so.0",
    ]
    # Shared with kept binaries (freetype via QtGui), the link to a kept library, and dlopen()ed libraries stay.
    assert {e[0] for e in kept} >= {"libfreetype.so.6", "libQt6Gui.so.6", "libportaudio.so.2", "libxkbcommon.so.0"}
    assert len(kept) + len(dropped) == len(binaries)


def test_links_to_libraries_left_out_are_dropped_from_the_datas() -> None:
    from pyinstaller_support import dangling_links

    datas = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6WaylandClient.so.6", "PySide6/Qt/lib/libQt6WaylandClient.so.6", "SYMLINK"),
        ("sub/liblink.so", "../PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),  # relative to the link's own folder
        ("app/phrases.json", "/src/app/phrases.json", "DATA"),
    ]
    present = {"PySide6/Qt/lib/libQt6Gui.so.6", "app/phrases.json"}
    assert dangling_links(datas, present) == [datas[1]]


WORKFLOW = REPO / ".github" / "workflows" / "package.yml"


def test_package_workflow_matches_the_github_actions_schema() -> None:
    """The Windows/macOS workflow cannot run here; at least it must be a valid workflow (check-jsonschema ships
    SchemaStore's GitHub Actions schema, so this works offline)."""
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_workflow_shell_steps_pass_shellcheck() -> None:
    """Every bash ``run:`` step of the workflow, with ``${{ … }}`` expressions stood in for, passes shellcheck."""
    import re

    from ruamel.yaml import YAML  # comes with check-jsonschema (test extra)

    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck not installed (Debian package shellcheck, installed by .ci/run)")
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    checked = 0
    for job_name, job in workflow["jobs"].items():
        default_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", "bash")
        for step in job["steps"]:
            if "run" not in step or step.get("shell", default_shell) != "bash":
                continue
            script = re.sub(r"\$\{\{.*?\}\}", "GHA_EXPRESSION", step["run"])
            result = subprocess.run(
                ["shellcheck", "--shell=bash", "--severity=warning", "-"], input=script, capture_output=True, text=True
            )
            assert result.returncode == 0, f"{job_name} / {step.get('name')}:\n{result.stdout}"
            checked += 1
    assert checked >= 15  # both jobs' build, smoke-test, sign and installer steps
