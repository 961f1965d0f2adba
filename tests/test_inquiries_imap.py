"""`cxaudit inquiries imap` against a real Dovecot server on 127.0.0.1 (see imap_server.py).

Each test gets its own mailbox user. The fixture mailbox contains five threads
of a museum whose own addresses are @muzeum.example and kasa@bilety.example.
The visitors' messages are in INBOX and the museum's in the Sent folder,
which some tests name "Sent Items" or "Wysłane" as mail programs do.
Through the ``remote_relay`` fixture, Dovecot treats the client as one on
another machine and rejects plain-text login before TLS.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Inquiry, InquirySource, Institution
from imap_server import MailboxWriter, RemoteClientRelay, free_port, mail_message
from inquiries_helpers import add_museum

PASSWORD = "tajne-haslo-7"
INBOX = "INBOX"
SENT = "Sent"
MUSEUM = "kontakt@muzeum.example"

# (folder, message): INBOX or SENT, where SENT is a placeholder for the Sent folder's name in each test.
THREADS = [
    # 1. A question answered once: first response and resolution after 1 h 30 min.
    (INBOX, mail_message("<t1-q@example.net>", "jan@example.net", MUSEUM, "Mon, 09 Nov 2026 09:00:00 +0100",
                         "Bilety ulgowe", "Czy student ma zniżkę?")),
    (SENT, mail_message("<t1-r@muzeum.example>", MUSEUM, "jan@example.net", "Mon, 09 Nov 2026 10:30:00 +0100",
                        "Re: Bilety ulgowe", "Tak, 50%.", ("<t1-q@example.net>",))),
    # 2. A reply after 3 h, a follow-up next morning and a final reply: resolved after 21 h 15 min.
    (INBOX, mail_message("<t2-q@example.org>", "ewa@example.org", MUSEUM, "Tue, 10 Nov 2026 12:00:00 +0100",
                         "Grupa szkolna", "Czy możemy przyjść w piątek?")),
    (SENT, mail_message("<t2-r1@bilety.example>", "kasa@bilety.example", "ewa@example.org",
                        "Tue, 10 Nov 2026 15:00:00 +0100", "Re: Grupa szkolna", "Ile osób?",
                        ("<t2-q@example.org>",))),
    (INBOX, mail_message("<t2-f@example.org>", "ewa@example.org", MUSEUM, "Wed, 11 Nov 2026 08:00:00 +0100",
                         "Re: Grupa szkolna", "25 osób.", ("<t2-q@example.org>", "<t2-r1@bilety.example>"))),
    (SENT, mail_message("<t2-r2@muzeum.example>", MUSEUM, "ewa@example.org", "Wed, 11 Nov 2026 09:15:00 +0100",
                        "Re: Grupa szkolna", "Zapraszamy.",
                        ("<t2-q@example.org>", "<t2-r1@bilety.example>", "<t2-f@example.org>"))),
    # 3. Unanswered.
    (INBOX, mail_message("<t3-q@example.com>", "piotr@example.com", MUSEUM, "Thu, 12 Nov 2026 14:00:00 +0100",
                         "Parking", "Czy jest parking?")),
    # 4. Answered after 1 h, but the visitor wrote last, so it is still open.
    (INBOX, mail_message("<t4-q@example.net>", "ola@example.net", MUSEUM, "Fri, 13 Nov 2026 10:00:00 +0100",
                         "Audioprzewodnik", "Czy jest po angielsku?")),
    (SENT, mail_message("<t4-r@muzeum.example>", MUSEUM, "ola@example.net", "Fri, 13 Nov 2026 11:00:00 +0100",
                        "Re: Audioprzewodnik", "Tak.", ("<t4-q@example.net>",))),
    (INBOX, mail_message("<t4-f@example.net>", "ola@example.net", MUSEUM, "Fri, 13 Nov 2026 12:00:00 +0100",
                         "Re: Audioprzewodnik", "A po ukraińsku?", ("<t4-q@example.net>", "<t4-r@muzeum.example>"))),
    # 5. Only the museum wrote: not an inquiry.
    (SENT, mail_message("<t5-n@muzeum.example>", MUSEUM, "lista@example.org", "Sat, 14 Nov 2026 09:00:00 +0100",
                        "Newsletter", "Nowa wystawa.")),
]

# Thread key (its first Message-ID): (first response seconds, resolution seconds), worked out from the dates above.
EXPECTED_TIMES = {
    "<t1-q@example.net>": (90 * 60, 90 * 60),
    "<t2-q@example.org>": (3 * 3600, 21 * 3600 + 15 * 60),
    "<t3-q@example.com>": (None, None),
    "<t4-q@example.net>": (3600, None),
}


def fill_mailbox(dovecot, sent_wire_name: str = SENT, password: str = PASSWORD) -> str:
    """Add a user whose INBOX and Sent folder (named ``sent_wire_name`` on the wire) contain THREADS."""
    user = dovecot.add_user(password)
    with MailboxWriter(dovecot, user, password) as writer:
        writer.create(sent_wire_name)
        for folder, message in THREADS:
            writer.append(INBOX if folder == INBOX else sent_wire_name, message)
    return user


@pytest.fixture
def app(any_db_app):
    """Every test here runs on SQLite, then on PostgreSQL when CXAUDIT_TEST_DATABASE_URL names one."""
    return any_db_app


@pytest.fixture
def remote_relay(dovecot):
    """A relay to Dovecot's plain listener, through which Dovecot treats the client as one on another machine."""
    relay = RemoteClientRelay(dovecot.port)
    yield relay
    relay.stop()


