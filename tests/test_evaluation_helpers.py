"""The shared helpers the harness, the benchmarks and the scripts use: one JSONL reader, one percentile rule, one slug rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.assistant import Assistant
from evaluation.run import Case, Report
from evaluation.stats import p95, percentile
from ingest import read_jsonl, slug_of


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert p95(values) == 19.0 and percentile(values, 50) == 10.0 and percentile(values, 100) == 20.0
    assert p95([3.0]) == 3.0 and p95(reversed(values)) == 19.0
    with pytest.raises(ValueError):
        p95([])


def test_read_jsonl_skips_blank_lines_and_names_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text('{"a": 1}\n\n  \n{"b": "é"}\n', encoding="utf-8")
    assert read_jsonl(good) == [{"a": 1}, {"b": "é"}]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError):
        read_jsonl(bad)


def test_slug_is_the_last_path_segment() -> None:
    assert slug_of("https://softrebootwellness.com/ketamine-therapy-ptsd-menlo-park/") == "ketamine-therapy-ptsd-menlo-park"
    assert slug_of("https://clinic.test/a/b?x=1#top") == "b" and slug_of("https://clinic.test/") == "clinic.test"


def test_the_harness_reports_referrals_beside_the_strict_refusal_count(assistant: Assistant) -> None:
    # two unanswerable questions: one refused, one referred as medical advice (no passage quoted)
    rows = [
        {"id": "a", "question": "is there parking at your office", "expect": "not_found"},
        {"id": "b", "question": "I have afib, can I still get ketamine", "expect": "not_found"},
        {"id": "c", "question": "How many infusions will I need?", "expect": "answered", "facts": ["four to six"]},
    ]
    cases = [Case(r, assistant.ask(r["question"])) for r in rows]
    assert [c.answer.route for c in cases] == ["not_found", "medical_advice", "answered"]
    lines: list[str] = []
    Report(cases, lines.append).answers()
    text = "\n".join(lines)
    assert "abstention: recall 0.500 (2 should abstain)" in text
    assert "counting a medical-advice referral that quotes no passage: 2/2 = 1.000" in text
    assert "fact in the answer text: 1/1" in text
