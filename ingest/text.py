"""Plain-text normalisation and sentence splitting shared by the cleaner and the chunker."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

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


def defined_abbreviations(sentences: Iterable[str]) -> dict[str, str]:
    """Abbreviations the articles define, abbreviation -> long form: "Stellate ganglion block (SGB) targets..." gives
    {"SGB": "Stellate ganglion block"}. Found by the Schwartz-Hearst algorithm (Schwartz & Hearst, "A simple algorithm
    for identifying abbreviation definitions in biomedical text", PSB 2003), as the `abbreviations` package implements
    it; an abbreviation defined more than once takes its most common long form. `sentences`: one sentence a string."""
    extract = _schwartz_hearst()
    found = extract(doc_text="\n".join(s.replace("\n", " ") for s in sentences), most_common_definition=True)
    return {str(short): str(long) for short, long in sorted(found.items()) if len(short) >= 2}


def with_long_forms(text: str, abbreviations: dict[str, str]) -> str:
    """`text` with the first use of each abbreviation that `text` does not define spelled out as "long form (ABBR)":
    "SGB coverage also varies." -> "Stellate ganglion block (SGB) coverage also varies." A reader that cannot know the
    abbreviation (the cross-encoder) then matches a question in either form. Case-sensitive on the abbreviation, so
    the word "ifs" is not IFS."""
    for short, long in abbreviations.items():
        if long.lower() in text.lower():
            continue
        text = re.sub(rf"(?<![\w-]){re.escape(short)}(?![\w-])", f"{long} ({short})".replace("\\", r"\\"), text, count=1)
    return text


def _schwartz_hearst() -> Callable[..., dict[str, str]]:
    """The `abbreviations` package's extractor. Importing it calls logging.basicConfig (root logger at INFO, a stderr
    handler); the root logger is put back as it was, so the application keeps its own logging settings."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from abbreviations.schwartz_hearst import extract_abbreviation_definition_pairs

    root.handlers[:] = handlers
    root.setLevel(level)
    return extract_abbreviation_definition_pairs
