"""PyInstaller entry script for the frozen ``callshield`` executable (see build.spec)."""

from __future__ import annotations

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen app that ever spawns a process must call this first (no-op when not frozen).
    multiprocessing.freeze_support()
    from app.cli import main

    sys.exit(main())
