"""Calls, worker side: the history and list writes a live call makes (run on the single DB writer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.calls.events import SourceBase, SourceStatus
    from app.calls.sources.sip import SipConfig
    from app.services import AppServices
    from blocklists.store import Entry


def update_call(services: AppServices, history_id: int, fields: dict[str, object]) -> None:
    """Save a call's progress (level, score, transcript, hits, category) or its end (transcript, duration)."""
    services.history().update(history_id, **fields)


def mark_call(services: AppServices, history_id: int | None, category: str, note: str) -> str:
    """标记: put a category and note on the call in the history; returns the category."""
    if history_id is not None:
        services.history().update(history_id, category=category, note=note)
    return category


def add_number(services: AppServices, list_name: str, number: str, category: str, note: str) -> Entry:
    """Block or trust a caller: add the number to ``list_name`` (raises ``StoreError`` with a translated message)."""
    return services.store().add(
        list_name, number, category=category, note=note, source="live"
    )  # (shown as 来电监控 on 名单)


def check_sip_line(config: SipConfig, running: SourceBase | None = None, timeout_s: float = 15.0) -> SourceStatus:
    """The SIP settings' 测试 button (worker): start the line, wait until it is ready or clearly cannot be, stop it.

    The returned status's message says what to fix (wrong password, server silent, baresip missing…). The line
    already running binds the same SIP port, so it is stopped for the check and started again afterwards."""
    from app.calls.sources.sip import check_line

    if running is not None:
        running.stop()
    try:
        return check_line(config, timeout_s=timeout_s)
    finally:
        if running is not None:
            running.start()
