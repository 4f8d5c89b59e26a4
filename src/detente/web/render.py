"""Rendering: the Jinja2 environment of the dashboard and :func:`html`, which renders a page.

Pages render through :func:`html`; the environment is built once per application by
:func:`make_templates` (``create_app`` keeps it on ``app.state.templates``). Nothing here knows
the application or the API, so pages and error handlers can both render without importing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .. import __version__
from . import charts, highlight

__all__ = ["TEMPLATES_DIR", "html", "make_templates", "safe_url"]

#: The page templates (``templates/`` beside this module).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def safe_url(url: Any) -> str:
    """Keep only http(s) links from the data: a ``javascript:`` URL must never become a link."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def make_templates() -> Jinja2Templates:
    """The dashboard's template environment, with its globals (version, quad classes) and
    filters (``quad_label``, ``evidence``, ``safe_url``); autoescaping is on for every template."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.globals.update(version=__version__, quads=charts.QUADS)
    env.filters["quad_label"] = charts.quad_label
    env.filters["evidence"] = highlight.evidence_html
    env.filters["safe_url"] = safe_url
    return templates


def html(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page template with the request (the current path highlights the menu)."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status_code)
