"""The `cxaudit inquiries` commands through the real CLI group."""

from __future__ import annotations

import mailbox

import pytest
from sqlalchemy import func, select

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Inquiry, Institution
from inquiries_helpers import CSV_FILE, DATA_DIR, MBOX_FILE


@pytest.fixture
def museum(app):
    with app.app_context():
        db.session.add(Institution(slug="muzeum", name="Muzeum Narodowe", default_language="pl"))
        db.session.commit()
    return "muzeum"


def run(runner, *args, input=None):
    return runner.invoke(cli, list(args), input=input)


def inquiry_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Inquiry))


def test_import_csv_twice(app, runner, museum):
    first = run(runner, "inquiries", "import", museum, str(CSV_FILE))
    second = run(runner, "inquiries", "import", museum, str(CSV_FILE), "--format", "csv")

    assert first.exit_code == 0, first.output
    assert "5 inquiries added, 0 updated." in first.output
    assert second.exit_code == 0
    assert "0 inquiries added, 5 updated." in second.output
    assert inquiry_count(app) == 5


def test_import_invalid_csv_lists_rows(app, runner, museum):
    result = run(runner, "inquiries", "import", museum, str(DATA_DIR / "invalid.csv"))

    assert result.exit_code == 2
    assert "Row 3, column channel: “letter” is not a channel." in result.output
    assert "Nothing was imported. Correct the file and import it again." in result.output
    assert inquiry_count(app) == 0


def test_import_mbox_after_setting_addresses(app, runner, museum):
    without = run(runner, "inquiries", "import", museum, str(MBOX_FILE), "--format", "mbox")
    assert without.exit_code == 2
    assert "has no own mail addresses" in without.output

    addresses = run(runner, "inquiries", "addresses", museum, "@Muzeum.Example", "kasa@bilety.example")
    assert addresses.exit_code == 0
    assert addresses.output.split() == ["@muzeum.example", "kasa@bilety.example"]

    result = run(runner, "inquiries", "import", museum, str(MBOX_FILE), "--format", "mbox")
    assert result.exit_code == 0, result.output
    assert "3 inquiries added, 0 updated." in result.output
    assert "1 thread had no message from a visitor and was left out." in result.output
    assert "1 message had no readable Date header and was left out." in result.output


def test_addresses_rejects_invalid(runner, museum):
    result = run(runner, "inquiries", "addresses", museum, "kasa-at-muzeum")

    assert result.exit_code == 2
    assert "“kasa-at-muzeum” is not a mail address." in result.output


def test_unknown_slug(runner):
    result = run(runner, "inquiries", "import", "nie-ma", str(CSV_FILE))

    assert result.exit_code == 2
    assert "No institution has the slug nie-ma." in result.output


def test_token_printed_once_and_hashed(app, runner, museum):
    from cxaudit.inquiries.store import institution_for_token

    result = run(runner, "inquiries", "token", museum)
    token = result.output.splitlines()[0]

    assert result.exit_code == 0
    assert len(token) >= 40
    with app.app_context():
        assert institution_for_token(token).slug == museum
        assert institution_for_token(token + "x") is None


def test_imap_password_not_an_option(runner, museum):
    result = run(runner, "inquiries", "imap", museum, "--host", "localhost", "--user", "u", "--password", "p")

    assert result.exit_code == 2
    assert "No such option '--password'" in result.output


def inbox_only(path) -> str:
    """Write the test mailbox without the institution's own messages, as an Inbox export without Sent."""
    source = mailbox.mbox(MBOX_FILE, create=False)
    inbox = mailbox.mbox(path)
    for message in source:
        sender = str(message.get("From", "")).lower()
        if "muzeum.example" not in sender and "bilety.example" not in sender:
            inbox.add(message)
    inbox.flush()
    inbox.close()
    source.close()
    return str(path)


def stored_times(app) -> dict[str, tuple]:
    with app.app_context():
        return {inquiry.external_key: (inquiry.first_response_at, inquiry.resolved_at) for inquiry in db.session.scalars(select(Inquiry))}


def test_inbox_import_keeps_stored_replies_and_warns(app, runner, museum, tmp_path):
    run(runner, "inquiries", "addresses", museum, "@muzeum.example", "kasa@bilety.example")
    run(runner, "inquiries", "import", museum, str(MBOX_FILE), "--format", "mbox")
    before = stored_times(app)

    result = run(runner, "inquiries", "import", museum, inbox_only(tmp_path / "inbox.mbox"), "--format", "mbox")

    assert result.exit_code == 0, result.output
    assert "0 inquiries added, 3 updated." in result.output
    assert "No reply from the institution's own addresses was found" in result.output
    assert "Import the Sent folder together with the Inbox." in result.output
    assert any(first is not None for first, _resolved in before.values())
    assert stored_times(app) == before


def test_full_import_does_not_warn_about_replies(app, runner, museum):
    run(runner, "inquiries", "addresses", museum, "@muzeum.example", "kasa@bilety.example")
    result = run(runner, "inquiries", "import", museum, str(MBOX_FILE), "--format", "mbox")

    assert "No reply from the institution's own addresses" not in result.output
