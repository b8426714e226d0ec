"""Number checks, worker side: screen many numbers (own DB connection) and add chosen ones to a list (writer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.models.check_model import CheckRow

if TYPE_CHECKING:
    from app.jobs import Progress
    from app.services import AppServices


def screen_numbers(progress: Progress, services: AppServices, numbers: list[str]) -> list[CheckRow]:
    """Worker: screen each number with this thread's screener (own DB connection)."""
    screener = services.make_screener()
    services.store().lists()  # picks up list changes made a moment ago on the writer's connection
    total = len(numbers)
    rows: list[CheckRow] = []
    for i, raw in enumerate(numbers):
        if i % 256 == 0:
            progress.check()
            progress.update(i, total)
        rows.append(CheckRow(raw, screener.screen(raw)))
    progress.update(total, total, force=True)
    rows.sort(key=lambda r: (int(r.level), r.score), reverse=True)  # riskiest first, sorted off the GUI thread
    return rows


def add_to_list(
    services: AppServices, list_name: str, values: list[str], category: str, note: str
) -> list[tuple[str, Any]]:
    """Writer job: add each value; returns ``(value, error)`` for the ones the store refused."""
    store = services.store()
    problems: list[tuple[str, Any]] = []
    for value in values:
        try:
            store.add(list_name, value, category=category, note=note, source="check")
        except ValueError as exc:  # StoreError is a ValueError with a translated .message
            problems.append((value, getattr(exc, "message", str(exc))))
    return problems
