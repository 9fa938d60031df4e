"""HTML for the patient chat. Every piece of text from the feed or from a person is escaped —
including markdown syntax, so that a "[link](javascript:...)" in a post or a message stays text.
The only links rendered are our own: citations to the clinic's posts and the phone/text lines."""

from __future__ import annotations

import html
import re

from chatbot.safety import messages as m
from chatbot.types import Answer, Envelope, citation_label

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
    """The crisis card in a reply: the full card on a crisis turn, the short one (`short`: its text, 988 first, with the
    turn's caring line) on every later turn. No role="alert" here: the chat announces a new card once, through its own
    live region (static/chat.js), rather than each time the conversation is re-rendered."""
    if not full:
        return f'<div class="sr-crisis sr-crisis-short"><strong>{_linked_lines(short)}</strong></div>'
    items = "".join(f"<li>{_linked_lines(line)}</li>" for line in m.CRISIS_CARD_LINES)
    return (
        '<div class="sr-crisis">'
        f'<p class="sr-crisis-title"><strong>{esc(m.CRISIS_CARD_TITLE)}</strong></p>'
        f"<ul>{items}</ul><p>{_linked_lines(m.CRISIS_CARD_CARE)}</p><p>{_linked_lines(m.CRISIS_CARD_NOT_EMERGENCY)}</p></div>"
    )


def crisis_banner_html() -> str:
    """The compact banner above the conversation after a crisis turn, for someone who may have just arrived
    there (it does not presume they saw the card). Not a live region: the card in the reply is announced."""
    return f'<div class="sr-crisis sr-crisis-banner"><strong>{_linked_lines(m.CRISIS_BANNER)}</strong></div>'


def body_html(body: str, envelope: Envelope) -> str:
    """The answer text, escaped, with each [n] as a superscript that names its source (the link itself is
    in the numbered sources below: one tab stop per source, not two)."""
    labels = [citation_label(c) for c in envelope.citations]
    parts, last = [], 0
    for match in _CITATION_MARK.finditer(body):
        parts.append(_linked_lines(body[last : match.start()]))
        n = int(match.group(1))
        if 1 <= n <= len(labels):
            parts.append(f'<sup title="{_attr(labels[n - 1])}">[{n}]</sup>')
        last = match.end()
    parts.append(_linked_lines(body[last:]))
    return "".join(parts)


def answer_html(answer: Answer, body: str | None = None) -> str:
    """The whole reply: crisis card first, body, numbered sources, then the disclaimer (always).
    `body` lets the chat stream a reply: the envelope is complete from the first frame."""
    envelope = answer.envelope
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
    out.append(f'<p class="sr-disclaimer">{esc(envelope.disclaimer)}</p>')
    full = envelope.disclaimer_full
    if full and full != envelope.disclaimer:  # a short standing envelope, with the whole text one click away
        out.append(f'<details class="sr-about"><summary>About this assistant</summary><p>{esc(full)}</p></details>')
    out.append("</div>")
    return "".join(out)


def user_html(text: str) -> str:
    return f'<div class="sr-user">{esc(text)}</div>'


def talk_to_person_html() -> str:
    return f'<div class="sr-reply"><div class="sr-body">{_linked_lines(m.TALK_TO_A_PERSON)}</div><p class="sr-disclaimer">{esc(m.DISCLAIMER)}</p></div>'


def contact_line_html() -> str:
    """The page's one set of contact links (the disclaimer in each reply says the same as plain text, so that
    every reply does not add four more tab stops)."""
    phone = f'<a href="tel:+1{m.CLINIC_PHONE.replace("-", "")}">{m.CLINIC_PHONE}</a>'
    email = f'<a href="mailto:{m.CLINIC_EMAIL}">{esc(m.CLINIC_EMAIL)}</a>'
    crisis = 'call or text <a href="tel:988">988</a>, or call <a href="tel:911">911</a>'
    return f'<p class="sr-contact">A person at {esc(m.CLINIC_NAME)}: {phone} · {email}. In crisis: {crisis}.</p>'


