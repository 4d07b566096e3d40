"""Typing and judging one file's raw rows in set-based SQL, inside the load's transaction.

Each file goes through the same steps. `pg_temp.stage` types every row and records the first row
check it fails. `pg_temp.outcomes` then collects every row that is not loaded as it is, with its
outcome: `quarantine` (with a reason) or `resent` (loaded once already, counted as loaded). Rows are
added to it by these rules, in this order:

1. the row checks of `stage` (format, allowed values, the file's own rules, references);
2. hierarchy.csv only: every row of a unit code that sits under more than one parent code;
3. event files: a key already loaded from another dump: a re-send when every field is the same,
   `key_changed` otherwise (the earlier row is kept);
4. a key repeated inside the file: the first row is loaded, a later identical row is a re-send and a
   later different row is quarantined (`duplicate_key`);
5. payments.csv only: the reversal rules.

The rest is inserted into the day's load table, which becomes the day's partition at the end of the load.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import psycopg

from samadhan.contract import FILES_BY_NAME, DumpFile
from samadhan.loading.checks import LoadContext, references, sql_text, stage_sql
from samadhan.loading.reading import raw_table
from samadhan.loading.schema import FILES_WITH_MOBILE, billing_columns

log = logging.getLogger(__name__)

HIERARCHY_LEVELS = ("discom", "zone", "circle", "division", "subdivision", "substation", "feeder", "beat")


@dataclass
class FileOutcome:
    """Counts of one file's loaded, re-sent and quarantined rows, and of its warnings."""

    rows_loaded: int = 0  # including re-sent rows
    rows_resent: int = 0
    quarantined_by_reason: Counter[str] = field(default_factory=Counter)
    warnings_by_code: Counter[str] = field(default_factory=Counter)

    @property
    def rows_quarantined(self) -> int:
        return sum(self.quarantined_by_reason.values())


def _key_match(dump_file: DumpFile, left: str, right: str) -> str:
    return " and ".join(f"{left}.{name} = {right}.{name}" for name in dump_file.key)


def _row_hash(dump_file: DumpFile, alias: str) -> str:
    """Return SQL that hashes every contract field of a typed row, to tell a re-send from a changed row."""
    return "md5(row(" + ", ".join(f"{alias}.{column.name}" for column in dump_file.columns) + ")::text)"


def _key_text(dump_file: DumpFile, alias: str) -> str:
    return "concat_ws(', ', " + ", ".join(f"{alias}.{name}::text" for name in dump_file.key) + ")"


def _key_shown(dump_file: DumpFile, alias: str) -> str:
    """Return SQL that names a row's key, e.g. `receipt_no R1` or `request_no Q1, event REVISED`."""
    parts = [f"'{name} ' || {alias}.{name}::text" for name in dump_file.key]
    return " || ', ' || ".join(parts)


def _create_outcomes(conn: psycopg.Connection) -> None:
    conn.execute(
        """
        create temp table outcomes (
            line_no integer primary key,
            outcome text not null,
            reason_code text,
            reason_detail text,
            record_key text,
            first_dump_date date,
            first_line_no integer
        ) on commit drop
        """
    )


def _candidates(alias: str = "stage") -> str:
    """Return the SQL condition that the row passed every check so far."""
    return f"{alias}.failure is null and not exists (select 1 from outcomes o where o.line_no = {alias}.line_no)"


def _quarantine_hierarchy_conflicts(conn: psycopg.Connection) -> None:
    conflicts = "\n            union all\n".join(
        f"""            select '{level}' as level, {level}_code as code, '{parent}' as parent_level,
                   string_agg(distinct {parent}_code, ', ' order by {parent}_code) as parents
            from stage where {_candidates()}
            group by {level}_code having count(distinct {parent}_code) > 1"""
        for parent, level in zip(HIERARCHY_LEVELS, HIERARCHY_LEVELS[1:], strict=False)
    )
    matches = " or ".join(f"(c.level = '{level}' and s.{level}_code = c.code)" for level in HIERARCHY_LEVELS[1:])
    conn.execute(
        f"""
        insert into outcomes (line_no, outcome, reason_code, reason_detail)
        select distinct on (s.line_no) s.line_no, 'quarantine', 'hierarchy_conflict',
               format('%s %s is under more than one %s (%s)', c.level, c.code, c.parent_level, c.parents)
        from stage s
        join (
{conflicts}
        ) as c on {matches}
        where s.failure is null
        order by s.line_no, c.level
        """
    )


