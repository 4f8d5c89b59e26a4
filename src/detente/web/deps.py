"""Request dependencies shared by the API and the pages (FastAPI ``Depends``).

The validated query parameters are in :mod:`detente.web.params`; this module gives a request its
application's :class:`~detente.web.queries.Repository`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .queries import Repository

__all__ = ["Repo", "repo"]


def repo(request: Request) -> Repository:
    """The application's repository (a FastAPI dependency)."""
    r: Repository = request.app.state.repo
    return r


#: A route parameter that receives the application's repository.
Repo = Annotated[Repository, Depends(repo)]
