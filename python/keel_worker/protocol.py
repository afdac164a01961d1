"""Protocol constants shared by every module (see PROTOCOL.md).

Why a module of its own: the gateway checks ``protocol`` in the hello frame
and refuses unknown majors, so the number and the limits must live in one
place that both the code and the documentation point at.
"""

PROTOCOL_VERSION = 1

# JSON part of one frame. Above it the worker cannot trust the stream and exits.
MAX_JSON_BYTES = 64 * 1024 * 1024
# Attachment of one frame (sum of all item bodies). Above it the worker skips
# the bytes and answers an `error` frame for that id.
MAX_BINARY_BYTES = 256 * 1024 * 1024

# Gateway -> worker
INVOCATIONS = "invocations"
INFER = "infer"
PING = "ping"
SHUTDOWN = "shutdown"

# Worker -> gateway
HELLO = "hello"
FATAL = "fatal"
RESULT = "result"
PONG = "pong"
ERROR = "error"
BYE = "bye"

# Exit codes (documented in PROTOCOL.md).
EXIT_OK = 0
EXIT_FATAL = 1
EXIT_USAGE = 2
EXIT_PROTOCOL = 3
EXIT_CONNECTION = 4


def limits() -> dict:
    """The limits as advertised in the hello frame."""
    return {"max_json_bytes": MAX_JSON_BYTES, "max_binary_bytes": MAX_BINARY_BYTES}
