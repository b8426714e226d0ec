"""Worker-side work, one module per area (Anki ``aqt/operations``): each user action that touches the database,
disk or a model is a typed function here, run by the one job helper (``app.jobs.JobRunner``); widgets call these
and never hold SQL, file walking or model loading. When a write finishes, ``AppServices.dataChanged`` says which
area changed (:class:`DataArea`) and every page showing it refreshes itself.

- :mod:`app.operations.calls`: a live call's history/list writes.
- :mod:`app.operations.community`: signing keys, publishing, subscriptions, user reports.
- :mod:`app.operations.check`: screen many numbers, read a pasted message, add chosen numbers to a list, keep a
  checked message in the history.
- :mod:`app.operations.history`: query the history.
- :mod:`app.operations.phone`: phone backups, watched recording folders, profiles, the family report.
- :mod:`app.operations.lists`: read, search, write, import, export number lists.
- :mod:`app.operations.recordings`: find recordings, scan them, store the results (the one writer).
"""

from __future__ import annotations

import enum


class DataArea(enum.Enum):
    """What a finished write changed (the ``dataChanged`` signal's argument)."""

    LISTS = "lists"  # number lists or their entries
    HISTORY = "history"  # call or recording history rows
    SUBSCRIPTIONS = "subscriptions"  # subscribed community lists (their state and entries)
    REPORTS = "reports"  # the user's own reports of numbers
