"""One webhook POST to a checked address: no redirects, 15 s in all, at most 64 KB read.

The connection goes to the address the URL guard checked, while the Host header and TLS
(server name and certificate) use the URL's host name, so nothing resolves the name again.
"""

import time
from dataclasses import dataclass

import certifi
import urllib3

from tenants.webhooks.url_guard import Target

TIMEOUT = 15.0
MAX_READ = 64 * 1024
KEPT = 1024  # bytes of the response kept in the delivery log
USER_AGENT = "csplatform-webhooks/1"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes  # at most MAX_READ bytes
    retry_after: str | None


def post(target: Target, *, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body`; raises OSError or urllib3's errors when no answer came in time."""
    deadline = time.monotonic() + TIMEOUT
    timeout = urllib3.Timeout(connect=TIMEOUT, read=TIMEOUT)
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1
        )
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if ":" not in target.host else f"[{target.host}]"
    if target.port != default_port:
        host = f"{host}:{target.port}"
    headers = {
        **headers,
        "Host": host,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            data = _read(response, deadline)
        finally:
            response.release_conn()
        return Response(
            status=response.status, body=data, retry_after=response.headers.get("Retry-After")
        )
    finally:
        pool.close()


def _read(response, deadline: float) -> bytes:
    chunks, size = [], 0
    while size < MAX_READ:
        if time.monotonic() > deadline:
            raise TimeoutError("The response took longer than 15 seconds.")
        chunk = response.read(min(8192, MAX_READ - size), decode_content=False)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
