"""WordPress shortcodes that leak into feeds: drop the tags, keep the text they wrap.

WordPress expands shortcodes when it renders a page, but feeds, page builders (WPBakery `vc_*`, Divi `et_pb_*`,
Avada `fusion_*`, Elementor leftovers) and migrations leave them raw in the content. A reader of the page never
sees `[caption id="attachment_512" width="300"]`; they see the caption text. The grammar follows WordPress's own
`get_shortcode_regex()`: `[name attrs]`, `[name attrs /]`, `[/name]`, `[[name]]` (escaped: shown literally), with
attribute values in double, single or (after wptexturize) curly quotes, which may contain `]`.
"""

from __future__ import annotations

import re

# Core shortcodes, and page builders' prefixes: a tag with one of these names is a shortcode even without attributes.
_KNOWN = {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist", "contact-form-7", "elementor-template"}
_PREFIXES = ("vc_", "et_pb_", "fusion_", "elementor", "av_", "cs_", "x_", "su_", "wpforms", "fl_builder", "themify_", "tb_")
# Their content is a media URL or an ID, not something a reader sees as text.
_MEDIA = {"embed", "audio", "video", "playlist", "gallery"}

_QUOTED = r'"[^"]*"|\'[^\']*\'|“[^”]*”|”[^”]*”|″[^″]*″|′[^′]*′'
_ATTRS = rf"(?:{_QUOTED}|[^\]\[\"'“”″′])*"
# group 1: "[" if escaped, 2: "/" if closing, 3: name, 4: attributes, 5: "/" if self-closing, 6: "]" if escaped
_TAG = re.compile(rf"(\[?)\[(/?)([A-Za-z][\w-]*)((?:\s{_ATTRS})?)\s*(/?)\](\]?)")


def _is_shortcode(name: str, attrs: str, closing: str, self_closing: str, closed_names: set[str]) -> bool:
    lowered = name.lower()
    if lowered in _KNOWN or lowered.startswith(_PREFIXES):
        return True
    # "[sic]" or "[note]" in prose is not a shortcode; anything with attributes, a slash or a closing tag is.
    return bool("=" in attrs or closing or self_closing or lowered in closed_names)


def closing_names(text: str) -> set[str]:
    """Names that appear as closing tags `[/name]` anywhere in `text` (lower case)."""
    return {m.group(3).lower() for m in _TAG.finditer(text) if m.group(2)}


def strip_shortcodes(text: str, closed_names: set[str] | None = None) -> str:
    """`text` without shortcode tags; the text between an opening and a closing tag is kept, except for media
    shortcodes (`[embed]URL[/embed]`), whose content is dropped. `closed_names` (from `closing_names` over the
    whole document) lets a tag opened in one text node and closed in another be recognised."""
    closed = closing_names(text) | (closed_names or set())
    text = _drop_media(text)

    def replace(m: re.Match[str]) -> str:
        escaped_open, closing, name, attrs, self_closing, escaped_close = m.groups()
        if escaped_open and escaped_close:
            return m.group(0)[1:-1]  # [[caption]] is how WordPress writes a literal [caption]
        if not _is_shortcode(name, attrs, closing, self_closing, closed):
            return m.group(0)
        return f"{escaped_open}{escaped_close}"

    return _TAG.sub(replace, text)


_MEDIA_PAIR = re.compile(rf"\[({'|'.join(sorted(_MEDIA))})\b(?:\s{_ATTRS})?\](.*?)\[/\1\]", re.S | re.I)


def _drop_media(text: str) -> str:
    return _MEDIA_PAIR.sub(" ", text)
