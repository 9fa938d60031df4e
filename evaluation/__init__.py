"""The evaluation harness: runs labelled question sets through the product and scores it. It depends on the
product (`chatbot`, `index`, `ingest`, `conversations`, wired by `cli`); nothing in the product imports it.

    python -m evaluation FILE [FILE ...]          # run.py: retrieval, answers, routes, safety, envelope, baselines
    python -m evaluation.redaction FILE [FILE ...]  # redaction.py: a redactor's recall and over-redaction

The question sets themselves are data, under eval/ (format: eval/shared/README.md). `baselines` (LangChain) and
`redaction` are not imported here: the first needs the optional langchain packages, the second runs as a module.
"""

from evaluation.generation import compare_generation, unsupported_sentences
from evaluation.run import Case, Report, envelope_ok, fact_found, load_rows, main, ranks_of_posts, retrieval_metrics, run, safety_ok
from evaluation.stats import p95, percentile

__all__ = [
    "Case",
    "Report",
    "compare_generation",
    "envelope_ok",
    "fact_found",
    "load_rows",
    "main",
    "p95",
    "percentile",
    "ranks_of_posts",
    "retrieval_metrics",
    "run",
    "safety_ok",
    "unsupported_sentences",
]
