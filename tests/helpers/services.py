"""Services for building one page: real settings and SQLite file, synchronous jobs, no live services."""

from __future__ import annotations

from pathlib import Path

from app.services import AppServices
from app.settings import Settings
from tests.helpers.jobs import SyncJobRunner


def page_services(data_dir: Path, settings: Settings) -> AppServices:
    """``AppServices`` whose jobs run at once (``SyncJobRunner``) and which starts no call sources, recogniser,
    tray or sound: enough for the Check, Lists, History and Recordings pages. Close it with ``close()``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    services = AppServices(data_dir, settings)
    services.jobs.deleteLater()
    services.jobs = SyncJobRunner()
    return services
