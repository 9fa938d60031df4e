"""Staff routes of our own, beside the Gradio console: the conversation export and logout.

Both sit under /staff, so the guard's same-origin check applies (web/guard.py). The export is
answered only to a staff session (Gradio's session token, read from its cookie) and is streamed from
memory: no file is written, so nothing is left to fetch later from any route.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount

from web.service import ChatService


def _console(app: FastAPI) -> Any:
    """The mounted Gradio app of the staff console (it holds the session tokens)."""
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/staff":
            return route.app
    return None


def _session(app: FastAPI, request: Request) -> tuple[str, str] | None:
    """(token, user name) of the request's staff session, from the secure cookie only."""
    console = _console(app)
    if console is None:
        return None
    token = request.cookies.get(f"access-token-{console.cookie_id}") or ""
    if request.url.scheme != "https" and request.headers.get("x-forwarded-proto") != "https":
        token = token or request.cookies.get(f"access-token-unsecure-{console.cookie_id}") or ""  # plain http only
    user = console.tokens.get(token)
    return (token, user) if user else None


def add_staff_routes(app: FastAPI, service: ChatService) -> None:
    @app.post("/staff/export.{kind}", include_in_schema=False)
    def export(kind: Literal["csv", "json"], request: Request) -> Response:
        from conversations import export_csv, export_json
        from web.server import error_body

        if _session(app, request) is None:
            return JSONResponse(error_body("unauthorized", "sign in to the staff console first"), status_code=401)
        turns = service.store.export()
        text = export_csv(turns) if kind == "csv" else export_json(turns)
        media = "text/csv" if kind == "csv" else "application/json"
        headers = {"Content-Disposition": f'attachment; filename="conversations.{kind}"', "Cache-Control": "no-store"}
        return Response(text, media_type=f"{media}; charset=utf-8", headers=headers)

    @app.post("/staff/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        console, session = _console(app), _session(app, request)
        if console is not None and session is not None:
            console.tokens.pop(session[0], None)
        response = RedirectResponse("/staff/", status_code=303)
        if console is not None:
            for name in (f"access-token-{console.cookie_id}", f"access-token-unsecure-{console.cookie_id}"):
                response.delete_cookie(name, path="/")
        return response

    @app.get("/staff/logout", include_in_schema=False)
    def logout_by_get() -> JSONResponse:
        from web.server import error_body

        return JSONResponse(error_body("method_not_allowed", "sign out with the console's Sign out button (POST)"), status_code=405)
