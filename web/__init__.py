"""The web surfaces, one process: the patient chat and the website widget, the staff console, the JSON API.

The public names load lazily (PEP 562), so `from web import StaffCredentials` does not start Gradio; `cli/serve.py`
wires them: `create_app(ChatService(...), ...)`."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.auth import StaffCredentials, hash_password, verify_password
    from web.metrics import Metrics
    from web.patient import build_patient_chat
    from web.render import answer_html
    from web.server import create_app
    from web.service import ChatService, IngestJob, RateLimiter
    from web.staff import build_staff_console

_HOME = {
    "ChatService": "web.service",
    "IngestJob": "web.service",
    "Metrics": "web.metrics",
    "RateLimiter": "web.service",
    "StaffCredentials": "web.auth",
    "answer_html": "web.render",
    "build_patient_chat": "web.patient",
    "build_staff_console": "web.staff",
    "create_app": "web.server",
    "hash_password": "web.auth",
    "verify_password": "web.auth",
}

__all__ = [
    "ChatService",
    "IngestJob",
    "Metrics",
    "RateLimiter",
    "StaffCredentials",
    "answer_html",
    "build_patient_chat",
    "build_staff_console",
    "create_app",
    "hash_password",
    "verify_password",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
