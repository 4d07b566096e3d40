"""The warehouse's PostgreSQL roles: who they are, and creating or updating them.

Roles are cluster-wide, so every name starts with `SAMADHAN_ROLE_PREFIX` (empty by default): two
warehouses on one server, such as test databases, use different prefixes.

- `samadhan_loader` (logs in with a password): writes `raw`, `billing`, `audit`, `rules`.
- `samadhan_builder` (logs in with a password): reads `billing`, `rules`, `audit`; writes `stg`,
  `int`, `build`, `marts`, `reports`.
- `samadhan_pipeline` (logs in with a password): member of the loader and the builder, for the
  Airflow tasks, which run every step through one connection setting.
- `samadhan_reader` (never logs in): the group role that reads the released `marts` and `reports`,
  rows filtered per member.
- `reader_state` (logs in with a password): member of `samadhan_reader`, reads every discom's rows
  and the statewide totals.
- `reader_<discom>` (logs in with a password): member of `samadhan_reader`, reads its discom's rows.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import psycopg
from psycopg import sql

from samadhan.access.passwords import Passwords

log = logging.getLogger(__name__)

ROLE_PREFIX_ENV = "SAMADHAN_ROLE_PREFIX"
# Written on every role this package manages, so that `samadhan access status` and people can tell them apart.
MANAGED_COMMENT = "managed by samadhan access sync"
# PostgreSQL truncates identifiers longer than this many bytes.
MAX_IDENTIFIER_BYTES = 63


class RoleSetupError(Exception):
    """A role cannot be named or created as asked."""


@dataclass(frozen=True)
class RoleNames:
    """The names of the fixed roles, with the prefix applied."""

    prefix: str
    loader: str
    builder: str
    pipeline: str
    reader: str
    statewide_reader: str

    def discom_reader(self, discom_code: str) -> str:
        """Return the login role of the readers of one discom, e.g. `reader_dvvnl`."""
        slug = re.sub(r"[^a-z0-9]+", "_", discom_code.lower()).strip("_")
        if not slug:
            raise RoleSetupError(f"discom code {discom_code!r} has no letter or digit to name a reader role after")
        return _checked(f"{self.prefix}reader_{slug}")


def _checked(name: str) -> str:
    if len(name.encode()) > MAX_IDENTIFIER_BYTES:
        raise RoleSetupError(f"role name {name!r} is longer than {MAX_IDENTIFIER_BYTES} bytes: use a shorter prefix")
    return name


def role_names(prefix: str | None = None) -> RoleNames:
    """Return the fixed role names for `prefix` (default: `SAMADHAN_ROLE_PREFIX`, empty if unset)."""
    prefix = os.environ.get(ROLE_PREFIX_ENV, "") if prefix is None else prefix
    if prefix and not re.fullmatch(r"[a-z_][a-z0-9_]*", prefix):
        raise RoleSetupError(
            f"{ROLE_PREFIX_ENV}={prefix!r} is invalid: use lower-case letters, digits and underscores, "
            "starting with a letter or underscore"
        )
    return RoleNames(
        prefix=prefix,
        loader=_checked(f"{prefix}samadhan_loader"),
        builder=_checked(f"{prefix}samadhan_builder"),
        pipeline=_checked(f"{prefix}samadhan_pipeline"),
        reader=_checked(f"{prefix}samadhan_reader"),
        statewide_reader=_checked(f"{prefix}reader_state"),
    )


@dataclass(frozen=True)
class RoleSpec:
    """One role as it should be after a sync."""

    name: str
    may_login: bool  # logs in when a password is set; a group role never does
    member_of: tuple[str, ...] = ()
    discom_code: str | None = None  # set for a discom's reader
    statewide: bool = False  # set for the statewide reader


@dataclass(frozen=True)
class RoleOutcome:
    """The outcome of a sync for one role, for the log and the command's output."""

    name: str
    created: bool
    login: bool
    note: str


def plan_roles(names: RoleNames, discom_codes: list[str]) -> list[RoleSpec]:
    """Return every role a sync keeps, group roles first so that memberships can be granted."""
    specs = [
        RoleSpec(names.loader, may_login=True),
        RoleSpec(names.builder, may_login=True),
        RoleSpec(names.pipeline, may_login=True, member_of=(names.loader, names.builder)),
        RoleSpec(names.reader, may_login=False),
        RoleSpec(names.statewide_reader, may_login=True, member_of=(names.reader,), statewide=True),
    ]
    seen = {spec.name: "the statewide reader" for spec in specs}
    for code in discom_codes:
        spec = RoleSpec(names.discom_reader(code), may_login=True, member_of=(names.reader,), discom_code=code)
        if spec.name in seen:
            raise RoleSetupError(
                f"discom {code!r} would get the role name {spec.name}, already used by {seen[spec.name]}"
            )
        seen[spec.name] = f"discom {code!r}"
        specs.append(spec)
    return specs


def _role_exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone() is not None


def ensure_role(conn: psycopg.Connection, spec: RoleSpec, passwords: Passwords) -> RoleOutcome:
    """Create the role if missing and bring its attributes, password and memberships in line with `spec`."""
    role = sql.Identifier(spec.name)
    created = False
    if not _role_exists(conn, spec.name):
        conn.execute(sql.SQL("create role {} nologin").format(role))
        created = True

    # Every sync resets these attributes, so a SUPERUSER or BYPASSRLS given by hand is taken away again.
    attributes = sql.SQL("nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit")
    password = passwords.lookup(spec.name) if spec.may_login else None
    if password is not None:
        # Only the verifier travels, so the password cannot reach the server's statement log.
        verifier = conn.pgconn.encrypt_password(password.encode(), spec.name.encode(), b"scram-sha-256").decode()
        conn.execute(sql.SQL("alter role {} {} login password {}").format(role, attributes, sql.Literal(verifier)))
        note = "login"
    else:
        conn.execute(sql.SQL("alter role {} {} nologin password null").format(role, attributes))
        if spec.may_login:
            note = f"NOLOGIN: no password in {passwords.describe_missing(spec.name)}"
            log.warning("Role %s kept NOLOGIN: no password in %s", spec.name, passwords.describe_missing(spec.name))
        else:
            note = "group role, NOLOGIN"
    conn.execute(sql.SQL("comment on role {} is {}").format(role, sql.Literal(MANAGED_COMMENT)))

    for group in spec.member_of:
        conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group), role))
    return RoleOutcome(spec.name, created=created, login=password is not None, note=note)


def retire_reader(conn: psycopg.Connection, name: str, reader_group: str) -> None:
    """Disable a discom reader whose discom is no longer released: no login, out of the reader group.

    The role is not dropped, because it may own objects or hold grants in other databases.
    """
    if not _role_exists(conn, name):
        return
    conn.execute(sql.SQL("alter role {} nologin password null").format(sql.Identifier(name)))
    conn.execute(sql.SQL("revoke {} from {}").format(sql.Identifier(reader_group), sql.Identifier(name)))
    log.warning("Role %s retired (NOLOGIN, out of %s): its discom is not in marts.dim_unit", name, reader_group)


def require_superuser(conn: psycopg.Connection) -> None:
    """Raise `RoleSetupError` unless the session is a superuser, which creating event triggers needs."""
    row = conn.execute("select rolsuper, current_user from pg_roles where rolname = current_user").fetchone()
    if row is None or not row[0]:
        user = conn.execute("select current_user").fetchone()[0]
        raise RoleSetupError(
            f"connected as {user}, which is not a superuser: run `samadhan access sync` as the warehouse's "
            "superuser (the deployment's POSTGRES_USER), because it creates roles and an event trigger"
        )
