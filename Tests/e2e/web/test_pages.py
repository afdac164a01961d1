"""The web pages in headless Chromium, on data logged by the official mlflow client:
experiments, runs (filter, sort, columns, paging), a run with charts and artifacts,
comparison, the registry and lineage. Every page is also checked for console errors and
accessibility basics, and the key pages are saved as screenshots."""

from __future__ import annotations

import re

import pytest
import requests

from support.a11y import audit, first_tab_stop_is_visible
from web.seed import RUNS, seed


@pytest.fixture(scope="module")
def seeded(server, tmp_path_factory):
    return seed(server.url, tmp_path_factory.mktemp("web-seed"))


def rows(tab) -> list[str]:
    """The run names in the runs table, top to bottom."""
    return tab.page.locator("#compare-form tbody tr td:nth-child(2) a").all_inner_texts()


def test_start_page_leads_to_experiments(tab, seeded):
    tab.open("/")
    assert tab.page.url.endswith("/ui/experiments")
    assert tab.page.locator("h1").inner_text() == "Experiments"
    tab.page.fill("#q", seeded.experiment_name[-10:])
    tab.page.click("button:text('Search')")
    assert tab.page.locator("tbody tr").count() == 1
    assert tab.page.locator("tbody a").inner_text() == seeded.experiment_name
    assert audit(tab.page) == []
    tab.shot("experiments")


def test_runs_table_filters_sorts_pages_and_picks_columns(tab, seeded):
    tab.open(f"/ui/experiments/{seeded.experiment_id}")
    assert len(rows(tab)) == RUNS
    headers = tab.page.locator("thead th").all_inner_texts()
    assert {"rmse", "val loss", "lr", "model"} <= set(headers)
    assert audit(tab.page) == []
    tab.shot("experiment-runs")

    # The filter box takes MLflow's search syntax.
    tab.page.fill("#filter", "params.model = 'tree' and metrics.rmse < 0.3")
    tab.page.click("button:text('Apply')")
    filtered = rows(tab)
    assert filtered and all(int(name[-2:]) % 2 == 1 for name in filtered)
    assert all(0.2 + int(name[-2:]) / 100 < 0.3 for name in filtered)

    # A malformed filter is explained on the page, with a 400.
    response = tab.open(f"/ui/experiments/{seeded.experiment_id}?filter=metrics.rmse+%3C%3C+1", expect_status=400)
    assert response.status == 400
    alert = tab.page.locator("[role=alert]")
    assert alert.count() == 1 and "<<" in alert.inner_text(), "the message quotes the part it could not read"

    # Sorting by a metric column, both ways.
    tab.open(f"/ui/experiments/{seeded.experiment_id}")
    tab.page.click("thead a:text-is('val loss')")
    assert rows(tab)[0] == "run-00"
    assert tab.page.locator("th[aria-sort=ascending]").inner_text() == "val loss"
    tab.page.click("thead a:text-is('val loss')")
    assert rows(tab)[0] == f"run-{RUNS - 1:02d}"

    # Paging keeps the order and the filter.
    tab.open(f"/ui/experiments/{seeded.experiment_id}?size=25&order=metrics.%60val+loss%60+ASC")
    first = rows(tab)
    assert len(first) == 25 and first[0] == "run-00"
    assert "Runs 1–25" in tab.page.locator(".pager").inner_text()
    tab.page.click("a[rel=next]")
    second = rows(tab)
    assert second == [f"run-{index:02d}" for index in range(25, RUNS)]
    assert "Runs 26–30" in tab.page.locator(".pager").inner_text()
    assert tab.page.locator("a[rel=next]").count() == 0

    # Choosing columns: only the ticked ones are shown.
    tab.open(f"/ui/experiments/{seeded.experiment_id}?columns=params.lr")
    headers = tab.page.locator("thead th").all_inner_texts()
    assert "lr" in headers and "rmse" not in headers and "model" not in headers
    tab.page.click("summary:text('Columns')")
    tab.page.check("input[value='metrics.rmse']")
    tab.page.click("button:text('Show these columns')")
    headers = tab.page.locator("thead th").all_inner_texts()
    assert "rmse" in headers and "lr" in headers


def test_run_page_shows_everything_logged(tab, seeded):
    tab.open(f"/ui/runs/{seeded.artifact_run}")
    text = tab.page.locator("main").inner_text()
    for expected in ("run-00", "lr", "0.1", "linear", "rmse", "val loss", seeded.dataset_name, "training", "FINISHED"):
        assert expected in text, expected
    chart = tab.page.locator("svg.chart[aria-label='rmse']")
    assert chart.count() == 1 and chart.locator("polyline").count() == 1
    assert chart.locator("circle").count() == 5, "one marker per logged step"
    assert audit(tab.page) == []
    name, visible = first_tab_stop_is_visible(tab.page)
    assert name == "Skip to content" and visible
    tab.shot("run")


