"""Question -> safety route -> retrieval -> reranked, extractive answer (or a refusal) in the safety envelope.

The public names load lazily (PEP 562): `chatbot.safety.messages` and `chatbot.types` are read by light modules
(the redaction, the CLI's error messages) that must not pay for the models the assistant loads."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chatbot.assistant import Assistant, AssistantConfig
    from chatbot.errors import ChatbotError
    from chatbot.rerank import CrossEncoder, RerankerError
    from chatbot.types import ABSTAINING, ROUTES, Answer, Citation, Envelope, Hit, InvalidInput, Message, Route

_HOME = {
    "ABSTAINING": "chatbot.types",
    "ROUTES": "chatbot.types",
    "Answer": "chatbot.types",
    "Assistant": "chatbot.assistant",
    "AssistantConfig": "chatbot.assistant",
    "ChatbotError": "chatbot.errors",
    "Citation": "chatbot.types",
    "CrossEncoder": "chatbot.rerank",
    "Envelope": "chatbot.types",
    "Hit": "chatbot.types",
    "InvalidInput": "chatbot.types",
    "Message": "chatbot.types",
    "RerankerError": "chatbot.rerank",
    "Route": "chatbot.types",
}

__all__ = [
    "ABSTAINING",
    "ROUTES",
    "Answer",
    "Assistant",
    "AssistantConfig",
    "ChatbotError",
    "Citation",
    "CrossEncoder",
    "Envelope",
    "Hit",
    "InvalidInput",
    "Message",
    "RerankerError",
    "Route",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
