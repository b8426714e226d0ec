"""Incoming calls (no Qt): what a call is, where it comes from, and who screens it.

- :mod:`app.calls.events`: ``CallEvent``, ``CallEnded``, ``CallerId``, ``SourceStatus`` (plain data).
- :mod:`app.calls.sources`: caller-ID modem, NCID server and manual entry, one worker thread each.
- :mod:`app.calls.controller`: ``CallController`` — event → number verdict → history row → callbacks.

The Qt face (signals for the Live page, transcript → detector → alert) is :mod:`app.live.service`.
"""
