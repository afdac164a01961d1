"""Detecting what a Keel build offers, and creating a deployment (with a fake `keel` and a fake server)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from servebench.processes import launch
from servebench.targets import RegistryHost, Tools, keel_has_subcommand, start_keel_deployment

ROOT_HELP = "OVERVIEW: Keel\\n\\nUSAGE: keel <subcommand>\\n\\nSUBCOMMANDS:\\n  server"


def _fake_keel(tmp_path, serve_usage: bool):
    """A `keel` that, like the real one, prints its root help with exit 0 for unknown subcommands."""
    script = tmp_path / "keel"
    usage = "USAGE: keel serve --model <uri>" if serve_usage else ROOT_HELP
    script.write_text(f'#!/bin/sh\nif [ "$1" = serve ]; then printf "{usage}\\n"; else printf "{ROOT_HELP}\\n"; fi\n')
    script.chmod(0o755)
    return str(script)


def test_subcommand_detection_reads_the_usage_line_not_the_exit_status(tmp_path):
    assert keel_has_subcommand(_fake_keel(tmp_path, serve_usage=True), "serve")
    assert not keel_has_subcommand(_fake_keel(tmp_path, serve_usage=False), "serve")
    assert not keel_has_subcommand(str(tmp_path / "missing"), "serve")


class FakePing(BaseHTTPRequestHandler):
    """The deployment's ping on the fake ``keel server``: ``status`` for every GET."""

    status = 200

    def do_GET(self):
        self.send_response(self.status if self.path == "/deployments/bench/ping" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _fake_deploy_cli(tmp_path, exit_code: int) -> str:
    """A `keel` whose `deploy create` records its arguments and exits with ``exit_code``."""
    script = tmp_path / "keel"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = deploy ] && [ "$2" = --help ]; then echo "USAGE: keel deploy <subcommand>"; exit 0; fi\n'
        f'if [ "$1" = deploy ]; then echo "$@" > {tmp_path}/args; echo "model failed to load: no sklearn" >&2; '
        f"exit {exit_code}; fi\n"
        f'printf "{ROOT_HELP}\\n"\n')
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def fake_server(tmp_path):
    """A registry host whose process is a `sleep` and whose HTTP side is :class:`FakePing`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    process = launch("keel-server", ["sleep", "30"], tmp_path)
    FakePing.status = 200
    yield RegistryHost("keel", f"http://127.0.0.1:{server.server_address[1]}", process)
    process.stop()
    server.shutdown()


def _tools(keel_bin, tmp_path, ready_timeout=10.0):
    return Tools(keel_bin, "mlflow", "python", tmp_path, ready_timeout)


def test_deployment_is_created_with_the_worker_count_and_pinged(fake_server, tmp_path):
    tools = _tools(_fake_deploy_cli(tmp_path, exit_code=0), tmp_path)
    target = start_keel_deployment("bench-iris@champion", fake_server, tools, workers=3)
    assert target.ready, target.reason
    assert target.invocations_url == f"{fake_server.url}/deployments/bench/invocations"
    assert target.root_pid == fake_server.process.pid
    args = (tmp_path / "args").read_text().split()
    assert args[:3] == ["deploy", "create", "bench"]
    assert args[args.index("--model") + 1] == "bench-iris@champion"
    assert args[args.index("--workers") + 1] == "3"
    assert args[args.index("--server") + 1] == fake_server.url


def test_failed_deploy_command_reports_what_keel_said(fake_server, tmp_path):
    tools = _tools(_fake_deploy_cli(tmp_path, exit_code=1), tmp_path)
    target = start_keel_deployment("bench-iris@champion", fake_server, tools, workers=1)
    assert target.status == "failed" and "no sklearn" in target.reason and "exited with 1" in target.reason


def test_deployment_that_never_answers_ping_fails_with_a_timeout(fake_server, tmp_path):
    FakePing.status = 503
    tools = _tools(_fake_deploy_cli(tmp_path, exit_code=0), tmp_path, ready_timeout=1)
    target = start_keel_deployment("bench-iris@champion", fake_server, tools, workers=1)
    assert target.status == "failed" and "not 200 after" in target.reason and "503" in target.reason


def test_keel_without_deploy_or_keel_registry_is_unavailable(fake_server, tmp_path):
    tools = _tools(_fake_keel(tmp_path, serve_usage=False), tmp_path)
    assert start_keel_deployment("m@a", fake_server, tools, workers=1).status == "unavailable"
    mlflow_registry = RegistryHost("mlflow", fake_server.url, fake_server.process)
    assert start_keel_deployment("m@a", mlflow_registry, tools, workers=1).status == "unavailable"
