"""Baselines for the eval harness, on the same index version and embedding model:
BM25 alone over our chunks, and LangChain's default recipe (1,000-character recursive splits of
each whole post, FAISS vector store, top 3)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from chatbot.assistant import Assistant
from index import Embedder
from ingest import Post, slug_of


class EmbedderEmbeddings(Embeddings):
    """Our embedding model behind LangChain's Embeddings interface."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode_one(text).tolist()


def post_text(post: Post) -> str:
    parts = [post.title]
    for section in post.sections:
        parts += [section.heading, *section.paragraphs]
    parts += [f"{f.question}\n{f.answer}" for f in post.faqs]
    parts += list(post.takeaways)
    return "\n\n".join(p for p in parts if p)


def bm25_ranking(assistant: Assistant, question: str) -> list[str]:
    scores = assistant.version.lexical.scores(question)
    rows = np.argsort(-scores)[:10]
    return list(dict.fromkeys(slug_of(assistant.version.chunks[r].url) for r in rows if scores[r] > 0))


def langchain_faiss_rankings(assistant: Assistant, questions: Sequence[str], k: int = 3) -> list[list[str]]:
    from langchain_community.vectorstores import FAISS  # only the baseline needs langchain-community

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = [Document(page_content=post_text(p), metadata={"url": p.url}) for p in assistant.version.posts]
    store = FAISS.from_documents(splitter.split_documents(docs), EmbedderEmbeddings(assistant.embedder))
    return [list(dict.fromkeys(slug_of(d.metadata["url"]) for d in store.similarity_search(q, k=k))) for q in questions]


def baseline_rankings(assistant: Assistant, questions: Sequence[str]) -> dict[str, list[list[str]]]:
    return {
        "BM25 alone": [bm25_ranking(assistant, q) for q in questions],
        "LangChain FAISS (1000 chars, top 3)": langchain_faiss_rankings(assistant, questions),
    }
