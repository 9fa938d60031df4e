"""`app.py ask`: one question (text or --json), or a JSONL file streamed one answer per line.

Each line is validated exactly as the JSON API validates its body (`web.contract`): a line the API
would answer with 422 gets an invalid_input object here."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from chatbot.assistant import Assistant
from chatbot.types import Answer, Message
from web.contract import AskRequest, parse_ask_request

MAX_LINE_CHARS = 100_000


def print_answer(answer: Answer, as_json: bool, out: TextIO = sys.stdout) -> None:
    if as_json:
        out.write(json.dumps(answer.to_contract(), ensure_ascii=False) + "\n")
    else:
        out.write(answer.text + "\n")


def answer_lines(assistant: Assistant, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One contract object per input line, in order; a bad line gives an invalid_input object, never a crash."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        request, data, problem = parse_line(line)
        if request is None:
            answer = assistant.safe_ask("")  # the envelope-carrying invalid_input reply
            yield {**answer.to_contract(_echo(data, "id")), "question": _echo(data, "question") or "", "error": f"line {number}: {problem}"}
            continue
        history = [Message(role=h.role, content=h.content) for h in request.history]
        yield assistant.safe_ask(request.question, history).to_contract(request.id)


def parse_line(line: str) -> tuple[AskRequest | None, object, str]:
    """(the request, the line's JSON, "") for a valid line, else (None, whatever was parsed, what is wrong).
    Valid means what the JSON API accepts (`web.contract`)."""
    if len(line) > MAX_LINE_CHARS:
        return None, None, f"line longer than {MAX_LINE_CHARS:,} characters"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"not JSON ({exc.msg})"
    request, problems = parse_ask_request(data)
    return request, data, "; ".join(problems)


def _echo(data: object, key: str) -> str | None:
    """A bad line's `id` and `question`, echoed when they are strings (so the output still lines up with the input)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _is_message(m: object) -> bool:
    return isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
