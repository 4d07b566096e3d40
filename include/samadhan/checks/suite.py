"""The release checks as data: `expectations/release_checks.yml` read into `CheckDefinition`s.

Each check names the table it reads, the rows of that table that make its batch, and either a SQL
query that returns the violating rows or the parameters of a stock expectation. The SQL may hold
placeholders in braces: `{batch}` (filled by Great Expectations with the batch's rows), the
parameters of `render_parameters` and the suite's shared fragments. Any other brace pair is a literal
only when doubled (`{{` and `}}`), as Great Expectations requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from psycopg import sql

from samadhan.settings import PROJECT_ROOT, Settings

SUITE_FILE = PROJECT_ROOT / "expectations" / "release_checks.yml"

SEVERITIES = ("fail", "warn")
# The column in which an unexpected_rows query gives the number of all its violating rows.
COUNT_COLUMN = "violating_rows"
EXPECTATIONS = ("unexpected_rows", "compound_columns_unique", "table_row_count_between")

# A single-brace placeholder: `{report_date}` but not `{{report_date}}`.
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}(?!\})")
_CHECK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


class SuiteError(ValueError):
    """The suite file is invalid; the message names the check and the field."""


@dataclass(frozen=True)
class CheckDefinition:
    """One release check as the suite file defines it."""

    name: str
    severity: str  # "fail" stops the release, "warn" is reported only
    description: str
    table: str  # schema.table, the table whose rows make the batch
    batch_filter: str | None  # SQL condition picking the batch's rows of `table`; None takes every row
    expectation: str  # one of EXPECTATIONS
    sql: str | None  # unexpected_rows: the query returning the violating rows
    columns: tuple[str, ...]  # compound_columns_unique: the key
    min_rows: int | None  # table_row_count_between: inclusive bounds
    max_rows: int | None
    message_one: str  # headline when one row fails, with `{count}` and the parameters
    message_many: str  # headline when several rows fail
    row_format: str | None  # how one violating row reads, with its columns as placeholders

    def batch_query(self, parameters: dict[str, str]) -> str:
        """Return the SELECT that makes this check's batch, with parameters filled in."""
        query = f"select * from {self.table}"
        if self.batch_filter:
            query += " where " + fill_placeholders(self.batch_filter, parameters, where=f"{self.name}.batch")
        return query

    def unexpected_rows_query(self, parameters: dict[str, str], fragments: dict[str, str]) -> str:
        """Return the check's SQL with fragments and parameters filled in and `{batch}` left for GX."""
        if self.sql is None:
            raise SuiteError(f"check {self.name} has no sql")
        with_fragments = fill_placeholders(self.sql, fragments, where=f"{self.name}.sql", keep=set(parameters))
        return fill_placeholders(with_fragments, parameters, where=f"{self.name}.sql")


@dataclass(frozen=True)
class Suite:
    """The whole suite: its checks in file order and the SQL fragments they share."""

    name: str
    checks: tuple[CheckDefinition, ...]
    fragments: dict[str, str]

    def check(self, name: str) -> CheckDefinition:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"no release check named {name!r}; known: {', '.join(c.name for c in self.checks)}")


def fill_placeholders(text: str, values: dict[str, str], *, where: str, keep: set[str] | None = None) -> str:
    """Replace `{name}` placeholders with `values`; `{batch}` and the names in `keep` stay as they are.

    Raises `SuiteError` for a placeholder that is neither given nor kept, so a misspelt parameter
    fails when the suite is built, not as a syntax error in the warehouse.
    """
    left_in_place = {"batch"} | (keep or set())

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name in left_in_place:
            return match.group(0)
        raise SuiteError(f"{where}: unknown placeholder {{{name}}}; known: {', '.join(sorted(values))}")

    return _PLACEHOLDER.sub(replace, text)


def render_parameters(report_date: date, settings: Settings) -> dict[str, str]:
    """Return every parameter the checks' SQL may use, as a SQL literal.

    Values are rendered by psycopg's literal quoting from typed Python values, never pasted as text.
    """
    max_share = _share(settings.max_quarantine_share, "SAMADHAN_MAX_QUARANTINE_SHARE")
    warn_share = _share(settings.warn_quarantine_share, "SAMADHAN_WARN_QUARANTINE_SHARE")
    if warn_share > max_share:
        raise SuiteError(
            f"SAMADHAN_WARN_QUARANTINE_SHARE {warn_share} is above SAMADHAN_MAX_QUARANTINE_SHARE {max_share}; "
            "the warning limit must be the lower one"
        )
    values: dict[str, Any] = {
        "report_date": report_date,
        "previous_date": report_date - timedelta(days=1),
        "max_quarantine_share": max_share,
        "warn_quarantine_share": warn_share,
    }
    return {name: sql.Literal(value).as_string() for name, value in values.items()}


