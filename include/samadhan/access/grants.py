"""Schema and table privileges of the managed roles, for existing objects and for objects created later."""

from __future__ import annotations

import psycopg
from psycopg import sql

from samadhan.access.roles import RoleNames

LOADER_SCHEMAS = ("raw", "billing", "audit", "rules")
BUILDER_READ_SCHEMAS = ("billing", "rules", "audit")
BUILDER_WRITE_SCHEMAS = ("stg", "int", "build", "marts", "reports")
READER_SCHEMAS = ("marts", "reports")
CLOSED_TO_READERS = ("raw", "billing", "audit", "rules", "stg", "int", "build")
WAREHOUSE_SCHEMAS = ("raw", "billing", "audit", "rules", "stg", "int", "build", "marts", "reports")
# Audit tables the release and check steps write; the builder gets write access where it does not own them.
BUILDER_AUDIT_TABLES = ("audit.releases", "audit.check_results")

TABLE_WRITE = sql.SQL("select, insert, update, delete, truncate, references, trigger")
SEQUENCE_USE = sql.SQL("usage, select, update")


def _ids(*names: str) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(name) for name in names)


def create_schemas(conn: psycopg.Connection) -> None:
    """Create the warehouse's schemas where missing, so that their privileges can be set before the first run."""
    for schema in WAREHOUSE_SCHEMAS:
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))


def grant_database(conn: psycopg.Connection, names: RoleNames) -> None:
    """Let only the managed roles connect; let the loader and builder create the schemas they write."""
    database = sql.Identifier(conn.info.dbname)
    conn.execute(sql.SQL("revoke connect on database {} from public").format(database))
    conn.execute(sql.SQL("grant connect on database {} to {}").format(
        database, _ids(names.loader, names.builder, names.reader)))
    # `create schema if not exists` checks this privilege even when the schema exists.
    conn.execute(sql.SQL("grant create on database {} to {}").format(database, _ids(names.loader, names.builder)))
    conn.execute("revoke create on schema public from public")


def grant_writers(conn: psycopg.Connection, names: RoleNames, creators: list[str]) -> None:
    """Give the loader and builder their schemas, on existing objects and by default on new ones."""
    for role, schemas in ((names.loader, LOADER_SCHEMAS), (names.builder, BUILDER_WRITE_SCHEMAS)):
        for schema in schemas:
            schema_id, role_id = sql.Identifier(schema), sql.Identifier(role)
            conn.execute(sql.SQL("grant usage, create on schema {} to {}").format(schema_id, role_id))
            conn.execute(sql.SQL("grant {} on all tables in schema {} to {}").format(TABLE_WRITE, schema_id, role_id))
            conn.execute(sql.SQL("grant {} on all sequences in schema {} to {}").format(
                SEQUENCE_USE, schema_id, role_id))
            for creator in creators:
                conn.execute(sql.SQL("alter default privileges for role {} in schema {} grant {} on tables to {}")
                             .format(sql.Identifier(creator), schema_id, TABLE_WRITE, role_id))
                conn.execute(sql.SQL("alter default privileges for role {} in schema {} grant {} on sequences to {}")
                             .format(sql.Identifier(creator), schema_id, SEQUENCE_USE, role_id))

    builder = sql.Identifier(names.builder)
    for schema in BUILDER_READ_SCHEMAS:
        schema_id = sql.Identifier(schema)
        conn.execute(sql.SQL("grant usage on schema {} to {}").format(schema_id, builder))
        conn.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema_id, builder))
        for creator in creators:
            conn.execute(sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}")
                         .format(sql.Identifier(creator), schema_id, builder))
    # The release writes audit.releases and the checks audit.check_results, creating them if missing.
    conn.execute(sql.SQL("grant create on schema audit to {}").format(builder))
    for table in BUILDER_AUDIT_TABLES:
        if conn.execute("select to_regclass(%s)", (table,)).fetchone()[0] is not None:
            conn.execute(sql.SQL("grant {} on {} to {}").format(
                TABLE_WRITE, sql.Identifier(*table.split(".")), builder))


def grant_access_schema(conn: psycopg.Connection, names: RoleNames) -> None:
    """Let readers call the scope functions and the builder protect the tables it releases."""
    access = sql.Identifier("access")
    conn.execute(sql.SQL("grant usage on schema {} to {}").format(access, _ids(names.reader, names.builder)))
    # Readers learn their scope through security-definer functions, so the tables stay out of their catalogue.
    conn.execute(sql.SQL("revoke all on all tables in schema access from public, {}").format(
        sql.Identifier(names.reader)))
    conn.execute(sql.SQL("grant select on all tables in schema access to {}").format(sql.Identifier(names.builder)))
    conn.execute(sql.SQL("grant execute on all functions in schema access to {}").format(
        _ids(names.reader, names.builder)))


def grant_readers(conn: psycopg.Connection, names: RoleNames, reader_roles: list[str], creators: list[str]) -> None:
    """Let the reader group into the released schemas and keep every reader out of all the others.

    Tables created later in the released schemas are readable by default; the event trigger turns
    row-level security on in the same command that creates them.
    """
    reader = sql.Identifier(names.reader)
    for schema in READER_SCHEMAS:
        schema_id = sql.Identifier(schema)
        conn.execute(sql.SQL("grant usage on schema {} to {}").format(schema_id, reader))
        for creator in creators:
            conn.execute(sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}")
                         .format(sql.Identifier(creator), schema_id, reader))

    # Kept in step: whatever was granted by hand, readers hold nothing in the closed schemas.
    everyone = _ids(*reader_roles)
    for schema in CLOSED_TO_READERS:
        schema_id = sql.Identifier(schema)
        conn.execute(sql.SQL("revoke all on all tables in schema {} from public, {}").format(schema_id, everyone))
        conn.execute(sql.SQL("revoke all on schema {} from public, {}").format(schema_id, everyone))
