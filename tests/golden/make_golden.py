"""Golden outputs: the JSON contract of the reference article and 20 PolNeAR articles, as digests.

The texts of shared articles never enter the repository (``../shared/README.md``), so the golden
file keeps, per article, a sha256 of its canonical JSON output and one per top-level section
(``article``, ``mentions``, ``events``, ``quotes``), which says where a change landed.

Regenerate only on purpose (and say why in CHANGELOG)::

    .venv/bin/python -m tests.golden.make_golden            # rewrite tests/golden/outputs.json
    .venv/bin/python -m tests.golden.make_golden --dump DIR # also write the full JSON, to diff
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("DETENTE_SHARED", ROOT.parent / "shared"))
EXAMPLE = ROOT / "examples" / "seed-article.txt"
GOLDEN = Path(__file__).with_name("outputs.json")
POLNEAR = "corpora/polnear-news"
POLNEAR_COUNT = 20
SECTIONS = ("article", "mentions", "events", "quotes", "places")


def inputs() -> list[tuple[str, Path, str | None]]:
    """The golden inputs as (key, path, default date): the example, then 20 PolNeAR files."""
    items: list[tuple[str, Path, str | None]] = [("seed-article", EXAMPLE, "2017-11-24")]
    folder = SHARED / POLNEAR
    for path in sorted(folder.glob("*.txt"))[:POLNEAR_COUNT]:
        items.append((f"polnear/{path.name}", path, None))
    return items


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    """The output with machine-specific values (the input path) reduced to the file name."""
    record = json.loads(json.dumps(record))
    article = record.get("article") or {}
    if article.get("input"):
        article["input"] = Path(article["input"]).name
    return record


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def outputs() -> Iterator[tuple[str, dict[str, Any]]]:
    """Code every golden input with the default settings and yield (key, canonical output)."""
    from detente.api import code_paths
    from detente.config import Settings

    for key, path, date in inputs():
        settings = Settings(default_date=date) if date else Settings()
        (article,) = list(code_paths([path], settings=settings))
        yield key, canonical(article.to_dict())


def digests(record: dict[str, Any]) -> dict[str, Any]:
    """The whole-output digest and one per section present in the output."""
    return {
        "sha256": _digest(record),
        "sections": {name: _digest(record[name]) for name in SECTIONS if name in record},
    }


def main() -> None:
    """Rewrite the golden file (and optionally dump the full outputs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, help="also write each full output to DIR")
    args = parser.parse_args()
    if not (SHARED / POLNEAR).is_dir():
        raise SystemExit(f"{SHARED / POLNEAR} is absent: the golden file needs ../shared")
    golden: dict[str, Any] = {}
    for key, record in outputs():
        golden[key] = digests(record)
        if args.dump:
            target = args.dump / (key.replace("/", "__") + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(record, indent=1, ensure_ascii=False), "utf-8")
    GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    main()