def display_parameters(report_date: date, settings: Settings) -> dict[str, str]:
    """Return the parameters as people read them in messages: dates in ISO form, shares in percent."""
    return {
        "report_date": report_date.isoformat(),
        "previous_date": (report_date - timedelta(days=1)).isoformat(),
        "max_quarantine_pct": _percent(settings.max_quarantine_share),
        "warn_quarantine_pct": _percent(settings.warn_quarantine_share),
    }


def _share(value: Decimal, variable: str) -> Decimal:
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise SuiteError(f"{variable} is {value}; it must be a fraction from 0 to 1, e.g. 0.05 for 5%")
    return value


def _percent(share: Decimal) -> str:
    return format((share * 100).normalize(), "f") + "%"


def load_suite(path: Path = SUITE_FILE) -> Suite:
    """Read and validate the suite file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SuiteError(f"{path}: cannot read the release checks: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("checks"), list):
        raise SuiteError(f"{path}: expected a mapping with a list under 'checks'")

    fragments = document.get("fragments") or {}
    if not isinstance(fragments, dict) or not all(isinstance(v, str) for v in fragments.values()):
        raise SuiteError(f"{path}: 'fragments' must map names to SQL text")

    checks = tuple(_check_from_mapping(entry, path, position) for position, entry in enumerate(document["checks"]))
    names = [check.name for check in checks]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SuiteError(f"{path}: check names used twice: {', '.join(duplicates)}")
    return Suite(name=str(document.get("suite", path.stem)), checks=checks, fragments=dict(fragments))


def _check_from_mapping(entry: Any, path: Path, position: int) -> CheckDefinition:
    if not isinstance(entry, dict):
        raise SuiteError(f"{path}: check number {position + 1} is not a mapping")
    name = str(entry.get("name", ""))
    where = f"{path}: check {name or f'number {position + 1}'}"

    def required(field: str) -> str:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise SuiteError(f"{where}: '{field}' is missing or empty")
        return value.strip()

    if not _CHECK_NAME.match(name):
        raise SuiteError(f"{where}: 'name' must be lower-case letters, digits and underscores")
    severity = required("severity")
    if severity not in SEVERITIES:
        raise SuiteError(f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    table = required("table")
    if not _TABLE_NAME.match(table):
        raise SuiteError(f"{where}: table {table!r} is not schema.table")
    expectation = required("expectation")
    if expectation not in EXPECTATIONS:
        raise SuiteError(f"{where}: expectation {expectation!r} is not one of {', '.join(EXPECTATIONS)}")

    message = entry.get("message")
    if not isinstance(message, dict) or not message.get("one") or not message.get("many"):
        raise SuiteError(f"{where}: 'message' needs 'one' and 'many' headlines")

    check_sql = entry.get("sql")
    if expectation == "unexpected_rows" and (not isinstance(check_sql, str) or "{batch}" not in check_sql):
        raise SuiteError(f"{where}: an unexpected_rows check needs 'sql' that reads {{batch}}")
    if expectation == "unexpected_rows" and COUNT_COLUMN not in check_sql:
        raise SuiteError(f"{where}: the sql must count its violations as `count(*) over () as {COUNT_COLUMN}`")
    columns = tuple(entry.get("columns") or ())
    if expectation == "compound_columns_unique" and not columns:
        raise SuiteError(f"{where}: a compound_columns_unique check needs 'columns'")
    min_rows, max_rows = entry.get("min_rows"), entry.get("max_rows")
    if expectation == "table_row_count_between" and min_rows is None and max_rows is None:
        raise SuiteError(f"{where}: a table_row_count_between check needs 'min_rows' or 'max_rows'")

    return CheckDefinition(
        name=name,
        severity=severity,
        description=" ".join(required("description").split()),
        table=table,
        batch_filter=entry.get("batch_filter"),
        expectation=expectation,
        sql=check_sql,
        columns=columns,
        min_rows=min_rows,
        max_rows=max_rows,
        message_one=str(message["one"]),
        message_many=str(message["many"]),
        row_format=entry.get("row"),
    )
