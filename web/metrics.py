"""Prometheus metrics (/metrics): requests, latency, routes, crisis referrals, the served index version.
Each app gets its own registry, so tests can build several apps in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from chatbot.types import Answer


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.replies = Counter("faq_replies", "Replies by surface and route", ["surface", "route"], registry=self.registry)
        self.crisis = Counter("faq_crisis_referrals", "Replies that carried the full crisis card", registry=self.registry)
        self.latency = Histogram(
            "faq_answer_seconds",
            "Time to answer (model and index already loaded)",
            ["surface"],
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
            registry=self.registry,
        )
        self.index_info = Gauge("faq_index_info", "The served index version (value 1)", ["version"], registry=self.registry)
        self.store_buffered = Gauge("faq_store_buffered_writes", "Conversation writes waiting for the database", registry=self.registry)
        self._version = ""

    def observe(self, surface: str, answer: Answer) -> None:
        self.replies.labels(surface, answer.route).inc()
        self.latency.labels(surface).observe(answer.latency_ms / 1000)
        if answer.route == "crisis":
            self.crisis.inc()

    def set_index(self, version: str) -> None:
        if version != self._version:
            if self._version:
                self.index_info.remove(self._version)
            self.index_info.labels(version).set(1)
            self._version = version

    def render(self) -> bytes:
        return generate_latest(self.registry)
