"""Widgets only. Services arrive through constructors; no SQL, Vosk or threads here."""
