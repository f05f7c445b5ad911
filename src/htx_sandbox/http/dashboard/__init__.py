"""The web dashboard at /sandbox/: static files shipped in the package (static/), no build step.

The files are a shell: a login form and plain JavaScript modules. Everything they show or do
goes through the token-protected admin API (/sandbox-api/v1/), with the token the user typed,
kept in the tab's sessionStorage and sent as the Authorization header only, so the access log
never sees it and nothing here needs a session of its own. Serving the shell without a token is
therefore safe: it holds no data.

Every answer carries a Content-Security-Policy that lets the page load its own files and talk
to its own origin only (no inline script, nothing fetched elsewhere), and may not be framed.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

PATH = "/sandbox"
STATIC = Path(__file__).parent / "static"
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    # A new release of the files must reach the browser at once, not after a cache's guess.
    (b"cache-control", b"no-cache"),
]


class DashboardFiles:
    """StaticFiles with the dashboard's headers on every answer."""

    def __init__(self, directory: Path) -> None:
        self.files = StaticFiles(directory=directory, html=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.files(scope, receive, send_with_headers)


async def _to_slash(_: object) -> Response:
    return RedirectResponse(f"{PATH}/", status_code=308)


routes: list[BaseRoute] = [
    Route(PATH, _to_slash, methods=["GET", "HEAD"]),
    Mount(PATH, app=DashboardFiles(STATIC), name="dashboard"),
]
