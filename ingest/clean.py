"""Turn a post's HTML into structure: sections, FAQ pairs, takeaways and references.

Site boilerplate (the "appeared first on" footer, "Reviewed by", the per-post medical
disclaimer) is dropped: the assistant adds its own disclaimer to every reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.html import HEADINGS, Block, html_blocks
from ingest.types import FaqPair, Reference, Section

# Part of every entry hash: when cleaning changes, posts are cleaned again on the next ingest (their vectors are
# reused wherever the text is unchanged). 2: only visible text, shortcodes, text outside <p>, resolved links.
CLEANER_VERSION = 2

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


def clean_html(html: str, base_url: str = "") -> Body:
    """Parse a post's HTML into its structure: only what a reader sees (ingest.html), links resolved against `base_url`."""
    builder = _Builder()
    for block in html_blocks(html, base_url):
        builder.add(block)
    return builder.finish()


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

    def add(self, block: Block) -> None:
        if _BOILERPLATE.match(block.text):
            return
        if block.tag in HEADINGS:
            self._heading(block)
        elif self.mode == "references":
            self.references.append(Reference(block.text, block.link))
        elif self.mode == "faq":
            self._faq_block(block)
        elif self.mode == "takeaways" and block.tag == "li":
            self.takeaways.append(block.text)
        else:
            self.paragraphs.append(block.text)

    def _heading(self, block: Block) -> None:
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

    def _faq_block(self, block: Block) -> None:
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
