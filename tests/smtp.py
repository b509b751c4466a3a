"""A real SMTP server (aiosmtpd) on a local port for tests. Messages received are parsed into
`email.message` objects. A backend that dies after the server took a message shows what a
worker killed while sending leaves behind."""

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from django.core.mail.backends.smtp import EmailBackend


@contextmanager
def smtp_server():
    """Yields (port, inbox): inbox is the list of messages the server received."""
    inbox: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            data = envelope.original_content or envelope.content
            inbox.append(message_from_bytes(data, policy=policy.default))
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


class WorkerDied(BaseException):
    """What a worker killed mid-task looks like to the code it ran: nothing after it runs
    (a BaseException, so no `except Exception` handles it)."""


class DyingAfterSendBackend(EmailBackend):
    """The SMTP backend, then the worker dies right after the server accepted the message
    and before the sender could record it."""

    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise WorkerDied
