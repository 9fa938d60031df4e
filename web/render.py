"""HTML for the patient chat. Every piece of text from the feed or from a person is escaped —
including markdown syntax, so that a "[link](javascript:...)" in a post or a message stays text.
The only links rendered are our own: citations to the clinic's posts and the phone/text lines."""

from __future__ import annotations

import html
import re

from chatbot.safety import messages as m
from chatbot.safety.envelope import Envelope, citation_label
from chatbot.types import Answer

# HTML specials, and the characters markdown (or its autolinker) would act on, as entities: the chat renders markdown
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()*_`#|~!:\\{}"})
_CITATION_MARK = re.compile(r"\s*\[(\d+)\]")


def esc(text: str) -> str:
    """Text as inert HTML: entities for HTML and markdown specials, newlines as <br>."""
    return text.translate(_INERT).replace("\n", "<br>")


def _attr(url: str) -> str:
    return html.escape(url, quote=True)


def _safe_url(url: str) -> str:
    return url if re.match(r"^https?://[^\s\"'<>]+$", url) else "#"


def _linked_lines(text: str) -> str:
    """Our crisis and contact numbers as tap-to-call/text links (the text itself is escaped first)."""
    out = esc(text)
    out = re.sub(r"\b(call or text|Call or text) 988\b", r'\1 <a href="tel:988">988</a>', out)
    out = re.sub(r"\bcall 911\b", 'call <a href="tel:911">911</a>', out)
    out = re.sub(r"\b([Tt]ext HOME to) 741741", r'\1 <a href="sms:741741?body=HOME">741741</a>', out)
    out = out.replace(m.CLINIC_PHONE, f'<a href="tel:+1{m.CLINIC_PHONE.replace("-", "")}">{m.CLINIC_PHONE}</a>')
    return out.replace(esc(m.CLINIC_EMAIL), f'<a href="mailto:{m.CLINIC_EMAIL}">{esc(m.CLINIC_EMAIL)}</a>')


def crisis_card_html(full: bool, short: str = m.CRISIS_CARD_SHORT) -> str:
    """The full crisis card, or the short one (`short`: its text, 988 first, with the turn's caring line)."""
    if not full:
        return f'<div class="sr-crisis sr-crisis-short" role="alert"><strong>{_linked_lines(short)}</strong></div>'
    items = "".join(f"<li>{_linked_lines(line)}</li>" for line in m.CRISIS_CARD_LINES)
    return (
        '<div class="sr-crisis" role="alert" aria-live="assertive">'
        f'<p class="sr-crisis-title"><strong>{esc(m.CRISIS_CARD_TITLE)}</strong></p>'
        f"<ul>{items}</ul><p>{_linked_lines(m.CRISIS_CARD_CARE)}</p><p>{_linked_lines(m.CRISIS_CARD_NOT_EMERGENCY)}</p></div>"
    )


def body_html(body: str, envelope: Envelope) -> str:
    """The answer text, escaped, with each [n] made a superscript link to its source."""
    urls = [c.url for c in envelope.citations]
    parts, last = [], 0
    for match in _CITATION_MARK.finditer(body):
        parts.append(_linked_lines(body[last : match.start()]))
        n = int(match.group(1))
        if 1 <= n <= len(urls):
            parts.append(f'<sup><a href="{_attr(_safe_url(urls[n - 1]))}" target="_blank" rel="noopener noreferrer">[{n}]</a></sup>')
        last = match.end()
    parts.append(_linked_lines(body[last:]))
    return "".join(parts)


def answer_html(answer: Answer, body: str | None = None) -> str:
    """The whole reply: crisis card first, body, numbered sources, then the disclaimer (always).
    `body` lets the chat stream a reply: the envelope is complete from the first frame."""
    envelope = answer.envelope
    assert envelope is not None, "answers are always wrapped"
    out = ['<div class="sr-reply">']
    card = crisis_card_html(envelope.full_card, envelope.crisis_card) if envelope.crisis_card else ""
    text = envelope.body if body is None else body
    body_part = f'<div class="sr-body">{body_html(text, envelope)}</div>' if text else ""
    out += [body_part, card] if envelope.emergency_first else [card, body_part]  # an emergency's 911 card comes first
    if envelope.citations:
        links = "".join(
            f'<li><a href="{_attr(_safe_url(c.url))}" target="_blank" rel="noopener noreferrer">{esc(citation_label(c))}</a></li>' for c in envelope.citations
        )
        out.append(f'<div class="sr-sources"><span>{esc(m.SOURCES_HEADING)}</span><ol>{links}</ol></div>')
    out.append(f'<p class="sr-disclaimer">{_linked_lines(envelope.disclaimer)}</p></div>')
    return "".join(out)


def user_html(text: str) -> str:
    return f'<div class="sr-user">{esc(text)}</div>'


def talk_to_person_html() -> str:
    return (
        f'<div class="sr-reply"><div class="sr-body">{_linked_lines(m.TALK_TO_A_PERSON)}</div><p class="sr-disclaimer">{_linked_lines(m.DISCLAIMER)}</p></div>'
    )


CSS = """
.sr-crisis { border: 3px solid #b00020; background: #fff4f4; color: #3d0008; border-radius: 10px; padding: 12px 14px; margin: 0 0 10px; }
.sr-crisis-short { padding: 8px 12px; }
.sr-crisis-title { font-size: 1.1em; margin: 0 0 6px; }
.sr-crisis a, .sr-disclaimer a, .sr-body a { color: #0b57d0; text-decoration: underline; }
.sr-crisis ul { margin: 4px 0 8px 18px; padding: 0; }
.sr-sources { font-size: 0.92em; margin-top: 8px; }
.sr-sources ol { margin: 4px 0 0 18px; padding: 0; }
.sr-disclaimer { font-size: 0.82em; color: #3c3c3c; border-top: 1px solid #d0d0d0; margin-top: 10px; padding-top: 6px; }
#sr-crisis-banner .sr-crisis { position: sticky; top: 0; z-index: 5; }
.sr-header h1 { font-size: 1.3em; margin: 0; }
.sr-header p { margin: 2px 0 0; font-size: 0.9em; color: #3c3c3c; }
@media (max-width: 480px) { .gradio-container { padding: 4px !important; } .sr-disclaimer { font-size: 0.8em; } }
"""
