"""The guard against webhooks aimed inside our network (SSRF).

A webhook URL must be https (plain http only with `WEBHOOK_ALLOW_HTTP`), and every address
its host resolves to must be public: no loopback, private, link-local, shared, multicast or
reserved address, and none of the platform's own (`SITE_URL`'s host). Networks listed in
`WEBHOOK_ALLOWED_NETWORKS` are allowed for development. It is checked when a URL is saved
and again at every send, where the request then connects to an address it checked, so a
name that resolves elsewhere a second later (DNS rebinding) gets nowhere.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; the message says why, for people."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name, for the Host header and TLS
    port: int
    path: str  # path and query
    address: str  # the checked IP address to connect to


def url_check_syntax(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable URL, or UnsafeURL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(_("Enter a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme == "http" and not settings.WEBHOOK_ALLOW_HTTP:
        raise UnsafeURL(_("The URL must start with https://."))
    if scheme not in ("http", "https"):
        raise UnsafeURL(_("The URL must start with https://."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL(_("Enter a valid URL."))
    if parts.username or parts.password:
        raise UnsafeURL(_("The URL must not contain a user name or password."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def url_resolve_checked(url: str) -> Target:
    """Resolve the URL's host and check every address; the target to connect to."""
    scheme, host, port, path = url_check_syntax(url)
    addresses = _resolve(host, port)
    for address in addresses:
        _check_address(address)
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))


def url_check(url: str) -> None:
    """UnsafeURL unless the URL may receive webhooks now."""
    url_resolve_checked(url)


def _resolve(host: str, port: int) -> list:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):  # ValueError: a NUL in the name
        raise UnsafeURL(_("The URL's host name could not be resolved.")) from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeURL(_("The URL's host name could not be resolved."))
    return addresses


def _check_address(address) -> None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return
    if not address.is_global or address.is_multicast:
        raise UnsafeURL(
            _("The URL leads to a private, loopback or link-local address, which is not allowed.")
        )
    if address in _own_addresses():
        raise UnsafeURL(_("The URL leads to this platform itself, which is not allowed."))


def _allowed_networks() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]


def _own_addresses() -> set:
    """The addresses of the platform's own host name (SITE_URL)."""
    host = urlsplit(settings.SITE_URL).hostname
    if not host:
        return set()
    try:
        infos = socket.getaddrinfo(host, None)
        return {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    except (OSError, UnicodeError, ValueError):
        return set()
