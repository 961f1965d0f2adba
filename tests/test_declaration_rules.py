"""The declaration plugin's rules that need no browser: deadline, dates, status words, contacts, score."""

from __future__ import annotations

from datetime import date

import pytest

from cxaudit.models import Finding, Outcome
from cxaudit_declaration.audit import audit_today
from cxaudit_declaration.content import assessment_kind, email_address, missing_procedure_parts, phone_number
from cxaudit_declaration.dates import is_review_current, last_review_deadline, parse_iso_date, parse_text_date
from flask_babel import force_locale

from cxaudit_declaration.messages import stored_text
from cxaudit_declaration.scorecard import deductions, is_element_failure, number, score
from cxaudit_declaration.unmarked import TextBlock, TextMatch, find_unmarked
from cxaudit_declaration.status import COMPLIANT, NON_COMPLIANT, PARTIAL, classify_status


@pytest.mark.parametrize(
    ("today", "deadline"),
    [
        (date(2026, 12, 4), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 3, 31)),
        # On 31 March the day's deadline has not passed yet.
        (date(2026, 3, 31), date(2025, 3, 31)),
        (date(2026, 1, 15), date(2025, 3, 31)),
    ],
)
def test_last_review_deadline(today, deadline):
    assert last_review_deadline(today) == deadline


@pytest.mark.parametrize(
    ("reviewed", "today", "current"),
    [
        (date(2025, 4, 1), date(2026, 12, 4), True),
        (date(2025, 3, 31), date(2026, 12, 4), False),
        (date(2026, 3, 20), date(2026, 4, 2), True),
        (date(2025, 3, 20), date(2026, 3, 31), True),
        (date(2021, 3, 23), date(2026, 12, 4), False),
    ],
)
def test_review_current(reviewed, today, current):
    assert is_review_current(reviewed, today) is current


def test_today_from_settings():
    assert audit_today({"declaration_today": "2025-06-01"}) == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\xa001.10.2008r.", date(2008, 10, 1)),
        ("31.08.2021 r.", date(2021, 8, 31)),
        ("2023-11-20", date(2023, 11, 20)),
        ("31.02.2021", None),
        ("wkrótce", None),
    ],
)
def test_text_dates(text, expected):
    assert parse_text_date(text) == expected


def test_iso_dates_only_exact():
    assert parse_iso_date("2024-03-30") == date(2024, 3, 30)
    assert parse_iso_date("30.03.2024") is None
    assert parse_iso_date(None) is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Strona internetowa jest zgodna z ustawą z dnia 4 kwietnia 2019 r.", COMPLIANT),
        ("Strona internetowa jest częściowo zgodna z ustawą z powodu niezgodności lub wyłączeń", PARTIAL),
        ("Serwis jest czesciowo zgodny z ustawą", PARTIAL),
        ("Strona internetowa jest niezgodna z ustawą z dnia 4 kwietnia 2019 r.", NON_COMPLIANT),
        ("This website is partially compliant with the Act", PARTIAL),
        ("This website is not fully compliant with the Act", NON_COMPLIANT),
        ("This website is non-compliant with the Act", NON_COMPLIANT),
        ("This website is fully compliant with the Act", COMPLIANT),
        ("This website is accessible to everyone.", None),
    ],
)
def test_status_words(text, status):
    assert classify_status(text) == status


@pytest.mark.parametrize(
    ("text", "href", "expected"),
    [
        ("sekretariat@example.pl", None, "sekretariat@example.pl"),
        ("napisz do nas", "mailto:dostepnosc@example.pl?subject=Deklaracja", "dostepnosc@example.pl"),
        ("napisz do nas przez formularz", None, None),
    ],
)
def test_email_address(text, href, expected):
    assert email_address(text, href) == expected


@pytest.mark.parametrize(
    ("text", "href", "valid"),
    [
        ("16 632 10 88", None, True),
        ("+48 22 765 43 21", None, True),
        ("zadzwoń", "tel:+48221234567", True),
        ("brak", None, False),
        ("wew. 12", None, False),
    ],
)
def test_phone_number(text, href, valid):
    assert (phone_number(text, href) is not None) is valid


def test_procedure_parts():
    complete = (
        "Żądanie realizujemy w ciągu 7 dni, a najpóźniej w ciągu 2 miesięcy. Można złożyć wniosek do "
        "Rzecznika Praw Obywatelskich."
    )
    assert missing_procedure_parts(complete) == []
    assert missing_procedure_parts("Odpowiadamy w ciągu siedmiu dni.") == ["2-months", "ombudsman"]
    assert missing_procedure_parts("We answer within seven days, at most two months; see rpo.gov.pl.") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Deklarację sporządzono na podstawie samooceny przeprowadzonej przez podmiot publiczny.", "self"),
        ("Deklarację sporządzono na podstawie audytu przeprowadzonego przez podmiot zewnętrzny.", "external"),
        ("Prepared on the basis of an external audit.", "external"),
        ("Deklaracja dostępności.", None),
    ],
)
def test_assessment_kind(text, kind):
    assert assessment_kind(text) == kind


def finding(rule: str, count: int = 1, targets: list[str] | None = None) -> Finding:
    return Finding(plugin="declaration", rule=rule, outcome=Outcome.VIOLATION, count=count, targets=targets or [])


def test_score_full_declaration():
    assert score([finding("declaration-status-partial")], []) == 100.0


def test_score_subtracts_penalties():
    findings = [
        finding("declaration-element-missing", targets=["#a11y-telefon"]),
        finding("declaration-review-overdue"),
        finding("declaration-procedure-incomplete", count=2),
    ]
    # 13 of 14 elements valid, minus 20 for the overdue review and 2 × 5 for the procedure.
    assert score(findings, ["a11y-telefon"]) == round(100 * 13 / 14 - 30, 1)


