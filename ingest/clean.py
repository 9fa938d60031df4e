"""Turn a post's HTML into structure: sections, FAQ pairs, takeaways and references.

Site boilerplate (the "appeared first on" footer, "Reviewed by", the per-post medical
disclaimer) is dropped: the assistant adds its own disclaimer to every reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from ingest.text import normalize
from ingest.types import FaqPair, Reference, Section

# Elements whose content is never text a patient should read.
_DROP = ("script", "style", "iframe", "noscript", "form", "svg", "button", "nav", "template", "object", "embed")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = (*_HEADINGS, "p", "li", "blockquote", "pre", "dt", "dd", "figcaption", "tr")

_FAQ_HEADING = re.compile(r"\b(frequently asked questions|faqs?|common questions)\b", re.I)
_TAKEAWAYS_HEADING = re.compile(r"\b(key takeaways?|takeaways|key points|in summary|summary)\b", re.I)
_REFERENCES_HEADING = re.compile(r"^(references|sources|citations|bibliography|further reading|works cited)\b", re.I)
_BOILERPLATE = re.compile(
    r"^(the post .{1,300} appeared first on\b|reviewed by\b|medically reviewed by\b|medical disclaimer\b|disclaimer:)",
    re.I,
)


@dataclass(frozen=True)
class Body:
    sections: tuple[Section, ...]
    faqs: tuple[FaqPair, ...]
    takeaways: tuple[str, ...]
    references: tuple[Reference, ...]

    @property
    def is_empty(self) -> bool:
        return not (any(s.paragraphs for s in self.sections) or self.faqs or self.takeaways)


@dataclass
class _Block:
    tag: str
    text: str
    lead: str  # bold text at the start of a paragraph ("" if none)
    link: str | None  # first absolute link in the block


def clean_html(html: str) -> Body:
    """Parse a post's HTML into its structure."""
    blocks = _blocks(html)
    builder = _Builder()
    for block in blocks:
        builder.add(block)
    return builder.finish()


def _blocks(html: str) -> list[_Block]:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    blocks = []
    for el in soup.find_all(_BLOCKS):
        if el.find_parent(_BLOCKS) is not None:
            continue  # its text is part of the enclosing block
        text = normalize(el.get_text(" | " if el.name == "tr" else " "))
        if text:
            blocks.append(_Block(el.name, text, _lead(el), _first_link(el)))
    return blocks


def _lead(el: Tag) -> str:
    first = next((c for c in el.children if not (isinstance(c, str) and not c.strip())), None)
    if isinstance(first, Tag) and first.name in ("strong", "b"):
        return normalize(first.get_text(" "))
    return ""


def _first_link(el: Tag) -> str | None:
    link = el.find("a", href=re.compile(r"^https?://"))
    return str(link["href"]) if isinstance(link, Tag) else None


class _Builder:
    """Walks the blocks in document order and files each under the section it belongs to."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.faqs: list[FaqPair] = []
        self.takeaways: list[str] = []
        self.references: list[Reference] = []
        self.heading = ""
        self.paragraphs: list[str] = []
        self.mode = "section"
        self.question: str | None = None
        self.answer: list[str] = []

    def add(self, block: _Block) -> None:
        if _BOILERPLATE.match(block.text):
            return
        if block.tag in _HEADINGS:
            self._heading(block)
        elif self.mode == "references":
            self.references.append(Reference(block.text, block.link))
        elif self.mode == "faq":
            self._faq_block(block)
        elif self.mode == "takeaways" and block.tag == "li":
            self.takeaways.append(block.text)
        else:
            self.paragraphs.append(block.text)

    def _heading(self, block: _Block) -> None:
        if self.mode == "faq" and block.tag in ("h3", "h4", "h5", "h6") and block.text.endswith("?"):
            self._start_question(block.text)
            return
        self._close_section()
        self.heading = block.text
        if _FAQ_HEADING.search(block.text):
            self.mode = "faq"
        elif _REFERENCES_HEADING.search(block.text):
            self.mode = "references"
        elif _TAKEAWAYS_HEADING.search(block.text):
            self.mode = "takeaways"
        else:
            self.mode = "section"

    def _faq_block(self, block: _Block) -> None:
        if block.lead.endswith("?"):
            self._start_question(block.lead)
            rest = block.text[len(block.lead) :].strip()
            if rest:
                self.answer.append(rest)
        elif block.text.endswith("?") and len(block.text) < 200 and not self.answer:
            self._start_question(block.text)
        elif self.question is not None:
            self.answer.append(block.text)
        else:
            self.paragraphs.append(block.text)

    def _start_question(self, question: str) -> None:
        self._close_question()
        self.question = question

    def _close_question(self) -> None:
        if self.question and self.answer:
            self.faqs.append(FaqPair(self.question, " ".join(self.answer)))
        elif self.question:
            self.paragraphs.append(self.question)
        self.question, self.answer = None, []

    def _close_section(self) -> None:
        self._close_question()
        if self.paragraphs:
            self.sections.append(Section(self.heading, tuple(self.paragraphs)))
        self.paragraphs = []

    def finish(self) -> Body:
        self._close_section()
        return Body(tuple(self.sections), tuple(self.faqs), tuple(self.takeaways), tuple(self.references))
