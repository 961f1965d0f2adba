"""Deleting one institution with everything it owns, in one transaction."""

from __future__ import annotations

import logging

from sqlalchemy import delete

from cxaudit.extensions import db
from cxaudit.models import Institution
from cxaudit.privacy.ownership import owned_rows

logger = logging.getLogger(__name__)


def delete_institution(institution: Institution) -> dict[str, int]:
    """Delete the institution and every row it owns, and return the count per table.

    Rows are deleted with one statement per table, children first, so a
    large institution is not loaded into memory. Any failure rolls back the
    whole deletion.
    """
    institution_id, slug = institution.id, institution.slug
    counts = {}
    db.session.expunge_all()
    try:
        for model, query in owned_rows(institution_id):
            ids = query.with_only_columns(model.id).scalar_subquery()
            result = db.session.execute(delete(model).where(model.id.in_(ids)).execution_options(synchronize_session=False))
            counts[model.__tablename__] = result.rowcount
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("Deleting institution %s failed; nothing was deleted", slug)
        raise
    logger.info("Deleted institution %s: %s", slug, counts)
    return counts