def outage_html() -> str:
    """What the chat shows when it cannot reach the server (static/chat.js): the crisis lines and the clinic."""
    return f"<strong>{_linked_lines(m.OUTAGE)}</strong>"


CSS = """
.sr-crisis { border: 3px solid #b00020; background: #fff4f4; color: #3d0008; border-radius: 10px; padding: 12px 14px; margin: 0 0 10px; }
.sr-crisis-short, .sr-crisis-banner { padding: 8px 12px; }
.sr-crisis-title { font-size: 1.1em; margin: 0 0 6px; }
.sr-crisis a, .sr-body a, .sr-sources a, .sr-contact a, .sr-outage a { color: #0842a0 !important; text-decoration: underline; }
.sr-crisis ul { margin: 4px 0 8px 18px; padding: 0; }
.sr-sources { font-size: 0.92em; margin-top: 8px; }
.sr-sources ol { margin: 4px 0 0 18px; padding: 0; }
.sr-disclaimer, .sr-about { font-size: 0.82em; color: #333 !important; border-top: 1px solid #d0d0d0; margin-top: 10px; padding-top: 6px; }
.sr-about { border-top: 0; margin-top: 2px; padding-top: 0; }
.sr-about summary { cursor: pointer; min-height: 24px; }
.sr-header h1 { font-size: 1.3em; margin: 0; }
.sr-header p, .sr-contact { margin: 2px 0 0; font-size: 0.9em; color: #333 !important; }
.sr-visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.sr-outage { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; background: #fff4f4; color: #3d0008; border-bottom: 3px solid #b00020;
  padding: 10px 14px; font-size: 0.95em; }
.sr-outage:empty { display: none; }
.sr-offline .toast-wrap { display: none !important; }  /* Gradio's "busy"/"connection" toasts: the outage bar says it, with the numbers */
/* Gradio's "Error" overlay hides the conversation after a failed send: the outage bar explains instead */
.sr-page [data-testid="status-tracker"]:has(.error) { display: none !important; }
#sr-chat button[aria-label="Clear"] { display: none !important; }
/* Gradio's "0.2s" timer while an answer is on its way: grey on white (3:1) by default */
[data-testid="status-tracker"] .progress-text, [data-testid="status-tracker"] .meta-text,
[data-testid="status-tracker"] .meta-text-center { color: #333 !important; opacity: 1 !important; }
#sr-chat .message-buttons button, #sr-chat .message-buttons .icon-button { min-width: 24px; min-height: 24px; }
#sr-input textarea:focus-visible, #sr-input textarea:focus { outline: 3px solid #1f4e79 !important; outline-offset: 2px; }
.gradio-container a:focus-visible, .gradio-container button:focus-visible,
.gradio-container summary:focus-visible { outline: 3px solid #1f4e79 !important; outline-offset: 2px; }
@media (max-width: 480px) { .gradio-container { padding: 4px !important; } .sr-disclaimer { font-size: 0.8em; } }
/* staff console */
:root, .gradio-container { --button-primary-background-fill: #1f4e79; --button-primary-background-fill-hover: #163a5a; --button-primary-text-color: #fff;
  --button-primary-border-color: #1f4e79; --color-accent: #1f4e79; --color-accent-soft: #e6eef6; }
.st-header { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
.st-header h1 { font-size: 1.4em; margin: 0; }
.st-logout button { padding: 6px 14px; min-height: 32px; border: 1px solid #1f4e79; border-radius: 6px; background: #fff; color: #1f4e79; font-weight: 600; }
.st-passage h3 { font-size: 1em; margin: 10px 0 2px; }
.st-meta { color: #444 !important; font-size: 0.85em; margin: 0; }
.st-raw pre { white-space: pre-wrap; font-size: 0.8em; background: #f6f6f6; color: #111; padding: 8px; }
.st-highlight { border-left: 4px solid #b00020; padding-left: 8px; }
.sr-embedded .sr-header h1 { font-size: 1em; }
.sr-embedded .gradio-container { padding-top: 2px !important; padding-bottom: 2px !important; }
.sr-embedded .gradio-container .gap { gap: 8px !important; }
.sr-embedded .sr-header p, .sr-embedded .sr-contact { font-size: 0.8em; }
"""
