"""Console accounts: Argon2id password hashes, adding, listing and disabling consultants.

Used by ``giljabi consultants …`` and the login; the plain password never leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from bot.store.models import ConsoleSession, Consultant

ROLES = ("consultant", "admin")
_hasher = PasswordHasher()
#: verified against when the email is unknown, so a login takes as long either way
_DUMMY = _hasher.hash("giljabi-no-such-account")


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    email: str
    name: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _account(row: Consultant) -> Account:
    return Account(row.id, row.email, row.name, row.role, row.active)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def add(s: Session, email: str, name: str, password: str, role: str = "consultant") -> Account:
    """A new active account; raises ValueError for a bad role, a short password or a taken email."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ValueError("the password needs at least 10 characters")
    if "@" not in email:
        raise ValueError("not an email address")
    if s.scalar(select(Consultant.id).where(Consultant.email == email)) is not None:
        raise ValueError(f"{email} already has an account")
    new_id = s.execute(insert(Consultant).values(
        email=email, name=name.strip() or email, role=role, password_hash=_hasher.hash(password), active=True,
        created_at=datetime.now(UTC),
    ).returning(Consultant.id)).scalar_one()
    return Account(new_id, email, name, role, True)


def all_accounts(s: Session) -> list[Account]:
    return [_account(c) for c in s.scalars(select(Consultant).order_by(Consultant.email))]


def disable(s: Session, email: str) -> bool:
    """Turn an account off and end its sessions at once; False when there is no such account."""
    email = normalise_email(email)
    account_id = s.scalar(select(Consultant.id).where(Consultant.email == email))
    if account_id is None:
        return False
    s.execute(update(Consultant).where(Consultant.id == account_id).values(active=False))
    s.execute(delete(ConsoleSession).where(ConsoleSession.consultant_id == account_id))
    return True


def authenticate(s: Session, email: str, password: str) -> Account | None:
    """The active account whose password this is, or None (the same work is done either way)."""
    row = s.scalars(select(Consultant).where(Consultant.email == normalise_email(email))).first()
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        s.execute(update(Consultant).where(Consultant.id == row.id).values(password_hash=_hasher.hash(password)))
    return _account(row)
