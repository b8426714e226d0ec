"""Reports the user saves: CSV and HTML for checks, history and recording scans (:mod:`app.reports.export`), with
the evidence (highlighted phrases, reasons) rendered in the reader's language."""
