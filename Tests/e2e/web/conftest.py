"""The web page tests: a watched Chromium tab on the shared server (the browser fixtures are
in support/browser.py, registered by the root conftest)."""

from __future__ import annotations

import pytest

from support.servers import target

pytestmark = pytest.mark.skipif(target() == "mlflow", reason="Keel's own web pages")


@pytest.fixture
def tab(new_tab, server):
    """A watched tab on the shared server."""
    return new_tab(server.url)
