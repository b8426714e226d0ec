"""Fixtures shared by the screening tests."""

from __future__ import annotations

import pytest

from screening.transcript import ScriptDetector


@pytest.fixture(scope="session")
def det() -> ScriptDetector:
    """The shipped detector (bundled packs and model), loaded once for every screening test."""
    return ScriptDetector.default()
