"""The SSRF guard, checked with an injected resolver and loopback names: no traffic leaves this machine."""

from __future__ import annotations

import ipaddress

import pytest

from cxaudit.scan.guard import (
    BlockedAddress,
    Guard,
    InvalidAllowedNetworks,
    guard_from_config,
    parse_allowed_networks,
)
from cxaudit.scan.runner import create_scan


def fixed_resolver(table: dict[str, list[str]]):
    """Return a resolver that looks names up in ``table`` and never queries DNS."""

    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    return resolve


REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "169.254.1.1",
    "100.100.100.200",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "192.0.2.10",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1",
    "2002:a00:1::1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_guard_refuses_non_public_address(address):
    guard = Guard(resolver=fixed_resolver({"muzeum.example": [address]}))

    with pytest.raises(BlockedAddress) as raised:
        guard.check_url("https://muzeum.example/kolekcje")

    assert str(ipaddress.ip_address(address)) in str(raised.value)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_guard_accepts_public_address(address):
    guard = Guard(resolver=fixed_resolver({"muzeum.example": [address]}))

    assert guard.check_url("https://muzeum.example/") == [address]


def test_guard_refuses_when_any_address_is_private():
    guard = Guard(resolver=fixed_resolver({"muzeum.example": ["93.184.216.34", "10.0.0.5"]}))

    with pytest.raises(BlockedAddress) as raised:
        guard.check_url("http://muzeum.example/")

    assert "10.0.0.5" in str(raised.value)


def test_guard_message_names_address_and_setting():
    guard = Guard(resolver=fixed_resolver({"intranet.example": ["192.168.7.9"]}))

    with pytest.raises(BlockedAddress) as raised:
        guard.check_url("http://intranet.example/")

    message = str(raised.value)
    assert "intranet.example" in message
    assert "192.168.7.9" in message
    assert "CXAUDIT_SCAN_ALLOWED_NETWORKS" in message
    assert "192.168.7.9/32" in message


def test_allowed_network_opens_private_address():
    guard = Guard(
        allowed_networks=parse_allowed_networks("10.0.0.0/8, 192.168.0.0/16"),
        resolver=fixed_resolver({"intranet.example": ["10.20.30.40"]}),
    )

    assert guard.check_url("http://intranet.example/") == ["10.20.30.40"]


def test_allowed_network_never_opens_metadata_service():
    guard = Guard(
        allowed_networks=parse_allowed_networks("169.254.0.0/16"),
        resolver=fixed_resolver({"metadata.example": ["169.254.169.254"]}),
    )

    with pytest.raises(BlockedAddress) as raised:
        guard.check_url("http://metadata.example/latest/")

    assert "cloud metadata service" in str(raised.value)


def test_guard_message_for_ip_literal(app):
    with app.app_context(), pytest.raises(BlockedAddress) as raised:
        Guard().check_url("http://10.1.2.3:8080/")

    assert str(raised.value) == (
        "Refused to scan http://10.1.2.3:8080/: 10.1.2.3 is a private, loopback, link-local, multicast or "
        "reserved address. To scan it anyway, add its network to the setting CXAUDIT_SCAN_ALLOWED_NETWORKS, "
        "for example 10.1.2.3/32."
    )


def test_guard_message_for_metadata_name(app):
    guard = Guard(resolver=fixed_resolver({"metadata.example": ["fd00:ec2::254"]}))

    with app.app_context(), pytest.raises(BlockedAddress) as raised:
        guard.check_url("http://metadata.example/")

    assert str(raised.value) == (
        "Refused to scan http://metadata.example/: its host metadata.example resolves to fd00:ec2::254, "
        "the address of a cloud metadata service, which is never scanned. Check the address."
    )


def test_guard_checks_ip_literal_without_resolver():
    def no_lookup(host: str) -> list[str]:
        raise AssertionError(f"resolver called for {host}")

    guard = Guard(resolver=no_lookup)

    with pytest.raises(BlockedAddress):
        guard.check_url("http://[::1]:8080/")
    with pytest.raises(BlockedAddress):
        guard.check_url("http://169.254.169.254/")


def test_guard_reports_unresolvable_host():
    guard = Guard(resolver=fixed_resolver({}))

    with pytest.raises(BlockedAddress) as raised:
        guard.check_url("http://no-such-host.example/")

    assert "could not be resolved" in str(raised.value)


def test_loopback_name_resolves_locally_and_is_refused():
    # "localhost" resolves from /etc/hosts, so the real resolver sends no query out.
    with pytest.raises(BlockedAddress):
        Guard().check_url("http://localhost:8000/")


def test_invalid_allowed_network_named(app):
    with app.app_context(), pytest.raises(InvalidAllowedNetworks) as raised:
        parse_allowed_networks("127.0.0.0/8,intranet")

    assert "intranet" in str(raised.value)
    assert "CIDR" in str(raised.value)


def test_guard_from_config_reads_setting():
    guard = guard_from_config({"SCAN_ALLOWED_NETWORKS": "127.0.0.0/8", "SCAN_RESOLVER": fixed_resolver({})})

    assert guard.allowed_networks == (ipaddress.ip_network("127.0.0.0/8"),)
    assert guard.check_url("http://127.0.0.1:5000/") == ["127.0.0.1"]


def test_default_config_refuses_loopback_scan(make_app):
    app = make_app(SCAN_ALLOWED_NETWORKS="")

    with app.app_context(), pytest.raises(BlockedAddress) as raised:
        create_scan("http://127.0.0.1:8000/", 5)

    message = str(raised.value)
    assert "http://127.0.0.1:8000/" in message
    assert "127.0.0.1" in message
    assert "CXAUDIT_SCAN_ALLOWED_NETWORKS" in message


def test_test_suite_allows_loopback_scan(app):
    with app.app_context():
        scan = create_scan("http://127.0.0.1:8000/", 5)

    assert scan.url == "http://127.0.0.1:8000/"


def test_scan_creation_uses_injected_resolver(make_app):
    resolver = fixed_resolver({"muzeum.example": ["10.0.0.8"], "teatr.example": ["93.184.216.34"]})
    app = make_app(SCAN_RESOLVER=resolver)

    with app.app_context():
        with pytest.raises(BlockedAddress):
            create_scan("https://muzeum.example/", 5)
        scan = create_scan("https://teatr.example/", 5)

    assert scan.url == "https://teatr.example/"