def _judge_against_earlier_dumps(conn: psycopg.Connection, dump_file: DumpFile, context: LoadContext) -> None:
    key_match = _key_match(dump_file, "b", "s")
    conn.execute(
        f"""
        insert into outcomes
            (line_no, outcome, reason_code, reason_detail, record_key, first_dump_date, first_line_no)
        select s.line_no,
               case when earlier.row_hash = {_row_hash(dump_file, 's')} then 'resent' else 'quarantine' end,
               case when earlier.row_hash = {_row_hash(dump_file, 's')} then null else 'key_changed' end,
               format('%s was loaded from the dump of %s (line %s) with different fields; that row stands',
                      {_key_shown(dump_file, 's')}, to_char(earlier.dump_date, 'DD-MM-YYYY'),
                      earlier.source_line),
               {_key_text(dump_file, 's')}, earlier.dump_date, earlier.source_line
        from stage s
        join lateral (
            select b.dump_date, b.source_line, {_row_hash(dump_file, 'b')} as row_hash
            from {dump_file.table} b
            where {key_match} and b.dump_date <> {context.dump_date_sql}
            order by b.dump_date, b.source_line
            limit 1
        ) as earlier on true
        where {_candidates('s')}
        """
    )


def _judge_repeats_in_file(conn: psycopg.Connection, dump_file: DumpFile, context: LoadContext) -> None:
    key = ", ".join(dump_file.key)
    conn.execute(
        f"""
        insert into outcomes
            (line_no, outcome, reason_code, reason_detail, record_key, first_dump_date, first_line_no)
        with repeated_keys as (
            select {key} from stage where {_candidates()}
            group by {key} having count(*) > 1
        ),
        ranked as (
            select s.line_no, {_key_shown(dump_file, 's')} as key_shown, {_key_text(dump_file, 's')} as key_text,
                   {_row_hash(dump_file, 's')} as row_hash,
                   first_value(s.line_no) over key_rows as first_line,
                   first_value({_row_hash(dump_file, 's')}) over key_rows as first_hash
            from stage s
            join repeated_keys using ({key})
            where {_candidates('s')}
            window key_rows as (partition by {', '.join('s.' + name for name in dump_file.key)} order by s.line_no)
        )
        select line_no,
               case when row_hash = first_hash then 'resent' else 'quarantine' end,
               case when row_hash = first_hash then null else 'duplicate_key' end,
               format('%s repeats line %s with different fields; line %s stands',
                      key_shown, first_line, first_line),
               key_text, {context.dump_date_sql}, first_line
        from ranked
        where line_no <> first_line
        """
    )


