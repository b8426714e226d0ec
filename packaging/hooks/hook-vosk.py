"""PyInstaller hook for vosk: collect its native library into a ``vosk/`` folder on every platform.

vosk/__init__.py loads ``os.path.dirname(__file__)/libvosk.{so,dll,dyld}``, so the library must sit in
``vosk/`` beside the package in the bundle.  PyInstaller's default binary patterns (``*.dll``,
``*.dylib``, ``lib*.so``) miss macOS's ``libvosk.dyld``; on Windows vosk also needs the MinGW runtime
DLLs it ships next to ``libvosk.dll``.  We collect every shared library in the package folder by name.
"""

from __future__ import annotations

from pathlib import Path

from PyInstaller.utils.hooks import get_module_file_attribute, logger

# Known names: libvosk.so (Linux), libvosk.dyld (macOS), libvosk.dll + libgcc_s_seh-1.dll,
# libstdc++-6.dll, libwinpthread-1.dll (Windows).
LIBRARY_PATTERNS = ("libvosk.*", "*.dll", "*.dylib", "*.dyld", "*.so", "*.so.*")
NOT_LIBRARIES = (".py", ".pyc", ".pyi", ".txt", ".md")


def find_vosk_binaries(package_dir: Path) -> list[tuple[str, str]]:
    """(source, "vosk") for every native library in vosk's package folder, each once, in a stable order."""
    found: dict[Path, None] = {}
    for pattern in LIBRARY_PATTERNS:
        for lib in sorted(package_dir.glob(pattern)):
            if lib.is_file() and lib.suffix not in NOT_LIBRARIES:
                found.setdefault(lib, None)
    return [(str(lib), "vosk") for lib in found]


package_dir = Path(get_module_file_attribute("vosk")).parent
binaries = find_vosk_binaries(package_dir)
if not any(Path(src).name.startswith("libvosk.") for src, _ in binaries):
    logger.warning("vosk: native library libvosk.* not found in %s - speech recognition will fail", package_dir)

# vosk loads its library through cffi in ABI mode; the backend is a compiled module.
hiddenimports = ["_cffi_backend", "vosk.vosk_cffi"]
