"""A stand-in model worker for the gateway's own tests: the real protocol, no model.

It speaks protocol version 1 (python/keel_worker/PROTOCOL.md) with the standard library
only, so Swift tests can exercise batching, crashes, timeouts and fatal start-up without
mlflow. Each item's answer is its own body, with the batch size in the content type
(``application/json; batch=N``) so tests can see batching happen.

Bodies that change behaviour: ``crash`` exits at once (a worker dying mid-batch),
``sleep`` sleeps 30 s (a model that stops answering). Environment:
``FAKE_WORKER_FATAL`` makes start-up fail with a ``fatal`` frame carrying its value;
``FAKE_WORKER_CRASH_FILE`` makes ``crash`` work only once (the file records it).
"""

import argparse
import json
import os
import socket
import struct
import sys
import time


def read_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def write_frame(sock, header, attachment=b""):
    if attachment:
        header["binary_length"] = len(attachment)
    encoded = json.dumps(header).encode()
    sock.sendall(struct.pack(">I", len(encoded)) + encoded + attachment)


def answer(body, batch_size, crash_file):
    if body == b"crash":
        if not crash_file or not os.path.exists(crash_file):
            if crash_file:
                open(crash_file, "w").close()
            os._exit(1)
    if body == b"sleep":
        time.sleep(30)
    return {"status": 200, "content_type": f"application/json; batch={batch_size}", "binary_length": len(body)}, body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--model-uri", required=True)
    parser.add_argument("--worker-id", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(args.socket)
    fatal = os.environ.get("FAKE_WORKER_FATAL")
    if fatal:
        write_frame(sock, {"type": "fatal", "protocol": 1, "worker_id": args.worker_id, "kind": "load_failed", "message": fatal})
        return 1
    write_frame(sock, {
        "type": "hello", "protocol": 1, "worker_id": args.worker_id, "pid": os.getpid(), "model_uri": args.model_uri,
        "flavors": ["python_function"], "model_info": None, "signature": None,
        "oip": {"inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 1]}], "outputs": []},
    })
    crash_file = os.environ.get("FAKE_WORKER_CRASH_FILE")
    while True:
        try:
            (length,) = struct.unpack(">I", read_exact(sock, 4))
            header = json.loads(read_exact(sock, length))
            attachment = read_exact(sock, header.get("binary_length", 0))
        except EOFError:
            return 0
        kind = header["type"]
        if kind == "shutdown":
            write_frame(sock, {"type": "bye", "id": header["id"]})
            return 0
        if kind == "ping":
            write_frame(sock, {"type": "pong", "id": header["id"]})
            continue
        items, bodies, offset = [], [], 0
        for item in header["items"]:
            body = attachment[offset:offset + item["binary_length"]]
            offset += item["binary_length"]
            meta, out = answer(body, len(header["items"]), crash_file)
            items.append(meta)
            bodies.append(out)
        write_frame(sock, {"type": "result", "id": header["id"], "items": items}, b"".join(bodies))


if __name__ == "__main__":
    sys.exit(main())