def _judge_reversals(conn: psycopg.Connection, context: LoadContext) -> None:
    """Quarantine reversals that do not cancel exactly one loaded receipt of the same account.

    A reversal is kept when the receipt it names is loaded (from an earlier dump or this file), has
    the same account and exactly the opposite amount, and no other loaded reversal names it first.
    Whether the reversed receipt counts for the scheme is decided later, in the warehouse models.
    """
    dump_date = context.dump_date_sql
    conn.execute(
        f"""
        insert into outcomes (line_no, outcome, reason_code, reason_detail)
        with reversals as (
            select s.line_no, s.receipt_no, s.account_no, s.amount, s.reverses_receipt_no
            from stage s
            where s.amount < 0 and {_candidates('s')}
        ),
        receipts_here as (
            select s.receipt_no, s.account_no, s.amount
            from stage s
            where s.amount > 0 and {_candidates('s')}
        ),
        judged as (
            select r.line_no, r.account_no, r.amount, r.reverses_receipt_no,
                   coalesce(here.account_no, earlier.account_no) as receipt_account,
                   coalesce(here.amount, earlier.amount) as receipt_amount,
                   reversed.dump_date as reversed_on
            from reversals r
            left join receipts_here here on here.receipt_no = r.reverses_receipt_no
            left join lateral (
                select b.account_no, b.amount from billing.payments b
                where b.receipt_no = r.reverses_receipt_no and b.amount > 0 and b.dump_date <> {dump_date}
                limit 1
            ) as earlier on true
            left join lateral (
                select b.dump_date from billing.payments b
                where b.reverses_receipt_no = r.reverses_receipt_no and b.dump_date <> {dump_date}
                order by b.dump_date
                limit 1
            ) as reversed on true
        ),
        verdicts as (
            select line_no, reverses_receipt_no, case
                when receipt_amount is null then array['reversal_unknown_receipt',
                    format('reverses_receipt_no %s is not a loaded receipt', reverses_receipt_no)]
                when receipt_account <> account_no then array['reversal_account_mismatch',
                    format('reverses receipt %s of account_no %s, not of account_no %s',
                           reverses_receipt_no, receipt_account, account_no)]
                when amount <> -receipt_amount then array['reversal_amount_mismatch',
                    format('amount %s is not the exact negative of receipt %s''s %s',
                           amount, reverses_receipt_no, receipt_amount)]
                when reversed_on is not null then array['receipt_already_reversed',
                    format('receipt %s is already reversed in the dump of %s',
                           reverses_receipt_no, to_char(reversed_on, 'DD-MM-YYYY'))]
            end as failure
            from judged
        ),
        second_reversals as (
            select line_no, reverses_receipt_no, first_line
            from (
                select line_no, reverses_receipt_no,
                       first_value(line_no) over (partition by reverses_receipt_no order by line_no) as first_line
                from verdicts
                where failure is null
            ) as ranked
            where line_no <> first_line
        )
        select line_no, 'quarantine', failure[1], failure[2]
        from verdicts
        where failure is not null
        union all
        select line_no, 'quarantine', 'receipt_already_reversed',
               format('receipt %s is already reversed by line %s of this file', reverses_receipt_no, first_line)
        from second_reversals
        """
    )


def _insert_good_rows(conn: psycopg.Connection, dump_file: DumpFile, context: LoadContext) -> int:
    load_table = context.load_table(dump_file)
    names = [name for name, _type in billing_columns(dump_file)]
    values = [f"s.{column.name}" for column in dump_file.columns]
    if dump_file.name in FILES_WITH_MOBILE:
        values.append("s.mobile_normalised")
    values += [context.dump_date_sql, sql_text(dump_file.name), "s.line_no"]
    table_name = load_table.split(".")[1]
    conn.execute(
        f"create table {load_table} (like {dump_file.table} including defaults, "
        f"constraint {table_name}_dump_date check (dump_date = {context.dump_date_sql}))"
    )
    cursor = conn.execute(
        f"insert into {load_table} ({', '.join(names)}) "
        f"select {', '.join(values)} from stage s where {_candidates('s')}"
    )
    conn.execute(f"create index {table_name}_key on {load_table} ({', '.join(dump_file.key)})")
    # Statistics for the joins that later files of the load make on this table's key.
    conn.execute(f"analyze {load_table} ({', '.join(dump_file.key)})")
    return cursor.rowcount


def _record_outcomes(conn: psycopg.Connection, dump_file: DumpFile, context: LoadContext) -> None:
    file_name = sql_text(dump_file.name)
    conn.execute(
        f"""
        insert into audit.quarantine (dump_date, file_name, line_no, raw_text, reason_code, reason)
        select {context.dump_date_sql}, {file_name}, o.line_no, r.raw_text, o.reason_code,
               format('%s line %s: %s', {file_name}, o.line_no, o.reason_detail)
        from outcomes o
        join {raw_table(dump_file)} r using (line_no)
        where o.outcome = 'quarantine'
        union all
        select {context.dump_date_sql}, {file_name}, s.line_no, r.raw_text, s.failure[1],
               format('%s line %s: %s', {file_name}, s.line_no, s.failure[2])
        from stage s
        join {raw_table(dump_file)} r using (line_no)
        where s.failure is not null
        order by 3
        """
    )
    conn.execute(
        f"""
        insert into audit.resends (dump_date, file_name, line_no, record_key, first_dump_date, first_line_no)
        select {context.dump_date_sql}, {file_name}, line_no, record_key, first_dump_date, first_line_no
        from outcomes where outcome = 'resent' order by line_no
        """
    )


