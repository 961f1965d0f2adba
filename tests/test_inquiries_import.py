"""Importing inquiries from CSV and mbox files into SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cxaudit.extensions import db
from cxaudit.inquiries.imports import import_csv, import_mbox
from cxaudit.inquiries.records import InvalidInquiries
from cxaudit.models import Channel, Inquiry
from cxaudit.timestamps import as_utc
from inquiries_helpers import CSV_FILE, DATA_DIR, MBOX_FILE, add_museum


def stored(institution) -> dict[str, Inquiry]:
    inquiries = db.session.scalars(select(Inquiry).where(Inquiry.institution_id == institution.id))
    return {inquiry.external_key: inquiry for inquiry in inquiries}


def inquiry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry))


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_csv_rows_stored_with_times(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        result = import_csv(museum, CSV_FILE.read_bytes())
        inquiries = stored(museum)

    assert result.created == 5
    assert result.updated == 0
    # T-2 is written without an offset, so it is Warsaw time: 15:00 CET is 14:00 UTC.
    assert as_utc(inquiries["T-2"].received_at) == utc(2026, 11, 10, 14, 0)
    assert inquiries["T-2"].channel == Channel.FORM
    # 9 Nov 09:00 to 11:00 (+01:00): two hours.
    assert inquiries["T-1"].first_response_seconds == 7200
    # 9 Nov 09:00 to 10 Nov 09:00: one day.
    assert inquiries["T-1"].resolution_seconds == 86400
    # 10 Nov 15:00 to 12 Nov 09:00: 42 hours.
    assert inquiries["T-2"].first_response_seconds == 42 * 3600
    assert inquiries["T-3"].resolved_at is None
    assert inquiries["T-5"].first_response_at is None
    assert inquiries["T-5"].first_response_seconds is None
    assert inquiries["T-4"].received_month == "2026-12"
    assert inquiries["T-1"].received_month == "2026-11"


def test_csv_reimport_updates_instead_of_adding(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        import_csv(museum, CSV_FILE.read_bytes())
        # The helpdesk's later export: T-5 got its answer on 2 Dec at 14:00 Warsaw time.
        later = CSV_FILE.read_text().replace("T-5,email,2026-12-02 12:00,,", "T-5,email,2026-12-02 12:00,2026-12-02 14:00,")
        result = import_csv(museum, later.encode())

        assert result.created == 0
        assert result.updated == 5
        assert inquiry_count() == 5
        assert stored(museum)["T-5"].first_response_seconds == 7200


def test_csv_semicolons_and_channel_case(app):
    with app.app_context():
        museum = add_museum()
        result = import_csv(museum, (DATA_DIR / "semicolons.csv").read_bytes())

        assert result.created == 1
        assert stored(museum)["S-1"].channel == Channel.EMAIL


def test_invalid_csv_stores_nothing(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        with pytest.raises(InvalidInquiries) as raised:
            import_csv(museum, (DATA_DIR / "invalid.csv").read_bytes())

        assert inquiry_count() == 0
    errors = raised.value.errors
    assert len(errors) == 4
    assert errors[0].startswith("Row 3, column channel: “letter” is not a channel. Use one of: email, form")
    assert errors[1].startswith("Row 4, column received_at: “9.11.2026 09:00” is not a date and time. Use ISO 8601")
    assert errors[2].startswith("Row 5, column first_response_at: “2026-11-08 10:00” is before the time")
    assert errors[3] == "Row 6, column id: The id “B-1” is already used in row 2. Give each inquiry its own id."


def test_csv_missing_column_named(app):
    with app.app_context():
        museum = add_museum()
        with pytest.raises(InvalidInquiries) as raised:
            import_csv(museum, b"id,received_at\nX,2026-11-09 09:00\n")

    assert raised.value.errors == [
        "The first line must name the columns. Missing: channel. "
        "Expected columns: id, channel, received_at, first_response_at, resolved_at."
    ]


def test_csv_not_utf8_rejected(app):
    with app.app_context():
        museum = add_museum()
        with pytest.raises(InvalidInquiries, match="not UTF-8"):
            import_csv(museum, "id,channel,received_at\nŁ-1,email,2026-11-09 09:00\n".encode("cp1250"))


def test_csv_error_in_polish(app):
    from flask_babel import force_locale

    with app.app_context(), force_locale("pl"):
        museum = add_museum()
        with pytest.raises(InvalidInquiries) as raised:
            import_csv(museum, b"id,channel,received_at\nX,fax,2026-11-09 09:00\n")

    assert raised.value.errors[0].startswith("Wiersz 2, kolumna channel: „fax”")


def test_mbox_threads_become_inquiries(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        result = import_mbox(museum, [MBOX_FILE])
        inquiries = stored(museum)

    # Threads A, B and C come from visitors; D is only the newsletter and E has no Date.
    assert result.created == 3
    assert result.skipped_threads == 1
    assert result.skipped_messages == 1
    assert set(inquiries) == {"<a1@visitor.example>", "<b1@visitor.example>", "<c1@visitor.example>"}

    thread_a = inquiries["<a1@visitor.example>"]
    assert thread_a.channel == Channel.EMAIL
    # A1 Mon 9 Nov 09:00 +01:00 = 08:00 UTC; A2 (Info@Muzeum.Example) at 13:00: four hours.
    assert as_utc(thread_a.received_at) == utc(2026, 11, 9, 8, 0)
    assert thread_a.first_response_seconds == 4 * 3600
    # The last message, A4 from kasa@bilety.example (linked by References only), resolves it:
    # Mon 09:00 to Thu 12 Nov 10:00 is 3 days and 1 hour = 73 hours.
    assert thread_a.resolution_seconds == 73 * 3600

    thread_b = inquiries["<b1@visitor.example>"]
    assert thread_b.first_response_at is None
    assert thread_b.resolved_at is None

    thread_c = inquiries["<c1@visitor.example>"]
    # C1 Fri 6 Nov 15:30 to C2 Mon 9 Nov 08:30: 65 hours.
    assert thread_c.first_response_seconds == 65 * 3600
    # The visitor wrote last (C3), so the thread is still open.
    assert thread_c.resolved_at is None


def test_mbox_reimport_is_idempotent(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        import_mbox(museum, [MBOX_FILE])
        again = import_mbox(museum, [MBOX_FILE, MBOX_FILE])

        assert again.created == 0
        assert again.updated == 3
        assert inquiry_count() == 3


def test_mbox_needs_own_addresses(app):
    from cxaudit.inquiries.addresses import set_own_addresses

    with app.app_context():
        museum = add_museum()
        set_own_addresses(museum, [])
        with pytest.raises(InvalidInquiries, match="has no own mail addresses"):
            import_mbox(museum, [MBOX_FILE])
        assert inquiry_count() == 0


def test_file_without_mail_rejected(app, tmp_path):
    not_mail = tmp_path / "notes.mbox"
    not_mail.write_text("just some notes\n")
    with app.app_context():
        museum = add_museum()
        with pytest.raises(InvalidInquiries, match="No mail message with a date"):
            import_mbox(museum, [not_mail])


def test_csv_unknown_column_rejected_and_named(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        with pytest.raises(InvalidInquiries) as raised:
            import_csv(museum, b"id,channel,received_at,zalatwiono\nX,email,2026-11-09 09:00,2026-11-09 12:00\n")
        count = inquiry_count()

    assert raised.value.errors == [
        "The column “zalatwiono” is not known. Rename or remove it. "
        "Expected columns: id, channel, received_at, first_response_at, resolved_at."
    ]
    assert count == 0


def test_csv_hour_without_leading_zero(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        import_csv(museum, b"id,channel,received_at,first_response_at\nX,email,2026-11-10 9:00,2026-11-10T9:30\n")
        inquiry = stored(museum)["X"]

        # 9:00 in Warsaw in November is 8:00 UTC.
        assert as_utc(inquiry.received_at) == utc(2026, 11, 10, 8, 0)
        assert inquiry.first_response_seconds == 1800
