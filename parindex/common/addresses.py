"""The real client address of a request, behind trusted reverse proxies.

Behind nginx every request comes from the proxy's own address; the client's is in the
`X-Forwarded-For` header, which anybody can also send. The header is therefore believed only
as far as it was written by proxies we trust (PARINDEX_TRUSTED_PROXIES, addresses or
networks): starting from the connection's address (REMOTE_ADDR), as long as the hop we stand
on is a trusted proxy, step one entry to the left in X-Forwarded-For; the first address that
is not a trusted proxy is the client. A client that is not a trusted proxy itself is always
its connection's address, whatever it writes in the header; a client that invents entries
behind a proxy that appends (`$proxy_add_x_forwarded_for`) only adds them to the left of the
one the proxy wrote, which is the one taken.

Login throttling (django-axes), the public survey's rate limit, the API's logs and the
request log all take the address from here (`parindex.web.middleware.client_address` and
`parindex.api.auth.client_address` pass the request's META and the setting). No Django here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# What PARINDEX_TRUST_X_FORWARDED_FOR=1 means without a list: the proxy on this machine.
LOOPBACK = ("127.0.0.0/8", "::1")


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and networks ("127.0.0.1", "10.0.0.0/24", "::1"); raises ValueError naming
    an entry that is neither."""
    networks: list[Network] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {text!r}") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def real_client(remote_addr: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The client's address: REMOTE_ADDR unless it is a trusted proxy, then the right-most
    X-Forwarded-For entry that is not one (an entry that is no address stops the walk: the
    last hop known is taken)."""
    hop = _address(remote_addr)
    if hop is None:
        return remote_addr.strip()
    if not trusted or not forwarded_for:
        return str(hop)
    entries = [part for part in forwarded_for.split(",") if part.strip()]
    while _trusted(hop, trusted) and entries:
        previous = _address(entries.pop())
        if previous is None:
            break
        hop = previous
    return str(hop)


def client_address(meta: Mapping[str, Any], trusted: tuple[Network, ...]) -> str:
    """The client's address from a request's META (REMOTE_ADDR, HTTP_X_FORWARDED_FOR)."""
    return real_client(
        str(meta.get("REMOTE_ADDR") or ""), str(meta.get("HTTP_X_FORWARDED_FOR") or ""), trusted
    )


def as_networks(value: Iterable[str | Network] | str | None) -> tuple[Network, ...]:
    """The setting as networks, whether it holds networks already, strings or one
    comma-separated string."""
    if not value:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    items = list(value)
    if all(isinstance(item, ipaddress.IPv4Network | ipaddress.IPv6Network) for item in items):
        return tuple(items)  # type: ignore[arg-type]
    return parse_networks(str(item) for item in items)
