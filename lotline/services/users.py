"""Users of the server: roles, API tokens, passwords, idempotency keys and jobs.

Each role includes the one before: viewer (reads), operator (daily stock work),
manager (corrections and the catalog), admin (users, tokens, settings, check).
An API token is shown once and stored only as its sha256 (a random secret needs
no slow hash, and lookup by hash is indexed); passwords are hashed with argon2.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lotline.errors import (
    DuplicateUser,
    InvalidInput,
    UnknownJob,
    UnknownToken,
    UnknownUser,
)
from lotline.rules.text import required_text
from lotline.services.base import Service, utcnow
from lotline.store.schema import api_tokens, idempotency_keys, jobs, users

Role = Literal["viewer", "operator", "manager", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "manager", "admin")
TOKEN_PREFIX = "ll_"
KEY_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    created_at: datetime
    has_password: bool = False

    def may(self, role: Role) -> bool:
        """True when this user's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    user: str
    label: str | None
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """What was answered to the first request with an idempotency key."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True, slots=True)
class KeyClaim:
    """new: this request owns the key; replay: answer ``response``; busy: the first
    request is still running; reused: the key came with another request."""

    outcome: Literal["new", "replay", "busy", "reused"]
    response: StoredResponse | None = None


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    state: Literal["running", "done", "failed", "interrupted"]
    done: int
    total: int
    status: int | None
    result: Any
    error: Any
    user: str
    created_at: datetime
    finished_at: datetime | None


def check_role(role: object) -> Role:
    if role not in ROLES:
        raise InvalidInput(
            f"The role {role!r} is unknown; use one of {', '.join(ROLES)}.",
            details={"role": str(role)},
        )
    return role


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _hasher() -> Any:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        created_at=row["created_at"],
        has_password=row["password_hash"] is not None,
    )


def user_row(conn: Connection, name: str) -> RowMapping:
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None:
        raise UnknownUser(f"There is no user {name!r}.", details={"user": name})
    return row


class Users(Service):
    """app.users: who may use the server, with which role, and their API tokens."""

    def add(self, name: str, role: str, password: str | None = None) -> User:
        """Add a user with a role (viewer, operator, manager or admin)."""
        cleaned = required_text(name, "user name", limit=128)
        wanted = check_role(role)
        hashed = _hasher().hash(password) if password else None

        def work(conn: Connection) -> User:
            taken = conn.execute(select(users.c.id).where(users.c.name == cleaned)).first()
            if taken is not None:
                raise DuplicateUser(
                    f"A user named {cleaned!r} already exists.", details={"user": cleaned}
                )
            conn.execute(
                insert(users).values(
                    name=cleaned, role=wanted, password_hash=hashed, created_at=utcnow()
                )
            )
            return _user(user_row(conn, cleaned))

        return self._run(work)

    def get(self, name: str) -> User:
        return self._run(lambda conn: _user(user_row(conn, name)))

    def list(self) -> builtins.list[User]:
        """Every user, by name."""

        def work(conn: Connection) -> builtins.list[User]:
            rows = conn.execute(select(users).order_by(users.c.name)).mappings()
            return [_user(r) for r in rows]

        return self._run(work)

    def set_role(self, name: str, role: str) -> User:
        wanted = check_role(role)

        def work(conn: Connection) -> User:
            row = user_row(conn, name)
            conn.execute(update(users).where(users.c.id == row["id"]).values(role=wanted))
            return _user(user_row(conn, name))

        return self._run(work)

    def set_password(self, name: str, password: str) -> User:
        hashed = _hasher().hash(required_text(password, "password", limit=1024))

        def work(conn: Connection) -> User:
            row = user_row(conn, name)
            conn.execute(update(users).where(users.c.id == row["id"]).values(password_hash=hashed))
            return _user(user_row(conn, name))

        return self._run(work)

    def check_password(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else None."""
        row = self._run(
            lambda conn: conn.execute(select(users).where(users.c.name == name)).mappings().first()
        )
        if row is None or row["password_hash"] is None:
            return None
        return _user(row) if _hasher().verify(password, row["password_hash"]) else None

    def token(self, name: str, label: str | None = None) -> str:
        """A new API token for the user; the secret is returned once and stored as a hash."""
        cleaned_label = required_text(label, "token label", limit=128) if label else None
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

        def work(conn: Connection) -> str:
            row = user_row(conn, name)
            conn.execute(
                insert(api_tokens).values(
                    user_id=row["id"],
                    label=cleaned_label,
                    prefix=secret[:8],
                    secret_hash=token_hash(secret),
                    created_at=utcnow(),
                )
            )
            return secret

        return self._run(work)

    def tokens(self, name: str | None = None) -> builtins.list[ApiToken]:
        """API tokens (without their secrets), oldest first; only ``name``'s when given."""

        def work(conn: Connection) -> builtins.list[ApiToken]:
            query = (
                select(api_tokens, users.c.name.label("user_name"))
                .join(users, users.c.id == api_tokens.c.user_id)
                .order_by(api_tokens.c.id)
            )
            if name is not None:
                query = query.where(api_tokens.c.user_id == user_row(conn, name)["id"])
            return [_token(r) for r in conn.execute(query).mappings()]

        return self._run(work)

    def find_token(self, secret: str) -> ApiToken:
        """The token (without its secret) that ``secret`` is."""

        def work(conn: Connection) -> ApiToken:
            token_id = conn.execute(
                select(api_tokens.c.id).where(api_tokens.c.secret_hash == token_hash(secret))
            ).scalar()
            if token_id is None:
                raise UnknownToken("There is no such API token.")
            return _token_by_id(conn, token_id)

        return self._run(work)

    def revoke(self, token_id: int) -> ApiToken:
        """Revoke a token: requests with it are refused from now on."""

        def work(conn: Connection) -> ApiToken:
            found = _token_by_id(conn, token_id)
            if found.revoked_at is None:
                conn.execute(
                    update(api_tokens)
                    .where(api_tokens.c.id == token_id)
                    .values(revoked_at=utcnow())
                )
            return _token_by_id(conn, token_id)

        return self._run(work)

    def authenticate(self, secret: str) -> User | None:
        """The user of a valid, unrevoked token, or None."""

        def work(conn: Connection) -> User | None:
            row = (
                conn.execute(
                    select(users)
                    .join(api_tokens, api_tokens.c.user_id == users.c.id)
                    .where(
                        api_tokens.c.secret_hash == token_hash(secret),
                        api_tokens.c.revoked_at.is_(None),
                    )
                )
                .mappings()
                .first()
            )
            return _user(row) if row is not None else None

        return self._run(work)


