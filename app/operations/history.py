"""History, worker side: query the call/recording history and decode its rows for the History page."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from app.models.history_model import HistoryRow, history_row_from_record
from screening.types import Level

if TYPE_CHECKING:
    from app.services import AppServices

log = logging.getLogger(__name__)

MAX_ROWS = 5000


def load_history(
    services: AppServices,
    kind: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    min_level: Level | None,
    limit: int = MAX_ROWS,
    profile: str | None = None,
) -> list[HistoryRow]:
    """Worker: query the history (this thread's DB connection) and decode the rows (``profile``: one person's
    rows, '' those without a person, None all)."""
    records = services.history().query(
        kind=kind, since=since, until=until, min_level=min_level, limit=limit, profile=profile
    )
    names = _category_names(services)
    return [history_row_from_record(r, names.get(str(r.get("category") or ""))) for r in records]


def _category_names(services: AppServices) -> dict[str, Any]:
    """Detector category id → BiText name, when the detector is already loaded (never load it just for this)."""
    if not getattr(services, "detector_loaded", False):
        return {}
    try:
        return {key: cat.name for key, cat in services.detector().categories.items()}
    except Exception:
        log.debug("category names unavailable", exc_info=True)
        return {}


def load_profiles(services: AppServices) -> list[str]:
    """Worker: the people (phones) the history knows, for the History page's filter."""
    return services.history().profiles()


def delete_record(services: AppServices, history_id: int) -> bool:
    """Writer job: remove one row of the history (``blocklists.history.History.delete``)."""
    return services.history().delete(history_id)


def edit_record(services: AppServices, history_id: int, profile: str, note: str) -> bool:
    """Writer job: move one row to another person ('' for none) and set its 备注; False when the row is gone (deleted
    in another window). Only these two columns change: the verdict, the time and the number stay as recorded; a new
    person is added to the people the app knows."""
    history = services.history()
    try:
        history.update(history_id, profile=profile.strip(), note=note.strip())
    except KeyError:
        return False
    if profile.strip():
        history.add_profile(profile)
    return True
