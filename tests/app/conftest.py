"""Fixtures for the desktop-app tests: real AppServices on a temporary data dir (real SQLite file)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message as EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings, SmtpSettings


@pytest.fixture(autouse=True)
def _garbage_on_the_gui_thread() -> Iterator[None]:
    """As in the app (app/gui.make_app): during each app test Python's cyclic garbage is collected on the GUI thread
    only (app.inbox.pin_gc), and what earlier tests left is collected here, on this thread, before it starts. Without
    it a worker could collect an earlier test's widgets and freeze against the GUI thread (seen in CI)."""
    import gc

    from app import inbox

    gc.collect()
    inbox.pin_gc()
    yield
    inbox.unpin_gc()
    gc.collect()


@pytest.fixture(autouse=True)
def _command_hints_as_in_the_app() -> Iterator[None]:
    """Messages as the app shows them: without their command-line passages (``app.gui.make_app`` turns them off);
    the command line's own tests, elsewhere, see them."""
    from screening.i18n import show_command_hints

    before = show_command_hints(False)
    yield
    show_command_hints(before)


@pytest.fixture
def ui_lang(qapp) -> Iterator[str]:
    """Chinese UI (the default), restored afterwards; value inputs behave as in the app (``app.ui.inputs``, which
    ``app.gui.make_app`` installs)."""
    from app.i18n import install_language
    from app.ui.inputs import install_input_guard

    install_input_guard(qapp)
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

    before = set(threading.enumerate())
    svc = build_services(data_dir, test_settings)
    yield svc
    svc.close()
    # No leaked threads: every worker, source and recogniser thread the services started has been joined.
    leaked = [t.name for t in set(threading.enumerate()) - before if t.is_alive() and not t.daemon or _ours(t)]
    assert not leaked, f"threads still running after services.close(): {leaked}"


def _ours(thread: threading.Thread) -> bool:
    return thread.is_alive() and thread.name.startswith(("callshield-", "speech-", "source-"))


@pytest.fixture
def page_services(qapp, ui_lang: str, data_dir: Path, test_settings: Settings) -> Iterator:
    """One page's worth of services: real settings and SQLite file, jobs run at once on the test's thread, and no
    call sources, recogniser, tray or sound (``tests.helpers.services``). Build the page alone with these."""
    from tests.helpers.services import page_services as make

    before = set(threading.enumerate())
    svc = make(data_dir, test_settings)
    yield svc
    svc.close()
    assert not [t.name for t in set(threading.enumerate()) - before if _ours(t)], "a page test started a thread"


@pytest.fixture
def wait_jobs(qtbot, services) -> Callable[..., None]:
    """Wait until every queued job has delivered its result on the GUI thread."""

    def wait(timeout: int = 10_000) -> None:
        qtbot.waitUntil(services.jobs.is_idle, timeout=timeout)

    return wait


# ------------------------------------------------------------------------------- a real SMTP server
class Inbox:
    """Collects what the local aiosmtpd server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd handler hook
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 with an ephemeral port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def local_smtp(port: int, **changes: Any) -> SmtpSettings:
    base = SmtpSettings(
        enabled=True,
        host="127.0.0.1",
        port=port,
        tls="none",
        sender="callshield@home.example",
        recipients=("daughter@example.org",),
    )
    return SmtpSettings(**{**base.__dict__, **changes})
