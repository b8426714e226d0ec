"""Synthetic list files for the hardening tests (seeded, so every run writes the same bytes)."""

from __future__ import annotations

import random
from pathlib import Path

HEADS = ("130", "133", "135", "138", "139", "150", "158", "166", "177", "186", "189", "199")


def write_list_csv(path: Path, n: int, seed: int = 13, category: str = "诈骗") -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("号码,分类,备注\n")
        for i in range(n):
            fh.write(f"{rng.choice(HEADS)}{rng.randrange(10**8):08d},{category},第{i}条\n")
    return path
