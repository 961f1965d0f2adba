"""A private Dovecot IMAP server on 127.0.0.1 for the IMAP import tests.

Dovecot runs from its own configuration file in a temporary folder, with its
own run, state and log files, so the machine's /etc/dovecot and system
service are never used. It listens on two free ports of 127.0.0.1: one for
plain IMAP and STARTTLS, one for IMAP over TLS, with a self-signed
certificate made for the session. Each test adds its own user, with a
passwd-file of its own, whose mail is a Maildir in the temporary folder.
Messages are put into folders with IMAP APPEND, the way a mail program
stores a copy, so Dovecot decides how they are kept on disk.

Dovecot counts a connection from its own address as secured and then allows
plain-text login whatever its settings are. Clients on 127.0.0.1 thus never
see a server that refuses it. A RemoteClientRelay lets a test connect as a
client on 127.0.0.2, for which Dovecot refuses plain-text login without TLS
as it would for a mail program on another machine.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

HOST = "127.0.0.1"
# The source address of RemoteClientRelay's connections to Dovecot. Linux routes all of 127.0.0.0/8 to loopback.
REMOTE_CLIENT = "127.0.0.2"
STARTUP_SECONDS = 15
DOVECOT_CANDIDATES = ("dovecot", "/usr/sbin/dovecot")


class DovecotMissing(Exception):
    """The dovecot program is not installed."""


def dovecot_program() -> str:
    for candidate in DOVECOT_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise DovecotMissing(
        "dovecot is not installed: run `make test`, which installs dovecot-imapd, or apt-get install dovecot-imapd"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """Make a self-signed certificate for 127.0.0.1 that clients can trust as their only CA."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={HOST}",
            "-addext", f"subjectAltName=IP:{HOST}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


@dataclass(frozen=True)
class ProcessUsers:
    """The system users Dovecot's processes and the mail run as.

    Dovecot rejects root for its login processes and for mail access. So
    under root the processes run as the users its package made, and the mail
    as `nobody`. Otherwise everything runs as the current user.
    """

    login: str
    internal: str
    internal_group: str
    mail_uid: int
    mail_gid: int

    @classmethod
    def for_current_user(cls) -> ProcessUsers:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            return cls("dovenull", "dovecot", "dovecot", nobody.pw_uid, nobody.pw_gid)
        me = pwd.getpwuid(os.geteuid())
        group = me.pw_name
        try:
            import grp

            group = grp.getgrgid(os.getegid()).gr_name
        except KeyError:
            pass
        return cls(me.pw_name, me.pw_name, group, os.geteuid(), os.getegid())


