"""Incoming-call sources: caller-ID modem, NCID server, manual entry. Plain Python, no Qt.

Each source runs one worker thread, reports calls as :class:`~app.sources.events.CallEvent` and
its own state as :class:`~app.sources.events.SourceStatus` through callbacks, and is stopped with
``stop()`` (which joins the thread).
"""

from app.sources.events import CallEnded, CallerId, CallEvent, SourceState, SourceStatus
from app.sources.manual import ManualSource
from app.sources.modem import ModemConfig, ModemSource
from app.sources.ncid import NcidConfig, NcidSource

__all__ = [
    "CallEnded",
    "CallEvent",
    "CallerId",
    "ManualSource",
    "ModemConfig",
    "ModemSource",
    "NcidConfig",
    "NcidSource",
    "SourceState",
    "SourceStatus",
]
