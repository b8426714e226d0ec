"""Fixtures for the desktop-app tests: real AppServices on a temporary data dir (real SQLite file)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.settings import Settings


@pytest.fixture
def ui_lang(qapp) -> Iterator[str]:
    """Chinese UI (the default), restored afterwards."""
    from app.i18n import install_language

    install_language(qapp, "zh")
    yield "zh"
    install_language(qapp, "zh")


@pytest.fixture
def test_settings() -> Settings:
    """Settings for tests: Chinese, wizard done, no alert sound (tests that want sound turn it on)."""
    return Settings(language="zh", first_run_done=True, alert_sound=False, tray_notifications=False)


@pytest.fixture
def services(qapp, ui_lang: str, data_dir: Path, test_settings: Settings) -> Iterator:
    """Real services (real DB file, real screener/detector, real job runner) on a temporary data dir."""
    from app.services import build_services

    svc = build_services(data_dir, test_settings)
    yield svc
    svc.close()


@pytest.fixture
def wait_jobs(qtbot, services) -> Callable[..., None]:
    """Wait until every queued job has delivered its result on the GUI thread."""

    def wait(timeout: int = 10_000) -> None:
        qtbot.waitUntil(services.jobs.is_idle, timeout=timeout)

    return wait
