"""Row-level security on the released schemas: each discom's readers see only their discom's rows.

The `access` schema contains who reads which discom and the functions the policies call:

- `access.reader_discoms(role_name, discom_code)` and `access.statewide_readers(role_name)`, written
  by `samadhan access sync`. A role inherits the scope of every role it is a member of, so a
  person's own login granted `reader_dvvnl` sees what `reader_dvvnl` sees.
- `access.current_discoms()` and `access.is_statewide()`: the scope of the current user, read through
  security-definer functions, so readers hold no privilege on the scope tables.
- `access.protect_relation(regclass)` and `access.protect_all()`: put the policies on a table (or
  make a view run with its reader's rights) and grant the reader group `select` on it.

Every table in `marts` and `reports` gets the policy `samadhan_reader_rows` (for members of the
reader group; statewide readers see every row) and `samadhan_builder_rows` (the builder sees and
writes every row even where it does not own the table). Which rows a discom reader sees depends on
the table's columns:

- a `discom_code` column: rows of the reader's discoms (`marts.dim_unit`, `marts.dim_hierarchy`);
- `unit_level` and `unit_code` but no `discom_code`: rows whose unit `marts.dim_unit` places in the
  reader's discoms on the same `report_date`. The grand total (`TOTAL`, `ALL`) belongs to no discom,
  so only statewide readers see it;
- neither: statewide readers only, and the sync logs a warning.

An event trigger protects a table in the same command that creates it, so the release step's first
`create table marts...` is never readable unfiltered even though default privileges grant the
reader group `select` on it, and it refreshes every policy when `marts.dim_unit` appears. Creating
event triggers needs a superuser, so `samadhan access sync` runs as one.
"""

from __future__ import annotations

import logging

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

RELEASED_SCHEMAS = ("marts", "reports")
EVENT_TRIGGER_NAME = "samadhan_protect_released"

