"""Command line: load the model, connect to the gateway, say hello, serve.

Why load before connecting: the gateway listens and the worker connects, so
the gateway never blocks on a child; a connection therefore always carries a
worker that is ready (``hello``) or has definitively failed (``fatal``). The
gateway bounds loading time with its own timeout on the first frame.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from . import framing, protocol


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m keel_worker", description=__doc__)
    parser.add_argument("--socket", required=True, help="Unix socket path the gateway listens on")
    parser.add_argument("--model-uri", required=True, help="models:/…, runs:/… or a local path")
    parser.add_argument("--worker-id", type=int, default=0, help="echoed in hello/fatal")
    return parser.parse_args(argv)


def _protect_stdout() -> None:
    """Send anything written to stdout (by us or by C code) to stderr.

    The gateway may not drain the child's stdout; a chatty model library
    would otherwise fill the pipe and freeze the worker mid-request.
    """
    try:
        os.dup2(2, 1)
    except OSError:
        pass
    sys.stdout = sys.stderr


def _send_fatal(path: str, worker_id: int, uri: str, kind: str, message: str) -> None:
    """Best effort: report the failure to the gateway, then the caller exits."""
    try:
        from .server import connect

        sock = connect(path)
    except OSError as exc:
        logging.error("cannot connect to %s to report the failure: %s", path, exc)
        return
    with sock:
        framing.write_frame(sock, {
            "type": protocol.FATAL,
            "protocol": protocol.PROTOCOL_VERSION,
            "worker_id": worker_id,
            "pid": os.getpid(),
            "model_uri": uri,
            "kind": kind,
            "message": message,
        })


def main(argv=None) -> int:
    """Run the worker; returns the process exit code (see PROTOCOL.md)."""
    args = _parse_args(argv)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    _protect_stdout()
    logging.basicConfig(
        level=os.environ.get("KEEL_WORKER_LOG_LEVEL", "INFO"),
        format=f"keel-worker[{args.worker_id}] %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from .loader import LoadError, load

    try:
        loaded = load(args.model_uri)
    except LoadError as exc:
        logging.error("%s", exc)
        _send_fatal(args.socket, args.worker_id, args.model_uri, exc.kind, str(exc))
        return protocol.EXIT_FATAL
    # Same marker `mlflow models serve` sets; some flavors change behaviour on it.
    os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"

    from .server import WorkerLoop, connect, hello_frame

    try:
        hello = hello_frame(loaded, args.worker_id)
    except Exception as exc:  # a signature we cannot describe is still fatal, not a hang
        message = f"cannot describe model {args.model_uri}: {type(exc).__name__}: {exc}"
        _send_fatal(args.socket, args.worker_id, args.model_uri, "describe_failed", message)
        return protocol.EXIT_FATAL
    try:
        sock = connect(args.socket)
    except OSError as exc:
        logging.error("cannot connect to gateway socket %s: %s", args.socket, exc)
        return protocol.EXIT_CONNECTION
    with sock:
        try:
            framing.write_frame(sock, hello)
        except OSError as exc:
            logging.error("cannot send hello: %s", exc)
            return protocol.EXIT_CONNECTION
        logging.info("serving %s (pid %d)", args.model_uri, os.getpid())
        return WorkerLoop(sock, loaded, args.worker_id).run()
