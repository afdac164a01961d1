"""What a user waits for on each server when opening a view, and how to read what came back.

Keel renders every view on the server: one GET returns the whole HTML page (query + render).
MLflow's UI is a single-page app: the wait is for the JSON calls it makes, which are sent here
as the app sends them (same routes under ``/ajax-api/``, 100 runs per table page, calls it
issues at once sent concurrently). MLflow's own rendering in the browser is not counted.

Each view method only does HTTP and returns the raw bodies, so the timed window holds no
client-side parsing; the ``parse_*``/``check_*`` methods read them afterwards.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections import Counter
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from .client import Browser, Client
from .dataset import Run

PAGE_SIZE = 100
REST_MAX_RESULTS = 50_000  # the most runs one search page may hold (MLflow's limit, and Keel's)
_RUN_CHECKBOX = re.compile(r'<input type="checkbox" name="runs" value="([^"]+)"')
_NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


def offset_token(offset: int) -> str:
    """The page token both servers hand out for the page starting at ``offset``: base64 of ``{"offset": N}``."""
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def token_at(sample: str, offset: int) -> str:
    """A token for a deep page, once ``sample`` (a server's own token for page 2) shows the format.

    A user reaches a deep page only by following links; for a server whose tokens are plain
    offsets (MLflow) the crafted token is the one that walk would end with. It refuses a token
    of any other format rather than guess.
    """
    decoded = json.loads(base64.b64decode(sample))
    if decoded != {"offset": PAGE_SIZE}:
        raise ValueError(f"unexpected page token format: {sample!r} decodes to {decoded!r}")
    return offset_token(offset)


class KeelViews:
    """Keel's server-rendered pages under ``/ui/``."""

    label = "keel"

    def __init__(self, url: str, experiment_id: str, timeout: float):
        self.client = Client(url, timeout)
        self.experiment_id = experiment_id

    def runs_page(self, order: str | None, filter_text: str | None, token: str | None = None) -> bytes:
        query: dict[str, str | int] = {"size": PAGE_SIZE}
        if order:
            query["order"] = order
        if filter_text:
            query["filter"] = filter_text
        if token:  # what the "Next page" link carries: the token and the first row's number
            query["page"] = token
            query["n"] = json.loads(base64.b64decode(token))["offset"] + 1
        return self.client.get(f"/ui/experiments/{self.experiment_id}?{urlencode(query)}").body

    def deep_token(self, order: str | None, filter_text: str | None, offset: int) -> str:
        """Keel's own token for the page starting at ``offset``, the one following links hands out.

        Keel's tokens carry the previous page's last sort key as well as the offset, so they
        cannot be crafted; they depend only on where the previous page ended, not on its size.
        So the walk is made over the REST search (the same query the table runs) in the
        largest pages it allows, instead of 899 table pages.
        """
        token = None
        remaining = offset
        while remaining:
            size = min(remaining, REST_MAX_RESULTS)
            payload: dict = {"experiment_ids": [self.experiment_id], "max_results": size,
                             "order_by": [order] if order else [], "run_view_type": "ACTIVE_ONLY"}
            if filter_text:
                payload["filter"] = filter_text
            if token:
                payload["page_token"] = token
            token = json.loads(self.client.post_json("/api/2.0/mlflow/runs/search", payload).body)["next_page_token"]
            remaining -= size
        if json.loads(base64.b64decode(token))["offset"] != offset:
            raise ValueError(f"Keel's token after {offset:,} runs names another offset: {token!r}")
        return token

    def run_page(self, run_id: str) -> bytes:
        return self.client.get(f"/ui/runs/{run_id}").body

    def compare(self, run_ids: list[str]) -> bytes:
        return self.client.get("/ui/compare?" + urlencode([("runs", run_id) for run_id in run_ids])).body

    @staticmethod
    def parse_table(body: bytes) -> tuple[list[str], str | None]:
        """The run IDs of the table's rows (its compare checkboxes) and the next link's page token."""
        text = body.decode()
        link = _NEXT_LINK.search(text)
        token = parse_qs(urlsplit(html.unescape(link.group(1))).query)["page"][0] if link else None
        return _RUN_CHECKBOX.findall(text), token

    @staticmethod
    def check_run_page(body: bytes, run: Run) -> bool:
        """The page names the run and charts its two multi-step metrics (f1 has one point: no chart)."""
        text = body.decode()
        return run.run_id in text and 'aria-label="loss"' in text and 'aria-label="accuracy"' in text

    @staticmethod
    def check_compare(body: bytes, runs: list[Run]) -> bool:
        """Every run is a column, and each metric has its overlaid chart."""
        text = body.decode()
        return (all(f"/ui/runs/{run.run_id}" in text for run in runs)
                and all(f'aria-label="{key}"' in text for key in ("loss", "accuracy", "f1")))

    def close(self) -> None:
        self.client.close()


class MlflowViews:
    """The JSON calls MLflow's UI makes for the same views."""

    label = "mlflow"
    API = "/ajax-api/2.0/mlflow"
    DEFAULT_ORDER = "attributes.start_time DESC"  # the runs table's default sort in MLflow's UI

    def __init__(self, url: str, experiment_id: str, timeout: float):
        self.client = Client(url, timeout)
        self.browser = Browser(url, timeout)
        self.experiment_id = experiment_id

    def runs_page(self, order: str | None, filter_text: str | None, token: str | None = None) -> bytes:
        payload = {"experiment_ids": [self.experiment_id], "max_results": PAGE_SIZE,
                   "order_by": [order or self.DEFAULT_ORDER], "run_view_type": "ACTIVE_ONLY"}
        if filter_text:
            payload["filter"] = filter_text
        if token:
            payload["page_token"] = token
        return self.client.post_json(f"{self.API}/runs/search", payload).body

    def deep_token(self, order: str | None, filter_text: str | None, offset: int) -> str:
        """MLflow's tokens are plain offsets: its page-2 token shows the format, then it is crafted."""
        return token_at(self.parse_table(self.runs_page(order, filter_text))[1], offset)

    def run_page(self, run_id: str) -> list[bytes]:
        """``runs/get``, then ``metrics/get-history`` for each of its metrics, at once."""
        run = self.client.get(f"{self.API}/runs/get?run_id={run_id}").body
        keys = [metric["key"] for metric in json.loads(run)["run"]["data"].get("metrics", [])]
        return self.browser.get_all([self._history(run_id, key) for key in keys])

    def compare(self, run_ids: list[str]) -> list[bytes]:
        """``runs/get`` for each run, then ``metrics/get-history`` for each run and metric."""
        runs = self.browser.get_all([f"{self.API}/runs/get?run_id={run_id}" for run_id in run_ids])
        paths = [self._history(json.loads(run)["run"]["info"]["run_id"], metric["key"])
                 for run in runs for metric in json.loads(run)["run"]["data"].get("metrics", [])]
        return self.browser.get_all(paths)

    def compare_sampled(self, run_ids: list[str]) -> list[bytes]:
        """``runs/get`` for each run, then one ``metrics/get-history-bulk-interval`` per metric.

        The sampled variant MLflow's chart components use (``useSampledMetricHistory``, up to
        100 runs per call, 320 points), so fewer calls than ``compare``.
        """
        runs = self.browser.get_all([f"{self.API}/runs/get?run_id={run_id}" for run_id in run_ids])
        keys = sorted({metric["key"] for run in runs for metric in json.loads(run)["run"]["data"].get("metrics", [])})
        return self.browser.get_all([
            f"{self.API}/metrics/get-history-bulk-interval?"
            + urlencode([("run_ids", run_id) for run_id in run_ids] + [("metric_key", key), ("max_results", 320)])
            for key in keys])

    def _history(self, run_id: str, key: str) -> str:
        return f"{self.API}/metrics/get-history?run_id={run_id}&metric_key={quote(key)}"

    @staticmethod
    def parse_table(body: bytes) -> tuple[list[str], str | None]:
        answer = json.loads(body)
        return [run["info"]["run_id"] for run in answer.get("runs", [])], answer.get("next_page_token")

    @staticmethod
    def check_run_page(bodies: list[bytes], run: Run) -> bool:
        """Three histories came back, each complete (5, 5 and 1 points)."""
        return _points_per_metric(bodies) == {"loss": 5, "accuracy": 5, "f1": 1}

    @staticmethod
    def check_compare(bodies: list[bytes], runs: list[Run]) -> bool:
        """Every run's three histories came back complete."""
        return _points_per_metric(bodies) == {"loss": 5 * len(runs), "accuracy": 5 * len(runs), "f1": len(runs)}

    def close(self) -> None:
        self.client.close()
        self.browser.close()


def _points_per_metric(bodies: list[bytes]) -> dict[str, int]:
    """Metric key -> points, over get-history or get-history-bulk-interval answers."""
    return dict(Counter(point["key"] for body in bodies for point in json.loads(body).get("metrics", [])))
