"""Polish declaration messages read naturally whatever the gender of an element's name."""

from __future__ import annotations

from flask_babel import force_locale

from cxaudit_declaration.checks import conditional_reason
from cxaudit_declaration.elements import ELEMENTS
from cxaudit_declaration.i18n import _
from cxaudit_declaration.messages import render


def test_unknown_conditional_elements_named_as_elements(app):
    with app.app_context(), force_locale("pl"):
        text = render("conditional-unknown", {"ids": ["a11y-ocena", "a11y-aplikacje"]})

    assert "element a11y-ocena jest potrzebny" in text
    assert "a element a11y-aplikacje – gdy" in text


def test_missing_review_date_reads_naturally(app):
    with app.app_context(), force_locale("pl"):
        text = conditional_reason("a11y-data-przeglad", ELEMENTS["a11y-data-przeglad"].content)

    assert "Dodaj element (" not in text
    assert "Brakuje elementu: " in text
    assert text.endswith('Dodaj go i oznacz atrybutem id="a11y-data-przeglad".')


def test_missing_element_marked_with_attribute(app):
    # The checks translate this message when they run, so it is looked up in the catalog directly.
    with app.app_context(), force_locale("pl"):
        text = _('The declaration lacks the element %(id)s: %(content)s. Add it and mark it with id="%(id)s".', id="a11y-kontakt", content="dane kontaktowe")

    assert 'oznacz go atrybutem id="a11y-kontakt"' in text
    assert "przez id=" not in text
