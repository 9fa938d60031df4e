"""The chatbot package's error root, turned into a friendly message only at the edge (cli/errors.py, the API).

ChatbotError
├── RerankerError   (chatbot.rerank) the cross-encoder's files are missing, altered or cannot be loaded
└── GeneratorError  (chatbot.generate) the optional language model cannot be used; the extractive answer stands
"""

from __future__ import annotations


class ChatbotError(Exception):
    """Anything the chatbot package raises on purpose; its message says what failed and how to fix it."""
