"""Host rules that keep Chromium itself away from special-purpose addresses.

The guard (cxaudit.scan.guard) checks every page URL before the browser loads
it and the URL the browser ends at. Chromium then connects on its own: to the
images, scripts and frames of a page and to every hop of a redirect. Its
``--host-resolver-rules`` switch makes it treat hosts that match a pattern as
unresolvable, for subresources, frames and redirects alike, in local and
remote sessions, so those requests fail before any connection is made.

The patterns match host names as text, so they cover addresses written as
literals (``http://169.254.169.254/``, ``http://[::1]/``, and the decimal and
other forms Chromium rewrites to dotted quads) and the ``localhost`` names.
A public name that resolves to a private address is not matched: the guard
refuses it as a page, but not as a subresource.

The IPv4 networks are the special-purpose blocks that are not globally
reachable in the IANA IPv4 Special-Purpose Address Registry, plus multicast
and 240.0.0.0/4. Patterns work on whole octets, so a network is split into
octet-aligned blocks, and blocks inside ``SCAN_ALLOWED_NETWORKS`` are left out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from cxaudit.scan.guard import METADATA_ADDRESSES, IPNetwork, parse_allowed_networks

BLOCKED_IPV4_NETWORKS = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)

# IPv6 literals are matched on Chromium's canonical text: lower case, leading
# zeros dropped, the longest run of zero groups written as "::". Each network
# is left out as a whole when an allowed network overlaps it.
BLOCKED_IPV6_PATTERNS: tuple[tuple[IPNetwork, tuple[str, ...]], ...] = (
    (ipaddress.IPv6Network("::/128"), ("::",)),
    (ipaddress.IPv6Network("::1/128"), ("::1",)),
    (ipaddress.IPv6Network("::ffff:0:0/96"), ("::ffff:*",)),
    (ipaddress.IPv6Network("64:ff9b::/96"), ("64:ff9b::*",)),
    (ipaddress.IPv6Network("100::/64"), ("100::*",)),
    (ipaddress.IPv6Network("2001:db8::/32"), ("2001:db8:*",)),
    (ipaddress.IPv6Network("fc00::/7"), ("fc??:*", "fd??:*")),
    (ipaddress.IPv6Network("fe80::/10"), ("fe8?:*", "fe9?:*", "fea?:*", "feb?:*")),
    (ipaddress.IPv6Network("ff00::/8"), ("ff??:*",)),
)

LOOPBACK_ADDRESSES = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
LOCALHOST_PATTERNS = ("localhost", "*.localhost")


def host_resolver_rules(config: Mapping[str, Any]) -> str:
    """Return the value of Chromium's ``--host-resolver-rules`` for the app's allowed networks."""
    allowed = parse_allowed_networks(config.get("SCAN_ALLOWED_NETWORKS"))
    return ", ".join(f"MAP {pattern} ~NOTFOUND" for pattern in blocked_host_patterns(allowed))


def blocked_host_patterns(allowed: Iterable[IPNetwork]) -> list[str]:
    """List the host patterns of every blocked address outside ``allowed``; metadata addresses always."""
    allowed = tuple(allowed)
    patterns = [str(address) for address in sorted(METADATA_ADDRESSES, key=str)]
    for network in BLOCKED_IPV4_NETWORKS:
        patterns.extend(_ipv4_patterns(network, allowed))
    for network, network_patterns in BLOCKED_IPV6_PATTERNS:
        if not any(network.overlaps(other) for other in allowed if other.version == 6):
            patterns.extend(network_patterns)
    if not any(address in network for address in LOOPBACK_ADDRESSES for network in allowed
               if network.version == address.version):
        patterns.extend(LOCALHOST_PATTERNS)
    return list(dict.fromkeys(patterns))


def _ipv4_patterns(network: ipaddress.IPv4Network, allowed: tuple[IPNetwork, ...]) -> list[str]:
    """Cover ``network`` minus the allowed networks with octet patterns such as ``10.*.*.*`` or ``127.0.0.2``."""
    allowed_v4 = [other for other in allowed if other.version == 4]
    if any(network.subnet_of(other) for other in allowed_v4):
        return []
    overlapping = any(network.overlaps(other) for other in allowed_v4)
    if network.prefixlen % 8 == 0 and not overlapping:
        return [_octet_pattern(network)]

    # Split to the next octet boundary (a /10 into 64 /16 blocks) and cover
    # each part. A part that contains an allowed network is split again.
    next_prefix = min(32, (network.prefixlen // 8 + 1) * 8)
    return [pattern for part in network.subnets(new_prefix=next_prefix) for pattern in _ipv4_patterns(part, allowed)]


def _octet_pattern(network: ipaddress.IPv4Network) -> str:
    # "10.*.*.*" rather than "10.*", so that a host name such as 10.example
    # does not match; "*" also matches dots, so a longer name still could.
    known = str(network.network_address).split(".")[: network.prefixlen // 8]
    return ".".join(known + ["*"] * (4 - len(known)))
