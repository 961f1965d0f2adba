"""The forms plugin's pure rules: autocomplete tokens, label in name, reading order, scores and form labels."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from cxaudit_forms.keyboard import in_reading_order
from cxaudit_forms.kinds import form_label, parse_form_label
from cxaudit_forms.labels import label_in_name
from cxaudit_forms.problems import shorten
from cxaudit_forms.purpose import autocomplete_field_name
from cxaudit_forms.score import form_score


@pytest.mark.parametrize("value, expected", [
    ("email", "email"),
    ("given-name", "given-name"),
    ("shipping postal-code", "postal-code"),
    ("section-visit billing address-level2", "address-level2"),
    ("work tel", "tel"),
    ("username webauthn", "username"),
    ("telephone", None),
    ("work given-name", None),
    ("e-mail", None),
    ("", None),
])
def test_autocomplete_values(value, expected):
    assert autocomplete_field_name(value) == expected


@pytest.mark.parametrize("label, name, expected", [
    ("Adres e-mail:", "Adres e-mail:", True),
    ("E-mail *", "E-mail (required)", True),
    ("Imię:", "Imię i nazwisko", True),
    ("E-mail *", "Address", False),
    ("Szukaj", "Wyszukiwarka", False),
])
def test_label_in_name(label, name, expected):
    assert label_in_name(label, name) is expected


@pytest.mark.parametrize("boxes, expected", [
    ([[0, 0], [40, 0], [80, 0]], True),
    ([[0, 0], [0, 200], [40, 0]], True),  # two fields on a line, then the next line
    ([[0, 300], [0, 200]], False),  # leftwards on the same line
    ([[80, 0], [0, 0]], False),  # back up the same column
    ([[200, 0], [0, 400]], True),  # up into the next column
])
def test_reading_order(boxes, expected):
    assert in_reading_order(boxes) is expected


def test_form_score_rules_once():
    results = [
        ("forms-field-no-name", "violation", "critical"),
        ("forms-field-no-name", "violation", "critical"),
        ("forms-too-many-fields", "needs-review", "minor"),
        ("forms-errors-not-tested", "needs-review", "minor"),
    ]
    assert form_score(results) == 100 - 25 - 1.5
    assert form_score([("forms-x", "violation", "critical")] * 1 + [(f"r{n}", "violation", "serious") for n in range(9)]) == 0
    assert form_score([]) == 100


@pytest.mark.parametrize("language, text", [("en", "Form 3 (booking or ticket)"), ("pl", "Formularz 3 (rezerwacja lub bilety)")])
def test_form_label_round_trip(app, language, text):
    with app.app_context(), force_locale(language):
        label = form_label(3, "booking")
        assert label == text
        assert parse_form_label(f"{label}: anything") == (3, "booking")
    with app.app_context():
        assert parse_form_label(f"{text}: anything") == (3, "booking")
        assert parse_form_label("Form 3 (unknown kind): anything") is None


@pytest.mark.parametrize("text, expected", [
    ("Imię i nazwisko", "Imię i nazwisko"),
    ("Zgadzam się na przetwarzanie danych i zarazem świadkiem jestem", "Zgadzam się na przetwarzanie danych i zarazem…"),
    ("Bardzo długi wyraz " + "x" * 70, "Bardzo długi wyraz…"),
    ("y" * 70, "y" * 40 + "…"),
])
def test_long_names_are_cut_between_words(text, expected):
    assert shorten(text, 48 if text.startswith("Zgadzam") else 40) == expected
