"""app/phone and its operations are Qt-free (STYLE.md §8: enforce the layering, don't just describe it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_phone_flow_imports_no_qt() -> None:
    code = (
        "import sys\n"
        "import app.phone.backup_xml, app.phone.recordings, app.phone.importer, app.phone.watch, app.reports.family\n"
        "import app.operations.phone, app.cli.phone\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6') or m.startswith('app.ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt pulled in by the phone flow: {out.stdout}"
