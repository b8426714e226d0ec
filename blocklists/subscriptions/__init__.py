"""Signed community number lists (issue 15): publish, subscribe, update, and pool users' reports.

No cloud and no server of our own: a publisher writes a static, minisign-signed bundle
(``bundle.publish``); subscribers fetch it over HTTP(S), from a folder or a zip (``fetch``), verify it
against the key they pinned and swap it in atomically (``subscribe``).  Users' reports are exported and
aggregated by volunteers (``reports``).  Plain Python: no Qt; results are codes (``problems``).
"""
