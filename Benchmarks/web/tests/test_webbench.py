"""The parts of the benchmark that decide correctness: expected pages, seeded rows, page parsing, tokens."""

import base64
import json
import sqlite3

import pytest

from webbench.dataset import FILTER, ORDER_BY_ACCURACY, Dataset
from webbench.seed import KEEL_INSERTS, fill
from webbench.views import KeelViews, MlflowViews, token_at


@pytest.fixture(scope="module")
def dataset():
    return Dataset(500)


def test_dataset_is_deterministic_and_orders_have_no_ties(dataset):
    assert [run.run_id for run in Dataset(500).runs] == [run.run_id for run in dataset.runs]
    assert len(set(dataset.by_start_time)) == 500
    accuracies = {run.run_id: run.accuracy[-1] for run in dataset.runs}
    ordered = [accuracies[run_id] for run_id in dataset.expected(ORDER_BY_ACCURACY, None)]
    assert ordered == sorted(ordered, reverse=True)
    assert all(run.model == "tree" and run.accuracy[-1] > 0.5
               for run in dataset.runs if run.run_id in set(dataset.expected(None, FILTER)))


def test_latest_metrics_are_the_last_step(dataset):
    run = dataset.runs[0]
    latest = {key: (value, step) for run_id, key, value, _, step, _ in dataset.latest_metric_rows() if run_id == run.run_id}
    assert latest == {"loss": (run.loss[-1], 4), "accuracy": (run.accuracy[-1], 4), "f1": (run.f1, 0)}


def test_fill_writes_every_row(tmp_path, dataset):
    database = tmp_path / "keel.db"
    connection = sqlite3.connect(database)
    connection.executescript("""
        CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name TEXT, artifact_location TEXT);
        INSERT INTO experiments VALUES (1, 'web-bench', 'mlflow-artifacts:/1');
        CREATE TABLE runs (run_uuid TEXT PRIMARY KEY, experiment_id, name, user_id, status, start_time, end_time,
                           lifecycle_stage, artifact_uri);
        CREATE TABLE params (run_uuid, key, value);
        CREATE TABLE tags (run_uuid, key, value);
        CREATE TABLE metrics (run_uuid, key, value, timestamp, step, is_nan);
        CREATE TABLE latest_metrics (run_uuid, key, value, timestamp, step, is_nan);
    """)
    connection.close()
    experiment_id, counts = fill(database, dataset, KEEL_INSERTS)
    assert experiment_id == "1"
    assert counts == {"runs": 500, "params": 2000, "tags": 1500, "metrics": 5500, "latest_metrics": 1500}


def test_keel_table_parsing_reads_rows_and_next_token():
    token = base64.b64encode(b'{"offset": 100}').decode()
    page = (f'<tr><td><label><input type="checkbox" name="runs" value="aa"></label></td></tr>'
            f'<tr><td><label><input type="checkbox" name="runs" value="bb"></label></td></tr>'
            f'<a href="/ui/experiments/1?page={token.replace("=", "%3D")}&amp;n=101" rel="next">Next page</a>')
    assert KeelViews.parse_table(page.encode()) == (["aa", "bb"], token)
    assert KeelViews.parse_table(b"<p>No runs match.</p>") == ([], None)


def test_mlflow_table_parsing():
    body = json.dumps({"runs": [{"info": {"run_id": "aa"}}], "next_page_token": "t"}).encode()
    assert MlflowViews.parse_table(body) == (["aa"], "t")


def test_deep_page_token_follows_the_servers_format():
    sample = base64.b64encode(b'{"offset": 100}').decode()
    assert json.loads(base64.b64decode(token_at(sample, 89_900))) == {"offset": 89_900}
    with pytest.raises(ValueError):
        token_at(base64.b64encode(b'{"cursor": "x"}').decode(), 89_900)


class _FakeSearch:
    """Answers runs/search with a token naming how many runs were walked so far."""

    def __init__(self, skew: int = 0):
        self.payloads = []
        self.skew = skew

    def post_json(self, path, payload):
        self.payloads.append((path, payload))
        before = json.loads(base64.b64decode(payload["page_token"]))["offset"] if "page_token" in payload else 0
        offset = before + payload["max_results"] + self.skew
        token = base64.b64encode(json.dumps({"offset": offset, "seek": {"t": 1, "r": "x"}}).encode()).decode()
        return type("Response", (), {"body": json.dumps({"next_page_token": token}).encode()})()


def test_keel_deep_token_walks_the_rest_search_in_the_largest_pages():
    views = KeelViews.__new__(KeelViews)
    views.experiment_id, views.client = "1", _FakeSearch()
    token = views.deep_token("metrics.accuracy DESC", None, 89_900)
    assert json.loads(base64.b64decode(token))["offset"] == 89_900
    assert [payload["max_results"] for _, payload in views.client.payloads] == [50_000, 39_900]
    assert all(payload["order_by"] == ["metrics.accuracy DESC"] for _, payload in views.client.payloads)
    assert "page_token" in views.client.payloads[1][1]
    views.client = _FakeSearch(skew=1)
    with pytest.raises(ValueError):
        views.deep_token(None, None, 200)