CONFIG_TEMPLATE = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
default_login_user = {users.login}
default_internal_user = {users.internal}
default_internal_group = {users.internal_group}
first_valid_uid = {users.mail_uid}
last_valid_uid = {users.mail_uid}
# The tests sign in with security mode "none" too, except as a client on another machine (see below).
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{certificate}
ssl_key = <{key}
passdb {{
  driver = passwd-file
  # One passwd-file per user: with one shared file rewritten for each new user, Dovecot sometimes rejected the newest.
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
userdb {{
  driver = static
  args = uid={users.mail_uid} gid={users.mail_gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
# Chrooting needs root; without it the same settings also run under an ordinary user.
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {ssl_port}
    ssl = yes
  }}
}}
# Dovecot's default for clients on other machines: LOGINDISABLED until the connection uses TLS.
remote {remote_client} {{
  disable_plaintext_auth = yes
}}
"""


@dataclass
class DovecotServer:
    """A running private Dovecot; ``stop`` ends it."""

    root: Path
    port: int
    ssl_port: int
    certificate: Path
    program: str
    host: str = HOST

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def add_user(self, password: str) -> str:
        """Add a user with an empty mailbox and return the user name."""
        user = f"kontakt-{secrets.token_hex(4)}@muzeum.example"
        users_file = self.root / "users" / user
        users_file.write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
        users_file.chmod(0o644)
        return user

    def stop(self) -> None:
        subprocess.run([self.program, "-c", str(self.config), "stop"], capture_output=True, timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def write_config(server: DovecotServer, users: ProcessUsers, key: Path) -> None:
    """Write the configuration file and make the folders for passwd-files and mail."""
    root = server.root
    # Dovecot's own users read the passwd-files and reach the mail folder.
    root.chmod(0o755)
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, users.mail_uid, users.mail_gid)
    (root / "users").mkdir()
    (root / "users").chmod(0o755)
    settings = CONFIG_TEMPLATE.format(
        root=root,
        host=server.host,
        users=users,
        certificate=server.certificate,
        key=key,
        port=server.port,
        ssl_port=server.ssl_port,
        remote_client=REMOTE_CLIENT,
    )
    server.config.write_text(settings, encoding="utf-8")


def start_dovecot() -> DovecotServer:
    """Start Dovecot on two free ports of 127.0.0.1 and wait for its greeting."""
    program = dovecot_program()
    root = Path(tempfile.mkdtemp(prefix="cxaudit-dovecot-"))
    certificate, key = make_certificate(root)
    key.chmod(0o600)
    server = DovecotServer(root=root, port=free_port(), ssl_port=free_port(), certificate=certificate, program=program)
    write_config(server, ProcessUsers.for_current_user(), key)

    # Dovecot goes to the background and keeps its standard streams, so they go to a file, not a pipe.
    startup_log = root / "startup.log"
    with startup_log.open("wb") as output:
        started = subprocess.run(
            [program, "-c", str(server.config)], stdin=subprocess.DEVNULL, stdout=output, stderr=output, timeout=30
        )
    if started.returncode != 0:
        message = startup_log.read_text(errors="replace").strip()
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"dovecot did not start: {message}")
    wait_for_greeting(server)
    return server


def wait_for_greeting(server: DovecotServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            connection = imaplib.IMAP4(server.host, server.port, timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                log = server.log()
                server.stop()
                raise RuntimeError(f"dovecot did not answer on {server.host}:{server.port}. Its log:\n{log}")
            time.sleep(0.1)
            continue
        connection.logout()
        return


class RemoteClientRelay:
    """A TCP relay from a free port of 127.0.0.1 to ``target_port``, connecting to Dovecot from REMOTE_CLIENT.

    ``client_bytes`` collects everything the clients sent, so a test can check what reached the wire.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.client_bytes = bytearray()
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept_clients, daemon=True).start()

    def accept_clients(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # stop() closed the listener.
            upstream = socket.create_connection((HOST, self.target_port), timeout=30, source_address=(REMOTE_CLIENT, 0))
            threading.Thread(target=self.forward, args=(client, upstream, self.client_bytes), daemon=True).start()
            threading.Thread(target=self.forward, args=(upstream, client, None), daemon=True).start()

    @staticmethod
    def forward(source: socket.socket, target: socket.socket, copy: bytearray | None) -> None:
        try:
            while data := source.recv(65536):
                if copy is not None:
                    copy.extend(data)
                target.sendall(data)
        except OSError:
            pass
        # Closing both ends also stops the thread that forwards the other way.
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def stop(self) -> None:
        # On Linux, close() alone does not wake the accept() that waits in the other thread, but shutdown() does.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()


def mail_message(
    message_id: str,
    sender: str,
    recipient: str,
    date: str,
    subject: str,
    body: str,
    replies_to: tuple[str, ...] = (),
) -> bytes:
    """Write one mail message; ``replies_to`` lists the thread's earlier Message-IDs, the latest last."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = message_id
    if replies_to:
        message["In-Reply-To"] = replies_to[-1]
        message["References"] = " ".join(replies_to)
    message.set_content(body)
    return message.as_bytes()


class MailboxWriter:
    """An IMAP connection of one test user that creates folders and appends messages, for the test set-up only."""

    def __init__(self, server: DovecotServer, user: str, password: str):
        self.connection = imaplib.IMAP4(server.host, server.port, timeout=30)
        # SASL PLAIN, unlike LOGIN, takes passwords with Polish letters.
        self.connection.authenticate("PLAIN", lambda _challenge: f"\0{user}\0{password}".encode("utf-8"))

    def __enter__(self) -> MailboxWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.connection.logout()

    def create(self, wire_name: str) -> None:
        """Create a folder; ``wire_name`` is its name as IMAP sends it (modified UTF-7 for non-ASCII)."""
        status, data = self.connection.create(quoted(wire_name))
        assert status == "OK", data

    def append(self, wire_name: str, message: bytes) -> None:
        """Append ``message`` without flags, so it stays unread."""
        status, data = self.connection.append(quoted(wire_name), None, None, message)
        assert status == "OK", data

    def unread_counts(self, wire_name: str) -> tuple[int, int]:
        """Count the messages of a folder and those without \\Seen, with the folder opened read-only."""
        status, data = self.connection.select(quoted(wire_name), readonly=True)
        assert status == "OK", data
        total = int(data[0])
        status, data = self.connection.search(None, "UNSEEN")
        assert status == "OK", data
        unseen = len(data[0].split()) if data[0] else 0
        self.connection.close()
        return total, unseen


def quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
