"""CallShield 来电护盾 — composition root: settings, paths, services, Qt bridges."""

__version__ = "0.1.0"
APP_NAME = "CallShield"
