"""Read mail threads from folders of an IMAP mailbox with imaplib.

Only the headers threading needs are fetched (BODY.PEEK, so no message is
marked as read), and the folders are opened read-only. Folder names such as
"Wysłane" go to the server in IMAP's modified UTF-7, and a password with
letters outside ASCII is sent with SASL PLAIN, because LOGIN carries ASCII only.
"""

from __future__ import annotations

import base64
import email
import imaplib
import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from flask_babel import gettext as _

from cxaudit.inquiries.threads import MailReadResult, read_messages

logger = logging.getLogger(__name__)

SECURITY_MODES = ("ssl", "starttls", "none")
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
HEADER_FIELDS = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO REFERENCES FROM DATE)]"
# Message numbers fetched per FETCH command, so one command line stays short.
FETCH_BATCH = 200
TIMEOUT_SECONDS = 60
# Servers usually greet right after the connection, while a port with TLS from the first byte stays silent until
# the client starts TLS. So the wait for the greeting is much shorter than the session's timeout, but leaves room
# for a server that first looks up the client's name in DNS.
GREETING_TIMEOUT_SECONDS = 10
# OpenSSL's reasons for a handshake whose first bytes from the server are not a TLS record, as when an IMAP
# greeting arrives in clear text. NOTE: only WRONG_VERSION_NUMBER (OpenSSL 3.0, against Dovecot) was seen.
# The other two are how other OpenSSL versions may report the same failure, untested here.
NOT_TLS_REASONS = frozenset({"WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE"})