def test_score_zero_without_declaration():
    assert score([finding("declaration-not-found")], []) == 0.0
    assert score([finding("declaration-ids-missing")], []) == 0.0


def test_deductions_explain_the_score(app):
    findings = [
        finding("declaration-element-missing", targets=["#a11y-telefon"]),
        finding("declaration-review-overdue"),
        finding("declaration-axe-violations"),
        finding("declaration-date-format", targets=["#a11y-data-publikacja"]),
        finding("declaration-date-format", targets=["#a11y-data-sporzadzenie"]),
        finding("declaration-link-name"),
        finding("declaration-conditional-missing", targets=["#a11y-data-przeglad"]),
        finding("declaration-procedure-incomplete", count=2),
        finding("declaration-status-partial"),
    ]
    with app.app_context(), force_locale("pl"):
        listed = deductions(findings, ["a11y-telefon"])
        overdue_text = listed[1][0]
    points = [points for _reason, points in listed]
    # One row for the mandatory elements, then one for each penalised finding; the status costs nothing.
    assert len(listed) == 8
    assert points[1:] == [20.0, 10.0, 5.0, 5.0, 5.0, 5.0, 10.0]
    assert round(100 - sum(points), 1) == score(findings, ["a11y-telefon"])
    assert "a11y-telefon" in listed[0][0]
    assert overdue_text == "Minął termin corocznego przeglądu (31 marca)"
    # The date rows name the element and say in plain words why it matters before the webmaster's hint.
    assert listed[3][0].startswith("Data nieczytelna dla programów (a11y-data-publikacja;")
    assert "a11y-data-przeglad" in listed[6][0]


def test_deductions_of_an_unreadable_declaration(app):
    with app.app_context(), force_locale("en"):
        assert deductions([finding("declaration-not-found")], []) == [("No readable declaration was found", 100.0)]


def test_numbers_use_the_locale_decimal_separator(app):
    with app.app_context():
        with force_locale("pl"):
            assert number(16.4) == "16,4"
            assert number(100.0) == "100"
        with force_locale("en"):
            assert number(16.4) == "16.4"


@pytest.mark.parametrize(
    ("element_id", "text", "found"),
    [
        ("a11y-zakres", "Oświadczenie w sprawie dostępności ma zastosowanie do strony internetowej Muzeum.", True),
        ("a11y-zakres", "Deklaracja dostępności dotyczy strony internetowej Teatru Miejskiego.", True),
        ("a11y-zakres", "This accessibility statement applies to the website of the Museum.", True),
        # The opening sentence names the website too, but it is not the scope.
        ("a11y-zakres", "Teatr zobowiązuje się zapewnić dostępność swojej strony internetowej.", False),
        ("a11y-telefon", "Można też zadzwonić pod numer telefonu 22 345 67 89.", True),
        ("a11y-telefon", "You can also call us on phone number +48 22 345 67 89.", True),
        ("a11y-telefon", "Telefon: brak.", False),
        ("a11y-komunikacja", "W kasie działa pętla indukcyjna.", True),
        ("a11y-komunikacja", "A Polish Sign Language interpreter can be booked.", True),
        ("a11y-komunikacja", "Budynek ma podjazd dla wózków.", False),
        ("a11y-wstep", "The Museum is committed to making its website accessible.", True),
        # No words identify the body's name, so it is never looked for.
        ("a11y-podmiot", "Muzeum Regionalne w Przykładowie", False),
    ],
)
def test_unmarked_element_recognised(element_id, text, found):
    assert (find_unmarked([TextBlock("#p", text, "Kontakt")], element_id) is not None) is found


def test_unmarked_excerpt_skips_abbreviations():
    text = "Szkoła im. Jana zaprasza. Deklaracja dotyczy strony internetowej Szkoły im. Jana Pawła II. Koniec."
    match = find_unmarked([TextBlock("#wstep", text, "Deklaracja dostępności")], "a11y-zakres")
    assert match == TextMatch("#wstep", "Deklaracja dotyczy strony internetowej Szkoły im. Jana Pawła II.", "Deklaracja dostępności")


def test_stored_text_rendered_in_active_language(app):
    stored = Finding(
        plugin="declaration",
        rule="declaration-meta-missing",
        outcome=Outcome.NEEDS_REVIEW,
        help="The start page of the scan has no <meta> tag.",
        data={"message": "meta-missing", "params": {"url": "http://127.0.0.1:9/deklaracja.html"}},
    )
    with app.app_context(), force_locale("pl"):
        text = stored_text(stored)
    assert text.startswith("Strona, od której zaczęto skanowanie, nie ma znacznika <meta")
    assert "http://127.0.0.1:9/deklaracja.html" in text


def test_stored_text_without_data_keeps_help(app):
    old = Finding(plugin="declaration", rule="declaration-meta-missing", outcome=Outcome.NEEDS_REVIEW, help="Old text")
    unknown = Finding(plugin="declaration", rule="x", outcome=Outcome.NEEDS_REVIEW, help="Kept", data={"message": "gone"})
    with app.app_context(), force_locale("pl"):
        assert stored_text(old) == "Old text"
        assert stored_text(unknown) == "Kept"


def test_malformed_id_invalid_only_as_violation():
    # Scans stored before a misspelt id became a warning keep their score.
    old = Finding(plugin="declaration", rule="declaration-id-malformed", outcome=Outcome.VIOLATION, targets=['[id="”a11y-architektura”"]'])
    new = Finding(plugin="declaration", rule="declaration-id-malformed", outcome=Outcome.NEEDS_REVIEW, targets=['[id="”a11y-architektura”"]'])
    assert is_element_failure(old)
    assert not is_element_failure(new)
