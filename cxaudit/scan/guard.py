"""SSRF guard: the scanner loads only hosts that resolve to public addresses.

A scan makes this server's browser and HTTP client fetch addresses that a
user typed or that a scanned site links to. Without the guard a scan of
``http://169.254.169.254/`` or a site redirecting there would read the cloud
metadata service or the deployment's internal network. The setting
``SCAN_ALLOWED_NETWORKS`` (comma-separated CIDR) opens chosen networks again,
for example ``127.0.0.0/8`` to scan a test site on this machine.

Chromium resolves and connects on its own. The crawler checks a page's URL
before loading it and the URL the browser ends at; inside the browser, host
rules (cxaudit.scan.browser_rules) refuse special-purpose addresses written
as literals and the localhost names, for redirect hops, images, scripts and
frames too.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from cxaudit.scan.urls import InvalidScanURL

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Resolves a host name to its IP addresses, as text; tests inject their own.
Resolver = Callable[[str], list[str]]

# Metadata and host services of cloud providers: AWS (169.254.169.254,
# fd00:ec2::254, ECS's 169.254.170.2), Alibaba Cloud (100.100.100.200, in the
# shared range 100.64.0.0/10) and Azure (168.63.129.16, a public address).
# They stay refused even when SCAN_ALLOWED_NETWORKS opens their network.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)

# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"),)

SETTING_NAME = "CXAUDIT_SCAN_ALLOWED_NETWORKS"


class BlockedAddress(InvalidScanURL):
    """A URL whose host resolves to an address the guard rejects; the message is translated."""


class InvalidAllowedNetworks(ValueError):
    """``SCAN_ALLOWED_NETWORKS`` contains a value that is not a network in CIDR notation."""


def resolve_host(host: str) -> list[str]:
    """Return every address ``host`` resolves to through the system resolver."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


def parse_allowed_networks(value: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """Parse the setting: a comma-separated string or a list of CIDR networks.

    :raises InvalidAllowedNetworks: naming the invalid entry and the fix.
    """
    if not value:
        return ()
    entries = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for entry in entries:
        text = str(entry).strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as error:
            raise InvalidAllowedNetworks(
                _(
                    "Invalid network %(value)s in %(setting)s. Give networks in CIDR notation separated "
                    "by commas, for example 127.0.0.0/8,::1/128.",
                    value=text,
                    setting=SETTING_NAME,
                )
            ) from error
    return tuple(networks)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in NAT64_NETWORKS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Tell whether ``address`` is a global unicast address and no metadata service.

    ``ipaddress``'s ``is_global`` is false for the private, loopback,
    link-local, unique-local, shared (100.64.0.0/10), documentation and
    reserved ranges of the IANA special-purpose registries. Multicast is
    checked apart, because ``is_global`` is true for some multicast ranges.
    """
    if address in METADATA_ADDRESSES or address.is_multicast or not address.is_global:
        return False
    inner = embedded_ipv4(address)
    return inner is None or is_public(inner)


@dataclass(frozen=True)
class Guard:
    """Checks that every address a URL's host resolves to is public or explicitly allowed."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = resolve_host

    def is_allowed(self, address: IPAddress) -> bool:
        if address in METADATA_ADDRESSES:
            return False
        if any(address in network for network in self.allowed_networks if network.version == address.version):
            return True
        return is_public(address)

    def check_url(self, url: str) -> list[str]:
        """Return the addresses of ``url``'s host when all of them are allowed.

        Every address must pass, because the browser may connect to any of them.

        :raises BlockedAddress: when the host does not resolve or an address is refused.
        """
        host = (urlsplit(url).hostname or "").strip("[]")
        addresses = self._resolve(url, host)
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if not self.is_allowed(address):
                # INFO, not WARNING: the caller shows the user the translated refusal, and an English
                # warning on stderr would repeat it between the translated messages.
                logger.info("Guard rejected %s: %s resolves to %s", url, host, address)
                raise BlockedAddress(_refusal_message(url, host, address))
        return addresses

    def _resolve(self, url: str, host: str) -> list[str]:
        try:
            addresses = [host] if _is_ip_literal(host) else self.resolver(host)
        except (OSError, UnicodeError) as error:
            raise BlockedAddress(
                _(
                    "The host of %(url)s could not be resolved (%(error)s). Check the address.",
                    url=url,
                    error=str(error),
                )
            ) from error
        if not addresses:
            raise BlockedAddress(
                _("The host of %(url)s could not be resolved (no address). Check the address.", url=url)
            )
        return addresses


def _refusal_message(url: str, host: str, address: IPAddress) -> str:
    if address in METADATA_ADDRESSES:
        return _metadata_message(url, host, address)

    values = {"url": url, "host": host, "address": str(address), "setting": SETTING_NAME}
    values["network"] = str(ipaddress.ip_network(address))
    if _is_ip_literal(host):
        return _(
            "Refused to scan %(url)s: %(address)s is a private, loopback, link-local, multicast or "
            "reserved address. To scan it anyway, add its network to the setting %(setting)s, for "
            "example %(network)s.",
            **values,
        )
    return _(
        "Refused to scan %(url)s: its host %(host)s resolves to %(address)s, a private, loopback, "
        "link-local, multicast or reserved address. To scan it anyway, add its network to the "
        "setting %(setting)s, for example %(network)s.",
        **values,
    )


def _metadata_message(url: str, host: str, address: IPAddress) -> str:
    if _is_ip_literal(host):
        return _(
            "Refused to scan %(url)s: %(address)s is the address of a cloud metadata service, "
            "which is never scanned. Check the address.",
            url=url,
            address=str(address),
        )
    return _(
        "Refused to scan %(url)s: its host %(host)s resolves to %(address)s, the address of a cloud "
        "metadata service, which is never scanned. Check the address.",
        url=url,
        host=host,
        address=str(address),
    )


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def guard_from_config(config: Mapping[str, Any]) -> Guard:
    """Build the guard from ``SCAN_ALLOWED_NETWORKS`` and, in tests, ``SCAN_RESOLVER``.

    :raises InvalidAllowedNetworks: when the setting contains an invalid network.
    """
    networks = parse_allowed_networks(config.get("SCAN_ALLOWED_NETWORKS"))
    resolver = config.get("SCAN_RESOLVER") or resolve_host
    return Guard(allowed_networks=networks, resolver=resolver)