@pytest.fixture
def museum(app):
    with app.app_context():
        add_museum()
    return "muzeum"


def import_imap(runner, dovecot, user, *folders, password=PASSWORD, security="none", port=None):
    arguments = ["inquiries", "imap", "muzeum", "--host", dovecot.host, "--port", str(port or dovecot.port),
                 "--security", security, "--user", user]
    for folder in folders:
        arguments += ["--folder", folder]
    return runner.invoke(cli, arguments, env={"CXAUDIT_IMAP_PASSWORD": password})


def stored_times(app) -> dict[str, tuple[int | None, int | None]]:
    with app.app_context():
        return {
            inquiry.external_key: (inquiry.first_response_seconds, inquiry.resolution_seconds)
            for inquiry in db.session.scalars(select(Inquiry))
        }


def test_import_gives_expected_times(app, runner, museum, dovecot):
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, SENT)

    assert result.exit_code == 0, result.output
    assert "4 inquiries added, 0 updated." in result.output
    assert "1 thread had no message from a visitor and was left out." in result.output
    assert stored_times(app) == EXPECTED_TIMES
    with app.app_context():
        first = db.session.scalar(select(Inquiry).where(Inquiry.external_key == "<t2-q@example.org>"))
        assert first.source == InquirySource.IMAP
        assert first.received_at.strftime("%Y-%m-%d %H:%M") == "2026-11-10 11:00"


def test_messages_stay_unread(app, runner, museum, dovecot):
    user = fill_mailbox(dovecot)
    with MailboxWriter(dovecot, user, PASSWORD) as writer:
        before = {folder: writer.unread_counts(folder) for folder in (INBOX, SENT)}

    result = import_imap(runner, dovecot, user, INBOX, SENT)

    assert result.exit_code == 0, result.output
    with MailboxWriter(dovecot, user, PASSWORD) as writer:
        after = {folder: writer.unread_counts(folder) for folder in (INBOX, SENT)}
    assert before == {INBOX: (6, 6), SENT: (5, 5)}
    assert after == before


def test_second_import_updates(app, runner, museum, dovecot):
    user = fill_mailbox(dovecot)

    first = import_imap(runner, dovecot, user, INBOX, SENT)
    second = import_imap(runner, dovecot, user, INBOX, SENT)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "0 inquiries added, 4 updated." in second.output
    assert stored_times(app) == EXPECTED_TIMES


def test_inbox_alone_keeps_replies(app, runner, museum, dovecot):
    user = fill_mailbox(dovecot)
    import_imap(runner, dovecot, user, INBOX, SENT)

    result = import_imap(runner, dovecot, user, INBOX)

    assert result.exit_code == 0, result.output
    assert "0 inquiries added, 4 updated." in result.output
    assert "Import the Sent folder together with the Inbox." in result.output
    assert stored_times(app) == EXPECTED_TIMES


