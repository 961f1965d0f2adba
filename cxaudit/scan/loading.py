"""Loading a stored scan's results for reports that read all of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cxaudit.extensions import db
from cxaudit.models import PageResult, Scan


def load_results(scan: Scan) -> None:
    """Load the scan's pages and their findings in two queries instead of one query per page."""
    db.session.scalars(
        select(Scan)
        .where(Scan.id == scan.id)
        .options(selectinload(Scan.pages).selectinload(PageResult.findings))
    ).one()
