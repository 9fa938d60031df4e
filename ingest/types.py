"""Frozen records passed between the ingest stages: feed -> Post -> Chunk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ReadProgress = Callable[[int, int], None]
"""Called while a source is read: (posts read so far, posts in all or 0 when the source does not say)."""

ChunkKind = Literal["section", "faq", "takeaways"]


@dataclass(frozen=True)
class Reference:
    """A citation at the end of a post: shown as further reading, never indexed as an answer."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading ("" for the introduction before the first heading)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class FaqPair:
    """One question of a post's "Frequently Asked Questions" and the clinic's own answer."""

    question: str
    answer: str


SourceKind = Literal["feed", "rest-api", "page-fetch"]


def post_key(guid: str, url: str) -> str:
    """The identity of the post with this guid and link (`Post.key`, also computable from a Chunk)."""
    return f"{guid} {url}"


@dataclass(frozen=True)
class Post:
    """One blog post, cleaned into structure."""

    guid: str
    url: str
    slug: str
    title: str
    author: str
    published: str | None  # ISO 8601, UTC
    updated: str | None
    categories: tuple[str, ...]
    sections: tuple[Section, ...]
    faqs: tuple[FaqPair, ...]
    takeaways: tuple[str, ...]
    references: tuple[Reference, ...]
    source_hash: str  # hash of the raw entry: unchanged raw entry means unchanged post

    @property
    def key(self) -> str:
        """A post's identity: guid *and* link (after a migration two posts can share a guid)."""
        return post_key(self.guid, self.url)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Post:
        return cls(
            **{
                **data,
                "categories": tuple(data["categories"]),
                "sections": tuple(Section(s["heading"], tuple(s["paragraphs"])) for s in data["sections"]),
                "faqs": tuple(FaqPair(**f) for f in data["faqs"]),
                "takeaways": tuple(data["takeaways"]),
                "references": tuple(Reference(**r) for r in data["references"]),
            }
        )


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. It carries its post's url, title and section so a citation costs nothing."""

    chunk_id: str
    post_guid: str
    url: str
    title: str
    section: str
    kind: ChunkKind
    position: int
    text: str  # the passage as shown to a person (for a FAQ: the answer)
    sentences: tuple[str, ...]  # text split into sentences, for extractive answers
    question: str | None = None  # the FAQ question, for kind == "faq"

    @property
    def embed_text(self) -> str:
        """What the embedding model sees: the passage prefixed with its post title and section."""
        head = f"{self.title}. {self.section}." if self.section else f"{self.title}."
        body = f"{self.question} {self.text}" if self.question else self.text
        return f"{head}\n{body}"

    @property
    def sentence_contexts(self) -> tuple[str, ...]:
        """Each sentence as read in place: under its heading, after the sentence before it.

        "That account is not wrong, but it is incomplete." says nothing alone; after "The most familiar
        story about depression involves serotonin..." it answers a question about serotonin."""
        before = ("", *self.sentences[:-1])
        return tuple(" ".join(p for p in (f"{self.section}." if self.section else "", prev, s) if p) for prev, s in zip(before, self.sentences, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(**{**data, "sentences": tuple(data["sentences"])})


@dataclass(frozen=True)
class SkippedItem:
    """A feed item that could not be ingested, and why."""

    source: str
    item: str
    reason: str
    ids: tuple[str, ...] = ()  # the item's guid and link when known


@dataclass(frozen=True)
class FeedResult:
    """Everything read from one source: the good posts and the items that were skipped."""

    source: str
    posts: tuple[Post, ...]
    skipped: tuple[SkippedItem, ...] = field(default_factory=tuple)
    pages: int = 1
    # Every page was read without error: a post missing from a complete read is gone from the site.
    complete: bool = True
    kind: SourceKind = "feed"  # feed | rest-api (WordPress REST API) | page-fetch (excerpt-only feed + post pages)
    warnings: tuple[str, ...] = field(default_factory=tuple)  # e.g. bad bytes replaced
    # guids and links of items that were seen but could not be read: their posts are never retired for it
    unreadable: frozenset[str] = field(default_factory=frozenset)