def _warn(conn: psycopg.Connection, context: LoadContext, select_sql: str) -> None:
    conn.execute(
        "insert into audit.load_warnings (dump_date, file_name, line_no, warning_code, message) " + select_sql
    )


def _after_hierarchy(conn: psycopg.Connection, context: LoadContext, load_table: str) -> None:
    conn.execute(
        f"create temp table known_substations on commit drop as "
        f"select distinct substation_code from {load_table}"
    )
    conn.execute("alter table known_substations add primary key (substation_code)")
    names = "\n        union all\n".join(
        f"""        select '{level}', {level}_code, min(source_line),
               string_agg(distinct raw.shown({level}_name), ', ')
        from {load_table} group by {level}_code having count(distinct {level}_name) > 1"""
        for level in HIERARCHY_LEVELS
    )
    _warn(conn, context, f"""
        select {context.dump_date_sql}, 'hierarchy.csv', first_line, 'unit_name_mismatch',
               format('hierarchy.csv line %s: %s %s has more than one name (%s)', first_line, level, code, names)
        from (
{names}
        ) as mismatches (level, code, first_line, names)
        order by first_line
    """)


def _after_consumers(conn: psycopg.Connection, context: LoadContext, load_table: str) -> None:
    hierarchy = context.load_table(FILES_BY_NAME["hierarchy.csv"])
    _warn(conn, context, f"""
        select {context.dump_date_sql}, 'consumers.csv', c.source_line, 'feeder_mismatch',
               format('consumers.csv line %s: feeder_code %s is not the feeder of beat %s (%s in hierarchy.csv); '
                      'the beat decides', c.source_line, c.feeder_code, c.beat_code, h.feeder_code)
        from {load_table} c
        join {hierarchy} h on h.beat_code = c.beat_code
        where c.feeder_code <> h.feeder_code
        order by c.source_line
    """)


def _after_camps(conn: psycopg.Connection, context: LoadContext, load_table: str) -> None:
    conn.execute(
        f"""
        create temp table known_camps on commit drop as
        select camp_id from billing.camps where dump_date <> {context.dump_date_sql}
        union
        select camp_id from {load_table}
        """
    )
    conn.execute("alter table known_camps add primary key (camp_id)")


_AFTER_LOAD = {
    "hierarchy.csv": _after_hierarchy,
    "consumers.csv": _after_consumers,
    "camps.csv": _after_camps,
}


def validate_file(conn: psycopg.Connection, dump_file: DumpFile, context: LoadContext) -> FileOutcome:
    """Type, judge and load one file's raw rows; record its quarantine, re-sends and warnings."""
    refs = references(dump_file, context, FILES_BY_NAME["consumers.csv"], FILES_BY_NAME["hierarchy.csv"])
    conn.execute(stage_sql(dump_file, context, raw_table(dump_file), refs))
    _create_outcomes(conn)

    if dump_file.name == "hierarchy.csv":
        _quarantine_hierarchy_conflicts(conn)
    if dump_file.kind == "event":
        _judge_against_earlier_dumps(conn, dump_file, context)
    _judge_repeats_in_file(conn, dump_file, context)
    if dump_file.name == "payments.csv":
        _judge_reversals(conn, context)

    outcome = FileOutcome()
    new_rows = _insert_good_rows(conn, dump_file, context)
    _record_outcomes(conn, dump_file, context)
    after_load = _AFTER_LOAD.get(dump_file.name)
    if after_load:
        after_load(conn, context, context.load_table(dump_file))

    for code, count in conn.execute(
        f"select reason_code, count(*) from audit.quarantine "
        f"where dump_date = {context.dump_date_sql} and file_name = %s group by reason_code",
        (dump_file.name,),
    ):
        outcome.quarantined_by_reason[code] = count
    outcome.rows_resent = conn.execute("select count(*) from outcomes where outcome = 'resent'").fetchone()[0]
    outcome.rows_loaded = new_rows + outcome.rows_resent
    for code, count in conn.execute(
        f"select warning_code, count(*) from audit.load_warnings "
        f"where dump_date = {context.dump_date_sql} and file_name = %s group by warning_code",
        (dump_file.name,),
    ):
        outcome.warnings_by_code[code] = count

    conn.execute("drop table stage, outcomes")
    return outcome
