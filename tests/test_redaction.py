"""Redaction holds on how patients really write: names in any case and with accents, dates of birth
written out, international phones, SSNs in any spacing, addresses with or without a suffix, insurance
ids; and the clinic's own words are never redacted. Scored on the labelled probe sets
(eval/redaction-dev.jsonl, eval/redaction-blind.jsonl; see evaluation/redaction.py)."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

import pytest

from conversations import BufferedStore, Turn
from conversations.redact import PatternRedactor, PresidioRedactor
from conversations.sql import SqlStore
from evaluation.redaction import evaluate
from ingest import read_jsonl

EVAL = Path(__file__).resolve().parent.parent / "eval"
PROBES = [row for name in ("dev", "blind", "blind2") for row in read_jsonl(EVAL / f"redaction-{name}.jsonl")]


@pytest.fixture(scope="module")
def presidio() -> PresidioRedactor:
    return PresidioRedactor()


def test_probe_set_details_are_caught_and_ordinary_words_kept(presidio: PresidioRedactor) -> None:
    score = evaluate(presidio.redact, PROBES)
    assert score.details >= 100 and score.words >= 1000
    assert score.recall >= 0.99, "\n".join(score.misses)
    assert score.over_redaction <= 0.01, "\n".join(score.over)


def test_no_probe_detail_reaches_the_database_files_or_the_logs(presidio: PresidioRedactor, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = BufferedStore(SqlStore(f"sqlite:///{tmp_path / 'c.db'}"), presidio)
    for row in PROBES:
        store.record_turn(Turn("probe", row["text"], "reply", "answered", id=uuid.uuid4().hex))
    assert store.flush(60)
    store.close()
    # the text the files hold: runs of 6+ printable characters. Decoding the raw bytes whole (4 MB with the WAL, whose
    # frame headers hold random salts and checksums) made "tom" out of random bytes once in a CI run
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir()).decode("utf-8", "replace")
    on_disk = "\n".join(re.findall(r"[^\x00-\x1f\x7f-\x9f\ufffd]{6,}", raw)).lower()
    logs = caplog.text.lower()
    values = [d["value"].lower() for row in PROBES for d in row["details"]]
    leaked = [v for v in values if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", on_disk + "\n" + logs)]
    assert not leaked
    assert "what is sgb and how is it different from kap?" in on_disk  # the ordinary questions are stored as typed


@pytest.mark.parametrize(
    "text",
    [
        "sgb or KAP, which raises BDNF?",
        "WHAT IS SGB",
        "Is the Menlo Park office open on Saturday or Sunday?",
        "can i come monday tuesday or friday",
        "What are Dr. Herman's credentials?",
        "i take lexapro 10 mg and klonopin",
        "I called 650-419-3330 and texted 988",
    ],
)
@pytest.mark.parametrize("redactor", [PresidioRedactor, PatternRedactor], ids=["presidio", "patterns"])
def test_the_clinic_vocabulary_is_never_redacted(redactor: type, text: str, presidio: PresidioRedactor) -> None:
    chosen = presidio if redactor is PresidioRedactor else PatternRedactor()
    assert chosen.redact(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("hola, me llamo ana lucía quispe", "quispe"),
        ("THIS IS DEREK OYELARAN-SMITH", "OYELARAN"),
        ("born the thirty-first of december nineteen sixty", "sixty"),
        ("my medicaid number is 98-776-5543", "5543"),
        ("ssn 555 12 3456", "3456"),
        ("I'm staying at 3 Larkspur, Woodside", "Larkspur"),
    ],
)
def test_patterns_alone_catch_cued_details(text: str, secret: str) -> None:
    """Without the named-entity model (it failed to load) cued names and every pattern still hold."""
    assert secret.lower() not in PatternRedactor().redact(text).lower()