class ImapError(Exception):
    """Connecting, signing in or reading a folder failed; the message is translated."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    user: str
    password: str
    folders: tuple[str, ...]
    port: int | None = None
    security: str = "ssl"

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


class GreetingTimeout(Exception):
    """The server sent no greeting within GREETING_TIMEOUT_SECONDS after the connection."""


class PlainImap(imaplib.IMAP4):
    """An imaplib.IMAP4 that waits GREETING_TIMEOUT_SECONDS for the greeting and ``timeout`` for every later line.

    imaplib reads the greeting with the session's timeout, so a client aimed at an implicit-TLS port would
    sit out the whole timeout before failing. imaplib documents open() and readline() as meant to be overridden.
    """

    greeted = False

    def open(self, host: str = "", port: int = imaplib.IMAP4_PORT, timeout: float | None = None) -> None:
        # The TCP connection itself still gets the full timeout: a slow network is not a wrong port.
        super().open(host, port, timeout)
        self.session_timeout = timeout
        self.sock.settimeout(GREETING_TIMEOUT_SECONDS)

    def readline(self) -> bytes:
        if self.greeted:
            return super().readline()
        try:
            line = super().readline()
        except TimeoutError as error:
            raise GreetingTimeout from error
        self.greeted = True
        self.sock.settimeout(self.session_timeout)
        return line


def connect(account: ImapAccount) -> imaplib.IMAP4:
    try:
        return open_connection(account)
    except (GreetingTimeout, OSError, imaplib.IMAP4.error) as error:
        raise connection_error(account, error) from error


def open_connection(account: ImapAccount) -> imaplib.IMAP4:
    port = account.effective_port
    if account.security == "ssl":
        return imaplib.IMAP4_SSL(account.host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS)
    connection = PlainImap(account.host, port, timeout=TIMEOUT_SECONDS)
    if account.security == "starttls":
        connection.starttls(ssl_context=ssl.create_default_context())
    return connection


def connection_error(account: ImapAccount, error: Exception) -> ImapError:
    """Log why connecting failed and return the translated error, with the --security that fits the port."""
    host, port = account.host, account.effective_port
    if isinstance(error, GreetingTimeout):
        logger.warning("IMAP server %s:%d sent no greeting within %d s", host, port, GREETING_TIMEOUT_SECONDS)
        return ImapError(
            _(
                "The server %(host)s sent no greeting on port %(port)d: "
                "the port seems to expect TLS from the first byte. "
                "Use --security ssl with this port, or --security starttls with port 143.",
                host=host,
                port=port,
            )
        )
    if account.security == "ssl" and isinstance(error, ssl.SSLError) and error.reason in NOT_TLS_REASONS:
        logger.warning("IMAP server %s:%d sent its first bytes without TLS: %s", host, port, error)
        return ImapError(
            _(
                "The server %(host)s answered on port %(port)d without TLS: "
                "the port seems to expect plain IMAP first. "
                "Use --security starttls with this port, or --security ssl with port 993.",
                host=host,
                port=port,
            )
        )
    logger.warning("IMAP connection to %s:%d failed: %s", host, port, error)
    return ImapError(
        _(
            "Could not connect to %(host)s on port %(port)d: %(error)s. Check the host, the port and --security.",
            host=host,
            port=port,
            error=error,
        )
    )


def folder_messages(connection: imaplib.IMAP4, folder: str) -> Iterator[Message]:
    status, _data = connection.select(quote_folder(encode_folder_name(folder)), readonly=True)
    if status != "OK":
        raise ImapError(
            _("The folder %(folder)s was not found. Give a folder name as your mail program shows it.", folder=folder)
        )
    status, data = connection.search(None, "ALL")
    numbers = data[0].split() if status == "OK" and data and data[0] else []
    for start in range(0, len(numbers), FETCH_BATCH):
        batch = b",".join(numbers[start : start + FETCH_BATCH]).decode()
        status, fetched = connection.fetch(batch, f"({HEADER_FIELDS})")
        if status != "OK":
            raise ImapError(_("Reading the folder %(folder)s failed. Try again later.", folder=folder))
        for item in fetched:
            # Each message comes as a (description, header bytes) tuple, followed by a closing b")".
            if isinstance(item, tuple):
                yield email.message_from_bytes(item[1])


def encode_folder_name(folder: str) -> str:
    """Encode ``folder`` in modified UTF-7 (RFC 3501, section 5.1.3), the form IMAP servers expect.

    Printable ASCII stays as it is, "&" becomes "&-", and each run of other
    characters becomes "&", its UTF-16 in base64 with "," for "/" and no
    padding, and "-": "Wysłane" is sent as "Wys&AUI-ane".
    """
    parts: list[str] = []
    others: list[str] = []

    def close_others() -> None:
        if others:
            encoded = base64.b64encode("".join(others).encode("utf-16-be")).decode("ascii")
            parts.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            others.clear()

    for character in folder:
        if " " <= character <= "~":
            close_others()
            parts.append("&-" if character == "&" else character)
        else:
            others.append(character)
    close_others()
    return "".join(parts)


def quote_folder(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sign_in(connection: imaplib.IMAP4, user: str, password: str) -> None:
    if user.isascii() and password.isascii():
        connection.login(user, password)
        return
    # LOGIN sends only ASCII; SASL PLAIN (RFC 4616) carries the user name and password in UTF-8.
    connection.authenticate("PLAIN", lambda _challenge: f"\0{user}\0{password}".encode("utf-8"))


def sign_in_or_fail(connection: imaplib.IMAP4, account: ImapAccount) -> None:
    # A server that advertises LOGINDISABLED refuses LOGIN, and sending it anyway would expose the password
    # to anyone listening on the unencrypted connection. So the password is not sent at all.
    if account.security == "none" and "LOGINDISABLED" in connection.capabilities:
        raise ImapError(encryption_required(account))
    try:
        sign_in(connection, account.user, account.password)
    except imaplib.IMAP4.error as error:
        # PRIVACYREQUIRED (RFC 5530) is the refusal of a server that did not advertise LOGINDISABLED first.
        # NOTE: the test Dovecot always advertises LOGINDISABLED, so no test reaches this branch.
        if account.security == "none" and "PRIVACYREQUIRED" in str(error):
            raise ImapError(encryption_required(account)) from error
        raise ImapError(
            _("Signing in as %(user)s failed. Check the user name and the password.", user=account.user)
        ) from error


def encryption_required(account: ImapAccount) -> str:
    logger.warning("IMAP server %s:%d rejects plain-text login without TLS", account.host, account.effective_port)
    return _(
        "The server %(host)s accepts the password on port %(port)d only over an encrypted connection. "
        "Use --security starttls with this port, or --security ssl with port 993.",
        host=account.host,
        port=account.effective_port,
    )


def read_imap(account: ImapAccount) -> MailReadResult:
    """Read the threading headers of every message in the account's folders."""
    connection = connect(account)
    try:
        sign_in_or_fail(connection, account)
        messages: list[Message] = []
        for folder in account.folders:
            messages.extend(folder_messages(connection, folder))
        logger.info("Read %d messages from %s at %s", len(messages), ", ".join(account.folders), account.host)
        return read_messages(messages)
    finally:
        try:
            connection.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
