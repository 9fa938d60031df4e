"""The shared helpers the harness, the benchmarks and the scripts use: one JSONL reader, one percentile rule, one slug rule."""

from __future__ import annotations

from pathlib import Path

import pytest

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
