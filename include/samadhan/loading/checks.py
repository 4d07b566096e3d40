"""The contract's row checks as SQL: typing each raw text value, and the reason a row is quarantined.

`stage_sql` builds one `CREATE TEMP TABLE ... AS SELECT` per file. It types every value (the raw
table contains them trimmed, with empty values as null, and a value that does not parse types as
null) and gives each row a `failure`: null for a good row, or `array[reason_code, detail]` for the
first check it fails. The checks run in this order: the split of the CSV record, then each column
in contract order (missing, format, allowed values, account number, sign), then the file's own row
rules, then references to other files of the dump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from samadhan.contract import Column, DumpFile
from samadhan.loading.schema import FILES_WITH_MOBILE
from samadhan.loading.scheme import SchemeFacts

# Money columns where a negative value is allowed: a reversal is a negative payment.
NEGATIVE_ALLOWED = {("payments.csv", "amount")}
_NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)")


@dataclass(frozen=True)
class LoadContext:
    """The facts of one load, besides its rows, that the checks use."""

    dump_date: date
    scheme: SchemeFacts

    @property
    def dump_date_sql(self) -> str:
        return f"date '{self.dump_date.isoformat()}'"

    @property
    def dump_date_shown(self) -> str:
        return self.dump_date.strftime("%d-%m-%Y")

    @property
    def suffix(self) -> str:
        """The day's partition suffix, e.g. `20211025`."""
        return self.dump_date.strftime("%Y%m%d")

    def load_table(self, dump_file: DumpFile) -> str:
        """Return the table that receives the day's good rows and later becomes the day's partition."""
        return f"{dump_file.table}_{self.suffix}_load"


@dataclass(frozen=True)
class Check:
    """A rule a row can break: `condition` is true for a broken row, `detail` is a SQL text expression."""

    code: str
    condition: str
    detail: str


@dataclass(frozen=True)
class Reference:
    """A value that must exist in another relation, e.g. a payment's account among the day's consumers."""

    column: str
    relation: str  # SQL relation with the allowed values, unique, in column `ref_key`
    code: str
    detail: str