def test_artifact_browser_previews_text_json_and_images(tab, seeded, server):
    tab.open(f"/ui/runs/{seeded.artifact_run}#artifacts")
    listing = tab.page.locator("#artifacts ~ table").first.inner_text()
    for name in ("reports/", "notes.txt", "plot.png", "page.html"):
        assert name in listing
    tab.page.click("a:text-is('reports/')")
    tab.page.click("a:text-is('summary.json')")
    assert '{"accuracy": 0.93}' in tab.page.locator("pre.preview").inner_text()
    tab.open(f"/ui/runs/{seeded.artifact_run}?path=notes.txt")
    preview = tab.page.locator("pre.preview")
    assert "<b>not bold</b>" in preview.inner_text(), "markup in a text file is shown as text"
    assert preview.locator("b").count() == 0
    tab.open(f"/ui/runs/{seeded.artifact_run}?path=plot.png")
    image = tab.page.locator("img.preview")
    image.wait_for()
    assert tab.page.evaluate("document.querySelector('img.preview').naturalWidth") == 8
    tab.shot("run-artifact-image")

    # An HTML artifact never renders in the site's origin: it downloads, sandboxed.
    raw = requests.get(f"{server.url}/ui/runs/{seeded.artifact_run}/artifact", params={"path": "page.html"}, timeout=30)
    assert raw.status_code == 200
    assert raw.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in raw.headers["Content-Security-Policy"]
    assert raw.headers["Content-Type"] == "application/octet-stream"
    assert raw.text == "<script>document.title='owned'</script>"


@pytest.mark.parametrize("path", ["../../../etc/passwd", "..%2F..%2Fx", "%252e%252e/x", "a\\b", "/etc/passwd", "x#y"])
def test_artifact_paths_cannot_leave_the_run(server, seeded, path):
    for page in ("", "/artifact"):
        response = requests.get(f"{server.url}/ui/runs/{seeded.artifact_run}{page}?path={path}", timeout=30)
        assert response.status_code in (400, 404), (page, path, response.status_code)
        assert "text/html" in response.headers["Content-Type"]
        assert "root:" not in response.text


def test_compare_runs_side_by_side(tab, seeded):
    tab.open(f"/ui/experiments/{seeded.experiment_id}?order=attributes.run_name+ASC")
    button = tab.page.locator("button[data-compare]")
    assert button.is_disabled()
    for index in (0, 1, 2):
        tab.page.check(f"input[name=runs][value='{seeded.run_ids[index]}']")
    assert button.inner_text() == "Compare 3 runs" and button.is_enabled()
    button.click()
    assert tab.page.locator("h1").inner_text() == "Comparing 3 runs"
    params = tab.page.locator("#params ~ div table").first
    assert params.locator("tr:has(th:text-is('model')) td.differs").count() == 3
    chart = tab.page.locator("svg.chart[aria-label='rmse']")
    assert chart.locator("polyline").count() == 3, "one line per run"
    parallel = tab.page.locator("svg.chart[aria-label^='Parameters']")
    assert parallel.locator("polyline").count() == 3
    tab.page.select_option("#metric", "val loss")
    tab.page.click("button:text('Show')")
    assert tab.page.locator("svg.chart[aria-label='Parameters → val loss']").count() == 1
    assert audit(tab.page) == []
    tab.shot("compare")


def test_compare_needs_two_to_ten_runs(tab, seeded):
    tab.open(f"/ui/compare?runs={seeded.run_ids[0]}", expect_status=400)
    assert "2 to 10" in tab.page.locator("[role=alert]").inner_text()
    query = "&".join(f"runs={run}" for run in seeded.run_ids[:11])
    tab.open(f"/ui/compare?{query}", expect_status=400)


def test_registry_pages_and_lineage(tab, seeded):
    tab.open("/ui/models?q=" + seeded.model_name)
    assert tab.page.locator("tbody tr").count() == 1
    assert "champion → v2" in tab.page.locator("tbody").inner_text()
    assert audit(tab.page) == []
    tab.page.click(f"a:text-is('{seeded.model_name}')")
    assert tab.page.locator("h1").inner_text() == seeded.model_name
    assert "A model for the page tests" in tab.page.locator("main").inner_text()
    versions = tab.page.locator("#versions ~ div table tbody tr")
    assert versions.count() == 2
    assert audit(tab.page) == []
    tab.shot("model")
    tab.page.click("#aliases ~ table a:text-is('2')")
    assert tab.page.locator("h1").inner_text() == f"{seeded.model_name} version 2"
    lineage = tab.page.locator("svg.lineage")
    assert seeded.dataset_name[:20] in lineage.text_content()
    assert "run-00" in lineage.text_content()
    assert audit(tab.page) == []
    tab.shot("model-version-lineage")
    lineage.locator("a").first.click()
    assert re.search(r"/ui/runs/[0-9a-f]{32}$", tab.page.url)


def test_unknown_pages_are_html_404s(tab, seeded):
    tab.open("/ui/no-such-page", expect_status=404)
    tab.open("/ui/experiments/999999999", expect_status=404)
    tab.open("/ui/runs/" + "0" * 32, expect_status=404)
    tab.open(f"/ui/models/{seeded.model_name}/versions/77", expect_status=404)
    assert tab.page.locator("[role=alert]").count() == 1
    assert audit(tab.page) == []


def test_pages_send_a_strict_content_security_policy(server, seeded):
    response = requests.get(f"{server.url}/ui/runs/{seeded.artifact_run}", timeout=30)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
