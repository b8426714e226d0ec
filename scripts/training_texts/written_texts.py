"""The texts separate writers wrote for this project (``written/*.jsonl``, see README.md): one loader for the trainer
(``scripts/train_detector.py``) and the evaluation (``python -m screening.evaluate --generated``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screening.evaluate import split_of  # the one stable 70/10/20 split by id

WRITTEN = Path(__file__).resolve().parent / "written"

# The writers' scheme keys → detector categories (the generated grammar's ``expect`` for the same scheme); keys not
# listed are categories already; "other" (a trick no pack is named for) has none.
WRITTEN_SCHEME: dict[str, str | None] = {
    "ecommerce_service": "ecommerce_courier",
    "lost_parcel": "ecommerce_courier",
    "points": "telecom_points",
    "screen_share": "remote_control",
    "ai_voice": "family_emergency",
    "romance": "romance_investment",
    "acquaintance": "acquaintance_impersonation",
    "fake_credit": "fake_loan",
    "other": None,
}


def written_rows() -> list[dict[str, Any]]:
    """Every written text as written: id, text, label, scheme, expect, style, writer, split."""
    rows = []
    for path in sorted(WRITTEN.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                label = int(r["label"])
                scheme = str(r.get("scheme", ""))
                rows.append(
                    {
                        "id": str(r["id"]),
                        "text": str(r["text"]),
                        "label": label,
                        "scheme": scheme,
                        "expect": WRITTEN_SCHEME.get(scheme, scheme) if label else None,
                        "style": str(r.get("style", "call")),
                        "writer": str(r.get("writer", path.stem)),
                        "split": split_of(str(r["id"])),
                    }
                )
    return rows
