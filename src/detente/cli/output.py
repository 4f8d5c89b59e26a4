"""Rendering coded articles for the terminal: a readable table (rich) or JSON lines."""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..jsonl import write_line
from ..records import Article

__all__ = ["print_article_table", "write_json_line"]


def write_json_line(obj: Any, out: IO[str]) -> None:
    """Write one compact JSON object and a newline (UTF-8; line-breaking characters escaped)."""
    write_line(obj, out)


def _actors(ents: Any) -> str:
    return "+".join(f"{e.code or '?'}{'/' + e.sector if e.sector else ''}" for e in ents) or "-"


def print_article_table(article: Article, console: Console) -> None:
    """Print a readable summary of one coded article."""
    if article.rejected is not None:
        r = article.rejected
        console.print(f"[bold red]rejected[/] {escape(r.input)}: {r.reason} — {escape(r.detail)}")
        return
    head = article.title or "(no title)"
    console.rule(f"[bold]{escape(head)}")
    console.print(
        f"[dim]{escape(article.input)} · id {escape(article.id)} · "
        f"{article.published or 'no date'} · {escape(article.source or 'no source')} · "
        f"{len(article.text)} chars, "
        f"{len(article.removed)} removed[/]"
    )
    if article.credits:
        console.print(Text("credits: " + "; ".join(f"{c.kind}: {c.name}" for c in article.credits)))
    if article.events:
        table = Table(title="events", show_lines=False, expand=True)
        for col in ("date", "event", "mode", "actor", "recipient", "evidence"):
            table.add_column(col, overflow="fold")
        for ev in article.events:
            aux = (
                f" ({', '.join(ev.evidence.auxiliary_modes)})"
                if ev.evidence.auxiliary_modes
                else ""
            )
            # Text cells: article words are never read as rich markup ("[sic]", "[...]")
            table.add_row(
                ev.date or "",
                Text(ev.event + aux, style="dim" if aux else ""),
                ev.mode,
                _actors(ev.actor),
                _actors(ev.recipient),
                Text(ev.event_text or ev.evidence.sentence[:120]),
            )
        console.print(table)
    if article.quotes:
        table = Table(title="quotes", expand=True)
        for col in ("speaker", "kind", "quote"):
            table.add_column(col, overflow="fold")
        for q in article.quotes:
            who = q.speaker.name or q.speaker.text if q.speaker else "?"
            table.add_row(Text(str(who)), q.kind, Text(q.text))
        console.print(table)
    if article.mentions:
        resolved = [m for m in article.mentions if m.actor is not None]
        console.print(
            Text(f"mentions: {len(article.mentions)} ({len(resolved)} resolved): ")
            + ", ".join(
                f"{m.text}→{m.actor.code}{'/' + m.actor.sector if m.actor.sector else ''}"
                for m in resolved[:40]
                if m.actor
            )
        )