ACCESS_SCHEMA_SQL = r"""
create schema if not exists access;

create table if not exists access.settings (
    key text primary key,
    value text not null
);

create table if not exists access.reader_discoms (
    role_name text not null,
    discom_code text not null,
    primary key (role_name, discom_code)
);

create table if not exists access.statewide_readers (
    role_name text primary key
);

-- The discoms whose rows a role may read, through any role it is a member of. Security definer, so
-- that readers need no privilege on the scope tables; it reveals only which discoms a role reads.
create or replace function access.discoms_of(member_role name) returns text[]
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
    select coalesce(array_agg(distinct scope.discom_code order by scope.discom_code), '{}')
    from access.reader_discoms as scope
    join pg_catalog.pg_roles as reader on reader.rolname = scope.role_name
    where pg_catalog.pg_has_role(member_role, reader.oid, 'MEMBER')
$$;

create or replace function access.is_statewide_role(member_role name) returns boolean
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
    select exists (
        select 1
        from access.statewide_readers as scope
        join pg_catalog.pg_roles as reader on reader.rolname = scope.role_name
        where pg_catalog.pg_has_role(member_role, reader.oid, 'MEMBER')
    )
$$;

-- The scope of the current user, which the policies call once per query.
create or replace function access.current_discoms() returns text[]
language sql stable as $$
    select access.discoms_of(current_user)
$$;

create or replace function access.is_statewide() returns boolean
language sql stable as $$
    select access.is_statewide_role(current_user)
$$;

-- "Ram Kumar Verma" -> "R. K. V.": the first character of each word, nothing else of the name.
create or replace function access.name_initials(full_name text) returns text
language sql immutable parallel safe as $$
    select string_agg(left(word, 1) || '.', ' ' order by position)
    from regexp_split_to_table(btrim(full_name), '[[:space:].,]+') with ordinality as words (word, position)
    where word <> ''
$$;

-- "9876543210" -> "98XXXXXX10". Anything but a normalised 10-digit mobile gives null, never the value.
create or replace function access.masked_mobile(mobile text) returns text
language sql immutable parallel safe as $$
    select case when mobile ~ '^[6-9][0-9]{9}$' then left(mobile, 2) || 'XXXXXX' || right(mobile, 2) end
$$;

-- The reader policy's condition for a relation, chosen by its columns.
create or replace function access.row_filter(relation regclass) returns text
language plpgsql stable as $$
declare
    statewide constant text := '(select access.is_statewide())';
    own_discoms constant text := 'any ((select access.current_discoms())::text[])';
    relation_schema text;
    relation_name text;
    has_discom boolean;
    has_unit boolean;
    has_date boolean;
    unit_table regclass := to_regclass('marts.dim_unit');
    unit_table_has_date boolean;
    qualified text;
begin
    select namespace.nspname, class.relname into relation_schema, relation_name
    from pg_class as class join pg_namespace as namespace on namespace.oid = class.relnamespace
    where class.oid = relation;

    select coalesce(bool_or(attname = 'discom_code'), false),
           count(*) filter (where attname in ('unit_level', 'unit_code')) = 2,
           coalesce(bool_or(attname = 'report_date'), false)
    into has_discom, has_unit, has_date
    from pg_attribute
    where attrelid = relation and attnum > 0 and not attisdropped;

    if has_discom then
        return statewide || ' or discom_code = ' || own_discoms;
    end if;
    if not has_unit or unit_table is null or unit_table = relation then
        return statewide;
    end if;

    select exists (
        select 1 from pg_attribute
        where attrelid = unit_table and attname = 'report_date' and attnum > 0 and not attisdropped
    ) into unit_table_has_date;
    qualified := format('%I.%I', relation_schema, relation_name);
    return statewide || ' or exists (select 1 from marts.dim_unit as unit'
        || ' where unit.unit_level = ' || qualified || '.unit_level'
        || ' and unit.unit_code = ' || qualified || '.unit_code'
        || case when has_date and unit_table_has_date
                then ' and unit.report_date = ' || qualified || '.report_date' else '' end
        || ' and unit.discom_code = ' || own_discoms || ')';
end
$$;

-- Enable row-level security on a released table with the two policies, or make a released view run
-- with its reader's rights, and grant the reader group select. Returns what was done.
create or replace function access.protect_relation(relation regclass) returns text
language plpgsql as $$
declare
    reader_group text := (select value from access.settings where key = 'reader_group');
    builder text := (select value from access.settings where key = 'builder');
    info record;
    filter text;
    fingerprint text;
    current_fingerprint text;
begin
    select class.relkind, class.relowner, class.reloptions, namespace.nspname, class.relname
    into info
    from pg_class as class join pg_namespace as namespace on namespace.oid = class.relnamespace
    where class.oid = relation;

    if not pg_has_role(current_user, info.relowner, 'USAGE') then
        raise warning '%.%: not protected by %, which does not own it', info.nspname, info.relname, current_user;
        return 'skipped: not owner';
    end if;

    if info.relkind in ('r', 'p') then
        execute format('alter table %s enable row level security', relation);
        if reader_group is null or builder is null then
            -- Without the role names, nobody but the owner can read: the safe side.
            return 'row-level security on, no policies: run samadhan access sync';
        end if;

        filter := access.row_filter(relation);
        -- The comment on the policy records what it was made from, so an unchanged policy is left alone.
        fingerprint := md5(filter || '|' || reader_group || '|' || builder);
        select obj_description(policy.oid, 'pg_policy') into current_fingerprint
        from pg_policy as policy where policy.polrelid = relation and policy.polname = 'samadhan_reader_rows';
        if current_fingerprint is distinct from fingerprint or not exists (
            select 1 from pg_policy as policy
            where policy.polrelid = relation and policy.polname = 'samadhan_builder_rows'
        ) then
            execute format('drop policy if exists samadhan_reader_rows on %s', relation);
            execute format('drop policy if exists samadhan_builder_rows on %s', relation);
            execute format('create policy samadhan_reader_rows on %s for select to %I using (%s)',
                           relation, reader_group, filter);
            execute format('create policy samadhan_builder_rows on %s for all to %I using (true) with check (true)',
                           relation, builder);
            execute format('comment on policy samadhan_reader_rows on %s is %L', relation, fingerprint);
        end if;
        if relation = to_regclass('marts.dim_unit') then
            -- The reader policies of the other tables look units up by level, code and day.
            execute 'create index if not exists dim_unit_access_lookup'
                    ' on marts.dim_unit (unit_code, unit_level, report_date)';
        end if;
        execute format('grant select on %s to %I', relation, reader_group);
        execute format('grant select, insert, update, delete, truncate on %s to %I', relation, builder);
        return 'rows filtered: ' || filter;
    end if;

    if reader_group is null then
        return 'skipped: run samadhan access sync';
    end if;
    if info.relkind = 'v' then
        -- A view that says security_invoker = false was written to filter rows itself; any other view
        -- reads its tables with the reader's rights, so their policies apply.
        if not exists (select 1 from unnest(coalesce(info.reloptions, '{}')) as option
                       where option like 'security_invoker=%') then
            execute format('alter view %s set (security_invoker = true)', relation);
        end if;
        execute format('grant select on %s to %I', relation, reader_group);
        return 'view readable';
    end if;

    -- A materialized or foreign table cannot carry policies, so its rows stay out of readers' reach.
    execute format('revoke all on %s from %I', relation, reader_group);
    raise warning '%.%: not readable by readers, because row-level security cannot apply to it',
        info.nspname, info.relname;
    return 'not readable: row-level security cannot apply';
end
$$;

create or replace function access.protect_all() returns table (relation text, action text)
language plpgsql as $$
declare
    item record;
begin
    for item in
        select class.oid::regclass as oid, format('%I.%I', namespace.nspname, class.relname) as name
        from pg_class as class join pg_namespace as namespace on namespace.oid = class.relnamespace
        where namespace.nspname in ('marts', 'reports') and class.relkind in ('r', 'p', 'v', 'm', 'f')
        order by namespace.nspname, class.relname
    loop
        relation := item.name;
        action := access.protect_relation(item.oid);
        return next;
    end loop;
end
$$;

create or replace function access.protect_new_relations() returns event_trigger
language plpgsql as $$
declare
    command record;
begin
    for command in
        select * from pg_event_trigger_ddl_commands()
        where schema_name in ('marts', 'reports')
          and object_type in ('table', 'view', 'materialized view', 'foreign table')
    loop
        perform access.protect_relation(command.objid::regclass);
        if command.objid = to_regclass('marts.dim_unit') then
            -- Tables released before marts.dim_unit existed got statewide-only policies until now.
            perform access.protect_all();
        end if;
    end loop;
end
$$;
"""

