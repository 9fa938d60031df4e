"""`app.py ask`: one question (text or --json), or a JSONL file streamed one answer per line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from chatbot.assistant import Assistant
from chatbot.types import Answer

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
        request, problem = parse_line(line)
        if problem:
            answer = assistant.safe_ask("")  # the envelope-carrying invalid_input reply
            yield {**answer.to_contract(request.get("id")), "question": request.get("question", ""), "error": f"line {number}: {problem}"}
            continue
        answer = assistant.safe_ask(request["question"], request.get("history") or [])
        yield answer.to_contract(request.get("id"))


def parse_line(line: str) -> tuple[dict[str, Any], str]:
    if len(line) > MAX_LINE_CHARS:
        return {}, f"line longer than {MAX_LINE_CHARS:,} characters"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return {}, f"not JSON ({exc.msg})"
    if not isinstance(data, dict):
        return {}, "expected a JSON object"
    ident = data.get("id")
    request = {"id": None if ident is None else str(ident)}
    question = data.get("question")
    if not isinstance(question, str):
        return request, '"question" must be a string'
    history = data.get("history") or []
    if not isinstance(history, list) or not all(_is_message(m) for m in history):
        return {**request, "question": question}, '"history" must be a list of {"role": "user"|"assistant", "content": string}'
    return {**request, "question": question, "history": history}, ""


def _is_message(m: object) -> bool:
    return isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
