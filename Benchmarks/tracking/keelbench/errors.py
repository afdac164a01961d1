"""Thread-safe collection of failed requests.

A benchmark that silently drops failures would report a fast server that is
actually rejecting work, so every phase counts failures per endpoint and keeps
the first few verbatim (endpoint, status, response, payload excerpt).
"""

from __future__ import annotations

import threading
from collections import Counter

from .http_client import RequestFailed


class ErrorLog:
    def __init__(self, keep: int = 5, abort_after: int = 200):
        self.counts: Counter[str] = Counter()
        self.examples: list[dict] = []
        self.keep = keep
        self.abort_after = abort_after
        self._lock = threading.Lock()

    def record(self, phase: str, failure: RequestFailed) -> None:
        with self._lock:
            self.counts[f"{phase}: {failure.method} {failure.endpoint} -> {failure.status}"] += 1
            if len(self.examples) < self.keep:
                self.examples.append({"phase": phase, **failure.as_dict()})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def too_many(self) -> bool:
        """Writers stop once a server is clearly failing, rather than hammering it for minutes."""
        return self.total >= self.abort_after

    def as_dict(self) -> dict:
        return {"total": self.total, "by_endpoint": dict(self.counts), "examples": self.examples}
