"""Calls, worker side: the history and list writes a live call makes (run on the single DB writer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    return services.store().add(list_name, number, category=category, note=note, source="app")
