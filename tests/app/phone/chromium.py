"""Open an HTML file we produced in Debian's headless chromium and screenshot it (skips, saying why, without it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _chromium() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):  # CI installs it (.ci/run): never let the report check pass as a skip there
            pytest.fail("chromium is missing on CI: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium, listed in .ci/run)")
    return chromium


def dump_dom(html: Path, width: int = 800, height: int = 1200) -> str:
    """The page's DOM after its scripts ran (a test page may measure the layout and write it into the DOM)."""
    done = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--window-size={width},{height}", "--dump-dom",
         html.as_uri()],
        check=True, capture_output=True, timeout=120, text=True,
    )  # fmt: skip
    return done.stdout


def screenshot(html: Path, png: Path, width: int = 412, height: int = 2400) -> Path:
    chromium = _chromium()
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},{height}",
         f"--screenshot={png}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return png


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print the page as chromium's 打印 → 另存为 PDF does (no header or footer), at the page size its CSS asks."""
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return pdf


def dark_and_red_pixels(png: Path) -> tuple[int, int]:
    """How many dark (text) pixels and how many strong-red (alert border/badge) pixels the screenshot has."""
    from PIL import Image

    with Image.open(png) as im:
        data = im.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    dark = sum(1 for p in pixels if sum(p) < 200)
    red = sum(1 for r, g, b in pixels if r > 150 and g < 60 and b < 60)
    return dark, red


def keep(png: Path) -> None:
    """Copy the PNG to ``$CALLSHIELD_KEEP_SCREENSHOTS`` (a folder), for a person to look at."""
    folder = os.environ.get("CALLSHIELD_KEEP_SCREENSHOTS")
    if folder:
        shutil.copy(png, Path(folder) / png.name)