# Folder names as a mail program shows them, and as IMAP sends them (modified UTF-7, RFC 3501).
@pytest.mark.parametrize(
    ("folder", "wire_name"),
    [
        ("Sent Items", "Sent Items"),
        ("Wysłane", "Wys&AUI-ane"),
        ("Elementy wysłane", "Elementy wys&AUI-ane"),
        ("Odpowiedzi & skargi", "Odpowiedzi &- skargi"),
        ("Żółte", "&AXsA8wFC-te"),
    ],
)
def test_folder_name_encoding(app, runner, museum, dovecot, folder, wire_name):
    user = fill_mailbox(dovecot, sent_wire_name=wire_name)

    result = import_imap(runner, dovecot, user, INBOX, folder)

    assert result.exit_code == 0, result.output
    assert stored_times(app) == EXPECTED_TIMES


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Error: The folder Wysłane was not found. Give a folder name as your mail program shows it."),
        ("pl", "Błąd: Nie znaleziono folderu Wysłane. Podaj nazwę folderu taką, jaką pokazuje program pocztowy."),
    ],
)
def test_missing_folder_is_named(app, runner, museum, dovecot, monkeypatch, language, expected):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", language)
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, "Wysłane")

    assert result.exit_code == 2
    assert expected in result.stderr
    assert stored_times(app) == {}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Error: Signing in as {user} failed. Check the user name and the password."),
        ("pl", "Błąd: Logowanie jako {user} się nie powiodło. Sprawdź nazwę użytkownika i hasło."),
    ],
)
def test_wrong_password(app, runner, museum, dovecot, monkeypatch, language, expected):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", language)
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, SENT, password="zle-haslo")

    assert result.exit_code == 2
    assert expected.format(user=user) in result.stderr
    assert stored_times(app) == {}


def test_password_with_polish_letters(app, runner, museum, dovecot):
    password = "zażółć-gęślą-jaźń"
    user = fill_mailbox(dovecot, password=password)

    result = import_imap(runner, dovecot, user, INBOX, SENT, password=password)

    assert result.exit_code == 0, result.output
    assert stored_times(app) == EXPECTED_TIMES


def test_tls_with_a_trusted_certificate(app, runner, museum, dovecot, monkeypatch):
    # OpenSSL reads SSL_CERT_FILE in place of the system's CA list; the product's TLS settings stay as they are.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.certificate))
    user = fill_mailbox(dovecot)

    over_tls = import_imap(runner, dovecot, user, INBOX, SENT, security="ssl", port=dovecot.ssl_port)
    over_starttls = import_imap(runner, dovecot, user, INBOX, SENT, security="starttls")

    assert over_tls.exit_code == 0, over_tls.output
    assert "4 inquiries added, 0 updated." in over_tls.output
    assert over_starttls.exit_code == 0, over_starttls.output
    assert "0 inquiries added, 4 updated." in over_starttls.output
    assert stored_times(app) == EXPECTED_TIMES


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_untrusted_certificate_is_refused(app, runner, museum, dovecot, security):
    user = fill_mailbox(dovecot)
    port = dovecot.ssl_port if security == "ssl" else dovecot.port

    result = import_imap(runner, dovecot, user, INBOX, SENT, security=security, port=port)

    assert result.exit_code == 2
    assert f"Error: Could not connect to {dovecot.host} on port {port}: " in result.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert "Check the host, the port and --security." in result.stderr
    assert stored_times(app) == {}


def test_missing_own_addresses_reported_first(app, runner, dovecot):
    with app.app_context():
        db.session.add(Institution(slug="muzeum", name="Muzeum Narodowe", default_language="pl"))
        db.session.commit()
    user = fill_mailbox(dovecot)

    # A wrong password too: the addresses are checked before cxaudit signs in and reads the mailbox.
    result = import_imap(runner, dovecot, user, INBOX, SENT, password="zle-haslo")

    assert result.exit_code == 2
    assert "Error: Muzeum Narodowe has no own mail addresses" in result.stderr
    assert "Signing in" not in result.stderr
    assert stored_times(app) == {}


def test_empty_folder_is_reported(app, runner, museum, dovecot):
    user = dovecot.add_user(PASSWORD)

    result = import_imap(runner, dovecot, user, INBOX)

    assert result.exit_code == 2
    assert "Error: No mail message with a date was found." in result.stderr
    assert "Correct the file" not in result.stderr


def test_folder_larger_than_one_fetch(app, runner, museum, dovecot):
    # 450 questions take three FETCH commands of at most 200 messages each.
    user = dovecot.add_user(PASSWORD)
    with MailboxWriter(dovecot, user, PASSWORD) as writer:
        for number in range(450):
            minute = f"{number // 60:02d}:{number % 60:02d}"
            writer.append(INBOX, mail_message(f"<q{number}@example.net>", "jan@example.net", MUSEUM,
                                              f"Mon, 16 Nov 2026 {minute}:00 +0100", "Pytanie", "Treść."))

    result = import_imap(runner, dovecot, user, INBOX)

    assert result.exit_code == 0, result.output
    assert "450 inquiries added, 0 updated." in result.output
    assert len(stored_times(app)) == 450