EVENT_TRIGGER_SQL = f"""
create event trigger {EVENT_TRIGGER_NAME} on ddl_command_end
    when tag in ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'CREATE VIEW',
                 'CREATE MATERIALIZED VIEW', 'CREATE FOREIGN TABLE')
    execute function access.protect_new_relations()
"""


def ensure_access_schema(conn: psycopg.Connection) -> None:
    """Create the `access` schema, its tables and functions, or bring the functions up to date."""
    conn.execute(ACCESS_SCHEMA_SQL)


def write_scope(
    conn: psycopg.Connection, reader_group: str, builder: str, discom_readers: dict[str, str], statewide: list[str]
) -> None:
    """Replace the role names and the reader scopes with the given ones.

    `discom_readers` maps each discom reader role to its discom code.
    """
    conn.execute("delete from access.settings")
    conn.execute(
        "insert into access.settings (key, value) values ('reader_group', %s), ('builder', %s)",
        (reader_group, builder),
    )
    conn.execute("delete from access.reader_discoms")
    with conn.cursor() as cursor:
        cursor.executemany(
            "insert into access.reader_discoms (role_name, discom_code) values (%s, %s)",
            list(discom_readers.items()),
        )
    conn.execute("delete from access.statewide_readers")
    with conn.cursor() as cursor:
        cursor.executemany("insert into access.statewide_readers (role_name) values (%s)", [(r,) for r in statewide])


def ensure_event_trigger(conn: psycopg.Connection) -> None:
    """Create the event trigger that protects new released tables, if missing (needs a superuser)."""
    exists = conn.execute("select 1 from pg_event_trigger where evtname = %s", (EVENT_TRIGGER_NAME,)).fetchone()
    if not exists:
        conn.execute(EVENT_TRIGGER_SQL)


def apply_policies(conn: psycopg.Connection) -> dict[str, str]:
    """Protect every table and view in `marts` and `reports`; return {relation: what was done}.

    The event trigger already protects tables as they are created. The release step calls this in
    its transaction after copying the day as a second guard, and it also restores a policy or
    row-level security that was changed by hand. The caller must own the tables (or be a superuser):
    a table it does not own is skipped with a warning. Does nothing when `samadhan access sync` has
    never run on this database.
    """
    if conn.execute("select to_regclass('access.settings')").fetchone()[0] is None:
        log.debug("No access schema in this database: released tables left as they are")
        return {}
    actions = dict(conn.execute("select relation, action from access.protect_all()").fetchall())
    for relation, action in actions.items():
        log.debug("%s: %s", relation, action)
    return actions


def table_policy_status(conn: psycopg.Connection) -> list[tuple[str, bool, int]]:
    """Return (relation, row-level security on, number of policies) for every table in the released schemas."""
    return conn.execute(
        sql.SQL(
            "select format('%%I.%%I', namespace.nspname, class.relname), class.relrowsecurity,"
            " (select count(*) from pg_policy as policy where policy.polrelid = class.oid)"
            " from pg_class as class join pg_namespace as namespace on namespace.oid = class.relnamespace"
            " where namespace.nspname = any(%s) and class.relkind in ('r', 'p')"
            " order by 1"
        ),
        (list(RELEASED_SCHEMAS),),
    ).fetchall()