def _token(row: RowMapping) -> ApiToken:
    return ApiToken(
        id=row["id"],
        user=row["user_name"],
        label=row["label"],
        prefix=row["prefix"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


def _token_by_id(conn: Connection, token_id: int) -> ApiToken:
    row = (
        conn.execute(
            select(api_tokens, users.c.name.label("user_name"))
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.id == token_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise UnknownToken(f"There is no API token {token_id}.", details={"token": token_id})
    return _token(row)


# --- idempotency keys ---------------------------------------------------------------


class IdempotencyKeys(Service):
    """Answers stored per (user, key) so that a retried write changes nothing."""

    def claim(self, user_id: int, key: str, request_hash: str) -> KeyClaim:
        """Take the key for this request, or tell what was answered with it already."""

        def work(conn: Connection) -> KeyClaim:
            now = utcnow()
            conn.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.user_id == user_id,
                    idempotency_keys.c.key == key,
                    idempotency_keys.c.created_at < now - KEY_LIFETIME,
                )
            )
            values = {
                "user_id": user_id,
                "key": key,
                "request_hash": request_hash,
                "created_at": now,
            }
            if conn.execute(_insert_if_new(conn, values)).first() is not None:
                return KeyClaim("new")
            row = (
                conn.execute(
                    select(idempotency_keys).where(
                        idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key
                    )
                )
                .mappings()
                .one()
            )
            return _claim_of(row, request_hash)

        return self._run(work)

    def store(self, user_id: int, key: str, response: StoredResponse) -> None:
        """Keep the answer to replay it to the same request."""
        self._run(
            lambda conn: conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)
                .values(
                    status=response.status,
                    headers=json.dumps(response.headers),
                    body=response.body,
                )
            )
        )

    def release(self, user_id: int, key: str) -> None:
        """Forget a key whose request failed without an answer worth replaying."""
        self._run(
            lambda conn: conn.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key
                )
            )
        )


def _insert_if_new(conn: Connection, values: Mapping[str, Any]) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(idempotency_keys).values(**values).on_conflict_do_nothing()
    return statement.returning(idempotency_keys.c.id)


def _claim_of(row: RowMapping, request_hash: str) -> KeyClaim:
    if row["request_hash"] != request_hash:
        return KeyClaim("reused")
    if row["status"] is None:
        return KeyClaim("busy")
    stored = StoredResponse(row["status"], json.loads(row["headers"] or "{}"), row["body"] or "")
    return KeyClaim("replay", stored)


# --- background jobs ----------------------------------------------------------------


def _job(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        state=row["state"],
        done=row["done"],
        total=row["total"],
        status=row["status"],
        result=json.loads(row["result"]) if row["result"] is not None else None,
        error=json.loads(row["error"]) if row["error"] is not None else None,
        user=row["user_name"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


class Jobs(Service):
    """Long work run in the background: its progress, then its result or error."""

    def start(self, kind: str, total: int = 1) -> Job:
        def work(conn: Connection) -> Job:
            key = conn.execute(
                insert(jobs).values(
                    kind=kind,
                    state="running",
                    done=0,
                    total=total,
                    user_name=self.user,
                    created_at=utcnow(),
                )
            ).inserted_primary_key
            assert key is not None
            return _job_by_id(conn, int(key[0]))

        return self._run(work)

    def get(self, job_id: int) -> Job:
        return self._run(lambda conn: _job_by_id(conn, job_id))

    def progress(self, job_id: int, done: int, total: int) -> None:
        self._run(
            lambda conn: conn.execute(
                update(jobs).where(jobs.c.id == job_id).values(done=done, total=total)
            )
        )

    def finish(self, job_id: int, status: int, body: Any, *, failed: bool = False) -> Job:
        """Record the outcome: the answer (done) or the problem (failed)."""

        def work(conn: Connection) -> Job:
            values: dict[str, Any] = {
                "state": "failed" if failed else "done",
                "status": status,
                "finished_at": utcnow(),
                "error" if failed else "result": json.dumps(body),
            }
            if not failed:
                values["done"] = jobs.c.total
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))
            return _job_by_id(conn, job_id)

        return self._run(work)

    def interrupt_running(self) -> int:
        """Mark jobs left running by a stopped server as interrupted; how many were."""

        def work(conn: Connection) -> int:
            count = conn.execute(
                select(func.count()).select_from(jobs).where(jobs.c.state == "running")
            ).scalar_one()
            if count:
                conn.execute(
                    update(jobs)
                    .where(jobs.c.state == "running")
                    .values(state="interrupted", finished_at=utcnow())
                )
            return int(count)

        return self._run(work)


def _job_by_id(conn: Connection, job_id: int) -> Job:
    row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
    if row is None:
        raise UnknownJob(f"There is no job {job_id}.", details={"job": job_id})
    return _job(row)