def test_import_report_in_polish(app, runner, museum, dovecot, monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "pl")
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, SENT)

    assert result.exit_code == 0, result.output
    assert "Dodano 4 zapytania, zaktualizowano 0." in result.output
    assert "Pominięto 1 wątek bez wiadomości od odwiedzającego." in result.output
    assert stored_times(app) == EXPECTED_TIMES


def test_nothing_listening_on_port(app, runner, museum, dovecot):
    user = fill_mailbox(dovecot)
    port = free_port()

    result = import_imap(runner, dovecot, user, INBOX, SENT, security="none", port=port)

    assert result.exit_code == 2
    assert f"Error: Could not connect to {dovecot.host} on port {port}: " in result.stderr
    assert "Check the host, the port and --security." in result.stderr
    assert stored_times(app) == {}


NO_GREETING = {
    "en": "Error: The server {host} sent no greeting on port {port}: "
          "the port seems to expect TLS from the first byte. "
          "Use --security ssl with this port, or --security starttls with port 143.",
    "pl": "Błąd: Serwer {host} nie wysłał powitania na porcie {port}: "
          "ten port najwyraźniej oczekuje TLS od pierwszego bajtu. "
          "Użyj --security ssl z tym portem albo --security starttls z portem 143.",
}
NO_TLS = {
    "en": "Error: The server {host} answered on port {port} without TLS: "
          "the port seems to expect plain IMAP first. "
          "Use --security starttls with this port, or --security ssl with port 993.",
    "pl": "Błąd: Serwer {host} odpowiedział na porcie {port} bez TLS: "
          "ten port najwyraźniej oczekuje najpierw zwykłego IMAP. "
          "Użyj --security starttls z tym portem albo --security ssl z portem 993.",
}


# Each case waits for the greeting that a TLS port never sends in clear text, so there are only two.
@pytest.mark.parametrize(("security", "language"), [("starttls", "en"), ("none", "pl")])
def test_plain_connection_to_tls_port(app, runner, museum, dovecot, monkeypatch, security, language):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", language)
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, SENT, security=security, port=dovecot.ssl_port)

    assert result.exit_code == 2
    assert NO_GREETING[language].format(host=dovecot.host, port=dovecot.ssl_port) in result.stderr
    assert stored_times(app) == {}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_tls_to_plain_port(app, runner, museum, dovecot, monkeypatch, language):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", language)
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, SENT, security="ssl", port=dovecot.port)

    assert result.exit_code == 2
    assert NO_TLS[language].format(host=dovecot.host, port=dovecot.port) in result.stderr
    assert stored_times(app) == {}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Error: The server {host} accepts the password on port {port} only over an encrypted connection. "
               "Use --security starttls with this port, or --security ssl with port 993."),
        ("pl", "Błąd: Serwer {host} przyjmuje hasło na porcie {port} tylko przez połączenie szyfrowane. "
               "Użyj --security starttls z tym portem albo --security ssl z portem 993."),
    ],
)
@pytest.mark.parametrize("password", [PASSWORD, "zażółć-gęślą-jaźń"])
def test_plain_login_disabled(app, runner, museum, dovecot, remote_relay, monkeypatch, language, expected, password):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", language)
    user = fill_mailbox(dovecot, password=password)

    result = import_imap(runner, dovecot, user, INBOX, SENT, password=password, port=remote_relay.port)

    assert result.exit_code == 2
    assert expected.format(host=dovecot.host, port=remote_relay.port) in result.stderr
    assert "Check the user name and the password" not in result.stderr
    # The password is never sent in clear text, with LOGIN or with SASL PLAIN (whose base64 hides it).
    assert b"LOGIN" not in bytes(remote_relay.client_bytes).upper()
    assert b"AUTHENTICATE" not in bytes(remote_relay.client_bytes).upper()
    assert stored_times(app) == {}


def test_starttls_where_plain_login_disabled(app, runner, museum, dovecot, remote_relay, monkeypatch):
    # The fix the error gives: the same port with STARTTLS. Dovecot accepts the password once TLS is on.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.certificate))
    user = fill_mailbox(dovecot)

    result = import_imap(runner, dovecot, user, INBOX, SENT, security="starttls", port=remote_relay.port)

    assert result.exit_code == 0, result.output
    assert stored_times(app) == EXPECTED_TIMES
