"""Decode a feed's bytes with its declared encoding, replacing only the bytes that are not valid in it.

feedparser, given a UTF-8 feed with one stray byte, falls back to windows-1252 for the *whole* document
("cafÃ©", "itâ€™s" everywhere) and says nothing. Here a feed whose bytes are valid in its declared encoding
is passed through untouched; otherwise only the bad bytes become U+FFFD, the document is re-encoded as UTF-8
(declaration rewritten) and the number of replaced bytes is reported.
"""

from __future__ import annotations

import codecs
import re

_XML_DECLARATION = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([A-Za-z0-9._-]+)\2", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def declared_encoding(body: bytes, content_type: str = "") -> str:
    """The encoding a reader must use: byte-order mark, then HTTP charset, then the XML declaration, else UTF-8."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    header = _CHARSET.search(content_type or "")
    if header:
        return header.group(1).lower()
    declaration = _XML_DECLARATION.match(body[:512])
    return declaration.group(3).decode("ascii").lower() if declaration else "utf-8"


def repair_encoding(body: bytes, content_type: str = "") -> tuple[bytes, str, int]:
    """(bytes for the parser, content type for the parser, number of bad bytes replaced).

    Unchanged input when it decodes cleanly or names an encoding Python does not know (feedparser decides then)."""
    encoding = declared_encoding(body, content_type)
    try:
        body.decode(encoding)
        return body, content_type, 0
    except LookupError:
        return body, content_type, 0
    except UnicodeDecodeError:
        pass
    text = body.decode(encoding, errors="replace")
    bad = text.count("\ufffd") - body.decode(encoding, errors="ignore").count("\ufffd")
    repaired = _XML_DECLARATION.sub(rb"\1\2utf-8\2", text.lstrip("\ufeff").encode("utf-8"), count=1)
    return repaired, "application/xml; charset=utf-8", bad
