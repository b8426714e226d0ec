"""Small helpers used by build.spec (kept here so tests can exercise them without a build)."""

from __future__ import annotations

import re
from pathlib import Path


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
# pyenv) and PyAV's Cython modules.  Never strip whole folders: stripping auditwheel/patchelf-repaired libraries
# (numpy.libs' OpenBLAS) corrupts them ("ELF load command address/offset not page-aligned").
STRIP_DEBUG_PATTERNS = ("libpython3*.so*", "python3*/lib-dynload/*.so", "av/**/*.so")


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
