"""A real SMTP server on a local port for tests: aiosmtpd when installed, else the standard
library's smtpd (Python 3.11). Messages received are parsed into `email.message` objects."""

import socket
import threading
import warnings
from contextlib import contextmanager
from email import message_from_bytes, policy


@contextmanager
def smtp_server():
    """Yields (port, inbox): inbox is the list of messages the server received."""
    inbox: list = []

    def keep(data: bytes):
        inbox.append(message_from_bytes(data, policy=policy.default))

    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        with _stdlib_server(keep) as port:
            yield port, inbox
        return

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            keep(envelope.original_content or envelope.content)
            return "250 OK"

    # The controller connects to its own port once started, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@contextmanager
def _stdlib_server(keep):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd

    sockets: dict = {}

    class Server(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            keep(data)

    server = Server(("127.0.0.1", 0), None, map=sockets, decode_data=False)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            asyncore.loop(timeout=0.05, count=1, map=sockets)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.socket.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        asyncore.close_all(map=sockets)
