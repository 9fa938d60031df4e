"""What the staff console says, without a browser: plain words from real answers, content gaps from stored
turns (grouped by the real embedding model), and re-ingest progress in named stages with counts."""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

from chatbot.assistant import Assistant
from conversations import Turn
from index import Embedder, IndexStore, IngestOptions, run_ingest
from tests import feeds
from web.staff_views import cluster, explain_html, gap_rows, gaps_csv_link, gaps_of, progress_text


def test_an_answer_is_explained_in_plain_words_and_feed_text_stays_text(assistant: Assistant) -> None:
    html = explain_html(assistant.ask("What is stellate ganglion block?"))
    assert "Answered from the clinic" in html and "How sure" in html and "Articles it used" in html
    assert html.index("<details") > html.index("How sure")  # the raw numbers come last, folded
    declined = explain_html(assistant.ask("Do you take Blue Shield of Alaska insurance?"))
    assert "Declined" in declined
    assert "<script" not in explain_html(assistant.ask("<script>alert(1)</script> what is KAP?"))


def _turns() -> list[Turn]:
    return [
        Turn("a", "Do you take Aetna insurance?", "", "not_found"),
        Turn("b", "does aetna cover ketamine infusions", "", "not_found"),
        Turn("c", "Is Aetna accepted for SGB?", "", "answered", feedback=-1, top_score=1.0),
        Turn("d", "how much is parking near the office", "", "answered", top_score=-2.5),
        Turn("e", "What is KAP?", "", "answered", top_score=5.3),  # confident, not flagged
        Turn("f", "i want to die", "", "crisis", crisis=True),  # never a content gap
        Turn("g", "hi", "", "social"),
    ]


def test_content_gaps_are_declined_unhelpful_and_low_confidence_turns_grouped(embedder: Embedder) -> None:
    gaps = gaps_of(_turns())
    assert [(g.question, g.why) for g in gaps] == [
        ("Do you take Aetna insurance?", "declined"),
        ("does aetna cover ketamine infusions", "declined"),
        ("Is Aetna accepted for SGB?", "marked unhelpful"),
        ("how much is parking near the office", "low confidence"),
    ]
    groups = cluster(gaps, embedder.encode([g.question for g in gaps]), threshold=0.5)
    rows = gap_rows(groups)
    assert rows[0][0] >= 2 and "aetna" in rows[0][4].lower()  # the insurance questions form the largest group
    assert sum(r[0] for r in rows) == 4 and sum(r[1] for r in rows) == 2
    link = gaps_csv_link(groups)
    data = base64.b64decode(link.split("base64,", 1)[1].split('"', 1)[0]).decode("utf-8")
    lines = list(csv.reader(io.StringIO(data)))
    assert lines[0][:4] == ["group", "group size", "why", "question"] and len(lines) == 5


def test_a_reingest_reports_named_stages_with_counts(embedder: Embedder, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feeds.rss(feeds.item("parking", topic="Parking and directions"), feeds.item("hours", topic="Opening hours")))
    seen: list[tuple[str, int, int]] = []
    run_ingest([str(feed)], IndexStore(tmp_path / "data"), embedder, IngestOptions(), lambda *step: seen.append(step))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "reading the sources" and "chunking" in stages and stages[-1] == "publishing"
    embedding = [(done, total) for s, done, total in seen if s == "embedding"]
    assert embedding and embedding[-1][0] == embedding[-1][1] > 0  # texts embedded of the total
    reading = [(done, total) for s, done, total in seen if s == "reading the sources"]
    assert reading[-1] == (2, 2)  # both posts read, of the two entries the file holds
    assert progress_text("embedding", 256, 747) == "Reading new and changed passages: 256 of 747 texts"
    assert progress_text("reading the sources", 245, 1050) == "Fetching the articles: 245 of 1,050 posts"
    assert progress_text("reading the sources", 245, 0) == "Fetching the articles: 245 posts so far"
    assert progress_text("reading the sources", 0, 0) == "Fetching the articles…"
