"""Small helpers used by build.spec (kept here so tests can exercise them without a build)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path, PurePath


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"1.2.3"`` / ``"1.2.3rc1"`` -> ``(1, 2, 3, 0)``: the four numbers a Windows version resource needs."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    if not numbers:
        raise ValueError(f"version {version!r} has no numbers")
    while len(numbers) < 4:
        numbers.append(0)
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def fill_version_info(template: Path, out: Path, version: str) -> str:
    """Write the Windows version resource for ``version`` from ``template``; return the path written."""
    text = template.read_text(encoding="utf-8")
    text = text.replace("@VERSION_TUPLE@", repr(version_tuple(version))).replace("@VERSION@", version)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return str(out)


# Files that ship with DWARF debug info on Linux and are safe to strip: the interpreter (built locally, e.g. by
# pyenv), PyAV's Cython modules and PyNaCl's libsodium extension (3.7 MB → 0.7 MB; it links no vendored library).
# Never strip whole folders: stripping auditwheel/patchelf-repaired libraries (numpy.libs' OpenBLAS) corrupts them
# ("ELF load command address/offset not page-aligned").
STRIP_DEBUG_PATTERNS = ("libpython3*.so*", "python3*/lib-dynload/*.so", "av/**/*.so", "nacl/_sodium*.so")


def strip_debug_info(internal: Path, patterns: tuple[str, ...] = STRIP_DEBUG_PATTERNS) -> int:
    """Run ``strip --strip-debug`` on the matching files under ``internal``; return the bytes saved (0 if no strip)."""
    import shutil
    import subprocess

    strip = shutil.which("strip")
    if strip is None:
        print("strip_debug_info: no 'strip' (binutils) on PATH; the app keeps its debug info", flush=True)
        return 0
    files = sorted({p for pattern in patterns for p in internal.glob(pattern) if p.is_file() and not p.is_symlink()})
    before = sum(p.stat().st_size for p in files)
    for path in files:
        subprocess.run([strip, "--strip-debug", str(path)], check=True)
    return before - sum(p.stat().st_size for p in files)


# Qt plugins a widgets-only, offline desktop app never loads, as (plugin folder, plugin name without the
# platform's "lib" prefix and file extension); an empty name drops the whole folder.  Kept: the xcb, offscreen
# (self-test, CI), windows and cocoa platforms; the svg/ico/gif image formats and the svg icon engine (our icons);
# xcb's GL integrations; both input-context plugins (ibus and compose: Chinese input methods on Linux).
# fmt: off
UNUSED_QT_PLUGINS: tuple[tuple[str, str], ...] = (
    # other display back-ends: embedded framebuffers, VNC, Vulkan displays, minimal; Wayland runs us via XWayland
    ("platforms", "qeglfs"), ("platforms", "qlinuxfb"), ("platforms", "qminimal"), ("platforms", "qminimalegl"),
    ("platforms", "qvkkhrdisplay"), ("platforms", "qvnc"), ("platforms", "qwayland"), ("platforms", "qdirect2d"),
    ("egldeviceintegrations", ""), ("wayland-decoration-client", ""), ("wayland-graphics-integration-client", ""),
    ("wayland-shell-integration", ""), ("generic", ""),
    # GTK and portal themes drag in a second toolkit's libraries (cairo, pango, gdk-pixbuf, atk: ~6 MB);
    # the app draws its own Fusion-based style everywhere
    ("platformthemes", "qgtk3"), ("platformthemes", "qxdgdesktopportal"),
    # the app never uses QtNetwork (downloads and e-mail go through Python's urllib/smtplib)
    ("tls", ""), ("networkinformation", ""),
    # photo formats: the UI shows only its own SVG/PNG/ICO icons
    ("imageformats", "qjpeg"), ("imageformats", "qtiff"), ("imageformats", "qwebp"), ("imageformats", "qtga"),
    ("imageformats", "qwbmp"), ("imageformats", "qicns"), ("imageformats", "qpdf"),
)
# fmt: on


def is_unused_qt_plugin(dest: str, unused: tuple[tuple[str, str], ...] = UNUSED_QT_PLUGINS) -> bool:
    """True for a bundled file under ``…/plugins/<folder>/`` that ``unused`` names (see UNUSED_QT_PLUGINS)."""
    parts = dest.replace("\\", "/").split("/")
    if len(parts) < 3 or parts[-3] != "plugins":
        return False
    folder, filename = parts[-2], parts[-1]
    stem = filename.split(".")[0]
    stem = stem[3:] if stem.startswith("lib") else stem
    return any(folder == f and (not name or stem == name) for f, name in unused)


Entry = tuple[str, str, str]  # PyInstaller TOC entry: (name in the bundle, source path, type code)


def prune_binaries(
    binaries: list[Entry],
    unwanted: Callable[[str], bool],
    needed_of: Callable[[str], set[str]] | None = None,
) -> tuple[list[Entry], list[Entry]]:
    """Drop the binaries ``unwanted`` names, then every bundled library that only they needed.

    A library stays if anything kept still links to it (DT_NEEDED / import table, followed through the whole
    bundle), so pruning can only remove what the dropped plugins pulled in.  Returns ``(kept, dropped)``.
    ``needed_of(source_path)`` gives the library names a binary links to (PyInstaller's own reader by default).
    """
    if needed_of is None:
        from PyInstaller.depend.bindepend import get_imports

        def needed_of(path: str) -> set[str]:
            # PyInstaller 6 gives (name, resolved path) pairs; older releases gave bare names
            return {PurePath(item[0] if isinstance(item, tuple) else item).name for item in get_imports(path)}

    def name(entry: Entry) -> str:
        return PurePath(entry[0]).name

    # Graph nodes are real files; a SYMLINK entry (PyInstaller 6 links e.g. libQt6Core.so.6 in the top folder to
    # PySide6/Qt/lib/) stays while its target does, and goes with it (dangling_links).
    files = [e for e in binaries if e[2] != "SYMLINK"]
    by_name: dict[str, Entry] = {name(e): e for e in files}
    cache: dict[str, set[str]] = {}

    def closure(roots: list[Entry]) -> set[str]:
        seen: set[str] = set()
        stack = [name(e) for e in roots]
        while stack:
            lib = stack.pop()
            if lib in seen or lib not in by_name:
                continue
            seen.add(lib)
            src = by_name[lib][1]
            if src not in cache:
                cache[src] = needed_of(src)
            stack.extend(cache[src])
        return seen

    removed = {name(e) for e in files if unwanted(e[0])}
    candidates = closure([e for e in files if unwanted(e[0])]) - removed
    orphans = candidates - closure([e for e in files if name(e) not in removed | candidates])
    dropped = [e for e in files if unwanted(e[0]) or name(e) in orphans]
    gone = set(dropped)
    kept = [e for e in binaries if e not in gone]
    links = dangling_links(kept, {e[0] for e in kept if e[2] != "SYMLINK"})
    gone.update(links)
    return [e for e in kept if e not in gone], dropped + links


def dangling_links(toc: list[Entry], present: set[str]) -> list[Entry]:
    """SYMLINK entries whose target is not among ``present`` (bundle paths of the files being collected).

    PyInstaller 6 links libraries it collects below the top folder (``PySide6/Qt/lib/libQt6Gui.so.6``) from the
    top folder, and keeps those links in ``a.datas``; once a library is left out its link would dangle.
    """
    files = {posixpath.normpath(p.replace("\\", "/")) for p in present}

    def target(entry: Entry) -> str:
        link = entry[0].replace("\\", "/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(link), entry[1].replace("\\", "/")))

    return [e for e in toc if e[2] == "SYMLINK" and target(e) not in files]
