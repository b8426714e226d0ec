"""Incoming-call sources: caller-ID modem, NCID server, manual entry. Plain Python, no Qt.

Each source runs one worker thread, reports calls as :class:`~app.calls.events.CallEvent` and
its own state as :class:`~app.calls.events.SourceStatus` through callbacks, and is stopped with
``stop()`` (which joins the thread).
"""

from app.calls.events import CallEnded, CallerId, CallEvent, SourceState, SourceStatus
from app.calls.sources.manual import ManualSource
from app.calls.sources.modem import ModemConfig, ModemSource
from app.calls.sources.ncid import NcidConfig, NcidSource

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
