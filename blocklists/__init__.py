"""Data layer: SQLite store, list import/export, bundled rule data and phrase packs. Plain Python, no Qt."""
