"""Conversation store: every turn, its route and safety signals, feedback; crisis turns for review."""

from conversations.base import ConversationStore, ConversationSummary, StoreError, Turn
from conversations.memory import MemoryStore

__all__ = ["ConversationStore", "ConversationSummary", "MemoryStore", "StoreError", "Turn"]
