"""What a reader of a post's HTML sees, as a list of blocks in document order.

Two promises:
- Nothing a reader cannot see is kept: `<script>`, `<style>`, `<noscript>`, `<template>`, comments, elements with
  the `hidden` attribute, `type="hidden"`, or an inline style that hides them (`display:none`,
  `visibility:hidden|collapse`, `opacity:0`, `font-size:0`, `max-height:0`/`height:0` with `overflow:hidden`,
  `clip: rect(0 0 0 0)` / `clip-path: inset(50%)` off-screen tricks). Hidden text is also the classic way to
  plant instructions for AI systems.
- Everything a reader can see is kept, wherever it sits: `<p>`, but also text directly in `<div>`, `<span>`,
  `<td>`, `<figure>`, bare text nodes, and lines separated by `<br>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag

from ingest.shortcodes import closing_names, strip_shortcodes
from ingest.text import normalize

# Elements whose content is never text a patient should read.
_DROP = (
    "script",
    "style",
    "iframe",
    "noscript",
    "form",
    "svg",
    "button",
    "nav",
    "template",
    "object",
    "embed",
    "head",
    "title",
    "meta",
    "link",
    "select",
    "textarea",
    "input",
    "audio",
    "video",
    "canvas",
    "map",
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Blocks read as one unit (their nested markup is part of them).
LEAF_BLOCKS = (*HEADINGS, "p", "li", "blockquote", "pre", "dt", "dd", "figcaption", "tr", "caption", "summary")
# Elements that start a new line in a browser: inline text next to them is a paragraph of its own.
_CONTAINERS = {
    "div", "section", "article", "main", "aside", "header", "footer", "figure", "ul", "ol", "dl", "table", "thead",
    "tbody", "tfoot", "details", "center", "address", "fieldset", "hgroup", "body", "html", "hr", "td", "th", "menu",
}  # fmt: skip

_HIDING_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0*(?:\.0+)?\s*(?:!important)?\s*(?:;|$)"
    r"|font-size\s*:\s*0+(?:\.0+)?\s*(?:px|em|rem|pt|%)?\s*(?:!important)?\s*(?:;|$)"
    r"|clip\s*:\s*rect\(\s*0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?\s*\)|clip-path\s*:\s*inset\(\s*50%)",
    re.I,
)
_ZERO_BOX = re.compile(r"(?:^|;)\s*(?:max-)?(?:height|width)\s*:\s*0+(?:px|em|rem|%)?\s*(?:!important)?\s*(?:;|$)", re.I)
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden", re.I)
_OFFSCREEN = re.compile(r"(?:left|top|text-indent)\s*:\s*-\d{4,}|transform\s*:\s*scale\(\s*0(?:\.0+)?\s*\)", re.I)
_TINY_BOX = re.compile(r"(?:^|;)\s*(?:max-)?(?:height|width)\s*:\s*[01](?:px)?\s*(?:!important)?\s*(?:;|$)", re.I)
_COLOR = re.compile(r"(?:^|;)\s*(color|background(?:-color)?)\s*:\s*([^;!]+)", re.I)
# Utility classes that hide an element in the common CSS frameworks (Bootstrap, Tailwind, Foundation, WordPress themes).
# Screen-reader-only classes (screen-reader-text, sr-only, visually-hidden) are text for screen-reader users: kept.
HIDING_CLASSES = frozenset({"hidden", "d-none", "hide", "is-hidden", "invisible", "display-none", "u-hidden", "hidden-all"})
_STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_SELECTOR = re.compile(r"^\s*(?:[a-z0-9]*)\.([\w-]+)\s*$", re.I)


@dataclass
class Block:
    """One visible block: its tag ("p" for loose text), text, bold lead (for FAQ questions) and first link."""

    tag: str
    text: str
    lead: str  # bold text at the start of a paragraph ("" if none)
    link: str | None  # first http(s) link in the block, resolved against the post's URL


def is_hidden(el: Tag, hiding_classes: frozenset[str] = HIDING_CLASSES) -> bool:
    """True when a browser would not show `el` to a reader: attribute, inline style, or a class that hides it."""
    # aria-hidden only hides from screen readers: sighted readers still see the text, so it stays.
    if el.has_attr("hidden") or str(el.get("type", "")).lower() == "hidden":
        return True
    if hiding_classes.intersection(str(c).lower() for c in el.get_attribute_list("class") or [] if c):
        return True
    style = " ".join(str(s) for s in el.get_attribute_list("style") or [] if s).replace("\n", " ")
    if not style:
        return False
    if _HIDING_STYLE.search(style) or _OFFSCREEN.search(style) or _same_colour(style):
        return True
    return bool((_ZERO_BOX.search(style) or _TINY_BOX.search(style)) and _OVERFLOW_HIDDEN.search(style))


def _same_colour(style: str) -> bool:
    """Text in the colour of its own background (`color:#fff; background:#fff`)."""
    colours: dict[str, str] = {}
    for prop, value in _COLOR.findall(style):
        colours["text" if prop.lower() == "color" else "background"] = value.strip().lower()
    return "text" in colours and colours.get("background") == colours["text"]


def _classes_hidden_by(soup: BeautifulSoup) -> frozenset[str]:
    """Classes that the document's own `<style>` blocks hide (`.promo{display:none}`): simple class selectors only."""
    hidden: set[str] = set()
    for style in soup.find_all("style"):
        for selectors, body in _STYLE_RULE.findall(style.get_text()):
            if _HIDING_STYLE.search(body.strip()) or (_ZERO_BOX.search(body) and _OVERFLOW_HIDDEN.search(body)):
                hidden.update(m.group(1).lower() for sel in selectors.split(",") if (m := _CLASS_SELECTOR.match(sel)))
    return frozenset(hidden)


