"""Text from the feed and from people is escaped; only our own citation and phone links are links."""

from __future__ import annotations

from chatbot.assistant import Assistant
from chatbot.safety import messages as m
from web.render import answer_html, esc, user_html

TRICKS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    "<a href='https://evil.test'>prize</a>",
    "![img](https://evil.test/x.png)",
    "https://evil.test/autolink",
]


def test_tricks_are_inert_text() -> None:
    for trick in TRICKS:
        html = esc(trick)
        assert "<" not in html and "](" not in html and "://" not in html


def test_user_messages_are_escaped() -> None:
    html = user_html(TRICKS[1])
    assert "<img" not in html and "&#60;img" in html


def test_only_citation_and_contact_links_are_rendered(assistant: Assistant) -> None:
    answer = assistant.ask("What is SGB?")
    html = answer_html(answer)
    hrefs = set(__import__("re").findall(r'href="([^"]+)"', html))
    allowed_prefixes = ("https://softrebootwellness.com/", "tel:", "sms:", "mailto:hello@softrebootwellness.com")
    assert hrefs and all(h.startswith(allowed_prefixes) for h in hrefs)
    assert 'class="sr-disclaimer"' in html and "automated assistant" in html


def test_every_reply_has_the_full_disclaimer_one_click_away(assistant: Assistant) -> None:
    """Item 5's short envelope: the standing disclaimer is short, the full one is behind "About this assistant" in
    every reply the chat shows (answers, refusals, the crisis card), escaped."""
    for question in ("What is SGB?", "Do you take Aetna insurance?", "i want to end my life"):
        answer = assistant.ask(question)
        html = answer_html(answer)
        assert '<details class="sr-about"><summary>About this assistant</summary>' in html, question
        assert esc(m.MEDICAL_DISCLAIMER_FULL) in html and esc(answer.envelope.disclaimer) in html
