"""Build small RSS/Atom documents for tests."""

from __future__ import annotations

from html import escape

SECTION_HTML = """<p>Intro paragraph about {topic}. It explains the basics in plain words.</p>
<h2>How {topic} works</h2>
<p>{topic} works through a careful clinical process. Dr. Herman monitors every session closely.</p>
<h2>Frequently Asked Questions</h2>
<p><strong>Is {topic} safe?</strong> In most cases {topic} is well tolerated under supervision.</p>
<h2>Key Takeaways</h2>
<ul><li>{topic} is supervised.</li><li>Results vary.</li></ul>
<h2>References</h2>
<ol><li>Mayo Clinic. About {topic}. <a href="https://example.org/{slug}">https://example.org/{slug}</a></li></ol>
<p><em><strong>Medical Disclaimer:</strong> educational only.</em></p>
<p>The post <a href="https://clinic.test/{slug}/">{topic}</a> appeared first on <a href="https://clinic.test">Clinic</a>.</p>"""


def item(slug: str, topic: str | None = None, html: str | None = None, guid: str | None = None, title: str | None = None) -> str:
    topic = topic or slug.replace("-", " ")
    body = html if html is not None else SECTION_HTML.format(topic=topic, slug=slug)
    return (
        f"<item><title>{escape(title if title is not None else topic.title())}</title>"
        f"<link>https://clinic.test/{slug}/</link>"
        f'<guid isPermaLink="false">{escape(guid or "https://clinic.test/?p=" + slug)}</guid>'
        "<pubDate>Wed, 13 May 2026 04:00:00 +0000</pubDate>"
        "<dc:creator><![CDATA[Dr. Sara Herman, MD]]></dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def rss(*items: str, generator: str = "https://wordpress.org/?v=7.0") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Clinic</title><link>https://clinic.test/</link><description>d</description>"
        f"<generator>{generator}</generator>{''.join(items)}</channel></rss>"
    ).encode()


def atom(*entries: tuple[str, str]) -> bytes:
    body = "".join(
        f'<entry><title>{escape(t)}</title><link href="https://clinic.test/{escape(t.lower().replace(" ", "-"))}/"/>'
        f"<id>urn:{escape(t)}</id><updated>2026-05-13T04:00:00Z</updated>"
        f'<content type="html">{escape(html)}</content></entry>'
        for t, html in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Clinic</title><id>urn:clinic</id><updated>2026-05-13T04:00:00Z</updated>{body}</feed>"
    ).encode()
