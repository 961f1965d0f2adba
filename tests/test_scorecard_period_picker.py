"""The period picker of the scorecard page, filled in and sent the way a browser sends it."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask_babel import force_locale

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.models import Institution, Response, Survey, SurveyKind
from cxaudit.scorecard.period_form import PeriodFields, period_value

PAGE = "/institutions/muzeum/scorecard"


class PickerForm(HTMLParser):
    """The action and the named fields of the page's period picker, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: list[dict[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and "period-picker" in values.get("class", ""):
            self.action, self._inside = values["action"], True
        elif tag == "input" and self._inside and values.get("name"):
            self.fields.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _picker(html: str) -> PickerForm:
    form = PickerForm()
    form.feed(html)
    assert form.action is not None, "the page has no period picker"
    return form


def _submit(client, html: str, kind: str, **typed: str):
    """Choose ``kind``, type the given values and send the form as a browser does (GET, every named field)."""
    form = _picker(html)
    pairs = []
    for item in form.fields:
        if item.get("type") == "radio":
            if item["value"] == kind:
                pairs.append((item["name"], item["value"]))
            continue
        pairs.append((item["name"], typed.get(item["name"], item.get("value", ""))))
    return client.get(f"{form.action}?{urlencode(pairs)}")


@pytest.fixture
def signed_in(app, client):
    with app.app_context():
        museum = Institution(slug="muzeum", name="Muzeum", default_language="pl")
        db.session.add(museum)
        db.session.flush()
        survey = Survey(institution_id=museum.id, kind=SurveyKind.NPS)
        db.session.add(survey)
        db.session.flush()
        db.session.add(Response(survey_id=survey.id, score=10, language="pl"))
        db.session.commit()
    sign_in(app, client, login="auditor")
    return client


def test_page_starts_at_last_30_days(signed_in):
    html = signed_in.get(PAGE + "?lang=en").get_data(as_text=True)
    form = _picker(html)

    checked = [item["value"] for item in form.fields if item.get("type") == "radio" and "checked" in item]
    assert checked == ["last_30_days"]
    assert {"name": "lang", "type": "hidden", "value": "en"} in form.fields


def test_month_chosen_keeps_period_everywhere(signed_in):
    html = signed_in.get(PAGE + "?lang=en").get_data(as_text=True)
    response = _submit(signed_in, html, "month", month="2026-10")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == PAGE
    assert parse_qs(location.query) == {"lang": ["en"], "period": ["2026-10"]}

    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "October 1, 2026 to October 31, 2026" in page
    for fmt in ("pdf", "html", "json", "csv", "xlsx", "ods"):
        assert f'href="/institutions/muzeum/scorecard.{fmt}?lang=en&amp;period=2026-10"' in page
    # The picker shows the month the page covers.
    form = _picker(page)
    assert {"type": "month", "name": "month", "id": "period-month-value", "value": "2026-10", "placeholder": "2026-11"} in form.fields


def test_date_range_downloads_cover_it(signed_in):
    html = signed_in.get(PAGE).get_data(as_text=True)
    response = _submit(signed_in, html, "range", **{"from": "2026-11-01", "to": "2026-11-15"})
    download = signed_in.get(response.headers["Location"].replace("/scorecard?", "/scorecard.json?"))

    assert download.get_json()["period"] == {"first_day": "2026-11-01", "last_day": "2026-11-15", "days": 15}
    assert "karta-muzeum-2026-11-01_2026-11-15.json" in download.headers["Content-Disposition"]


def test_last_30_days_after_a_month(signed_in):
    html = signed_in.get(PAGE + "?period=2026-10").get_data(as_text=True)
    response = _submit(signed_in, html, "last_30_days")

    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"period": ["30d"]}


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("month", {"month": ""}, "No month given. Choose a month, such as 2026-11."),
        ("month", {"month": "11.2026"}, "“11.2026” is not a month. Give the year and the month, such as 2026-11."),
        ("month", {"month": "2026-13"}, "2026-13 is not a valid period."),
        ("range", {"from": "", "to": "2026-11-15"}, "No first day given. Give the first day of the range, such as 2026-11-01."),
        ("range", {"from": "2026-11-01", "to": "15.11.2026"}, "“15.11.2026” is not a date. Give a date such as 2026-11-01."),
        ("range", {"from": "2026-11-15", "to": "2026-11-01"},
         "The period 2026-11-15..2026-11-01 ends before it starts. Give the earlier date first."),
    ],
)
def test_invalid_input_named_with_fix(signed_in, kind, typed, message):
    html = signed_in.get(PAGE + "?lang=en").get_data(as_text=True)
    response = _submit(signed_in, html, kind, **typed)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in page
    # The picker comes back with what was typed, so the user corrects it there.
    form = _picker(page)
    for name, value in typed.items():
        assert next(item for item in form.fields if item["name"] == name)["value"] == value


def test_invalid_input_in_polish(signed_in):
    html = signed_in.get(PAGE + "?lang=pl").get_data(as_text=True)
    page = _submit(signed_in, html, "month", month="listopad").get_data(as_text=True)

    assert "„listopad” nie jest miesiącem." in page


def test_unknown_kind_rejected(app):
    with app.test_request_context(), force_locale("en"), pytest.raises(InvalidValue, match="Unknown kind of period “week”"):
        period_value(PeriodFields(kind="week"))


def test_range_value_is_period_spelling(app):
    with app.test_request_context():
        assert period_value(PeriodFields(kind="range", first_day="2026-11-01", last_day="2026-11-15")) == "2026-11-01..2026-11-15"
        assert period_value(PeriodFields(kind="month", month=date(2026, 2, 1).strftime("%Y-%m"))) == "2026-02"
