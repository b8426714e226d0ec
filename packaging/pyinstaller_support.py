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
