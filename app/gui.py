"""Start the desktop app. Placeholder until the desktop-app issue lands."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli import CliContext


def run_gui(args: argparse.Namespace, ctx: CliContext) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel(ctx.t("来电护盾 CallShield — 桌面界面开发中", "CallShield — desktop UI coming soon"))
    label.setWindowTitle("CallShield 来电护盾")
    label.resize(480, 200)
    label.show()
    return int(app.exec())
