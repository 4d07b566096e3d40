"""`samadhan access sync`: bring roles, privileges, policies and masked views in line, idempotently.

Runs in one transaction under an advisory lock, so a failed or concurrent sync leaves the previous
state whole. Rerun it after the first release: discom readers are created from the released
`marts.dim_unit`, and the masked views wait for their source tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import psycopg

from samadhan.access import grants, policies, roles, views
from samadhan.access.passwords import Passwords

log = logging.getLogger(__name__)

# Advisory lock key of this module: one sync at a time per database.
SYNC_LOCK_KEY = 7_262_010_301


@dataclass
class SyncReport:
    """The outcome of a sync: roles, discoms, protected relations and managed views."""

    roles: list[roles.RoleOutcome] = field(default_factory=list)
    discoms: dict[str, str] = field(default_factory=dict)  # discom code -> reader role
    retired: list[str] = field(default_factory=list)
    relations: dict[str, str] = field(default_factory=dict)  # relation -> what was done
    views: list[views.ViewOutcome] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the report as lines for people, without any password."""
        out = []
        for outcome in self.roles:
            state = "created" if outcome.created else "updated"
            out.append(f"role {outcome.name}: {state}, {outcome.note}")
        for code, role in self.discoms.items():
            out.append(f"discom {code}: read by {role}")
        if not self.discoms:
            out.append("no discom readers: marts.dim_unit has no DISCOM rows yet; rerun after the first release")
        out += [f"role {name}: retired" for name in self.retired]
        out += [f"{relation}: {action}" for relation, action in self.relations.items()]
        for outcome in self.views:
            out.append(f"view {outcome.name}: {'ready' if outcome.created else 'not created'} ({outcome.note})")
        return out


def released_discoms(conn: psycopg.Connection) -> list[str]:
    """Return the discom codes of the released `marts.dim_unit`, or none before the first release."""
    if conn.execute("select to_regclass('marts.dim_unit')").fetchone()[0] is None:
        return []
    rows = conn.execute(
        "select distinct discom_code from marts.dim_unit"
        " where unit_level = 'DISCOM' and discom_code is not null order by discom_code"
    ).fetchall()
    return [row[0] for row in rows]


def _previous_discom_readers(conn: psycopg.Connection) -> set[str]:
    if conn.execute("select to_regclass('access.reader_discoms')").fetchone()[0] is None:
        return set()
    return {row[0] for row in conn.execute("select role_name from access.reader_discoms")}


def sync_access(conn: psycopg.Connection, prefix: str | None = None, passwords: Passwords | None = None) -> SyncReport:
    """Create or update every role, privilege, policy and managed view of the warehouse; commit; return a report.

    `prefix` defaults to `SAMADHAN_ROLE_PREFIX`; `passwords` to the environment and
    `SAMADHAN_SECRETS_FILE`. The connection must belong to a superuser.
    """
    names = roles.role_names(prefix)
    passwords = passwords if passwords is not None else Passwords.from_environment()
    report = SyncReport()

    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (SYNC_LOCK_KEY,))
        roles.require_superuser(conn)

        discoms = released_discoms(conn)
        specs = roles.plan_roles(names, discoms)
        for spec in specs:
            report.roles.append(roles.ensure_role(conn, spec, passwords))
        report.discoms = {spec.discom_code: spec.name for spec in specs if spec.discom_code}

        for stale in sorted(_previous_discom_readers(conn) - set(report.discoms.values())):
            roles.retire_reader(conn, stale, names.reader)
            report.retired.append(stale)

        grants.create_schemas(conn)
        policies.ensure_access_schema(conn)
        policies.write_scope(
            conn, names.reader, names.builder,
            discom_readers={spec.name: spec.discom_code for spec in specs if spec.discom_code},
            statewide=[names.statewide_reader],
        )

        admin = conn.execute("select current_user").fetchone()[0]
        creators = list(dict.fromkeys([admin, names.loader, names.builder, names.pipeline]))
        policies.ensure_event_trigger(conn)
        reader_roles = [spec.name for spec in specs if spec.name == names.reader or names.reader in spec.member_of]
        grants.grant_database(conn, names)
        grants.grant_writers(conn, names, creators)
        grants.grant_access_schema(conn, names)
        grants.grant_readers(conn, names, reader_roles + report.retired, creators)

        report.views = views.ensure_views(conn)
        report.relations = policies.apply_policies(conn)
        for relation, action in report.relations.items():
            if action.startswith("rows filtered: ") and action.endswith("(select access.is_statewide())"):
                log.warning("%s: no discom_code, unit_level or unit_code column, so only statewide readers see it",
                            relation)

    log.info(
        "Access in step: %d roles, %d discom readers, %d released tables and views protected",
        len(report.roles), len(report.discoms), len(report.relations),
    )
    return report
