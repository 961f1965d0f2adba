"""User accounts, their roles in institutions, and API tokens for scans."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from cxaudit.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from cxaudit.models.institution import Institution

# werkzeug's default; a stored hash of another method is replaced at the
# next successful sign-in.
PASSWORD_HASH_METHOD = "scrypt"


class Role(enum.StrEnum):
    """A member's role in one institution; cxaudit.access maps it to permissions."""

    ADMIN = "admin"
    AUDITOR = "auditor"
    EDITOR = "editor"
    VIEWER = "viewer"


class User(UserMixin, Base):
    """A person who signs in to the admin UI."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Manages institutions and users, and may do everything in every institution.
    is_deployment_admin: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def password_needs_rehash(self) -> bool:
        return not self.password_hash.startswith(PASSWORD_HASH_METHOD + ":")

    def get_id(self) -> str:
        # Imported here because cxaudit.auth imports the models.
        from cxaudit.auth import session_id

        return session_id(self)

    def role_in(self, institution_id: int) -> Role | None:
        """Return the user's role in the institution, or None when not a member."""
        for membership in self.memberships:
            if membership.institution_id == institution_id:
                return membership.role
        return None


class Membership(Base):
    """A user's role in one institution."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "institution_id", name="uq_membership_user_institution"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    institution: Mapped[Institution] = relationship()


class ApiToken(Base):
    """A secret that lets a site's CI start and read scans of one institution.

    A token acts with the auditor role. Only the SHA-256 of the secret is
    stored; the secret is shown once, when the token is created.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The secret's first characters, so people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    institution: Mapped[Institution] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
