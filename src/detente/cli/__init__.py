"""Command-line interface: ``detente COMMAND``. Each command lives in its own module."""

from __future__ import annotations

from . import (  # noqa: F401
    actors_cmd,
    code_cmd,
    eval_cmd,
    quotes_cmd,
    store_cmd,
    train_cmd,
    web_cmd,
)
from .app import main

__all__ = ["main"]
