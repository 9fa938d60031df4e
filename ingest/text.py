"""Plain-text normalisation and sentence splitting shared by the cleaner and the chunker."""

from __future__ import annotations

import re
import unicodedata

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
_ENDS_WITH_TITLE = re.compile(r"(?:^|\s)(?:Dr|Mr|Mrs|Ms|Prof|St|Sr|Jr|vs|e\.g|i\.e|approx|No)\.$")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (blingfire's model: knows "e.g.", decimals), titles kept with their names."""
    text = normalize(text)
    if not text:
        return []
    out: list[str] = []
    for sentence in (s.strip() for s in blingfire.text_to_sentences(text).split("\n")):
        if not sentence:
            continue
        if out and _ENDS_WITH_TITLE.search(out[-1]):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out
