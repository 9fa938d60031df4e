"""Plain-text normalisation and sentence splitting shared by the cleaner and the chunker."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import blingfire
from bs4 import BeautifulSoup

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)])")


def normalize(text: str) -> str:
    """NFKC, straight quotes, no invisible characters, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACE.sub(" ", text))
    return text.strip()


def plain_text(markup: str) -> str:
    """A title, author or category as plain text: HTML entities and tags (WordPress writes titles as HTML,
    often inside CDATA: `Ketamine&#8217;s Role &amp; <em>Sleep</em>`) decoded once, then normalised."""
    if "<" in markup or "&" in markup:
        markup = BeautifulSoup(markup, "html.parser").get_text()
    return normalize(markup)


# blingfire splits after a title that opens a sentence ("... treatment. Dr. Herman ..."): glue those back
_TITLES = r"Dr|Mr|Mrs|Ms|Prof|St|Sr|Jr|vs|e\.g|i\.e|approx"
_ENDS_WITH_TITLE = re.compile(rf"(?:^|\s)(?:{_TITLES}|No)\.$")
# as patients type them ("dr. herman"); "no." is a word there
_ENDS_WITH_TITLE_ANY_CASE = re.compile(rf"(?:^|\s)(?:{_TITLES})\.$", re.I)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (blingfire's model: knows "e.g.", decimals), titles kept with their names."""
    text = normalize(text)
    if not text:
        return []
    return glue_titles(s.strip() for s in blingfire.text_to_sentences(text).split("\n"))


def glue_titles(pieces: Iterable[str], typed: bool = False) -> list[str]:
    """Sentences split after a title ("Dr.") joined back to the name that follows; empty pieces dropped.
    `typed`: the pieces are a patient's message, whose titles may be in lower case."""
    title = _ENDS_WITH_TITLE_ANY_CASE if typed else _ENDS_WITH_TITLE
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and title.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
