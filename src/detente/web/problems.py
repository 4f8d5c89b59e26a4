"""Errors as RFC 9457 problem details, and the limits that protect the server.

Every error the application returns is a small JSON object (``application/problem+json``) with a
title, a status, a detail and, when detente raised it, the error code; pages asked for by a browser
get the same information as an HTML page. A stack trace never leaves the server: unexpected
exceptions are logged and answered with a generic 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware", "SecurityHeadersMiddleware", "problem", "wants_html"]

log = logging.getLogger(__name__)

#: Content-Security-Policy of every response: only this server's own scripts, styles and images.
#: Inline ``style=`` attributes are forbidden too, which is why charts colour through classes.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str = "",
    code: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Build a problem-details object.

    Args:
        status: the HTTP status code.
        title: a short, fixed summary of the problem type.
        detail: what went wrong in this request, and how to fix it when we know.
        instance: the request path.
        code: the detente error code (``E0xx``), when there is one.
        **extra: further members (for example ``errors`` for validation problems).
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if code:
        body["code"] = code
    body.update(extra)
    return body


async def send_problem(send: Send, body: dict[str, Any], *headers: tuple[bytes, bytes]) -> None:
    """Send a problem-details response straight from an ASGI middleware (outside FastAPI)."""
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": body["status"],
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def wants_html(path: str, accept: str) -> bool:
    """True when the client is a browser asking for a page (not the API)."""
    return not path.startswith("/api") and "text/html" in accept


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_bytes`` with 413, before they are read whole.

    The declared ``Content-Length`` is checked first; chunked bodies are counted as they arrive,
    so a client cannot get past the limit by not declaring a length. When a streamed body passes
    the limit, the 413 is sent at once and the application is told the client went away (it
    stops reading; whatever it answers is dropped), so no framework error handling is involved.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, send)
                return
        received = 0
        started = False
        refused = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not started:
                    refused = True
                    await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The app may complain that its client disconnected: that was us; the 413 is sent.
            log.debug("request body over %d bytes refused", self.max_bytes)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        await send_problem(
            send,
            problem(
                413,
                "Request body too large",
                f"the request body is larger than {self.max_bytes} bytes; send a shorter article",
                instance=scope.get("path", ""),
                code="E091",
            ),
            (b"connection", b"close"),
        )


class SecurityHeadersMiddleware:
    """Add a strict Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class DatabaseSessionMiddleware:
    """Open the database for each HTTP request and close it after the response.

    The server then never holds the file between requests, so ``detente ingest`` can write to it
    while the dashboard runs. A request that arrives during a write gets 503 (code E074).
    """

    def __init__(self, app: ASGIApp, repo: Any) -> None:
        self.app = app
        self.repo = repo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/static"):
            await self.app(scope, receive, send)
            return
        from ..errors import StoreError

        try:
            session = self.repo.session()
            session.__enter__()
        except StoreError as exc:
            log.warning("database unavailable for %s: %s", scope.get("path", ""), exc)
            await send_problem(
                send,
                problem(
                    503,
                    "Service unavailable",
                    "the event database is being updated or cannot be opened; retry shortly",
                    instance=scope.get("path", ""),
                    code=exc.code,
                ),
                (b"retry-after", b"5"),
            )
            return
        try:
            await self.app(scope, receive, send)
        finally:
            session.__exit__(None, None, None)
