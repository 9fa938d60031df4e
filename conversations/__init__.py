"""Conversation store: every turn, its route and safety signals, feedback; crisis turns for review."""

from conversations.base import ConversationStore, ConversationSummary, CrisisReview, Turn
from conversations.buffered import BufferedStore
from conversations.errors import StoreError
from conversations.export import export_csv, export_json
from conversations.memory import MemoryStore
from conversations.redact import make_redactor

__all__ = [
    "BufferedStore",
    "ConversationStore",
    "ConversationSummary",
    "CrisisReview",
    "MemoryStore",
    "StoreError",
    "Turn",
    "export_csv",
    "export_json",
    "make_redactor",
]
