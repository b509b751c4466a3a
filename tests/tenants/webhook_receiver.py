"""A real HTTP receiver for webhook tests: a `http.server` thread on 127.0.0.1 that answers
each request with the next status of a script and records what it received."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes
    path: str


@dataclass
class Receiver:
    port: int
    statuses: list[int]  # answers in order; the last one repeats
    requests: list[Received] = field(default_factory=list)
    response_body: bytes = b"ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


@contextmanager
def receiver(*statuses: int, response_body: bytes = b"ok", tls=None):
    """`tls`: an ssl.SSLContext to serve https with."""
    state = Receiver(port=0, statuses=list(statuses) or [200], response_body=response_body)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            state.requests.append(Received(dict(self.headers), body, self.path))
            index = min(len(state.requests), len(state.statuses)) - 1
            self.send_response(state.statuses[index])
            self.send_header("Content-Length", str(len(state.response_body)))
            self.end_headers()
            self.wfile.write(state.response_body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
