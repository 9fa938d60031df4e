"""The `ask` contract from the command line: --json, --jsonl streaming, and a first run without an index."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.slow  # every test here runs app.py (or the harness) as a process

FIELDS = {"id", "question", "route", "answer", "citations", "disclaimer", "disclaimer_full", "crisis_resources", "latency_ms"}


def run_app(*args: str, stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *args], cwd=PROJECT, input=stdin, capture_output=True, text=True, timeout=timeout)


def test_ask_json_prints_the_contract(sample_copy: Path) -> None:
    proc = run_app("ask", "--data-dir", str(sample_copy), "--json", "What is the integration window?")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == FIELDS
    assert data["route"] == "answered" and data["disclaimer"] in data["answer"] and data["crisis_resources"] is False
    assert set(data["citations"][0]) == {"url", "title", "section", "snippet", "score"}
    assert isinstance(data["latency_ms"], float)


def test_ask_text_prints_the_reply_with_its_envelope(sample_copy: Path) -> None:
    proc = run_app("ask", "--data-dir", str(sample_copy), "I want to end it all")
    assert proc.returncode == 0
    assert proc.stdout.startswith("You're not alone") and "988" in proc.stdout and "650-419-3330" in proc.stdout


def test_jsonl_streams_one_line_per_input_in_order_and_survives_bad_lines(sample_copy: Path, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "1", "question": "What is SGB?"}),
        "{not json",
        json.dumps({"id": "3", "question": 42}),
        json.dumps({"id": "4", "question": "how long does the effect last?", "history": [{"role": "user", "content": "How does ketamine help depression?"}]}),
        json.dumps({"id": "5", "question": "kms"}),
        json.dumps(["a", "list"]),
    ]
    source = tmp_path / "questions.jsonl"
    source.write_text("\n".join(lines) + "\n")
    proc = run_app("ask", "--data-dir", str(sample_copy), "--jsonl", str(source))
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 6
    assert [o["route"] for o in out] == ["answered", "invalid_input", "invalid_input", "answered", "crisis", "invalid_input"]
    assert [o["id"] for o in out] == ["1", None, "3", "4", "5", None]
    assert all(o["disclaimer"] in o["answer"] for o in out)


def test_ask_without_an_index_builds_the_sample_first(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    proc = run_app("ask", "--data-dir", str(data_dir), "--json", "Do I need someone to drive me home?")
    assert proc.returncode == 0, proc.stderr
    assert "building one from the bundled sample feed first" in proc.stderr
    assert json.loads(proc.stdout)["route"] == "answered"
    assert (data_dir / "index" / "CURRENT").is_file()
    shutil.rmtree(data_dir)


def test_eval_harness_prints_every_metric_and_both_baselines(sample_copy: Path) -> None:
    shared = PROJECT / "eval" / "shared"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaluation",
            str(shared / "dev-qa.jsonl"),
            str(shared / "dev-abstain.jsonl"),
            str(shared / "dev-safety.jsonl"),
            "--data-dir",
            str(sample_copy),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    for needle in (
        "hit@1",
        "hit@3",
        "MRR",
        "BM25 alone",
        "LangChain FAISS",
        "fact in the answer text",
        "abstention: recall",
        "crisis recall",
        "false crisis takeovers",
        "latency ms: p50",
    ):
        assert needle in proc.stdout, needle


def test_hash_password_prints_a_hash_that_verifies() -> None:
    from web.auth import StaffCredentials

    proc = run_app("hash-password", stdin="correct horse battery\n", timeout=60)
    assert proc.returncode == 0, proc.stderr
    digest = proc.stdout.strip().splitlines()[-1]
    credentials = StaffCredentials("staff", digest)
    assert credentials.check("staff", "correct horse battery") and not credentials.check("staff", "wrong")
