"""The ask request, validated one way on every surface: the JSON API's body (POST /api/ask) and each
line of `app.py ask --jsonl`. Only pydantic here, so the command line can use it without the web stack."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError


class HistoryItem(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=100_000)


class AskRequest(BaseModel):
    """A question, the conversation so far, and ids echoed back (`id`) or used to group turns (`conversation_id`).
    Other keys are ignored; a value of the wrong type (a numeric `id`, a null `history`) is refused, never converted."""

    question: str = Field(max_length=100_000, description="the message as typed (answers refuse more than the configured limit)")
    history: list[HistoryItem] = Field(default_factory=list, max_length=200)
    conversation_id: str | None = Field(default=None, max_length=64)
    id: str | None = Field(default=None, max_length=200)


def problems(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    """pydantic's errors as "field.path: message" lines (the API's 422 detail, the CLI's "error")."""
    return [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}" for e in errors]


def parse_ask_request(data: object) -> tuple[AskRequest | None, list[str]]:
    """`data` (parsed JSON) as an AskRequest, or None and what is wrong with it, exactly as the API decides."""
    try:
        return AskRequest.model_validate(data), []
    except ValidationError as exc:
        return None, problems(exc.errors())