def sql_text(value: str) -> str:
    """Return `value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _text(column: str) -> str:
    return f"{column}__text"


def _shown(column: str) -> str:
    return f"raw.shown({_text(column)})"


def typed_expression(column: Column) -> str:
    """Return the SQL that types the text `<column>__text`; it gives null for a bad value.

    The date, and the date part of a timestamp, is looked up in `raw.calendar` (see `calendar_joins`).
    """
    text = _text(column.name)
    pg_type = column.pg_type
    if pg_type == "text":
        return text
    if pg_type == "date":
        return f"{column.name}__day.day"
    if pg_type == "timestamp":
        return f"{column.name}__day.day + raw.hms_time({text})"
    if pg_type == "integer":
        return f"case when {text} ~ '^[0-9]{{1,9}}$' then {text}::integer end"
    if pg_type == "boolean":
        return f"case {text} when 'Y' then true when 'N' then false end"
    numeric = _NUMERIC.fullmatch(pg_type)
    if numeric:
        precision, scale = int(numeric.group(1)), int(numeric.group(2))
        pattern = f"^-?[0-9]{{1,{precision - scale}}}(\\.[0-9]{{1,{scale}}})?$"
        return f"case when {text} ~ '{pattern}' then {text}::{pg_type} end"
    raise ValueError(f"no typing rule for column {column.name} of type {pg_type}")


def calendar_joins(dump_file: DumpFile) -> list[str]:
    """Return the joins that look up each date (DD-MM-YYYY), and the date part of each timestamp.

    A hash join with the table of every valid date costs about a tenth of parsing and checking the
    text row by row, and an impossible date such as 31-09-2021 simply finds no match.
    """
    joins = []
    for column in dump_file.columns:
        name, text = column.name, f"trimmed.{_text(column.name)}"
        if column.pg_type == "date":
            joins.append(f"left join raw.calendar as {name}__day on {name}__day.dmy = {text}")
        elif column.pg_type == "timestamp":
            joins.append(f"left join raw.calendar as {name}__day on {name}__day.dmy = left({text}, 10)")
    return joins


def _format_check(column: Column) -> Check | None:
    name = column.name
    text = _text(name)
    broken = f"{text} is not null and {name} is null"
    shown = _shown(name)
    pg_type = column.pg_type
    if pg_type == "text":
        return None
    if pg_type == "date":
        return Check("invalid_date", broken, f"format('{name} %s is not a valid date in DD-MM-YYYY', {shown})")
    if pg_type == "timestamp":
        return Check(
            "invalid_timestamp", broken,
            f"format('{name} %s is not a valid timestamp in DD-MM-YYYY HH:MM:SS', {shown})",
        )
    if pg_type == "integer":
        return Check("invalid_number", broken, f"format('{name} %s is not a whole number', {shown})")
    if pg_type == "boolean":
        return Check("invalid_flag", broken, f"format('{name} %s is not Y or N', {shown})")
    numeric = _NUMERIC.fullmatch(pg_type)
    assert numeric is not None, pg_type
    precision, scale = int(numeric.group(1)), int(numeric.group(2))
    code = "invalid_amount" if scale == 2 else "invalid_number"
    plain = f"^-?[0-9]+(\\.[0-9]{{1,{scale}}})?$"
    return Check(
        code, broken,
        f"format('{name} %s ' || case when {text} ~ '{plain}' "
        f"then 'has more than {precision - scale} digits before the decimal point' "
        f"else 'is not a plain decimal with at most {scale} places' end, {shown})",
    )


def column_checks(dump_file: DumpFile) -> list[Check]:
    """Return the checks of every column, in contract order."""
    checks = []
    for column in dump_file.columns:
        name = column.name
        text = _text(name)
        if column.required:
            checks.append(Check("missing_value", f"{text} is null", sql_text(f"{name} is missing")))
        format_check = _format_check(column)
        if format_check:
            checks.append(format_check)
        if column.allowed:
            allowed = ", ".join(sql_text(value) for value in column.allowed)
            checks.append(Check(
                "value_not_allowed", f"{text} not in ({allowed})",
                f"format('{name} %s is not one of {', '.join(column.allowed)}', {_shown(name)})",
            ))
        if name == "account_no":
            checks.append(Check(
                "invalid_account_no", f"{text} !~ '^[0-9]{{10}}$'",
                f"format('account_no %s is not 10 digits', {_shown(name)})",
            ))
        if column.pg_type.startswith("numeric") and (dump_file.name, name) not in NEGATIVE_ALLOWED:
            code = "negative_amount" if column.pg_type.endswith(",2)") else "negative_number"
            checks.append(Check(code, f"{name} < 0", f"format('{name} %s is negative', {_shown(name)})"))
    return checks


def _date_of(column: Column) -> str:
    return column.name if column.pg_type == "date" else f"{column.name}::date"


def row_checks(dump_file: DumpFile, context: LoadContext) -> list[Check]:
    """Return the file's own rules over a row's typed values, after the column checks."""
    checks: list[Check] = []
    columns = {column.name: column for column in dump_file.columns}
    dump_date = context.dump_date_sql
    if dump_file.event_date_column:
        column = columns[dump_file.event_date_column]
        name = column.name
        checks.append(Check(
            "event_after_dump_date", f"{_date_of(column)} > {dump_date}",
            f"format('{name} %s is after the dump date {context.dump_date_shown}', {_shown(name)})",
        ))
        starts_on = context.scheme.starts_on
        checks.append(Check(
            "event_before_scheme_start", f"{_date_of(column)} < date '{starts_on.isoformat()}'",
            f"format('{name} %s is before the scheme began on {starts_on:%d-%m-%Y}', {_shown(name)})",
        ))

    if dump_file.name == "consumers.csv":
        checks.append(Check(
            "date_after_dump_date", f"last_payment_date > {dump_date}",
            f"format('last_payment_date %s is after the dump date {context.dump_date_shown}', "
            f"{_shown('last_payment_date')})",
        ))
    if dump_file.name in ("payments.csv", "registrations.csv"):
        checks.append(Check(
            "missing_value", "channel = 'CAMP' and camp_id is null",
            sql_text("camp_id is missing, and channel is CAMP"),
        ))
    if dump_file.name == "payments.csv":
        checks.append(Check(
            "reversal_without_receipt", "amount < 0 and reverses_receipt_no is null",
            f"format('amount %s is negative but reverses_receipt_no is missing', {_shown('amount')})",
        ))
        checks.append(Check(
            "reversal_not_negative", "amount >= 0 and reverses_receipt_no is not null",
            f"format('reverses_receipt_no %s is set but amount %s is not negative', "
            f"{_shown('reverses_receipt_no')}, {_shown('amount')})",
        ))
    if dump_file.name == "registrations.csv":
        checks.append(Check(
            "instalments_mismatch", "payment_option = 'LUMPSUM' and instalments <> 1",
            "format('instalments %s is not 1, and payment_option is LUMPSUM', instalments)",
        ))
        checks.append(Check(
            "instalments_mismatch", "instalments < 1",
            "format('instalments %s is less than 1', instalments)",
        ))
    if dump_file.name == "bill_revisions.csv":
        for name in ("revised_principal", "revised_lpsc"):
            checks.append(Check(
                "missing_value", f"event = 'REVISED' and {name} is null",
                sql_text(f"{name} is missing, and event is REVISED"),
            ))
    if dump_file.name == "notice_deliveries.csv":
        prefix = context.scheme.code + "/"
        checks.append(Check(
            "notice_no_mismatch", f"notice_no <> {sql_text(prefix)} || account_no",
            f"format('notice_no %s is not {prefix}<account_no> for account_no %s', "
            f"{_shown('notice_no')}, account_no)",
        ))
    if dump_file.name == "camps.csv":
        checks.append(Check(
            "camp_ends_before_start", "ended_at < started_at",
            f"format('ended_at %s is before started_at %s', {_shown('ended_at')}, {_shown('started_at')})",
        ))
    return checks


def references(dump_file: DumpFile, context: LoadContext, consumers: DumpFile, hierarchy: DumpFile) -> list[Reference]:
    """Return the values of this file that must exist in another file of the dump (or an earlier camp)."""
    accounts = f"(select account_no as ref_key from {context.load_table(consumers)})"
    beats = f"(select beat_code as ref_key from {context.load_table(hierarchy)})"
    camps = "(select camp_id as ref_key from pg_temp.known_camps)"
    substations = "(select substation_code as ref_key from pg_temp.known_substations)"
    unknown_account = Reference(
        "account_no", accounts, "unknown_account",
        "format('account_no %s is not among the consumers loaded from this dump''s consumers.csv', account_no)",
    )
    unknown_camp = Reference(
        "camp_id", camps, "unknown_camp",
        "format('camp_id %s is not a camp loaded from this or an earlier dump''s camps.csv', camp_id)",
    )
    by_file = {
        "consumers.csv": [Reference(
            "beat_code", beats, "unknown_beat",
            "format('beat_code %s is not among the beats loaded from this dump''s hierarchy.csv', beat_code)",
        )],
        "camps.csv": [Reference(
            "substation_code", substations, "unknown_substation",
            "format('substation_code %s is not among the substations loaded from this dump''s "
            "hierarchy.csv', substation_code)",
        )],
        "camp_visits.csv": [unknown_camp],
        "payments.csv": [unknown_account, unknown_camp],
        "registrations.csv": [unknown_account, unknown_camp],
        "bill_revisions.csv": [unknown_account],
        "notice_deliveries.csv": [unknown_account],
    }
    return by_file.get(dump_file.name, [])


def stage_sql(dump_file: DumpFile, context: LoadContext, raw_table: str, refs: list[Reference]) -> str:
    """Return the statement that creates `pg_temp.stage`: line_no, the typed columns and `failure`.

    `offset 0` keeps each subquery from being merged into the one above it: merged, every mention of a
    typed column in the checks would type the text again.
    """
    texts = ",\n            ".join(f"{column.name} as {_text(column.name)}" for column in dump_file.columns)
    typed = ",\n        ".join(f"{typed_expression(column)} as {column.name}" for column in dump_file.columns)
    branches = ["when split_code is not null then array[split_code, split_detail]"]
    for check in column_checks(dump_file) + row_checks(dump_file, context):
        branches.append(f"when {check.condition} then array['{check.code}', {check.detail}]")
    joins = []
    for position, ref in enumerate(refs, start=1):
        alias = f"ref_{position}"
        joins.append(f"left join {ref.relation} as {alias} on {alias}.ref_key = checked.{ref.column}")
        branches.append(
            f"when {ref.column} is not null and {alias}.ref_key is null then array['{ref.code}', {ref.detail}]"
        )
    columns = ", ".join(f"checked.{column.name}" for column in dump_file.columns)
    mobile_digits = mobile_normalised = ""
    if dump_file.name in FILES_WITH_MOBILE:
        mobile_digits = ",\n            translate(mobile, ' ().-', '') as mobile__digits"
        mobile_normalised = ",\n        raw.mobile_from_digits(mobile__digits) as mobile_normalised"
        columns += ", checked.mobile_normalised"
    return f"""
create temp table stage on commit drop as
select
    checked.line_no,
    {columns},
    case
        {chr(10).join('        ' + branch for branch in branches).lstrip()}
    end as failure
from (
    select
        trimmed.*,
        {typed}{mobile_normalised}
    from (
        select
            line_no, split_code, split_detail,
            {texts}{mobile_digits}
        from {raw_table}
        offset 0
    ) as trimmed
    {(chr(10) + '    ').join(calendar_joins(dump_file))}
    offset 0
) as checked
{chr(10).join(joins)}
"""
