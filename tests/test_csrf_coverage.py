"""Every form the admin UI accepts needs its CSRF token.

The test walks the URL map, so a POST view added later is checked too.
"""

from __future__ import annotations

import re

from test_admin import museum, signed_in, user  # noqa: F401  (fixtures)

# Blueprints of the JSON APIs: the widget's public API, which takes no
# cookies, and the scan API, which authenticates with a bearer token.
API_BLUEPRINTS = {"api", "api_scans"}

# Values that fill a rule's placeholders; the token check runs before the
# view, so the rows they name need not exist.
PLACEHOLDERS = {
    "slug": "muzeum", "public_id": "abc", "funnel_id": "1", "scan_id": "1", "site_id": "1", "fmt": "csv",
    "token_id": "1", "user_id": "1",
}


def admin_post_rules(app) -> list[str]:
    """Return a path for every rule that accepts POST outside the JSON APIs."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.split(".")[0] in API_BLUEPRINTS:
            continue
        paths.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: PLACEHOLDERS[match.group(1)], rule.rule))
    return sorted(paths)


def test_the_url_map_has_admin_forms(app):
    paths = admin_post_rules(app)

    assert "/login" in paths
    assert "/institutions" in paths


def test_every_post_without_token_is_refused(signed_in, museum, app):  # noqa: F811
    accepted = {}
    for path in admin_post_rules(app):
        response = signed_in.post(path, data={"name": "Muzeum", "slug": "nowe"})
        if response.status_code != 400 or "expired" not in response.get_data(as_text=True).lower():
            accepted[path] = response.status_code

    assert accepted == {}


def test_only_the_json_apis_are_exempt(app):
    csrf = app.extensions["csrf"]

    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == API_BLUEPRINTS
    assert not csrf._exempt_views