def visible_soup(html: str | bytes) -> BeautifulSoup:
    """The document with everything a reader cannot see removed, and shortcode tags stripped from its text.
    Bytes (a fetched page) are decoded by BeautifulSoup from their `<meta charset>` or by detection."""
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    hiding_classes = HIDING_CLASSES | _classes_hidden_by(soup)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if is_hidden(t, hiding_classes)]:
        if not tag.decomposed:
            tag.decompose()
    closed = closing_names(soup.get_text(" "))
    for node in list(soup.find_all(string=True)):
        cleaned = strip_shortcodes(str(node), closed)
        if cleaned != str(node):
            node.replace_with(NavigableString(cleaned))
    return soup


def html_blocks(html: str, base_url: str = "") -> list[Block]:
    """Visible blocks of `html` in document order."""
    walker = _Walker(base_url)
    walker.walk(visible_soup(html))
    walker.flush()
    return walker.blocks


class _Walker:
    """Leaf blocks become one Block each; runs of inline content between block boundaries become a "p" Block."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.inline: list[PageElement] = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag) and child.name in LEAF_BLOCKS:
                self.flush()
                self.emit(child.name, [child], " | " if child.name == "tr" else " ")
            elif isinstance(child, Tag) and (child.name in _CONTAINERS or child.find(LEAF_BLOCKS) is not None):
                self.flush()
                self.walk(child)
                self.flush()
            elif isinstance(child, Tag) and child.name == "br":
                self.flush()
            elif isinstance(child, Tag | NavigableString):
                self.inline.append(child)

    def flush(self) -> None:
        if self.inline:
            self.emit("p", self.inline, " ")
        self.inline = []

    def emit(self, tag: str, nodes: list[PageElement], separator: str) -> None:
        text = normalize(" ".join(_text(n, separator) for n in nodes))
        if text:
            self.blocks.append(Block(tag, text, _lead(nodes), self._first_link(nodes)))

    def _first_link(self, nodes: list[PageElement]) -> str | None:
        for node in nodes:
            if not isinstance(node, Tag):
                continue
            for a in ([node] if node.name == "a" else []) + node.find_all("a", href=True):
                href = urljoin(self.base_url, str(a.get("href", "")).strip())
                if href.startswith(("http://", "https://")):
                    return href
        return None


def _text(node: PageElement, separator: str) -> str:
    if isinstance(node, Tag):
        return node.get_text(separator)
    return str(node)


def _lead(nodes: list[PageElement]) -> str:
    """Bold text that opens a block (a FAQ question written as `<p><strong>Q?</strong> A.</p>`)."""
    children: list[PageElement] = []
    for node in nodes:
        children += list(node.children) if isinstance(node, Tag) and node.name in LEAF_BLOCKS else [node]
    first = next((c for c in children if not (isinstance(c, NavigableString) and not c.strip())), None)
    if isinstance(first, Tag) and first.name in ("strong", "b"):
        return normalize(first.get_text(" "))
    return ""
