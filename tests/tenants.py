"""An institution with one stored object of each kind, for tests of access between institutions."""

from __future__ import annotations

from dataclasses import dataclass

from cxaudit.auth import create_api_token
from cxaudit.extensions import db
from cxaudit.models import (
    Finding,
    Funnel,
    Institution,
    Membership,
    Outcome,
    PageResult,
    PageStatus,
    Response,
    Role,
    Scan,
    ScanStatus,
    Site,
    Survey,
    SurveyKind,
    User,
)
from cxaudit.models.base import utcnow

from accounts import PASSWORD


@dataclass
class Tenant:
    """The ids of one institution's data."""

    slug: str
    institution_id: int
    site_id: int
    site_url: str
    survey_public_id: str
    scan_id: int
    token_id: int
    token_secret: str
    member_id: int
    member_login: str
    funnel_id: int


def add_tenant(app, slug: str, port: int) -> Tenant:
    """Store an institution with a site, a survey with an answer, a finished
    scan with a finding, a funnel, an API token and a viewer. Nothing listens on the
    site's address, and no scan runs against it."""
    with app.app_context():
        institution = Institution(slug=slug, name=slug.capitalize(), default_language="en")
        site = Site(institution=institution, base_url=f"http://127.0.0.1:{port}/", settings={})
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[f"http://127.0.0.1:{port}"])
        survey.responses.append(Response(score=9, comment=f"comment of {slug}", language="en"))
        scan = Scan(site=site, url=site.base_url, status=ScanStatus.FINISHED, settings={"max_pages": 1})
        page = PageResult(url=site.base_url, status=PageStatus.AUDITED)
        page.findings.append(Finding(plugin="axe", rule="image-alt", outcome=Outcome.VIOLATION, impact="critical"))
        scan.pages.append(page)
        scan.finished_at = utcnow()
        member = User(login=f"viewer-{slug}")
        member.set_password(PASSWORD)
        member.memberships.append(Membership(institution=institution, role=Role.VIEWER))
        funnel = Funnel(institution=institution, name=f"Booking at {slug}", steps=["booking_started", "booking_completed"])
        db.session.add_all([institution, site, survey, scan, member, funnel])
        db.session.commit()
        token, secret = create_api_token(institution, f"CI of {slug}", None)
        return Tenant(
            slug=slug,
            institution_id=institution.id,
            site_id=site.id,
            site_url=site.base_url,
            survey_public_id=survey.public_id,
            scan_id=scan.id,
            token_id=token.id,
            token_secret=secret,
            member_id=member.id,
            member_login=member.login,
            funnel_id=funnel.id,
        )
