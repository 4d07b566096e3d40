"""The outcome of the release checks: one `CheckResult` per check and the day's `CheckVerdict`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from samadhan.checks.suite import CheckDefinition

# A message quotes this many violating rows; the sample stored with the verdict holds up to SAMPLE_ROWS.
ROWS_IN_MESSAGE = 5
SAMPLE_ROWS = 20


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: its status, how many rows violate it, and where."""

    name: str
    severity: str  # "fail" or "warn"
    status: str  # "pass", "fail" or "warn"
    table: str
    description: str
    failing_rows: int
    message: str
    sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckVerdict:
    """Every check's result for one report date and run; `passed` decides whether the day is released."""

    report_date: date
    run_id: str
    results: tuple[CheckResult, ...]
    checked_at: datetime

    @property
    def failures(self) -> list[CheckResult]:
        """The failed checks of severity `fail`: each of them stops the release."""
        return [result for result in self.results if result.status == "fail"]

    @property
    def warnings(self) -> list[CheckResult]:
        """The failed checks of severity `warn`: reported, not stopping the release."""
        return [result for result in self.results if result.status == "warn"]

    @property
    def passed(self) -> bool:
        """True when no check of severity `fail` failed."""
        return not self.failures

    def message(self) -> str:
        """Say which checks failed or warned and where, one line per check, after a summary line."""
        day = self.report_date.isoformat()
        total = len(self.results)
        if not self.failures and not self.warnings:
            return f"{day} release checks (run {self.run_id}): all {total} passed"
        summary = f"{day} release checks (run {self.run_id}): {len(self.failures)} of {total} failed"
        if self.warnings:
            summary += f", {len(self.warnings)} with warnings"
        lines = [summary]
        lines += [f"FAIL {result.name}: {result.message}" for result in self.failures]
        lines += [f"WARN {result.name}: {result.message}" for result in self.warnings]
        return "\n".join(lines)


def result_of_check(
    check: CheckDefinition,
    failing_rows: int,
    rows: list[dict[str, Any]],
    display: dict[str, str],
    row_total: int | None = None,
) -> CheckResult:
    """Turn what a check found into its result, with a message that names the table and the rows.

    `row_total` is how many rows describe every violation, when that is not `failing_rows`.
    """
    if failing_rows == 0:
        return CheckResult(
            name=check.name, severity=check.severity, status="pass", table=check.table,
            description=check.description, failing_rows=0,
            message=f"{check.table}: passed: {check.description}",
        )
    status = "fail" if check.severity == "fail" else "warn"
    headline_template = check.message_one if failing_rows == 1 else check.message_many
    headline = _format(headline_template, {**display, "count": f"{failing_rows:,}"})
    quoted = [describe_row(check, row, display) for row in rows[:ROWS_IN_MESSAGE]]
    message = f"{check.table}: {headline}"
    if quoted:
        more = "; ..." if (failing_rows if row_total is None else row_total) > len(quoted) else ""
        message += " (" + "; ".join(quoted) + more + ")"
    return CheckResult(
        name=check.name, severity=check.severity, status=status, table=check.table,
        description=check.description, failing_rows=failing_rows, message=message,
        sample=[json_ready(row) for row in rows[:SAMPLE_ROWS]],
    )


def describe_row(check: CheckDefinition, row: dict[str, Any], display: dict[str, str]) -> str:
    """Write one violating row with the check's row format, or as `column=value` pairs without one."""
    values = {name: shown_value(value) for name, value in row.items()}
    if check.row_format:
        try:
            return check.row_format.format_map({**display, **values})
        except (KeyError, IndexError, ValueError):
            pass  # a row format naming a column the query does not return: fall back to every column
    return ", ".join(f"{name}={value}" for name, value in values.items())


def shown_value(value: Any) -> str:
    """Write a value as the message shows it: numbers as stored, a missing value as 'missing'."""
    if value is None:
        return "missing"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def json_ready(row: dict[str, Any]) -> dict[str, Any]:
    """Return the row with values JSON can hold; amounts become strings so that no paisa is lost."""
    ready: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, Decimal):
            ready[name] = str(value)
        elif isinstance(value, (date, datetime)):
            ready[name] = value.isoformat()
        elif isinstance(value, (tuple, list)):
            ready[name] = [json_ready({"v": item})["v"] for item in value]
        elif value is None or isinstance(value, (str, int, float, bool)):
            ready[name] = value
        else:
            ready[name] = str(value)
    return ready


def _format(template: str, values: dict[str, str]) -> str:
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return template
