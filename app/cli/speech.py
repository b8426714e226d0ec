"""Subcommands for this feature. Filled in by the feature's issue."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """No subcommands yet."""
