"""The served app: FastAPI with the patient chat (/chat) and the staff console (/staff) mounted,
the JSON API (/api/ask), the embeddable widget (/widget.js, /widget-demo) and health probes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatbot.safety import messages as m
from chatbot.types import InvalidInput
from conversations import StoreError
from web.auth import StaffCredentials
from web.contract import AskRequest, problems
from web.guard import Guard, LoginThrottle
from web.patient import build_patient_chat, patient_head
from web.render import CSS
from web.service import ChatService, new_conversation_id
from web.staff import SIGN_IN_MESSAGE, STAFF_HEAD, build_staff_console
from web.staff_routes import add_staff_routes

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 256 * 1024


def error_body(error: str, detail: object) -> dict[str, object]:
    """An error the API returns instead of an answer still says who is talking and how to reach a person."""
    return {"error": error, "detail": detail, "disclaimer": m.DISCLAIMER}


def frame_ancestors(allowed: list[str]) -> str:
    sources = " ".join(dict.fromkeys(["'self'", *allowed]))
    return f"frame-ancestors {sources}"


# The pages' own policy: everything from this origin only, no plug-ins, forms post here only. Gradio's
# front end needs inline scripts and styles and builds functions at run time ('unsafe-eval').
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; "
    "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def create_app(
    service: ChatService, *, embed_origins: list[str], staff: StaffCredentials | None, max_chars: int | None = None, throttle: LoginThrottle | None = None
) -> FastAPI:
    """The served app. `max_chars`: the chat box's limit (default: the assistant's max_question_chars)."""
    app = FastAPI(title="Soft Reboot FAQ assistant", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    chat_policy = frame_ancestors(embed_origins)

    # closed routes, the body limit on bytes read, same-origin staff console, login throttling (web/guard.py)
    app.add_middleware(Guard, max_body=MAX_BODY_BYTES, error_body=error_body, throttle=throttle)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        # only the patient chat may be framed (by the origins in the setting); nothing else, least of all /staff
        framable = request.url.path.startswith("/chat")
        framing = chat_policy if framable else "frame-ancestors 'none'"
        # the product's pages (not /widget-demo: it stands for the clinic's own site, which loads the widget from elsewhere)
        html = response.headers.get("content-type", "").startswith("text/html") and request.url.path.startswith(("/chat", "/staff"))
        response.headers["Content-Security-Policy"] = f"{PAGE_POLICY}; {framing}" if html else framing
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("invalid_request", problems(exc.errors())), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body("http_error", exc.detail), status_code=exc.status_code)

    @app.exception_handler(StoreError)
    async def store_unavailable(request: Request, exc: StoreError) -> JSONResponse:
        # the conversation database is down, locked or full (a staff export): say so, and that it is ours and passing
        log.warning("conversation store unavailable on %s: %s", request.url.path, str(exc).splitlines()[0][:300] if str(exc) else "")
        return JSONResponse(error_body("store_unavailable", "the conversation database is unavailable; try again shortly"), status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse(error_body("internal_error", "something went wrong on our side"), status_code=500)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        # answers never depend on the database: a store problem makes the replica "degraded", not unready
        ready = service.readiness()
        status = "ready" if ready["store"]["ok"] and not ready["index"].get("rolled_back_from") else "degraded"
        return JSONResponse({"status": status, **ready}, status_code=200)

    @app.get("/metrics")
    def metrics() -> Response:
        service.readiness()  # refreshes the gauges
        return Response(service.metrics.render(), media_type="text/plain; version=0.0.4")

    @app.post("/api/ask")
    def api_ask(body: AskRequest, request: Request) -> JSONResponse:
        client = request.client.host if request.client else "unknown"  # X-Forwarded-For applied by uvicorn for trusted proxies
        history = [{"role": h.role, "content": h.content} for h in body.history]
        answer, _ = service.ask(body.question, history, body.conversation_id or new_conversation_id(), client, surface="api")  # type: ignore[arg-type]
        status = 429 if answer.invalid is InvalidInput.RATE_LIMITED else 200
        return JSONResponse(answer.to_contract(body.id), status_code=status)

    @app.get("/widget.js")
    def widget_js() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/widget-demo", response_class=HTMLResponse)
    def widget_demo() -> HTMLResponse:
        return HTMLResponse((STATIC / "widget-demo.html").read_text(encoding="utf-8"))

    @app.get("/")
    def root() -> RedirectResponse:
        return RedirectResponse("/chat/")

    chat = build_patient_chat(service, max_chars)
    gr.mount_gradio_app(app, chat, path="/chat", css=CSS, head=patient_head(), footer_links=[], show_error=False)
    if staff is not None:
        add_staff_routes(app, service)  # before the mount: export and logout are ours, not Gradio's
        gr.mount_gradio_app(
            app,
            build_staff_console(service),
            path="/staff",
            auth=staff.acheck,
            auth_message=SIGN_IN_MESSAGE,
            css=CSS,
            head=STAFF_HEAD,
            footer_links=[],
        )
    return app
