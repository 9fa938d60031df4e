"""Text from the feed and from people is escaped; only our own citation and phone links are links."""

from __future__ import annotations

from chatbot.assistant import Assistant
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


def test_a_full_disclaimer_carried_apart_is_one_click_away(assistant: Assistant) -> None:
    """Item 5's short envelope: when an answer carries the full disclaimer apart from the short one it shows, the
    chat puts it behind "About this assistant"; when it does not, the reply is rendered as it is."""
    import dataclasses

    answer = assistant.ask("What is SGB?")
    assert "<details" not in answer_html(answer)

    @dataclasses.dataclass(frozen=True)
    class ShortEnvelope(type(answer.envelope)):  # type: ignore[misc]
        full_disclaimer: str = ""

    fields = {f.name: getattr(answer.envelope, f.name) for f in dataclasses.fields(answer.envelope)}
    short = dataclasses.replace(answer, envelope=ShortEnvelope(**fields, full_disclaimer="The whole disclaimer <b>here</b>."))
    html = answer_html(short)
    assert '<details class="sr-about"><summary>About this assistant</summary>' in html and "The whole disclaimer &#60;b&#62;here" in html
